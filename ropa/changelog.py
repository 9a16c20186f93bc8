"""The change log of a record from its git history: a dated list of material changes per
language, as Markdown and HTML pages and an Atom feed that customers can subscribe to for
notice of new sub-processors (Art. 28(2))."""

from __future__ import annotations

import datetime
import sys
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from ropa import countries as country_data
from ropa.diff import Change, diff
from ropa.errors import UsageError
from ropa.history import Repository
from ropa.i18n import Formatter, translations
from ropa.notice.wording import Wording
from ropa.record import Record
from ropa.schema import check

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Entry:
    """The material changes of one commit."""

    commit: str
    date: str
    subject: str
    changes: tuple[Change, ...]


def entries(repository: Repository) -> list[Entry]:
    """Commits that changed the record materially, newest first."""
    data = country_data.load()
    previous: Record | None = None
    found: list[Entry] = []
    for commit, date, subject in repository.history():
        try:
            _, documents, problems = repository.load(commit)
        except UsageError:
            continue  # the record did not exist at this commit (yet, or any more)
        problems += [p for doc in documents for p in check(doc)]
        if problems:
            sys.stderr.write(f"ropa: skipped {commit[:12]}: the record cannot be read there\n")
            continue
        record = Record.assemble(documents)
        if previous is not None:
            hidden = unpublished(record)
            material = tuple(
                c for c in diff(previous, record, data) if c.material and _owner(c) not in hidden
            )
            if material:
                found.append(Entry(commit, date, subject, material))
        previous = record
    return list(reversed(found))


def unpublished(record: Record) -> set[str]:
    """What the public notice leaves out, as change subjects ("registers/hr",
    "processors/payroll"): registers with `publish: false`, and catalogue entries that only
    such registers use. The public change log says nothing of them either."""
    from ropa.notice.context import references

    hidden = {f"registers/{r.id}" for r in record.registers if r.get("publish", True) is False}
    for catalogue, key in (("processors", "processors"), ("recipients", "recipients"),
                           ("sources", "sources"), ("data_categories", "personal_data")):  # fmt: skip
        users: dict[str, list[bool]] = {}
        for register in record.registers:
            for ref in references(register, key):
                users.setdefault(ref, []).append(register.get("publish", True) is False)
        for ref, flags in users.items():
            if all(flags):
                hidden.add(f"{catalogue}/{ref}")
    return hidden


def _owner(change: Change) -> str:
    """The register or catalogue entry a change is about: "registers/hr" of
    "registers/hr/purposes/payroll.name"."""
    kind, _, rest = change.subject.partition("/")
    return f"{kind}/{rest.split('/')[0].split('.')[0]}"


class Describer:
    """Material changes as sentences in one language."""

    def __init__(self, record: Record, lang: str) -> None:
        self.view = Wording(record, country_data.load(), lang, record.catalogs)
        self.fmt = Formatter(lang)
        self._ = self.view._

    def text(self, value: Any) -> str:
        if isinstance(value, dict):
            return str(value.get(self.view.lang) or next(iter(value.values()), ""))
        return "" if value is None else str(value)

    def places(self, codes: Any) -> str:
        return self.fmt.join([self.view.place_name(code) for code in codes or ()])

    def describe(self, change: Change) -> str:
        _, p, text = self._, change.param, self.text
        rule = change.rule
        if rule == "processor-added":
            return _("New processor: %(name)s (%(entity)s), processing data in %(places)s") % {
                "name": text(p("name")), "entity": p("entity"), "places": self.places(p("countries"))
            }  # fmt: skip
        if rule == "recipient-added" and p("register") is None:
            return _("New recipient: %(name)s") % {"name": text(p("name"))}
        if rule == "legal-entity-changed":
            return _("%(name)s is now provided by %(entity)s (previously %(was)s)") % {
                "name": text(p("name")), "entity": p("entity"), "was": p("was")
            }  # fmt: skip
        if rule == "transfer-added":
            return _("%(name)s now also processes data in %(country)s, outside the EU/EEA: %(mechanism)s") % {
                "name": text(p("name")), "country": self.view.place_name(p("country")),
                "mechanism": self.mechanism(p("mechanism")),
            }  # fmt: skip
        if rule == "mechanism-changed":
            return _("The transfer by %(name)s to %(country)s now rests on: %(mechanism)s") % {
                "name": text(p("name")), "country": self.view.place_name(p("country")),
                "mechanism": self.mechanism(p("mechanism")),
            }  # fmt: skip
        if rule == "register-added":
            return _("New register: %(register)s") % {"register": text(p("register"))}
        if rule == "purpose-added":
            return _("%(register)s: new purpose: %(name)s") % {
                "register": text(p("register")),
                "name": text(p("name")),
            }
        if rule == "data-added":
            return _("%(register)s: new category of personal data or data subjects: %(name)s") % {
                "register": text(p("register")), "name": text(p("name"))
            }  # fmt: skip
        if rule == "recipient-added":
            return _("%(register)s: new recipient: %(name)s") % {
                "register": text(p("register")),
                "name": text(p("name")),
            }
        if rule == "processor-use-added":
            return _("%(register)s: now uses the processor %(name)s") % {
                "register": text(p("register")), "name": text(p("name"))
            }  # fmt: skip
        if rule == "legal-basis-added":
            return _("%(register)s: the purpose %(name)s now also rests on: %(basis)s") % {
                "register": text(p("register")), "name": text(p("name")),
                "basis": self.view.basis_label(p("basis")),
            }  # fmt: skip
        if rule == "retention-longer" or (rule == "retention-changed" and p("rule")):
            return _("%(register)s: data is now kept %(period)s") % {
                "register": text(p("register")), "period": self.view.retention(p("rule"))
            }  # fmt: skip
        return _("%(register)s: the retention rules changed") % {"register": text(p("register"))}

    def mechanism(self, mechanism: Any) -> str:
        if not isinstance(mechanism, str) or mechanism not in self.view.countries.mechanisms:
            return self._("no transfer mechanism")
        return self.view.mechanism(mechanism)


def page(record: Record, found: list[Entry], lang: str) -> dict[str, Any]:
    """The change log as plain data for the templates."""
    describer = Describer(record, lang)
    controller = record.controller.data if record.controller else {}
    return {
        "lang": lang,
        "languages": [{"code": c, "name": describer.fmt.language(c)} for c in record.languages],
        "controller": {
            "name": describer.text(controller.get("name")),
            "email": controller.get("email"),
        },
        "entries": [
            {
                "date": describer.fmt.date(entry.date),
                "iso": entry.date,
                "commit": entry.commit,
                "changes": [describer.describe(change) for change in entry.changes],
            }
            for entry in found
        ],
    }


def atom(record: Record, found: list[Entry], lang: str, base_url: str | None) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of the material changes, newest first."""
    ElementTree.register_namespace("", ATOM)
    data = page(record, found, lang)
    _ = translations(lang, catalogs=record.catalogs).gettext
    feed = ElementTree.Element(
        f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang}
    )

    def add(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attributes: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    controller = data["controller"]["name"]
    add(
        feed,
        "id",
        f"{base_url.rstrip('/')}/changelog.{lang}.xml"
        if base_url
        else f"urn:ropa:changelog:{lang}",
    )
    add(feed, "title", _("Changes to the privacy policy of %(name)s") % {"name": controller})
    updated = found[0].date if found else "1970-01-01"
    add(feed, "updated", f"{updated}T00:00:00Z")
    author = add(feed, "author")
    add(author, "name", controller)
    if base_url:
        add(feed, "link", rel="self", href=f"{base_url.rstrip('/')}/changelog.{lang}.xml")
        add(feed, "link", rel="alternate", href=f"{base_url.rstrip('/')}/changelog.{lang}.html")
    for entry in data["entries"]:
        item = add(feed, "entry")
        add(item, "id", f"urn:ropa:change:{entry['commit']}")
        add(item, "title", _("Changes of %(date)s") % {"date": entry["date"]})
        add(item, "updated", f"{entry['iso']}T00:00:00Z")
        add(item, "content", "\n".join(f"- {line}" for line in entry["changes"]), type="text")
        if base_url:
            add(
                item,
                "link",
                rel="alternate",
                href=f"{base_url.rstrip('/')}/changelog.{lang}.html#{entry['iso']}",
            )
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def last_material_change(found: list[Entry]) -> datetime.date | None:
    return datetime.date.fromisoformat(found[0].date) if found else None
