"""The public pages of a record, as statements with their sources.

`pages()` builds the privacy policy, the processor list and the transfer table of one
language; templates lay them out. Each section of the policy has its own module: identity
(who we are, contact), data (categories, special categories, sources), purposes (purposes,
legal bases), sharing (recipients, processors, transfers), rights (retention, rights,
decisions, opt-out, changes), registers and cookies.
"""

from __future__ import annotations

from pathlib import Path

from ropa.countries import CountryData
from ropa.notice import cookies, data, identity, purposes, registers, rights, sharing
from ropa.notice.context import Context
from ropa.notice.model import Page, Section, keeping_sources
from ropa.record import Record

PAGES = ("privacy", "processors", "transfers")


def pages(
    record: Record,
    countries: CountryData,
    lang: str,
    catalogs: Path | None = None,
    changelog: bool = False,
    last_updated: str | None = None,
    sources: bool = True,
) -> dict[str, Page]:
    """The privacy policy, processor list and transfer table of `record` in `lang`; with
    `sources` false, its statements do not keep the fields they were made from (what only
    the audit view shows)."""
    with keeping_sources(sources):
        return _pages(record, countries, lang, catalogs, changelog, last_updated)


def _pages(
    record: Record,
    countries: CountryData,
    lang: str,
    catalogs: Path | None,
    changelog: bool,
    last_updated: str | None,
) -> dict[str, Page]:
    ctx = Context(record, countries, lang, catalogs, changelog, last_updated)
    _ = ctx._
    builders = (
        identity.controller,
        data.data,
        data.sources,
        purposes.purposes,
        purposes.on_behalf,
        purposes.bases,
        sharing.recipients,
        sharing.processors,
        sharing.transfers,
        rights.retention,
        rights.security,
        rights.rights,
        rights.decisions,
        rights.opt_out,
        registers.registers,
        cookies.cookies,
        rights.changes,
        identity.contact,
    )
    sections: list[Section] = [s for build in builders if (s := build(ctx)) is not None]
    footer = identity.footer(ctx)
    privacy = Page(
        "privacy", lang, _("Privacy policy"), tuple(identity.opening(ctx).blocks),
        tuple(sections), footer,
    )  # fmt: skip
    processors = Page(
        "processors", lang, _("Processors"), tuple(registers.processors_opening(ctx).blocks),
        tuple(registers.processors_page(ctx)), footer,
    )  # fmt: skip
    transfers = Page(
        "transfers", lang, _("Transfers outside the EU/EEA"),
        tuple(registers.transfers_page(ctx).blocks), (), footer,
    )  # fmt: skip
    return {"privacy": privacy, "processors": processors, "transfers": transfers}
