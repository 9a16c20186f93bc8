"""`ropa.incremental.reparse` gives what a whole parse gives, or declines: checked on random
edits of real record files (the shipped registers, the test organisations, a generated record)
and on the edits history is made of."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ropa.incremental import reparse
from ropa.loader import LoadError, load_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

FILES = sorted((ROOT / "registers").glob("*.yaml")) + sorted((ROOT / "tests/orgs").rglob("*.yaml"))
TEXTS = [path.read_text(encoding="utf-8") for path in FILES]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    folder = tmp_path_factory.mktemp("generated")
    generate(60, folder)
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))]


def _same_as_whole(before: str, after: str) -> bool:
    """Assert the property on one edit; True when the edit was read from a part."""
    old = load_text(before, "f.yaml")
    try:
        whole = load_text(after, "f.yaml")
    except LoadError:
        assert reparse(old, after, "f.yaml") is None
        return False
    part = reparse(old, after, "f.yaml")
    if part is None:
        return False
    assert part.data == whole.data
    assert part.text == after
    return True


EDITS = st.sampled_from(
    ["value", "digits", "insert-copy", "delete", "indent", "dedent", "comment", "anchor",
     "dash", "blank", "hash-content", "flow", "insert-item", "delete-item", "insert-item",
     "delete-item"]
)  # fmt: skip


def _edit(text: str, line: int, kind: str, word: str) -> str:
    lines = text.split("\n")
    line %= len(lines)
    current = lines[line]
    if kind == "value" and ": " in current:
        lines[line] = current.split(": ", 1)[0] + ": " + word
    elif kind == "digits":
        lines[line] = "".join("7" if c.isdigit() else c for c in current)
    elif kind == "insert-copy":
        lines.insert(line, current)
    elif kind == "delete":
        del lines[line]
    elif kind == "indent":
        lines[line] = "  " + current
    elif kind == "dedent" and current.startswith("  "):
        lines[line] = current[2:]
    elif kind == "comment":
        lines.insert(line, " " * (len(current) - len(current.lstrip())) + "# " + word)
    elif kind == "anchor" and ": " in current:
        lines[line] = current.replace(": ", ": &a ", 1)
    elif kind == "dash":
        lines[line] = current.replace("  ", "- ", 1)
    elif kind == "blank":
        lines.insert(line, "")
    elif kind == "hash-content" and ": " in current:
        lines[line] = current.replace(": ", ": |\n" + " " * 20 + "# " + word + "\n#", 1)
    elif kind == "flow" and ": " in current:
        lines[line] = current.replace(": ", ": [", 1)
    elif kind in ("insert-item", "delete-item"):
        first = next((n for n in range(line, -1, -1) if lines[n].lstrip().startswith("- ")), None)
        if first is not None:
            column = len(lines[first]) - len(lines[first].lstrip())
            stop = first + 1
            while stop < len(lines) and (
                not lines[stop].strip() or len(lines[stop]) - len(lines[stop].lstrip()) > column
            ):
                stop += 1
            item = lines[first:stop]
            if kind == "delete-item":
                del lines[first:stop]
            else:
                changed = [item[0].replace(": ", ": " + word + " ", 1), *item[1:]]
                lines[stop:stop] = changed if line % 2 else item
    return "\n".join(lines)


WORDS = st.sampled_from(["x", "24", "true", "null", "'a: b'", '"q"', "- a", "a #b", "ä", "[EU]"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.integers(0, len(TEXTS) - 1),
    edits=st.lists(st.tuples(st.integers(0, 10_000), EDITS, WORDS), min_size=1, max_size=3),
)
def test_random_edits_of_real_files(file: int, edits: list[tuple[int, str, str]]) -> None:
    after = TEXTS[file]
    for line, kind, word in edits:
        after = _edit(after, line, kind, word)
    _same_as_whole(TEXTS[file], after)


def test_history_edits_are_read_from_a_part(generated: list[str]) -> None:
    """The edits the benchmark's history is made of: a retention period, a word of a text, a
    processor use; most of them must be read from the item alone."""
    read_from_part = 0
    tried = 0
    for text in generated:
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if "period: " in line or line.lstrip().startswith(("en: ", "processor: ")):
                changed = list(lines)
                changed[number] = line.replace("period: ", "period: 1") + (
                    "x" if "en:" in line else ""
                )
                tried += 1
                read_from_part += _same_as_whole(text, "\n".join(changed))
    assert tried > 100
    assert read_from_part / tried > 0.9


def test_identity_of_what_did_not_change(generated: list[str]) -> None:
    text = next(t for t in generated if "purposes:" in t)
    old = load_text(text, "f.yaml")
    after = text.replace("period: ", "period: 1", 1)
    part = reparse(old, after, "f.yaml")
    assert part is not None
    old_register, new_register = old.data["registers"][0], part.data["registers"][0]
    # The retention rule changed; every purpose is the old version's own object.
    assert new_register["retention"][0]["period"] != old_register["retention"][0]["period"]
    assert new_register["retention"][1] is old_register["retention"][1]
    assert all(
        a is b for a, b in zip(old_register["purposes"], new_register["purposes"], strict=True)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    file=st.integers(0, len(TEXTS) - 1),
    versions=st.lists(
        st.lists(st.tuples(st.integers(0, 10_000), EDITS, WORDS), min_size=1, max_size=3),
        min_size=2,
        max_size=4,
    ),
)
def test_chains_of_versions(file: int, versions: list[list[tuple[int, str, str]]]) -> None:
    """History reads each version from the one read before it (itself perhaps read from a
    part): the data stays what a whole parse gives, version after version."""
    text = TEXTS[file]
    document = load_text(text, "f.yaml")
    for edits in versions:
        for line, kind, word in edits:
            text = _edit(text, line, kind, word)
        try:
            whole = load_text(text, "f.yaml")
        except LoadError:
            assert reparse(document, text, "f.yaml") is None
            return
        part = reparse(document, text, "f.yaml")
        if part is not None:
            assert part.data == whole.data
        document = part or whole


def _unsafe_by_pattern(text: str) -> bool:
    """`_unsafe` as first written, with regular expressions: the definition it keeps."""
    import re

    if "\t" in text or text.startswith(("%", "---", "...")):
        return True
    if "\n%" in text or "\n---" in text or "\n..." in text:
        return True
    for match in re.finditer(r"[&*!]", text):
        before = text[max(0, match.start() - 80) : match.start()].rstrip(" ")
        if not before or before[-1] in ":-[{,\n":
            return True
    return re.search(r"[\[{][^\]}\n]*$", text, re.MULTILINE) is not None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab :-,#&*!\n[]{}\t%.ä"), max_size=60))
def test_unsafe_is_its_pattern_definition(text: str) -> None:
    from ropa.incremental import _unsafe

    assert _unsafe(text) == _unsafe_by_pattern(text)


def test_unsafe_on_real_files() -> None:
    from ropa.incremental import _unsafe

    for text in TEXTS:
        assert _unsafe(text) == _unsafe_by_pattern(text)
        assert _unsafe(text + "\nx: [a") and _unsafe(text + "\nx: &a b")
