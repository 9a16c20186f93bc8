"""Changes between two versions of a record, in the record's own terms.

Each change is `material` (people must be told before it takes effect; customers are owed
notice of a new sub-processor, Art. 28(2)) or `editorial`. The classification rules:

| rule | change | class |
|---|---|---|
| processor-added | a new processor | material |
| processor-removed | a processor is no longer used | editorial |
| legal-entity-changed | a processor's legal entity changed: a different company | material |
| transfer-added | a processor or recipient gains a country outside the EU/EEA | material |
| country-added | a processor or recipient gains a country inside the EU/EEA | editorial |
| country-removed | a processor or recipient loses a country | editorial |
| mechanism-changed | the safeguard of a transfer to a country kept changed, was first recorded or is gone (people were told the old one) | material |
| register-added / register-removed | a register appears (or is published: `publish: false` lifted) / disappears | material / editorial |
| purpose-added / purpose-removed | a purpose of a register | material / editorial |
| legal-basis-added / legal-basis-removed | an Art. 6 basis of a purpose | material / editorial |
| data-added / data-removed | a personal data or data subject category of a register | material / editorial |
| recipient-added / recipient-removed | a recipient of a register | material / editorial |
| processor-use-added / processor-use-removed | a register starts / stops using a processor | material / editorial |
| retention-longer / retention-shorter | a retention period grows / shrinks | material / editorial |
| retention-changed | a retention rule changes in a way that cannot be compared, or a rule is added or removed | material |
| text-changed | a text changed in the controller's first language | editorial |
| translation-changed | only other languages of a text changed | editorial |
| field-changed | any other field (owner, review date, contact, notes...) | editorial |
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ropa.countries import CountryData
from ropa.record import Entity, Record
from ropa.text import one_line

DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}


@dataclass(frozen=True)
class Change:
    """One change, with where it is and whether it is material."""

    material: bool
    rule: str
    subject: str
    description: str
    # Raw values (per-language texts, codes, rules) for describing the change in a language.
    params: tuple[tuple[str, Any], ...] = ()

    def param(self, key: str) -> Any:
        return dict(self.params).get(key)

    @property
    def kind(self) -> str:
        return "material" if self.material else "editorial"

    def format(self) -> str:
        """One line of plain text; line breaks and control characters from data escaped."""
        return (
            f"{self.kind:<9} {one_line(self.subject)}: {one_line(self.description)} [{self.rule}]"
        )


def _name(value: Any, languages: list[str]) -> str:
    if isinstance(value, dict):
        for lang in languages:
            if lang in value:
                return str(value[lang])
        return str(next(iter(value.values()), ""))
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Whole:
    """For comparing parts of two records (the files that changed between them): what the
    whole records say that the parts may not. The languages of each record's controller, and
    the whole new record's catalogues by id (a catalogue not given is the part's own)."""

    old_languages: list[str]
    new_languages: list[str]
    names: Mapping[str, Mapping[str, Entity]]


class Differ:
    """Compares two assembled records, or the same parts of two records (see `Whole`)."""

    def __init__(
        self,
        old: Record,
        new: Record,
        countries: CountryData,
        whole: Whole | None = None,
    ) -> None:
        self.old, self.new, self.countries = old, new, countries
        self.whole = whole or Whole(old.languages, new.languages, {})
        self.languages = self.whole.new_languages or self.whole.old_languages
        every = set(self.whole.old_languages) | set(self.whole.new_languages)
        self.text_keys = every or {"sv", "fi", "en"}

    def _index(self, catalogue: str) -> Mapping[str, Entity]:
        """The new record's entries of a catalogue by id, for the names of references."""
        found = self.whole.names.get(catalogue)
        return self.new.index(catalogue) if found is None else found

    def name(self, value: Any) -> str:
        return _name(value, self.languages)

    def changes(self) -> list[Change]:
        return list(self._all())

    def _all(self) -> Iterator[Change]:
        old_c, new_c = self.old.controller, self.new.controller
        # An entity read from the same file version is the same object: nothing to compare
        # (history reads each version once, so a commit costs what it changed).
        if old_c is not None and new_c is not None and old_c.data is not new_c.data:
            yield from self._fields("controller", old_c.data, new_c.data, {"retention"})
            yield from self._retention("controller", old_c.get("retention") or [],
                                       new_c.get("retention") or [], new_c.get("name"))  # fmt: skip
        yield from self._catalogue("processors", "processor", self._processor)
        yield from self._catalogue("recipients", "recipient", self._holder)
        for name in ("sources", "data_categories", "purpose_groups"):
            yield from self._catalogue(name, name.rstrip("s").replace("_", " "), None)
        yield from self._registers()

    # --- catalogues ------------------------------------------------------------------------

    def _catalogue(self, catalogue: str, noun: str, compare: Any) -> Iterator[Change]:
        old, new = self.old.index(catalogue), self.new.index(catalogue)
        if old is new:
            return  # the same index: built from the same documents' entries
        material_add = catalogue in ("processors", "recipients")
        for key, entity in new.items():
            subject = f"{catalogue}/{key}"
            if key not in old:
                rule = f"{noun.replace(' ', '-')}-added"
                params = (
                    ("name", entity.get("system") or entity.get("name")),
                    ("entity", entity.get("legal_entity")),
                    ("countries", tuple(entity.get("countries") or ())),
                )
                yield Change(
                    material_add, rule, subject, f"{noun} added: {self._describe(entity)}", params
                )
            elif old[key].data is entity.data:
                continue
            elif compare is not None:
                yield from compare(subject, old[key], entity)
            else:
                yield from self._fields(subject, old[key].data, entity.data, set())
        for key, entity in old.items():
            if key not in new:
                rule = f"{noun.replace(' ', '-')}-removed"
                yield Change(
                    False, rule, f"{catalogue}/{key}", f"{noun} removed: {self._describe(entity)}"
                )

    def _describe(self, entity: Entity) -> str:
        parts = [self.name(entity.get("system") or entity.get("name"))]
        if entity.get("legal_entity"):
            parts.append(str(entity.get("legal_entity")))
        if entity.get("countries"):
            parts.append("in " + ", ".join(entity.get("countries")))
        transfers = [f"{t['country']} {t['mechanism']}" for t in entity.get("transfers") or []]
        if transfers:
            parts.append("transfers " + ", ".join(transfers))
        return "; ".join(p for p in parts if p)

    def _places(self, entity: Entity) -> set[str]:
        return {m for code in entity.get("countries") or [] for m in self.countries.expand(code)}

    def _holder(
        self, subject: str, old: Entity, new: Entity, handled: frozenset[str] = frozenset()
    ) -> Iterator[Change]:
        before, after = self._places(old), self._places(new)
        for code in sorted(after - before):
            if self.countries.in_eea(code):
                yield Change(False, "country-added", subject, f"now also in {code}")
            else:
                mechanism = next(
                    (t["mechanism"] for t in new.get("transfers") or []
                     if self.countries.canonical(t["country"]) == code),
                    "no mechanism",
                )  # fmt: skip
                yield Change(
                    True,
                    "transfer-added",
                    subject,
                    f"new transfer outside the EU/EEA: {code} ({mechanism})",
                    (("name", new.get("system") or new.get("name")), ("country", code),
                     ("mechanism", mechanism)),
                )  # fmt: skip
        removed = sorted(before - after)
        if removed:
            regions = [
                c
                for c in old.get("countries") or []
                if c in self.countries.regions and c not in (new.get("countries") or [])
            ]
            shown = regions + [
                c for c in removed if not any(c in self.countries.expand(r) for r in regions)
            ]
            yield Change(False, "country-removed", subject, f"no longer in {', '.join(shown)}")
        # Transfers by country. A safeguard recorded where there was none for a country the
        # holder already had (people were told "no transfer mechanism"), or one no longer
        # recorded for a country it keeps, changes what people were told, as a new one does;
        # a transfer's other fields (its TIA, its verification) are editorial.
        old_t = self._transfers(old)
        new_t = self._transfers(new)
        name = new.get("system") or new.get("name")
        for code, transfer in new_t.items():
            was = old_t[code].get("mechanism") if code in old_t else None
            mechanism = transfer.get("mechanism")
            if code not in old_t and code not in before:
                continue  # a new country: transfer-added above says its safeguard
            if was != mechanism:
                yield Change(True, "mechanism-changed", subject,
                             f"transfer to {code} now rests on {mechanism} (was {was or 'no mechanism'})",
                             (("name", name), ("country", code), ("mechanism", mechanism),
                              ("was", was)))  # fmt: skip
            if code in old_t:
                yield from self._fields(f"{subject}/transfers/{code}", old_t[code], transfer,
                                        {"country", "mechanism"})  # fmt: skip
        for code in old_t:
            if code not in new_t and code in after:
                yield Change(True, "mechanism-changed", subject,
                             f"transfer to {code} now rests on no mechanism (was {old_t[code].get('mechanism')})",
                             (("name", name), ("country", code), ("mechanism", None),
                              ("was", old_t[code].get("mechanism"))))  # fmt: skip
        yield from self._fields(subject, old.data, new.data, {"countries", "transfers", *handled})

    def _transfers(self, entity: Entity) -> dict[str, dict[str, Any]]:
        """A holder's transfers by canonical country code (the first of a country's)."""
        found: dict[str, dict[str, Any]] = {}
        for transfer in entity.get("transfers") or []:
            if isinstance(transfer, dict):
                country = transfer.get("country")
                if isinstance(country, str):
                    found.setdefault(self.countries.canonical(country) or country, transfer)
        return found

    def _processor(self, subject: str, old: Entity, new: Entity) -> Iterator[Change]:
        if old.get("legal_entity") != new.get("legal_entity"):
            yield Change(True, "legal-entity-changed", subject,
                         f"legal entity {old.get('legal_entity')} -> {new.get('legal_entity')}",
                         (("name", new.get("system")), ("entity", new.get("legal_entity")),
                          ("was", old.get("legal_entity"))))  # fmt: skip
        yield from self._sub_processors(subject, old, new)
        yield from self._holder(subject, old, new, frozenset({"legal_entity", "sub_processors"}))

    def _sub_processors(self, subject: str, old: Entity, new: Entity) -> Iterator[Change]:
        """A new sub-processor is the notice Art. 28(2) is about; so is one that starts to
        process data outside the EU/EEA. Matched by legal entity."""

        def by_entity(entity: Entity) -> dict[str, dict[str, Any]]:
            return {str(sub.get("legal_entity")): sub for sub in entity.get("sub_processors") or []
                    if isinstance(sub, dict)}  # fmt: skip

        before, after = by_entity(old), by_entity(new)
        name = new.get("system") or new.get("name")
        for entity, sub in after.items():
            where = f"{subject}/sub_processors/{entity}"
            countries = tuple(sub.get("countries") or ())
            if entity not in before:
                yield Change(True, "sub-processor-added", where,
                             f"sub-processor added: {entity}; in {', '.join(countries)}",
                             (("name", name), ("entity", entity), ("countries", countries)))  # fmt: skip
                continue
            was = {
                m for c in before[entity].get("countries") or () for m in self.countries.expand(c)
            }
            now = {m for c in countries for m in self.countries.expand(c)}
            for code in sorted(now - was):
                if not self.countries.in_eea(code):
                    yield Change(True, "sub-processor-transfer-added", where,
                                 f"sub-processor now also in {code}, outside the EU/EEA",
                                 (("name", name), ("entity", entity), ("country", code)))  # fmt: skip
            yield from self._fields(where, before[entity], sub, set())
        for entity in before:
            if entity not in after:
                yield Change(False, "sub-processor-removed", f"{subject}/sub_processors/{entity}",
                             f"sub-processor removed: {entity}")  # fmt: skip

    # --- registers -------------------------------------------------------------------------

    def _registers(self) -> Iterator[Change]:
        old = {r.id: r for r in self.old.registers}
        new = {r.id: r for r in self.new.registers}
        for key, register in new.items():
            subject = f"registers/{key}"
            before = old.get(key)
            if before is not None and before.data is register.data:
                continue
            # A register published now (`publish: false` lifted) is, to the public notice
            # and its change log, a new register.
            published = before is not None and before.get("publish", True) is False
            if before is None or (published and register.get("publish", True) is not False):
                yield Change(
                    True,
                    "register-added",
                    subject,
                    f"register {'added' if before is None else 'published'}:"
                    f" {self.name(register.get('name'))}",
                    (("register", register.get("name")),),
                )
            if before is not None:
                yield from self._register(subject, before, register)
        for key, register in old.items():
            if key not in new:
                yield Change(False, "register-removed", f"registers/{key}",
                             f"register removed: {self.name(register.get('name'))}")  # fmt: skip

    def _items(
        self, subject: str, old: Entity, new: Entity, key: str, noun: str, rule: str
    ) -> Iterator[Change]:
        if old.get(key) is new.get(key):
            return  # the same object: read from the same text
        before = _by_id(old.get(key))
        after = _by_id(new.get(key))
        for item_id, item in after.items():
            previous = before.get(item_id)
            if previous is item:
                continue
            if previous is None:
                yield Change(
                    True, f"{rule}-added", subject, f"{noun} added: {self.name(item.get('name'))}",
                    (("register", new.get("name")), ("name", item.get("name"))),
                )  # fmt: skip
            else:
                yield from self._fields(f"{subject}/{key}/{item_id}", previous, item,
                                        {"legal_bases"})  # fmt: skip
        for item_id, item in before.items():
            if item_id not in after:
                yield Change(
                    False,
                    f"{rule}-removed",
                    subject,
                    f"{noun} removed: {self.name(item.get('name'))}",
                )

    def _refs(self, subject: str, old: list[Any], new: list[Any], noun: str, rule: str,
              names: Mapping[str, Entity], register: Any = None) -> Iterator[Change]:  # fmt: skip
        for ref in new:
            if ref not in old:
                raw = (names[ref].get("system") or names[ref].get("name")) if ref in names else ref
                yield Change(True, f"{rule}-added", subject, f"{noun} added: {self.name(raw)}",
                             (("register", register), ("name", raw)))  # fmt: skip
        for ref in old:
            if ref not in new:
                yield Change(False, f"{rule}-removed", subject, f"{noun} removed: {ref}")

    def _register(self, subject: str, old: Entity, new: Entity) -> Iterator[Change]:
        yield from self._items(subject, old, new, "purposes", "purpose", "purpose")
        yield from self._bases(subject, old, new)
        yield from self._items(subject, old, new, "personal_data", "personal data category", "data")
        yield from self._items(subject, old, new, "data_subjects", "data subject category", "data")
        yield from self._items(subject, old, new, "processing", "category of processing", "purpose")
        yield from self._refs(subject, old.get("recipients") or [], new.get("recipients") or [],
                              "recipient", "recipient", self._index("recipients"), new.get("name"))  # fmt: skip
        yield from self._refs(subject, old.get("sources") or [], new.get("sources") or [],
                              "source", "source", self._index("sources"), new.get("name"))  # fmt: skip
        old_uses = {u["processor"]: u for u in old.get("processors") or []}
        new_uses = {u["processor"]: u for u in new.get("processors") or []}
        yield from self._refs(subject, list(old_uses), list(new_uses), "processor",
                              "processor-use", self._index("processors"), new.get("name"))  # fmt: skip
        for ref, use in new_uses.items():
            if ref in old_uses:
                yield from self._fields(f"{subject}/processors/{ref}", old_uses[ref], use, set())
        yield from self._retention(subject, old.get("retention") or [], new.get("retention") or [],
                                   new.get("name"))  # fmt: skip
        skip = {"purposes", "personal_data", "data_subjects", "processing", "recipients", "sources",
                "processors", "retention"}  # fmt: skip
        yield from self._fields(subject, old.data, new.data, skip)

    def _bases(self, subject: str, old: Entity, new: Entity) -> Iterator[Change]:
        if old.get("purposes") is new.get("purposes"):
            return
        before = _by_id(old.get("purposes"))
        for purpose_id, purpose in _by_id(new.get("purposes")).items():
            if purpose_id not in before or before[purpose_id] is purpose:
                continue
            old_bases = {b["basis"]: b for b in before[purpose_id].get("legal_bases") or []}
            new_bases = {b["basis"]: b for b in purpose.get("legal_bases") or []}
            where = f"{subject}/purposes/{purpose_id}"
            for basis in new_bases:
                if basis not in old_bases:
                    yield Change(True, "legal-basis-added", where, f"legal basis added: {basis}",
                                 (("register", new.get("name")), ("name", purpose.get("name")),
                                  ("basis", basis)))  # fmt: skip
                else:
                    yield from self._fields(
                        f"{where}/legal_bases/{basis}", old_bases[basis], new_bases[basis], set()
                    )
            for basis in old_bases:
                if basis not in new_bases:
                    yield Change(
                        False, "legal-basis-removed", where, f"legal basis removed: {basis}"
                    )

    def _retention(
        self,
        subject: str,
        old: list[dict[str, Any]],
        new: list[dict[str, Any]],
        register: Any = None,
    ) -> Iterator[Change]:
        """Retention rules matched by what they say, not by their place in the list: a rule
        that only moved, or whose wording (`applies_to`, `note`, `internal_note`, `law`)
        changed, is the same rule; one whose period alone changed is longer or shorter."""
        old_left = list(enumerate(old, start=1))
        new_left = list(enumerate(new, start=1))
        pairs: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        for same in (_same_rule, _comparable_rule):
            for entry in list(new_left):
                match = next((o for o in old_left if same(o[1], entry[1])), None)
                if match is not None:
                    old_left.remove(match)
                    new_left.remove(entry)
                    pairs.append((entry[0], match[1], entry[1]))
        changes: list[tuple[int, Change]] = []
        for index, before, after in pairs:
            where = f"{subject}/retention/{index}"
            if _same_rule(before, after):
                changes += [(index, c) for c in self._fields(where, before, after, set())]
                continue
            old_span, new_span = _span(before), _span(after)
            if old_span is not None and new_span is not None:
                # On one scale exactly; across them, a month counts as 30 days.
                same_scale = old_span[0] == new_span[0]
                longer = (new_span[1] > old_span[1] if same_scale
                          else (self._days(after) or 0) > (self._days(before) or 0))  # fmt: skip
                changes.append((index, Change(
                    longer, "retention-longer" if longer else "retention-shorter", where,
                    f"retention {self._period(before)} -> {self._period(after)}",
                    (("register", register), ("rule", after), ("was", before)),
                )))  # fmt: skip
            else:
                changes.append((index, Change(True, "retention-changed", where,
                                "retention rule changed",
                                (("register", register), ("rule", after)))))  # fmt: skip
        for index, rule in new_left:
            changes.append((index, Change(True, "retention-changed",
                            f"{subject}/retention/{index}", "retention rule added",
                            (("register", register), ("rule", rule)))))  # fmt: skip
        for index, _rule in old_left:
            changes.append((len(new) + index, Change(True, "retention-changed",
                            f"{subject}/retention/{index}", "retention rule removed",
                            (("register", register),))))  # fmt: skip
        for _, change in sorted(changes, key=lambda item: item[0]):
            yield change

    @staticmethod
    def _days(rule: dict[str, Any]) -> int | None:
        if "period" not in rule:
            return None
        return int(rule["period"]) * DAYS[rule["unit"]]

    @staticmethod
    def _period(rule: dict[str, Any]) -> str:
        unit = str(rule["unit"])
        return f"{rule['period']} {unit[:-1] if rule['period'] == 1 else unit}"

    # --- any other field ------------------------------------------------------------------

    def _is_text(self, value: Any) -> bool:
        return (
            isinstance(value, dict)
            and bool(value)
            and all(k in self.text_keys for k in value)
            and all(isinstance(v, str) for v in value.values())
        )

    def _fields(
        self, subject: str, old: Any, new: Any, skip: set[str], path: str = ""
    ) -> Iterator[Change]:
        if old is new or old == new:
            return
        if self._is_text(old) and self._is_text(new):
            first = self.languages[0] if self.languages else None
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            where = f"{subject}{path}"
            if first in changed:
                yield Change(False, "text-changed", where, f"text changed ({', '.join(changed)})")
            else:
                yield Change(
                    False,
                    "translation-changed",
                    where,
                    f"translation changed ({', '.join(changed)})",
                )
            return
        if isinstance(old, dict) and isinstance(new, dict):
            for key in [*new, *(k for k in old if k not in new)]:
                if key in skip:
                    continue
                yield from self._fields(subject, old.get(key), new.get(key), set(), f"{path}.{key}")
            return
        if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            for index, (a, b) in enumerate(zip(old, new, strict=True)):
                yield from self._fields(subject, a, b, set(), f"{path}[{index}]")
            return
        yield Change(False, "field-changed", f"{subject}{path}", f"{_short(old)} -> {_short(new)}")


# What a retention rule says in words only: changing it changes no period or trigger.
RETENTION_WORDING = ("applies_to", "note", "internal_note", "law")


def _span(rule: dict[str, Any]) -> tuple[str, int] | None:
    """A rule's period on one scale: ("months", n) for months and years, ("days", n) for
    days and weeks (so that 1 year is 12 months); None without a period."""
    if "period" not in rule:
        return None
    period, unit = int(rule["period"]), rule.get("unit")
    if unit in ("months", "years"):
        return "months", period * (12 if unit == "years" else 1)
    return "days", period * (7 if unit == "weeks" else 1)


def _structure(rule: dict[str, Any], period: bool = True) -> dict[str, Any]:
    skip = RETENTION_WORDING if period else (*RETENTION_WORDING, "period", "unit")
    return {k: v for k, v in rule.items() if k not in skip}


def _same_rule(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The same rule, in other words or units (1 year = 12 months)."""
    return _structure(old, False) == _structure(new, False) and _span(old) == _span(new)


def _comparable_rule(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """The same rule but for its period."""
    return _structure(old, False) == _structure(new, False)


def _by_id(items: Any) -> dict[str, dict[str, Any]]:
    """The mappings of a list by their `id` (as `Entity.id` reads it: "" when it has none)."""
    found: dict[str, dict[str, Any]] = {}
    for item in items or ():
        if isinstance(item, dict):
            value = item.get("id")
            found[value if isinstance(value, str) else ""] = item
    return found


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def diff(old: Record, new: Record, countries: CountryData) -> list[Change]:
    """Every change from `old` to `new`, in record order."""
    return Differ(old, new, countries).changes()
