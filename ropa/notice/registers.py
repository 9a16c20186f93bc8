"""Each published register in detail (Art. 13(1)(e), 14(1)(d)), the processor list page and
the transfer table page."""

from __future__ import annotations

from ropa.notice.context import Context, Transfer
from ropa.notice.data import source_name
from ropa.notice.model import Blocks, Section, Statement, join
from ropa.record import Entity, Place


def _personal_data(ctx: Context, item: Entity) -> Statement:
    sources = ctx.index("sources")
    names = [
        source_name(ctx, sources[s]) if s in sources else Statement(())
        for s in item.get("sources") or []
    ]
    if not any(names):
        return ctx.name(item)
    kept = [n for n in names if n]
    return ctx.say(
        ctx.n_("%(data)s (source: %(origins)s)", "%(data)s (sources: %(origins)s)", len(kept)),
        item.place / "sources",
        data=ctx.name(item),
        origins=join(kept, "; "),
    )


def systems_table(ctx: Context, register: Entity, blocks: Blocks) -> None:
    _ = ctx._
    processors = ctx.index("processors")
    rows = []
    for use in register.entities("processors"):
        processor = processors.get(use.data["processor"])
        if processor is None:
            continue
        rows.append(
            (
                ctx.name(processor, "system"),
                ctx.field(processor, "legal_entity"),
                ctx.say("%(l)s", processor.place / "countries",
                        l=ctx.words.locations(processor.data["countries"])),
                ctx.field(use, "purpose"),
            )
        )  # fmt: skip
    caption = (
        _("%(register)s: sub-processors")
        if register.get("role") == "processor"
        else _("%(register)s: processors")
    )
    blocks.table(
        caption % {"register": ctx.words.text(register.get("name"))},
        (_("System"), _("Provider"), _("Where data is processed"), _("Purpose of the service")),
        rows,
    )


def registers(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    for register in ctx.controller_registers:
        section = Blocks()
        section.paragraph(ctx.field(register, "description"))
        section.items(
            ctx.say(_("Whose personal data we process:")),
            [ctx.name(d) for d in register.entities("data_subjects")],
        )
        section.items(
            ctx.say(_("Personal data in the register:")),
            [_personal_data(ctx, d) for d in register.entities("personal_data")],
        )
        if register.get("special_category_data") is False:
            section.paragraph(
                ctx.say(
                    _("We do not process special categories of personal data in this register."),
                    register.place / "special_category_data",
                )
            )
        systems_table(ctx, register, section)
        blocks.subsection(ctx.name(register), section, f"register-{register.id}")
    return blocks.section("registers", _("Our registers"))


def processors_page(ctx: Context) -> list[Section]:
    """The processor list: per register, then every processor with its details."""
    _ = ctx._
    sections = []
    for register in ctx.registers:
        blocks = Blocks()
        systems_table(ctx, register, blocks)
        section = blocks.section(f"register-{register.id}", ctx.words.text(register.get("name")))
        if section is not None:
            sections.append(section)
    rows = []
    by_holder: dict[Place, list[Transfer]] = {}
    for t in ctx.transfers:
        by_holder.setdefault(t.holder.place, []).append(t)
    for processor in ctx.processors:
        uses = ctx.record.processor_uses.get(processor.id, [])
        registers_ = ctx.joined(
            [ctx.name(r) for r, _u in uses if r.get("publish", True) is not False]
        )
        transfers = by_holder.get(processor.place, [])
        mechanisms = join(
            [ctx.say(_("%(country)s: %(mechanism)s"), country=t.country, mechanism=t.mechanism) for t in transfers],
            "; ",
        )  # fmt: skip
        details = [ctx.field(processor, "note")]
        if processor.get("website"):
            details.append(ctx.link(processor.data["website"], processor.place / "website"))
        for sub in processor.entities("sub_processors"):
            where = ctx.words.locations(sub.data["countries"])
            details.append(
                ctx.say(
                    _("Sub-processor: %(entity)s (%(countries)s), %(service)s"),
                    sub.place / "countries",
                    entity=ctx.field(sub, "legal_entity"),
                    countries=where,
                    service=ctx.field(sub, "service"),
                )
                if sub.get("service")
                else ctx.say(
                    _("Sub-processor: %(entity)s (%(countries)s)"),
                    sub.place / "countries",
                    entity=ctx.field(sub, "legal_entity"),
                    countries=where,
                )
            )
        rows.append(
            (
                ctx.name(processor, "system"),
                _provider(ctx, processor),
                ctx.say("%(l)s", processor.place / "countries",
                        l=ctx.words.locations(processor.data["countries"])),
                registers_,
                mechanisms,
                join(details),
            )
        )  # fmt: skip
    blocks = Blocks()
    blocks.table(
        _("Every processor with its countries, registers and transfer mechanisms"),
        (_("System"), _("Provider"), _("Where data is processed"), _("Registers"),
         _("Transfer mechanism"), _("More information")),
        rows,
    )  # fmt: skip
    section = blocks.section("all", _("All processors"))
    if section is not None:
        sections.append(section)
    return sections


def processors_opening(ctx: Context) -> Blocks:
    """What the processor list is, and whether every processor has signed a DPA."""
    _ = ctx._
    blocks = Blocks()
    acting = {p for r in ctx.processor_registers for p in _processor_ids(r)}
    own = {p for r in ctx.controller_registers for p in _processor_ids(r)}
    used = [p for p in ctx.processors if p.id in own or p.id not in acting]
    if used:
        statement = ctx.say(
            _("%(name)s uses these service providers (processors) to process personal data on its behalf."),
            *[p.place for p in used],
            name=ctx.name(ctx.controller),
        )  # fmt: skip
        signed = Statement(())
        if all((p.get("dpa") or {}).get("signed") for p in used):
            signed = ctx.say(
                _("A data processing agreement is in place with each of them."),
                *[p.place / "dpa" / "signed" for p in used],
            )
        blocks.paragraph(statement, signed)
    for register in ctx.processor_registers:
        if register.get("processors"):
            blocks.paragraph(
                ctx.say(
                    _("For %(register)s, where we act as a processor for other controllers, the providers listed are our sub-processors."),
                    register.place / "role",
                    register=ctx.name(register),
                )
            )  # fmt: skip
    return blocks


def _processor_ids(register: Entity) -> list[str]:
    return [u.get("processor") for u in register.get("processors") or []]


def _provider(ctx: Context, processor: Entity) -> Statement:
    entity = ctx.field(processor, "legal_entity")
    if processor.get("headquarters"):
        return ctx.say(
            ctx._("%(entity)s (headquarters: %(country)s)"),
            processor.place / "headquarters",
            entity=entity,
            country=ctx.words.place_name(processor.data["headquarters"]),
        )
    return entity


def transfers_page(ctx: Context) -> Blocks:
    """The transfer table page: one table under the page's title, no section of its own."""
    _ = ctx._
    rows = ctx.transfers
    blocks = Blocks()
    if rows:
        blocks.paragraph(
            ctx.say(
                _("Each row is a transfer of personal data to a country outside the EU/EEA and the transfer mechanism it rests on."),
                *[t.transfer.place for t in rows],
            )
        )  # fmt: skip
    blocks.table(
        _("Each transfer outside the EU/EEA with its transfer mechanism"),
        (_("System or recipient"), _("Provider"), _("Country"), _("Transfer mechanism"), _("Legal ground")),
        [
            (t.name, t.legal_entity, t.country, join([t.mechanism, t.condition, t.note], ". "), t.ground)
            for t in rows
        ],
    )  # fmt: skip
    copy = ctx.controller.child("safeguards_copy")
    if copy is not None and rows:
        way = ctx.words.channel(copy.data, ctx.controller.get("email"))
        if way:
            blocks.paragraph(
                ctx.say(_("You can request a copy of the safeguards %(way)s."), copy.place, way=way)
            )
    return blocks
