"""What personal data is processed and where it comes from (Art. 13(1)(e)... 14(1)(d),
14(2)(f)), and what the record says about special categories (Art. 9, 10)."""

from __future__ import annotations

from ropa.notice.context import Context
from ropa.notice.model import Blocks, Section, Statement, join
from ropa.record import Entity


def data(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    blocks.items(
        ctx.say(_("We process these categories of personal data about you:")),
        [ctx.name(d) for d in ctx.data_categories],
    )
    blocks.extend(special_categories(ctx))
    return blocks.section("data", _("What personal data we process"))


def special_items(ctx: Context) -> list[tuple[Entity, Entity, str]]:
    """(register, item, special category) for every special-category item of a published
    register, the item's own category first, else its data category's."""
    categories = ctx.index("data_categories")
    found = []
    for register in ctx.controller_registers:
        for item in register.entities("personal_data"):
            kind = item.get("special_category")
            if kind is None:
                general = categories.get(item.get("category") or "")
                kind = general.get("special_category") if general is not None else None
            if kind:
                found.append((register, item, kind))
    return found


def special_categories(ctx: Context) -> Blocks:
    """The special categories processed, with their Art. 9(2) condition, or the controller's
    own statement that it processes none; silence when the record says neither."""
    _ = ctx._
    blocks = Blocks()
    c = ctx.controller
    found = special_items(ctx)
    if not found:
        if c.get("special_category_data") is False:
            blocks.paragraph(
                ctx.say(
                    _("We do not process special categories of personal data about you, such as health data, data revealing ethnic origin or religious beliefs."),
                    c.place / "special_category_data",
                )
            )  # fmt: skip
        return blocks
    # One item per register: the record ties Art. 9(2) conditions to purposes, not to data
    # items, so a register's conditions are stated for its special category data as a whole.
    items = []
    registers = [r for r in ctx.controller_registers if any(f[0] is r for f in found)]
    for register in registers:
        data = [
            ctx.say(
                _("%(data)s (%(kind)s)"),
                item.place / "special_category"
                if item.get("special_category")
                else item.place / "category",
                data=ctx.name(item),
                kind=ctx.words.special_category(kind),
            )
            for r, item, kind in found
            if r is register
        ]
        seen: dict[str, Statement] = {}
        for purpose in register.entities("purposes"):
            condition = purpose.get("special_category_condition")
            if condition and condition not in seen:
                seen[condition] = ctx.say(
                    "%(c)s",
                    purpose.place / "special_category_condition",
                    c=ctx.words.condition(condition),
                )
        statement = ctx.say(
            _("%(register)s: %(data)s."), register=ctx.name(register), data=ctx.joined(data)
        )
        if seen:
            statement = join(
                [
                    statement,
                    ctx.say(
                        _("We process these data on the basis of %(conditions)s."),
                        conditions=ctx.joined(list(seen.values())),
                    ),
                ]
            )
        items.append(statement)
    blocks.items(
        ctx.say(_("We process these special categories of personal data:")),
        items,
    )
    return blocks


def sources(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    regular = [s for s in ctx.sources if not s.get("occasional")]
    occasional = [s for s in ctx.sources if s.get("occasional")]
    blocks.items(
        ctx.say(_("We collect personal data from these sources:")),
        [source_name(ctx, s) for s in regular],
    )
    blocks.items(
        ctx.say(_("In some cases we also collect personal data from these sources:")),
        [source_name(ctx, s) for s in occasional],
    )
    cookies = ctx.controller.child("cookies")
    if cookies is not None:
        blocks.paragraph(
            ctx.say(
                _("The section on cookies below explains how we collect data with cookies and similar technologies."),
                cookies.place,
            )
        )  # fmt: skip
    return blocks.section("sources", _("Where your personal data comes from"))


def source_name(ctx: Context, source: Entity) -> Statement:
    if source.get("publicly_accessible"):
        return ctx.say(
            ctx._("%(source)s, publicly accessible"),
            source.place / "publicly_accessible",
            source=ctx.name(source),
        )
    return ctx.name(source)
