"""How long data is kept (Art. 13(2)(a)), the data subject's rights and how to use them
(Art. 13(2)(b)-(d), 15-22, 77), profiling and automated decisions (Art. 13(2)(f), 21, 22),
and how the policy changes."""

from __future__ import annotations

from ropa.notice.context import Context
from ropa.notice.identity import contact_details
from ropa.notice.model import Blocks, Section, Statement, join
from ropa.notice.wording import RIGHTS
from ropa.record import Entity, Place


def retention_item(ctx: Context, rule: Entity, register: Entity | None) -> Statement:
    _ = ctx._
    period = ctx.say("%(p)s", rule.place, p=ctx.words.retention(rule.data))
    subject = ctx.words.retention_subject(rule.data, register)
    note = ctx.field(rule, "note")
    if subject:
        source = rule.place / ("applies_to" if rule.get("applies_to") else "data")
        statement = ctx.say(_("%(data)s: %(period)s"), source, data=subject, period=period)
    else:
        statement = ctx.upper_first(period)
    return join([statement, note])


def retention(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    blocks.items(
        ctx.say(_("We keep personal data only as long as necessary, as follows:")),
        [retention_item(ctx, r, None) for r in ctx.controller.entities("retention")],
    )
    for register in ctx.controller_registers:
        section = Blocks()
        section.items(
            None, [retention_item(ctx, r, register) for r in register.entities("retention")]
        )
        blocks.subsection(ctx.name(register), section)
    return blocks.section("retention", _("How long we keep your personal data"))


def _objection(ctx: Context) -> str:
    """The right to object (Art. 21) worded for the bases the published purposes rest on,
    and for direct marketing where a published register records how to opt out of it
    (`opt_out`): the page never implies legitimate interests, a public task or direct
    marketing the record does not state."""
    _ = ctx._
    used = {
        basis.get("basis")
        for register in ctx.controller_registers
        for purpose in register.entities("purposes")
        for basis in purpose.entities("legal_bases")
    }
    interests, task = "legitimate_interests" in used, "public_task" in used
    marketing = any(register.child("opt_out") for register in ctx.controller_registers)
    if interests and task and marketing:
        return _(
            "Right to object: you may object to processing based on our legitimate interests or on a task in the public interest, and at any time to direct marketing."
        )
    if interests and task:
        return _(
            "Right to object: you may object to processing based on our legitimate interests or on a task in the public interest."
        )
    if interests and marketing:
        return _(
            "Right to object: you may object to processing based on our legitimate interests, and at any time to direct marketing."
        )
    if interests:
        return _("Right to object: you may object to processing based on our legitimate interests.")
    if task:
        return _(
            "Right to object: you may object to processing based on a task in the public interest or the exercise of official authority."
        )
    return _("Right to object: you may object to the processing of your personal data in the cases set out in Article 21 of the GDPR.")  # fmt: skip


def rights(ctx: Context) -> Section | None:
    _ = ctx._
    texts = {
        "access": _("Right of access: you may ask for an overview of the personal data we process about you and a copy of it."),
        "rectification": _("Right to rectification: you may ask us to correct inaccurate personal data."),
        "erasure": _("Right to erasure: you may ask us to erase your personal data."),
        "restriction": _("Right to restriction: you may ask us to restrict the processing of your personal data."),
        "objection": _objection(ctx),
        "portability": _("Right to data portability: you may receive the data you have given us in a machine-readable form and have it transmitted to another controller."),
    }  # fmt: skip
    c = ctx.controller
    rights_ = c.child("rights")
    assert rights_ is not None
    blocks = Blocks()

    def listed(key: str) -> list[Statement]:
        values = rights_.get(key) or []
        return [
            ctx.say(texts[r], rights_.place / key / values.index(r))
            for r in RIGHTS
            if r in values and r != "complaint"
        ]

    blocks.items(ctx.say(_("You have these rights:")), listed("available"))
    blocks.items(
        ctx.say(_("Depending on the legal basis of the processing, you may also have these rights:")),
        listed("where_applicable"),
    )  # fmt: skip
    blocks.paragraph(ctx.field(rights_, "scope"))
    if rights_.get("contact"):
        contact = ctx.mail(rights_.data["contact"], rights_.place / "contact")
    else:
        contact = ctx.mail(c.data["email"], c.place / "email")
    blocks.paragraph(
        ctx.say(_("Please send your request by e-mail to %(email)s."), email=contact),
        ctx.field(rights_, "request_handling"),
    )
    for where in ("available", "where_applicable"):
        values = rights_.get(where) or []
        if "complaint" in values:
            sentences, contacts = complaint(ctx, rights_.place / where / values.index("complaint"))
            blocks.paragraph(*sentences)
            blocks.items(None, contacts)
            break
    return blocks.section("rights", _("Your rights"))


def complaint(ctx: Context, right: Place) -> tuple[list[Statement], list[Statement]]:
    """The right to complain and the competent authority; then the authority's contacts."""
    _ = ctx._
    authority = ctx.controller.child("supervisory_authority")
    assert authority is not None
    statements = [
        ctx.say(
            _("You have the right to lodge a complaint with a supervisory authority, in particular in the EU member state where you live or work or where the alleged infringement took place."),
            right,
        ),
        ctx.say(
            _("Competent supervisory authority: %(authority)s, %(country)s."),
            authority.place / "country",
            authority=ctx.name(authority),
            country=ctx.words.place_name(authority.data["country"]),
        ),
    ]  # fmt: skip
    return statements, contact_details(ctx, authority)


def decisions(ctx: Context) -> Section | None:
    """Profiling and automated decision-making, per register, as the record states them."""
    _ = ctx._
    blocks = Blocks()
    for register in ctx.controller_registers:
        section = Blocks()
        profiling = register.child("profiling")
        if profiling is not None:
            section.items(
                ctx.say(_("We use profiling:"), profiling.place),
                [
                    ctx.say(_("Purpose: %(purpose)s"), purpose=ctx.field(profiling, "purpose")),
                    ctx.say(_("Data used: %(data)s"), data=ctx.field(profiling, "data")),
                    ctx.say(_("How it works: %(logic)s"), logic=ctx.field(profiling, "logic")),
                    ctx.say(_("What it means for you: %(consequences)s"), consequences=ctx.field(profiling, "consequences"))
                    if profiling.get("consequences") else Statement(()),
                ],
            )  # fmt: skip
        automated = register.child("automated_decisions")
        if automated is not None:
            if automated.get("used"):
                section.paragraph(
                    ctx.say(
                        _("We make decisions based solely on automated processing that have legal or similarly significant effects for you."),
                        automated.place / "used",
                    )
                )  # fmt: skip
                section.items(
                    None,
                    [
                        ctx.say(_("The logic involved: %(text)s"), text=ctx.field(automated, "logic"))
                        if automated.get("logic") else Statement(()),
                        ctx.say(_("Significance and envisaged consequences: %(text)s"), text=ctx.field(automated, "significance"))
                        if automated.get("significance") else Statement(()),
                    ],
                )  # fmt: skip
                section.paragraph(
                    ctx.say(
                        _("You have the right to obtain human intervention, to express your point of view and to contest the decision."),
                        automated.place / "used",
                    ),
                    ctx.field(automated, "safeguards"),
                )  # fmt: skip
            else:
                section.paragraph(
                    ctx.say(
                        _("We make no decisions based solely on automated processing that have legal or similarly significant effects for you."),
                        automated.place / "used",
                    )
                )  # fmt: skip
        blocks.subsection(ctx.name(register), section, f"decisions-{register.id}")
    return blocks.section("decisions", _("Profiling and automated decision-making"))


def opt_out(ctx: Context) -> Section | None:
    _ = ctx._
    blocks = Blocks()
    for register in ctx.controller_registers:
        opt = register.child("opt_out")
        if opt is None:
            continue
        section = Blocks()
        ways = []
        for channel in opt.entities("channels"):
            phrase = ctx.upper_first(ctx.way(channel))
            ways.append(join([phrase, ctx.field(channel, "description")]))
        section.items(
            ctx.say(
                _("You can object at any time to the processing of your personal data for direct marketing, including profiling for direct marketing. You can do so:"),
                opt.place,
            ),
            ways,
        )  # fmt: skip
        section.paragraph(ctx.field(opt, "note"))
        blocks.subsection(ctx.name(register), section, f"opt-out-{register.id}")
    return blocks.section("opt-out", _("Your right to object to direct marketing"))


def security(ctx: Context) -> Section | None:
    """The controller's general security measures (Art. 32), as the record words them."""
    _ = ctx._
    blocks = Blocks()
    blocks.items(
        ctx.say(_("We protect your personal data with these measures:")),
        [ctx.field(m, "description") for m in ctx.controller.entities("security_measures")],
    )
    return blocks.section("security", _("How we protect your personal data"))


def changes(ctx: Context) -> Section | None:
    _ = ctx._
    policy = ctx.controller.child("policy")
    assert policy is not None
    channels = {
        "email": _("by e-mail"),
        "website": _("by a notice on our website"),
        "social_media": _("on our social media pages"),
    }
    blocks = Blocks()
    notice = [
        ctx.say("%(c)s", policy.place / "change_notice" / i, c=channels[c])
        for i, c in enumerate(policy.get("change_notice") or [])
    ]
    if notice:
        blocks.paragraph(
            ctx.say(
                _("If we make material changes to how we process personal data, we may inform you before the changes take effect, for example %(ways)s."),
                ways=ctx.joined(notice, "or"),
            )
        )  # fmt: skip
    months = policy.data["review_interval_months"]
    if months == 12:
        review = _("at least once a year")
    else:
        review = ctx.n_("at least every %(num)d month", "at least every %(num)d months", months) % {
            "num": months
        }
    date = ctx.last_updated or policy.data["last_updated"]
    blocks.paragraph(
        ctx.say(
            _("We review this privacy policy %(review)s. It was last updated on %(date)s."),
            policy.place / "review_interval_months",
            policy.place / "last_updated",
            review=review,
            date=ctx.fmt.date(date),
        )
    )
    if ctx.changelog:
        blocks.paragraph(
            ctx.say(
                "%(link)s",
                link=ctx.link(
                    f"changelog.{ctx.lang}", policy.place,
                    _("All material changes to this policy"), internal=True,
                ),
            )
        )  # fmt: skip
    return blocks.section("changes", _("Changes to this policy"))
