"""Why personal data is processed: the purposes with their legal bases (Art. 13(1)(c)-(d)),
whether providing the data is required (Art. 13(2)(e)), and the registers kept for customers
as a processor."""

from __future__ import annotations

from ropa.notice.context import Context
from ropa.notice.model import Blocks, Section, Statement, frame, join
from ropa.notice.wording import BASES
from ropa.record import Entity


def purpose_item(ctx: Context, purpose: Entity) -> Statement:
    _ = ctx._
    bases = [
        ctx.say("%(basis)s", b.place / "basis", basis=ctx.words.basis_label(b.data["basis"]))
        for b in purpose.entities("legal_bases")
    ]
    head = ctx.say(
        _("%(purpose)s (legal basis: %(bases)s)."), purpose=ctx.name(purpose), bases=ctx.joined(bases)
    ) if bases else ctx.name(purpose)  # fmt: skip
    return join([head, ctx.field(purpose, "description"), provision(ctx, purpose)])


def provision(ctx: Context, purpose: Entity) -> Statement:
    """Whether the data subject must provide the data, and what follows if not."""
    _ = ctx._
    item = purpose.child("provision")
    if item is None:
        return Statement(())
    requirement = {
        "statutory": _("Providing the data is required by law."),
        "contractual": _("Providing the data is required by a contract."),
        "contract_prerequisite": _("Providing the data is necessary for entering into a contract."),
        "voluntary": _("Providing the data is voluntary."),
    }[item.data["requirement"]]
    return join([ctx.say(requirement, item.place / "requirement"), ctx.field(item, "consequences")])


def purposes(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    groups = ctx.index("purpose_groups")
    grouped: dict[str, list[Entity]] = {}
    other: list[Entity] = []
    for register in ctx.controller_registers:
        for purpose in register.entities("purposes"):
            group = purpose.get("group")
            (grouped.setdefault(group, []) if group in groups else other).append(purpose)
    inner = Blocks()
    for group in ctx.record.catalogues["purpose_groups"]:
        members = grouped.pop(group.id, [])
        section = Blocks()
        section.items(None, [purpose_item(ctx, p) for p in members])
        inner.subsection(ctx.name(group), section)
    if other:
        rest = Blocks()
        rest.items(None, [purpose_item(ctx, p) for p in other])
        if inner.blocks:
            inner.subsection(frame(_("Other purposes")), rest)
        else:
            inner.extend(rest)
    if inner.blocks:
        blocks.paragraph(
            ctx.say(
                _("We process your personal data for the purposes below; the legal basis of each purpose is given with it."),
                *[r.place / "purposes" for r in ctx.controller_registers if r.get("purposes")],
            )
        )  # fmt: skip
        blocks.extend(inner)
    return blocks.section("purposes", _("Why we process personal data"))


def on_behalf(ctx: Context) -> Section | None:
    """The registers kept as a processor (Art. 30(2)): what the service is, no legal basis of
    our own (the customer, as controller, has it)."""
    _ = ctx._
    blocks = Blocks()
    for register in ctx.processor_registers:
        section = Blocks()
        section.paragraph(
            ctx.field(register, "description")
            or ctx.say(
                _("For %(name)s we act as a processor: we process personal data on behalf of our customers and on their instructions. Each customer is the controller of its data."),
                register.place / "role",
                name=ctx.name(register),
            )
        )  # fmt: skip
        if register.get("privacy_page"):
            section.paragraph(
                ctx.say(
                    _("More information: %(link)s"),
                    link=ctx.link(register.data["privacy_page"], register.place / "privacy_page"),
                )
            )
        blocks.subsection(ctx.name(register), section, f"register-{register.id}")
    return blocks.section("on-behalf", _("Processing on behalf of other controllers"))


def bases(ctx: Context) -> Section | None:
    _ = ctx._
    explanations = {
        "consent": _("We process your personal data on the basis of your consent. You can withdraw your consent at any time; this does not affect the lawfulness of processing before the withdrawal."),
        "contract": _("We process your personal data because it is necessary for a contract with you or for steps you ask us to take before entering into a contract."),
        "legitimate_interests": _("We process your personal data on the basis of our legitimate interests."),
        "legal_obligation": _("We process your personal data to comply with a legal obligation."),
        "vital_interests": _("We process your personal data to protect the vital interests of you or another person."),
        "public_task": _("We process your personal data to perform a task in the public interest or in the exercise of official authority."),
    }  # fmt: skip
    headings = {
        "consent": _("Consent"),
        "contract": _("Contract"),
        "legitimate_interests": _("Legitimate interests"),
        "legal_obligation": _("Legal obligation"),
        "vital_interests": _("Vital interests"),
        "public_task": _("Public interest or official authority"),
    }
    uses: dict[str, list[tuple[Entity, Entity, Entity]]] = {b: [] for b in BASES}
    for register in ctx.controller_registers:
        for purpose in register.entities("purposes"):
            for basis in purpose.entities("legal_bases"):
                uses[basis.data["basis"]].append((register, purpose, basis))
    statements = ctx.controller.child("statements")
    blocks = Blocks()
    for basis_id, found in uses.items():
        if not found:
            continue
        section = Blocks()
        section.paragraph(
            ctx.say(explanations[basis_id], *[b.place / "basis" for _r, _p, b in found]),
            ctx.field(statements, "legitimate_interest_balance")
            if basis_id == "legitimate_interests"
            else None,
        )
        section.items(None, [_use(ctx, r, p, b) for r, p, b in found])
        blocks.subsection(frame(headings[basis_id]), section)
    return blocks.section("bases", _("Legal bases for processing your personal data"))


def _use(ctx: Context, register: Entity, purpose: Entity, basis: Entity) -> Statement:
    _ = ctx._
    parts = [
        ctx.say(_("%(purpose)s (%(register)s)."), purpose=ctx.name(purpose), register=ctx.name(register))
    ]  # fmt: skip
    if basis.get("interest"):
        parts.append(
            ctx.say(
                _("Our legitimate interest: %(interest)s"), interest=ctx.field(basis, "interest")
            )
        )
    parts.append(ctx.field(basis, "when"))
    if basis.get("law"):
        message = {
            "legal_obligation": _("The obligation is laid down in %(law)s."),
            "public_task": _("The task is laid down in %(law)s."),
        }.get(basis.data["basis"], _("Law: %(law)s."))
        parts.append(ctx.say(message, law=ctx.field(basis, "law")))
    channels = list(basis.entities("withdrawal"))
    ways = ctx.ways(channels)
    if ways:
        parts.append(ctx.say(_("You can withdraw your consent %(ways)s."), ways=ways))
    parts.extend(ctx.field(ch, "description") for ch in channels)
    return join(parts)
