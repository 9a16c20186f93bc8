"""What several rules read from a record: legal bases, controller registers, special category
data. Kept in one place so that the rules agree on it (a data category's special mark counts
for every item of that category, in every rule)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ropa.record import Entity
from ropa.rules import Context, per_context


def controller_registers(context: Context) -> Iterator[Entity]:
    """The registers kept as controller (Art. 30(1)), in record order."""
    for register in context.record.registers:
        if register.get("role") == "controller":
            yield register


def bases(
    context: Context, registers: Iterable[Entity] | None = None
) -> Iterator[tuple[Entity, Entity, Entity]]:
    """(register, purpose, legal basis) for every basis of every purpose of `registers`
    (default: all)."""
    if registers is None:
        yield from _all_bases(context)
        return
    for register in registers:
        for purpose in register.entities("purposes"):
            for basis in purpose.entities("legal_bases"):
                yield register, purpose, basis


@per_context
def _all_bases(context: Context) -> list[tuple[Entity, Entity, Entity]]:
    return [(register, purpose, basis) for register in context.record.registers
            for purpose in register.entities("purposes")
            for basis in purpose.entities("legal_bases")]  # fmt: skip


def special_data(context: Context, register: Entity) -> list[tuple[Entity, str]]:
    """(personal data item, special category) for each item of `register` that is special
    category or criminal-offence data, marked on the item or on its data category."""
    categories = context.record.index("data_categories")
    found = []
    for item in register.entities("personal_data"):
        kind = item.get("special_category")
        general = categories.get(item.get("category") or "")
        if kind is None and general is not None:
            kind = general.get("special_category")
        if kind:
            found.append((item, str(kind)))
    return found


def special_kind(kind: str) -> str:
    """How a finding names a `special_category` value: data on criminal convictions and
    offences is Art. 10 data, not one of the Art. 9(1) special categories."""
    if kind == "criminal_convictions":
        return "criminal-offence data (Art. 10)"
    return f"special category data ({kind})"
