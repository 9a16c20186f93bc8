"""The change log of a record from its git history: a dated list of material changes per
language, as Markdown and HTML pages and an Atom feed that customers can subscribe to for
notice of new sub-processors (Art. 28(2))."""

from __future__ import annotations

import datetime
import itertools
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from ropa import countries as country_data
from ropa.countries import CountryData
from ropa.diff import Change, Differ, Whole, diff
from ropa.errors import UsageError
from ropa.history import Commit, Repository
from ropa.i18n import Formatter, translations
from ropa.loader import Document
from ropa.notice.context import references
from ropa.notice.wording import Wording
from ropa.problem import Problem
from ropa.record import CATALOGUES, Entity, Record, languages
from ropa.schema import check

ATOM = "http://www.w3.org/2005/Atom"
AHEAD = 128  # commits whose new file versions are read from git at once
FIRST = 8  # the first such window


@dataclass(frozen=True)
class Entry:
    """The material changes of one commit."""

    commit: Commit
    changes: tuple[Change, ...]

    @property
    def date(self) -> str:
        return self.commit.date


@dataclass(frozen=True)
class History:
    """What the change log is made of: the material changes, newest first, the first commit
    where the record could be read (the feed's id) and the latest that changed its files (the
    feed's time when no change is material)."""

    entries: list[Entry]
    first: Commit | None
    last: Commit | None


def history(repository: Repository) -> History:
    """The record's material changes along the first-parent line of HEAD.

    Each file version (blob) is read and checked once, however many commits hold it; a
    commit whose record files are unchanged is passed over, and a commit is compared with the
    one before in the files it changed only (`Running`). Commits where the record cannot be
    read are skipped with a note on stderr.
    """
    data = country_data.load()
    checked: dict[int, list[Problem]] = {}
    previous_files: list[tuple[str, str]] | None = None
    first: Commit | None = None
    last: Commit | None = None
    found: list[Entry] = []
    running: Running | None = None
    starts: dict[int, tuple[list[Commit], list[Commit]]] = {}  # window -> (its, the next)
    commits = repository.history()
    # File versions are read from git a window ahead, in the background; the first window is
    # short, so that the background starts early.
    bounds = [0, *range(FIRST, len(commits), AHEAD), len(commits)]
    windows = [commits[a:b] for a, b in itertools.pairwise(bounds) if a < b]
    at = 0
    for index, window in enumerate(windows):
        starts[at] = (window, windows[index + 1] if index + 1 < len(windows) else [])
        at += len(window)
    for number, commit in enumerate(commits):
        if number in starts:
            repository.prefetch(*starts.pop(number))
        try:
            snapshot = repository.snapshot(commit.id)
        except UsageError:
            continue  # the record did not exist at this commit (yet, or any more)
        last = commit
        if snapshot.files == previous_files:
            continue
        previous_files = snapshot.files
        _, documents, problems = repository.documents(snapshot)
        for doc in documents:
            if id(doc) not in checked:
                checked[id(doc)] = list(check(doc))
            problems += checked[id(doc)]
        if problems:
            first_problem = min(problems)
            sys.stderr.write(
                f"ropa: skipped {commit.id[:12]} ({commit.date}): the record cannot be read"
                f" there: {first_problem.format()}\n"
            )
            continue
        first = first or commit
        files = [(path, doc) for (path, _), doc in zip(snapshot.files, documents, strict=True)]
        if running is None:
            running = Running(files)
            continue
        material = tuple(c for c in running.step(files, data) if c.material)
        material = tuple(c for c in material if not running.hidden(_owner(c)))
        if material:
            found.append(Entry(commit, material))
    return History(list(reversed(found)), first, last)


_PUBLISHED_VIA = (("processors", "processors"), ("recipients", "recipients"),
                  ("sources", "sources"), ("data_categories", "personal_data"))  # fmt: skip
_KINDS = (*CATALOGUES, "registers")


class Running:
    """The record along its history, kept from the files that change: a commit costs what
    it changed, whatever the record's size.

    `step` compares the record with its next version through the files that differ
    (`diff.Whole`); that is the whole record's diff whenever no id of a catalogue or a
    register is given twice and there is at most one controller, before and after (any
    record that validates). Otherwise both records are compared whole. `hidden` says what
    the public notice leaves out, from counts kept the same way.
    """

    def __init__(self, files: list[tuple[str, Document]]) -> None:
        self.parts: dict[Any, Any] = {}  # each document's entities, for Record.assemble
        self.files = files
        self._rebuild()

    def _rebuild(self) -> None:
        """Every count and index from the record's files, as they are now."""
        self.counts: dict[str, Counter[str]] = {kind: Counter() for kind in _KINDS}
        self.controllers: list[Entity] = []
        self.names: dict[str, dict[str, Entity]] = {name: {} for name in CATALOGUES}
        self.repeated = 0  # ids that are given more than once
        self.stale = False  # an index needs rebuilding (an id was repeated)
        self.public: list[Counter[str]] = [Counter() for _ in _PUBLISHED_VIA]
        self.private: list[Counter[str]] = [Counter() for _ in _PUBLISHED_VIA]
        self.private_registers: Counter[str] = Counter()
        self._count([doc for _, doc in self.files], 1)

    def _parts(self, doc: Document) -> tuple[Entity | None, dict[str, list[Entity]], list[Entity]]:
        found = self.parts.get(id(doc))
        if found is None:
            Record.assemble([doc], self.parts)
            found = self.parts[id(doc)]
        return found

    def _count(self, documents: list[Document], sign: int) -> None:
        for doc in documents:
            controller, catalogues, registers = self._parts(doc)
            if controller is not None:
                if sign > 0:
                    self.controllers.append(controller)
                else:
                    self.controllers = [c for c in self.controllers if c is not controller]
            for kind in _KINDS:
                counts = self.counts[kind]
                names = self.names.get(kind)
                for entity in registers if kind == "registers" else catalogues[kind]:
                    key = entity.id
                    was = counts[key]
                    counts[key] = now = was + sign
                    self.repeated += (now > 1) - (was > 1)
                    if names is None:
                        continue
                    if now == 1 and sign > 0:
                        names[key] = entity
                    elif now == 0:
                        del names[key]
                    else:
                        self.stale = True
            for register in registers:
                private = register.get("publish", True) is False
                if private:
                    self.private_registers[register.id] += sign
                for users, (_, key) in zip(self.private if private else self.public,
                                           _PUBLISHED_VIA, strict=True):  # fmt: skip
                    for ref in set(references(register, key)):
                        users[ref] += sign

    @property
    def _clean(self) -> bool:
        return not self.repeated and len(self.controllers) <= 1

    def step(self, files: list[tuple[str, Document]], data: CountryData) -> list[Change]:
        """The changes from the record now to the record of `files` (path, document), which
        becomes the record now."""
        before, after = dict(self.files), dict(files)
        gone = [doc for path, doc in self.files if after.get(path) is not doc]
        came = [doc for path, doc in files if before.get(path) is not doc]
        clean = self._clean
        old_languages = languages(self.controllers[0] if self.controllers else None)
        old_files, self.files = self.files, files
        self._count(gone, -1)
        self._count(came, 1)
        if clean and self._clean and not self.stale:
            whole = Whole(old_languages, languages(self.controllers[0] if self.controllers else None), self.names)  # fmt: skip
            old, new = Record.assemble(gone, self.parts), Record.assemble(came, self.parts)
            return Differ(old, new, data, whole).changes()
        changes = diff(
            Record.assemble([doc for _, doc in old_files], self.parts),
            Record.assemble([doc for _, doc in files], self.parts),
            data,
        )
        if self.stale or not self._clean:
            self._rebuild()
        return changes

    def hidden(self, owner: str) -> bool:
        """Whether the public notice leaves out a change subject's owner ("registers/hr",
        "processors/payroll"): a register with `publish: false`, or a catalogue entry that only
        such registers use."""
        kind, _, key = owner.partition("/")
        if kind == "registers":
            return self.private_registers[key] > 0
        for number, (catalogue, _) in enumerate(_PUBLISHED_VIA):
            if kind == catalogue:
                return self.private[number][key] > 0 and not self.public[number][key]
        return False


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
        if rule == "sub-processor-added":
            return _("%(name)s engages a new sub-processor: %(entity)s, processing data in %(places)s") % {
                "name": text(p("name")), "entity": p("entity"), "places": self.places(p("countries"))
            }  # fmt: skip
        if rule == "sub-processor-transfer-added":
            return _("%(entity)s, a sub-processor of %(name)s, now also processes data in %(country)s, outside the EU/EEA") % {
                "name": text(p("name")), "entity": p("entity"),
                "country": self.view.place_name(p("country")),
            }  # fmt: skip
        if rule == "source-added":
            return _("%(register)s: new source of personal data: %(name)s") % {
                "register": text(p("register")), "name": text(p("name"))
            }  # fmt: skip
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


def anchor(entry: Entry, item: int) -> str:
    """The page's id of the `item`-th (1-based) change of a commit: the same on every
    render, whatever is added later ("change-3f2a9c01b7de-1")."""
    return f"change-{entry.commit.id[:12]}-{item}"


def page(record: Record, log: History, lang: str) -> dict[str, Any]:
    """The change log as plain data for the templates: one section per day, newest first,
    each change with its anchor."""
    describer = Describer(record, lang)
    controller = record.controller.data if record.controller else {}
    # One section per day, newest day first, even where commit times and the history's order
    # disagree (a clock set wrong, a rebase); within a day, the history's order.
    by_day: dict[str, list[dict[str, str]]] = {}
    for entry in log.entries:
        by_day.setdefault(entry.date, []).extend(
            {"id": anchor(entry, item), "text": describer.describe(change)}
            for item, change in enumerate(entry.changes, 1)
        )
    days = [
        {"date": describer.fmt.date(day), "iso": day, "id": f"date-{day}", "changes": changes}
        for day, changes in sorted(by_day.items(), reverse=True)
    ]
    return {
        "lang": lang,
        "languages": [{"code": c, "name": describer.fmt.language(c)} for c in record.languages],
        "controller": {
            "name": describer.text(controller.get("name")),
            "email": controller.get("email"),
        },
        "days": days,
    }


def _authority(record: Record, base_url: str | None) -> str | None:
    """Who mints the feed's tag URIs (RFC 4151): the host of --base-url, else of the
    controller's website, else the controller's e-mail address."""
    from urllib.parse import urlsplit

    controller = record.controller.data if record.controller else {}
    for url in (base_url, controller.get("website")):
        if isinstance(url, str) and (host := urlsplit(url).hostname):
            return host
    email = controller.get("email")
    return email.lower() if isinstance(email, str) and "@" in email else None


def atom(record: Record, log: History, lang: str, base_url: str | None) -> bytes:
    """An Atom 1.0 feed (RFC 4287): one entry per material change, newest first, each with
    the commit's time, an id that never changes, and a link to its item on the HTML page."""
    ElementTree.register_namespace("", ATOM)
    _ = translations(lang, catalogs=record.catalogs).gettext
    describer = Describer(record, lang)
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

    authority = _authority(record, base_url)
    since = log.first.date if log.first else "2000-01-01"

    def tag(specific: str, on: str = since) -> str:
        if authority is None:
            return f"urn:ropa:{specific}"
        return f"tag:{authority},{on}:{specific}"

    base = base_url.rstrip("/") if base_url else None
    add(feed, "id", f"{base}/changelog.{lang}.xml" if base else tag(f"changelog:{lang}"))
    controller = describer.text(record.controller.get("name") if record.controller else "")
    add(feed, "title", _("Changes to the privacy policy of %(name)s") % {"name": controller})
    newest = max((entry.commit for entry in log.entries), key=lambda c: c.time, default=log.last)
    if newest is None:
        raise UsageError("the record has no history in git to write a feed of")
    add(feed, "updated", newest.time)
    author = add(feed, "author")
    add(author, "name", controller)
    if base:
        add(feed, "link", rel="self", href=f"{base}/changelog.{lang}.xml")
        add(feed, "link", rel="alternate", href=f"{base}/changelog.{lang}.html")
    for entry in log.entries:
        for item, change in enumerate(entry.changes, 1):
            text = describer.describe(change)
            element = add(feed, "entry")
            add(element, "id", tag(f"change:{entry.commit.id}:{item}:{lang}", entry.date))
            add(element, "title", text)
            add(element, "updated", entry.commit.time)
            add(element, "content", text, type="text")
            if base:
                href = f"{base}/changelog.{lang}.html#{anchor(entry, item)}"
                add(element, "link", rel="alternate", href=href)
    ElementTree.indent(feed)
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def last_material_change(log: History) -> datetime.date | None:
    return datetime.date.fromisoformat(log.entries[0].date) if log.entries else None
