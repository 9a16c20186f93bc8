"""What every section of a notice needs: the record, its words in one language, the registers
that are published and the catalogue entries they use."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ropa.countries import CountryData
from ropa.notice.model import Link, Statement, fill, plain
from ropa.notice.wording import Wording
from ropa.record import Entity, Place, Record


class Context:
    """One record seen in one language, for building its pages."""

    def __init__(
        self,
        record: Record,
        countries: CountryData,
        lang: str,
        catalogs: Path | None = None,
        changelog: bool = False,
        last_updated: str | None = None,
    ) -> None:
        controller = record.controller
        assert controller is not None, "pages are built only from a validated record"
        self.record = record
        self.controller = controller
        self.countries = countries
        self.lang = lang
        self.words = Wording(record, countries, lang, catalogs)
        self._ = self.words._
        self.n_ = self.words.n_
        self.fmt = self.words.fmt
        self.changelog = changelog
        self.last_updated = last_updated

    # --- statements from fields ------------------------------------------------------------

    def say(self, message: str, *sources: Place, **values: Any) -> Statement:
        """A translated sentence about the fields `sources`, with values filled in."""
        return fill(message, sources, **values)

    def field(self, entity: Entity | None, key: str) -> Statement:
        """A text field of an entity as a statement (empty when the field is absent)."""
        if entity is None:
            return Statement(())
        text = self.words.text(entity.get(key))
        return plain(text, entity.place / key) if text else Statement(())

    def name(self, entity: Entity, key: str = "name") -> Statement:
        return self.field(entity, key)

    def link(
        self, url: str, place: Place, text: str | None = None, internal: bool = False
    ) -> Statement:
        return Statement((Link(text or url, url, internal),), (place,))

    def mail(self, address: str, place: Place) -> Statement:
        return Statement((Link(address, f"mailto:{address}"),), (place,))

    def joined(self, statements: list[Statement], style: str = "and") -> Statement:
        """Statements joined as a list in running text ('a, b and c')."""
        kept = [s for s in statements if s]
        if not kept:
            return Statement(())
        if len(kept) == 1:
            return kept[0]
        # Babel joins strings; join placeholders and fill them back with the statements.
        keys = [f"item{i}" for i in range(len(kept))]
        pattern = self.fmt.join([f"%({k})s" for k in keys], style)
        return fill(pattern, (), **dict(zip(keys, kept, strict=True)))

    def way(self, channel: Entity) -> Statement:
        """How to reach us through one channel, as a phrase ('by e-mail to x@y', the address a
        link); empty for a channel that only has a description."""
        message, address = self.words.channel_message(channel.data, self.controller.get("email"))
        if not message:
            return Statement(())
        if not address:
            return self.say(message, channel.place)
        kind = channel.data["kind"]
        where = (
            channel.place / "address" if channel.get("address") else self.controller.place / "email"
        )
        if kind == "email":
            target: Statement | str = self.mail(address, where)
        elif kind == "web_form" and address.lower().startswith("https://"):
            target = self.link(address, where)
        else:
            target = address
        return self.say(message, channel.place, address=target)

    def ways(self, channels: list[Entity]) -> Statement:
        """Channels as alternatives in running text ('by e-mail to x or by post')."""
        return self.joined([self.way(ch) for ch in channels], "or")

    def upper_first(self, statement: Statement) -> Statement:
        parts = list(statement.parts)
        if parts and isinstance(parts[0], str):
            parts[0] = parts[0][:1].upper() + parts[0][1:]
        return Statement(tuple(parts), statement.sources, statement.frame)

    # --- what is published ----------------------------------------------------------------

    @functools.cached_property
    def registers(self) -> list[Entity]:
        """The registers of the public notice (`publish: false` keeps one out)."""
        return [r for r in self.record.registers if r.get("publish", True) is not False]

    @functools.cached_property
    def controller_registers(self) -> list[Entity]:
        return [r for r in self.registers if r.get("role") == "controller"]

    @functools.cached_property
    def processor_registers(self) -> list[Entity]:
        return [r for r in self.registers if r.get("role") == "processor"]

    def used(self, catalogue: str, key: str) -> list[Entity]:
        """Catalogue entries that a published register refers to, or that no register uses.

        An entry used only by unpublished registers (an employee register, say) stays off
        the public page.
        """
        used_by_published = {ref for r in self.registers for ref in references(r, key)}
        used_at_all = {ref for r in self.record.registers for ref in references(r, key)}
        return [
            e
            for e in self.record.catalogues[catalogue]
            if e.id in used_by_published or e.id not in used_at_all
        ]

    @functools.cached_property
    def processors(self) -> list[Entity]:
        return self.used("processors", "processors")

    @functools.cached_property
    def recipients(self) -> list[Entity]:
        cookies = self.controller.get("cookies") or {}
        listed = {r.id for r in self.used("recipients", "recipients")}
        listed.update(cookies.get("recipients") or ())
        return [e for e in self.record.catalogues["recipients"] if e.id in listed]

    @functools.cached_property
    def sources(self) -> list[Entity]:
        return self.used("sources", "sources")

    @functools.cached_property
    def data_categories(self) -> list[Entity]:
        return self.used("data_categories", "personal_data")

    @functools.cached_property
    def transfers(self) -> list[Transfer]:
        """Transfers to third countries by the published processors and recipients."""
        return _transfers(self)

    def index(self, catalogue: str) -> dict[str, Entity]:
        return self.record.index(catalogue)


@dataclass(frozen=True)
class Transfer:
    """A transfer to a third country by a processor or recipient, in the page's words."""

    holder: Entity
    transfer: Entity
    name: Statement
    legal_entity: Statement
    country: Statement
    mechanism: Statement
    ground: Statement
    note: Statement
    condition: Statement  # an Art. 49 derogation's situation


def _transfers(ctx: Context) -> list[Transfer]:
    rows = []
    for holder in (*ctx.processors, *ctx.recipients):
        for transfer in holder.entities("transfers"):
            code = ctx.countries.canonical(transfer.data["country"]) or transfer.data["country"]
            mechanism = transfer.data["mechanism"]
            rows.append(
                Transfer(
                    holder,
                    transfer,
                    ctx.name(holder, "system" if holder.get("system") else "name"),
                    ctx.field(holder, "legal_entity"),
                    ctx.say("%(c)s", transfer.place / "country", c=ctx.words.place_name(code)),
                    ctx.say(
                        "%(m)s", transfer.place / "mechanism", m=ctx.words.mechanism(mechanism)
                    ),
                    ctx.say(
                        "%(g)s", transfer.place / "mechanism", g=ctx.words.ground(mechanism, code)
                    ),
                    ctx.field(transfer, "note"),
                    ctx.field(transfer, "condition"),
                )
            )
    return rows


def references(register: Entity, key: str) -> Iterator[str]:
    """The catalogue ids a register refers to under `key`."""
    if key == "processors":
        for use in register.get("processors") or []:
            yield use.get("processor")
    elif key == "personal_data":
        for item in register.get("personal_data") or []:
            if item.get("category"):
                yield item["category"]
    elif key == "sources":
        yield from register.get("sources") or []
        for item in register.get("personal_data") or []:
            yield from item.get("sources") or []
    else:
        yield from register.get(key) or []
