"""Who the controller is: the opening of the policy, the controller's identity and contact
details, the DPO, the EU representative and joint controllers (Art. 13(1)(a)-(b), 26(2))."""

from __future__ import annotations

from typing import Any

from ropa.notice.context import Context
from ropa.notice.model import Blocks, Section, Statement, frame
from ropa.record import Entity


def opening(ctx: Context) -> Blocks:
    _ = ctx._
    c = ctx.controller
    policy = c.place / "policy"
    blocks = Blocks()
    date = ctx.last_updated or c.data["policy"]["last_updated"]
    blocks.paragraph(
        ctx.say(
            _("This privacy policy was last updated on %(date)s."),
            policy / "last_updated",
            date=ctx.fmt.date(date),
        )
    )
    name = ctx.name(c)
    if c.get("short_name"):
        intro = ctx.say(
            _("This privacy policy of %(name)s (“%(short)s”, “we”) explains what personal data we collect about you, why we collect it and how we process it."),
            c.place / "short_name",
            name=name,
            short=c.data["short_name"],
        )  # fmt: skip
    else:
        intro = ctx.say(
            _("This privacy policy of %(name)s (“we”) explains what personal data we collect about you, why we collect it and how we process it."),
            name=name,
        )  # fmt: skip
    blocks.paragraph(intro)
    blocks.paragraph(
        frame(
            _("Personal data is any information that identifies you directly or indirectly, for example your name, your e-mail address or your phone number.")
        )
    )  # fmt: skip
    return blocks


def business_id_label(ctx: Context) -> str:
    """The name of a company registration number in the controller's country."""
    _ = ctx._
    c = ctx.controller.data
    # The country of establishment; failing that, the address's, then the lead supervisory
    # authority's (which sits where the main establishment is, Art. 56).
    country = (
        c.get("country")
        or (c.get("address") or {}).get("country")
        or (c.get("supervisory_authority") or {}).get("country")
    )
    labels = {
        "FI": _("Business ID (Y-tunnus): %(id)s"),
        "SE": _("Corporate identity number (organisationsnummer): %(id)s"),
        "IE": _("Company registration number (CRO): %(id)s"),
    }
    return labels.get(country or "", _("Company registration number: %(id)s"))


def address(ctx: Context, entity: Entity, key: str = "address") -> Statement:
    value = entity.get(key)
    if not value:
        return Statement(())
    # Where the postcode follows the town (Ireland, the UK, North America, Australia).
    if value["country"] in ("IE", "GB", "US", "CA", "AU", "NZ"):
        postal = " ".join(p for p in (value["city"], value.get("postal_code")) if p)
    else:
        postal = " ".join(p for p in (value.get("postal_code"), value["city"]) if p)
    parts = [value["street"], postal, ctx.words.place_name(value["country"])]
    return ctx.say("%(address)s", entity.place / key, address=", ".join(parts))


def contact_details(ctx: Context, entity: Entity) -> list[Statement]:
    """E-mail, phone, website and address of a contact, each a statement."""
    _ = ctx._
    details = []
    if entity.get("email"):
        details.append(
            ctx.say(
                _("E-mail: %(email)s"), email=ctx.mail(entity.data["email"], entity.place / "email")
            )
        )
    if entity.get("phone"):
        details.append(
            ctx.say(_("Telephone: %(phone)s"), entity.place / "phone", phone=entity.data["phone"])
        )
    if entity.get("website"):
        details.append(
            ctx.say(
                _("Website: %(url)s"),
                url=ctx.link(entity.data["website"], entity.place / "website"),
            )
        )
    if entity.get("address"):
        details.append(ctx.say(_("Address: %(address)s"), address=address(ctx, entity)))
    return details


def controller(ctx: Context) -> Section | None:
    _ = ctx._
    c = ctx.controller
    blocks = Blocks()
    blocks.paragraph(
        ctx.say(_("The controller responsible for processing your personal data is %(name)s."), name=ctx.name(c))
    )  # fmt: skip
    details: list[Statement] = []
    if c.get("business_id"):
        details.append(
            ctx.say(business_id_label(ctx), c.place / "business_id", id=c.data["business_id"])
        )
    if c.get("address"):
        details.append(ctx.say(_("Address: %(address)s"), address=address(ctx, c)))
    if c.get("website"):
        details.append(
            ctx.say(_("Website: %(url)s"), url=ctx.link(c.data["website"], c.place / "website"))
        )
    details.append(
        ctx.say(
            _("Privacy questions and requests: %(email)s"),
            email=ctx.mail(c.data["email"], c.place / "email"),
        )
    )
    if c.get("phone"):
        details.append(ctx.say(_("Telephone: %(phone)s"), c.place / "phone", phone=c.data["phone"]))
    blocks.items(None, details)
    for key, message in (
        ("dpo", _("Our data protection officer is %(name)s.")),
        ("representative", _("Our representative in the EU is %(name)s.")),
    ):
        person = c.child(key)
        if person is not None:
            blocks.paragraph(ctx.say(message, name=ctx.name(person)))
            blocks.items(None, contact_details(ctx, person))
    blocks.extend(joint_controllers(ctx))
    return blocks.section("controller", _("Who we are and how to contact us"))


def joint_controllers(ctx: Context) -> Blocks:
    """Each joint controller with the registers it is joint for and the essence of the
    arrangement (Art. 26(2)); one linked to no published register is not shown."""
    _ = ctx._
    blocks = Blocks()
    for joint in ctx.controller.entities("joint_controllers"):
        registers = [
            (r, i)
            for r in ctx.registers
            for i, ref in enumerate(r.get("joint_controllers") or [])
            if ref == joint.id
        ]
        if not registers:
            continue
        names = ctx.joined([ctx.name(r) for r, _i in registers])
        blocks.paragraph(
            ctx.say(
                ctx.n_(
                    "For the register %(registers)s we are joint controllers with %(name)s.",
                    "For the registers %(registers)s we are joint controllers with %(name)s.",
                    len(registers),
                ),
                *[r.place / "joint_controllers" / i for r, i in registers],
                registers=names,
                name=ctx.name(joint),
            ),
            ctx.field(joint, "essence"),
        )
        blocks.items(
            ctx.say(_("You can also contact %(name)s:"), name=ctx.name(joint)) if _has_contact(joint.data) else None,
            contact_details(ctx, joint),
        )  # fmt: skip
    return blocks


def _has_contact(data: dict[str, Any]) -> bool:
    return any(data.get(k) for k in ("email", "phone", "website", "address"))


def contact(ctx: Context) -> Section | None:
    _ = ctx._
    c = ctx.controller
    blocks = Blocks()
    blocks.paragraph(
        ctx.say(
            _("Please send comments or questions about this privacy policy, questions about data protection or reports of suspected personal data breaches to %(email)s."),
            email=ctx.mail(c.data["email"], c.place / "email"),
        ),
        ctx.field(c.child("statements"), "complaint_handling"),
    )  # fmt: skip
    return blocks.section("contact", _("How to contact us"))


def footer(ctx: Context) -> tuple[Statement, ...]:
    """The controller's name and privacy contact at the foot of every page."""
    c = ctx.controller
    return (ctx.name(c), ctx.mail(c.data["email"], c.place / "email"))
