"""Every statement of a published page comes from fields of the record, and only from them.

For each record below and each page: a statement that is not general text (a definition, a
heading) names at least one source field, and the lead-in of a list exists only with its
items. Then, statement by statement, its source fields are removed from the record: either
the record no longer validates (validate names what is missing), or the statement is gone
from the page. Nothing on a page survives the removal of what it was made from.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from ropa import countries
from ropa.notice import pages
from ropa.notice.model import Items, Page, Statement, Subsection
from ropa.record import Place, Record
from ropa.validate import validate

ROOT = Path(__file__).resolve().parent.parent
RECORDS = {
    "askele": ROOT / "registers",
    "example": Path(__file__).parent / "render" / "record",
    **{p.name: p / "registers" for p in sorted((Path(__file__).parent / "orgs").glob("*"))},
}


def _leads(page: Page) -> set[int]:
    """The ids of the statements that lead into a list."""
    found: set[int] = set()

    def walk(blocks: Any) -> None:
        for block in blocks:
            if isinstance(block, Items) and block.lead is not None:
                assert block.items, "a lead-in without items"
                found.add(id(block.lead))
            elif isinstance(block, Subsection):
                walk(block.blocks)

    walk(page.opening)
    for section in page.sections:
        walk(section.blocks)
    return found


def _load(folder: Path) -> tuple[Record, dict[str, Path]]:
    result = validate(folder)
    assert not result.errors, [p.format() for p in result.problems]
    record = Record.assemble(list(result.documents))
    files = {doc.name: folder / Path(doc.name).name for doc in record.documents}
    if folder.is_file():
        files = {doc.name: folder for doc in record.documents}
    return record, files


Signature = tuple[str, frozenset[tuple[str, tuple[str | int, ...]]]]


def _signature(statement: Statement) -> Signature:
    """A statement's text and the fields it names, without list positions (which shift when
    an entry is removed): the same words from another field are another statement."""
    return (
        statement.text,
        frozenset(
            (p.doc.name, tuple(x for x in p.path if not isinstance(x, int)))
            for p in statement.sources
        ),
    )


def _texts(record: Record, lang: str) -> Counter[Signature]:
    built = pages(record, countries.load(), lang)
    return Counter(_signature(s) for page in built.values() for s in page.statements() if s)


def _without(data: Any, paths: list[tuple[str | int, ...]]) -> Any:
    """A copy of a document's data with the values at `paths` removed (list items too)."""
    copy = json.loads(json.dumps(data))  # no shared (aliased) nodes: each removal is local
    for path in sorted(
        paths, key=lambda p: [str(type(x)) + str(x).zfill(8) for x in p], reverse=True
    ):
        parent = copy
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if isinstance(parent, list):
            parent.pop(int(last))
        else:
            parent.pop(last, None)
    return copy


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_statement_has_a_source(name: str) -> None:
    record, _ = _load(RECORDS[name])
    for lang in record.languages:
        for page in pages(record, countries.load(), lang).values():
            leads = _leads(page)
            for statement in page.statements():
                if not statement or statement.frame or id(statement) in leads:
                    continue
                assert statement.sources, f"{name} {page.name}.{lang}: {statement.text!r}"


def _statements(record: Record, lang: str) -> list[Statement]:
    found = []
    for page in pages(record, countries.load(), lang).values():
        leads = _leads(page)
        found.extend(
            s for s in page.statements() if s and not s.frame and id(s) not in leads and s.sources
        )
    return found


def _exact(places: tuple[Place, ...]) -> list[Place]:
    return list(places)


def _entries(places: tuple[Place, ...]) -> list[Place]:
    """Each place's nearest enclosing list entry (the place itself if there is none)."""
    found = []
    for place in places:
        path = place.path
        while path and not isinstance(path[-1], int):
            path = path[:-1]
        found.append(Place(place.doc, path) if path else place)
    return found


def _write(record: Record, files: dict[str, Path], folder: Path, cut: list[Place]) -> None:
    folder.mkdir()
    by_doc: dict[str, list[tuple[str | int, ...]]] = {}
    for place in cut:
        if place.path not in by_doc.setdefault(place.doc.name, []):
            by_doc[place.doc.name].append(place.path)
    for doc in record.documents:
        data = _without(doc.data, by_doc[doc.name]) if doc.name in by_doc else doc.data
        (folder / files[doc.name].name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_removing_the_sources_removes_the_statement(name: str, tmp_path: Path) -> None:
    record, files = _load(RECORDS[name])
    lang = record.languages[0]
    before = _texts(record, lang)
    seen: set[tuple[tuple[str, tuple[str | int, ...]], ...]] = set()
    checked = 0
    for statement in _statements(record, lang):
        key = tuple(sorted((p.doc.name, p.path) for p in statement.sources))
        if key in seen:
            continue
        seen.add(key)
        # The fields themselves first; where the record needs them, the entries that hold
        # them (a purpose, a processor...): a statement must not outlive either.
        for attempt, cut in enumerate((_exact, _entries)):
            folder = tmp_path / f"r{len(seen)}-{attempt}"
            _write(record, files, folder, cut(statement.sources))
            result = validate(folder)
            if not (result.errors or result.unreadable):
                break
        else:
            continue  # the record needs the field: validate says so, nothing is published
        checked += 1
        after = _texts(Record.assemble(list(result.documents)), lang)
        assert after[_signature(statement)] < before[_signature(statement)], (
            f"{name}: removing {[str(p.path) for p in statement.sources]} left"
            f" {statement.text!r} on the page"
        )
    # Many removals leave a valid record (small records need more of their fields): the check
    # above is not vacuous.
    assert checked >= len(seen) // 3, (checked, len(seen))
