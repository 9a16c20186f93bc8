"""The change log compares each commit with the one before through the files that changed
(`ropa.changelog.Running`): checked against comparing the whole records (`ropa.diff.diff`,
what the public notice leaves out, found on the whole record) on random sequences of edits to real records, including the
edits that make the part and the whole differ (an id given twice, two controllers, an entry
moved between files, a file renamed)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ropa import countries
from ropa.changelog import _PUBLISHED_VIA, Running, _owner
from ropa.diff import diff
from ropa.loader import Document, load_file, load_text
from ropa.notice.context import references
from ropa.record import CATALOGUES, Record
from ropa.schema import check

ROOT = Path(__file__).resolve().parent.parent
RECORDS = [ROOT / "registers", *sorted((ROOT / "tests/orgs").glob("*/registers"))]
KINDS = (*CATALOGUES, "registers")
EDITS = ("drop", "move", "copy", "edit", "private", "public", "controller-copy",
         "controller-drop", "rename", "drop-file")  # fmt: skip


def _files(record: Path) -> list[tuple[str, dict[str, Any]]]:
    """The record's files as data, read as ropa reads them (`NO` is Norway, not false)."""
    return [(path.name, load_file(path, path.name).data) for path in sorted(record.glob("*.yaml"))]


def _apply(files: list[tuple[str, dict[str, Any]]], edit: str, a: int, b: int) -> None:
    """One edit of the record's files, in place; `a` and `b` pick what is edited."""
    source_name, source = files[a % len(files)]
    target_name, target = files[b % len(files)]
    lists = [(kind, source[kind]) for kind in KINDS if source.get(kind)]
    if edit in ("drop", "move", "copy", "edit", "private", "public") and lists:
        kind, entries = lists[b % len(lists)]
        entry = entries[a % len(entries)]
        if edit == "drop":
            entries.remove(entry)
        elif edit in ("move", "copy"):
            if edit == "move":
                entries.remove(entry)
            target.setdefault(kind, []).insert(a % (len(target.get(kind) or []) + 1),
                                               copy.deepcopy(entry))  # fmt: skip
        elif edit == "edit":  # a new country where there are countries, else a new name
            if isinstance(entry.get("countries"), list):
                entry["countries"] = [*entry["countries"], "US"]
            elif isinstance(entry.get("name"), dict):
                entry["name"] = {lang: f"{text} {a}" for lang, text in entry["name"].items()}
        elif kind == "registers":
            entry["publish"] = edit == "public"
    elif edit == "controller-copy":
        controller = next((data["controller"] for _, data in files if "controller" in data), None)
        if controller is not None:
            target["controller"] = copy.deepcopy(controller)
            target["controller"]["languages"] = ["en", "sv"][: 1 + a % 2]
    elif edit == "controller-drop":
        source.pop("controller", None)
    elif edit == "rename":
        files[a % len(files)] = (f"renamed-{b}-{source_name}", source)
    elif edit == "drop-file" and len(files) > 1:
        del files[a % len(files)]
    del target_name


def unpublished(record: Record) -> set[str]:
    """What the public notice leaves out, as change subjects ("registers/hr",
    "processors/payroll"), found on the whole record: registers with `publish: false`, and
    catalogue entries that only such registers use (the definition `Running.hidden` keeps
    by counts)."""
    hidden: set[str] = set()
    users: list[dict[str, bool]] = [{} for _ in _PUBLISHED_VIA]
    for register in record.registers:
        private = register.get("publish", True) is False
        if private:
            hidden.add(f"registers/{register.id}")
        for found, (_, key) in zip(users, _PUBLISHED_VIA, strict=True):
            for ref in set(references(register, key)):
                found[ref] = found.get(ref, True) and private
    for (catalogue, _), found in zip(_PUBLISHED_VIA, users, strict=True):
        hidden.update(f"{catalogue}/{ref}" for ref, private in found.items() if private)
    return hidden


def _documents(
    files: list[tuple[str, dict[str, Any]]], known: dict[tuple[str, str], Document]
) -> list[tuple[str, Document]]:
    """Each file as a document; a file with the same name and text as before is the same
    document (as history reads each file version once)."""
    found = []
    for name, data in files:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        doc = known.get((name, text))
        if doc is None:
            doc = known[(name, text)] = load_text(text, name)
        found.append((name, doc))
    return found


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(range(len(RECORDS))),
    st.lists(
        st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 999), st.integers(0, 999)),
                 min_size=0, max_size=3),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_the_part_compares_as_the_whole(
    record: int, commits: list[list[tuple[str, int, int]]]
) -> None:
    data = countries.load()
    files = _files(RECORDS[record])
    known: dict[tuple[str, str], Document] = {}
    before = _documents(files, known)
    running = Running(before)
    for edits in commits:
        files = copy.deepcopy(files)
        for edit, a, b in edits:
            _apply(files, edit, a, b)
        after = _documents(files, known)
        if any(list(check(doc)) for _, doc in after):
            continue  # history passes over a commit whose files do not fit the schema
        whole_old = Record.assemble([doc for _, doc in before])
        whole_new = Record.assemble([doc for _, doc in after])
        expected = diff(whole_old, whole_new, data)
        assert running.step(after, data) == expected
        hidden = unpublished(whole_new)
        assert [running.hidden(_owner(c)) for c in expected] == [
            _owner(c) in hidden for c in expected
        ]
        before = after


def test_an_unchanged_commit_has_no_changes() -> None:
    files = _documents(_files(RECORDS[0]), {})
    assert Running(files).step(list(files), countries.load()) == []
