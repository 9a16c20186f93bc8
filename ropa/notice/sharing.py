"""Who receives personal data: recipients (Art. 13(1)(e)), processors (Art. 28) and transfers
outside the EU/EEA with their mechanisms (Art. 13(1)(f), 44-49)."""

from __future__ import annotations

from ropa.notice.context import Context, Transfer
from ropa.notice.model import Blocks, Link, Section, Statement, join


def recipients(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    items = []
    for recipient in ctx.recipients:
        details = join([ctx.field(recipient, "description"), ctx.field(recipient, "condition")])
        items.append(
            ctx.say(_("%(name)s: %(details)s"), name=ctx.name(recipient), details=details)
            if details
            else ctx.name(recipient)
        )
    blocks.items(ctx.say(_("We disclose personal data to these recipients:")), items)
    return blocks.section("sharing", _("Who we share your personal data with"))


def processors(ctx: Context) -> Section | None:
    _ = ctx._
    used = ctx.processors
    if not used:
        return None
    statements = ctx.controller.child("statements")
    blocks = Blocks()
    blocks.paragraph(
        ctx.say(
            _("We use processors: service providers that process personal data on our behalf and on our instructions."),
            *[p.place for p in used],
        ),
        ctx.field(statements, "processor_kinds"),
    )  # fmt: skip
    if all((p.get("dpa") or {}).get("signed") for p in used):
        blocks.paragraph(
            ctx.say(
                _("We have concluded a data processing agreement with each of them."),
                *[p.place / "dpa" / "signed" for p in used],
            )
        )
    if any(r.get("processors") for r in ctx.registers):
        blocks.paragraph(
            ctx.say(
                _("The processors of each register are listed below and on our %(link)s."),
                *[r.place / "processors" for r in ctx.registers if r.get("processors")],
                link=Statement((Link(_("list of processors"), f"processors.{ctx.lang}", True),)),
            ),
            ctx.field(statements, "processor_details"),
        )
    return blocks.section("processors", _("Processors"))


def transfers(ctx: Context) -> Section | None:
    _ = ctx._
    rows = ctx.transfers
    if not rows:
        return None
    blocks = Blocks()
    by_processors = any(t.holder.get("system") is not None for t in rows)
    by_recipients = any(t.holder.get("system") is None for t in rows)
    if by_processors and by_recipients:
        intro = _(
            "Some of our processors and recipients process personal data outside the EU/EEA. Each transfer rests on the transfer mechanism shown in the table."
        )
    elif by_processors:
        intro = _(
            "Some of our processors process personal data outside the EU/EEA. Each transfer rests on the transfer mechanism shown in the table."
        )
    else:
        intro = _(
            "Some of the recipients of personal data are outside the EU/EEA. Each transfer rests on the transfer mechanism shown in the table."
        )
    blocks.paragraph(
        ctx.say(intro, *[t.transfer.place for t in rows]),
        ctx.field(ctx.controller.child("statements"), "processor_safeguards"),
    )  # fmt: skip
    blocks.table(
        _("Each transfer outside the EU/EEA with its transfer mechanism"),
        (_("Processor or recipient"), _("Country"), _("Transfer mechanism")),
        [
            (
                _entity(ctx, t),
                t.country,
                join([ctx.say(_("%(mechanism)s; legal ground: %(ground)s."), mechanism=t.mechanism, ground=t.ground), t.condition, t.note]),
            )
            for t in rows
        ],
    )  # fmt: skip
    blocks.extend(safeguards_copy(ctx))
    return blocks.section("transfers", _("Transfers outside the EU/EEA"))


def safeguards_copy(ctx: Context) -> Blocks:
    """How to get a copy of the transfer safeguards, as the record says (Art. 13(1)(f))."""
    blocks = Blocks()
    copy = ctx.controller.child("safeguards_copy")
    if copy is not None and ctx.transfers:
        way = ctx.way(copy)
        blocks.paragraph(
            ctx.say(ctx._("You can request a copy of the safeguards %(way)s."), way=way)
            if way
            else Statement(()),
            ctx.field(copy, "description"),
        )
    return blocks


def _entity(ctx: Context, t: Transfer) -> Statement:
    if t.legal_entity:
        return ctx.say(ctx._("%(system)s (%(entity)s)"), system=t.name, entity=t.legal_entity)
    return t.name
