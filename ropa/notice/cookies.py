"""Cookies and similar technologies, as the controller's `cookies` field states them."""

from __future__ import annotations

from ropa.notice.context import Context
from ropa.notice.model import Blocks, Section, Statement, join


def cookies(ctx: Context) -> Section | None:
    _ = ctx._
    cookie = ctx.controller.child("cookies")
    if cookie is None:
        return None
    blocks = Blocks()
    blocks.paragraph(
        ctx.say(
            _("Cookies are small text files that a website stores on your device. We use cookies and similar technologies on these domains: %(domains)s."),
            cookie.place / "domains",
            domains=ctx.fmt.join(list(cookie.data["domains"])),
        )
    )  # fmt: skip
    blocks.items(
        ctx.say(_("We use cookies to:")),
        [ctx.say("%(p)s", place, p=ctx.words.text(value)) for place, value in cookie.items("purposes")],
    )  # fmt: skip
    recipients = ctx.index("recipients")
    shared = [
        join([ctx.name(recipients[r]), ctx.field(recipients[r], "description")], ": ")
        for r in cookie.get("recipients") or []
        if r in recipients
    ]
    blocks.items(
        ctx.say(_("We share information about how you use our website with these recipients:"), cookie.place / "recipients"),
        shared,
    )  # fmt: skip
    if cookie.get("third_party"):
        blocks.paragraph(
            ctx.say(
                _("Some cookies are set by third-party services that appear on our pages."),
                cookie.place / "third_party",
            )
        )
    ways = ctx.ways(list(cookie.entities("consent")))
    blocks.paragraph(
        ctx.say(
            _("Cookies that are strictly necessary for the website to work need no consent; for all other cookies we ask for your consent."),
            cookie.place / "consent",
        ),
        ctx.say(_("You can give, change or withdraw your consent %(ways)s."), ways=ways)
        if ways else Statement(()),
    )  # fmt: skip
    for channel in cookie.entities("consent"):
        blocks.paragraph(ctx.field(channel, "description"))
    for place, note in cookie.items("notes"):
        blocks.paragraph(ctx.say("%(n)s", place, n=ctx.words.text(note)))
    if cookie.get("notice_updated"):
        blocks.paragraph(
            ctx.say(
                _("The cookie notice was last updated on %(date)s."),
                cookie.place / "notice_updated",
                date=ctx.fmt.date(cookie.data["notice_updated"]),
            )
        )
    return blocks.section("cookies", _("Cookies and similar technologies"))
