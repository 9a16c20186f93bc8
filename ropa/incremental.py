"""Reading a new version of a record file from the old one: only the list item that changed.

History reads every version of every file. Versions of one file usually differ in a few
lines inside one list item (a purpose, a processor), and parsing 70 KB of YAML to learn that
costs a hundred times more than git's diff of it. `reparse` finds the smallest block-list
item that holds every changed line, parses that item alone with the same strict loader, and
puts it in place of the old item; every other part of the data is the old version's own
objects (so `ropa.diff` passes them over by identity).

It is correct or it declines: it returns None (the caller parses the whole file) whenever
the text has anything that could make a part mean something else than in the whole
(anchors, aliases, tags, tabs, flow collections over several lines, document markers), when
the change is not inside one block-list item, when the item found does not hold, in the old
data, exactly what the old text of the item says, or when the item has a problem (the whole
parse then reports it with its right line). Tests compare it with a whole parse on thousands
of random edits.
"""

from __future__ import annotations

import dataclasses
import re
import weakref
from collections.abc import Iterator
from difflib import SequenceMatcher
from typing import Any

from ropa.loader import MAX_DEPTH, Document, LoadError, _InMemory, load_text

# Whether each text read so far is free of what `_unsafe` looks for.
_SAFE: weakref.WeakKeyDictionary[Document, bool] = weakref.WeakKeyDictionary()
# The lines of each text read so far, split once.
_LINES: weakref.WeakKeyDictionary[Document, list[str]] = weakref.WeakKeyDictionary()
# Changed spans longer than this (in lines) are looked at for separate groups of changes.
SPREAD = 40
# The layout of each text read so far (see `_layout`), so that the next version's is made
# from the lines that changed.
_LAYOUT: weakref.WeakKeyDictionary[Document, list[int]] = weakref.WeakKeyDictionary()


def _unsafe(text: str) -> bool:
    """Whether the text has anything that could tie one part of it to another, or change how
    a part is read when taken alone: anchors, aliases and tags (which start a value),
    directives and document markers, tabs, and flow collections left open at the end of a
    line. A false alarm (a text that only looks like one) costs a whole parse, never a wrong
    result.

    Each character looked for is found with `str.find` (a regular expression's character
    class scans a record file's 70 KB four times slower, and this runs on every file
    version read from history).
    """
    if "\t" in text or text.startswith(("%", "---", "...")):
        return True
    if "\n%" in text or "\n---" in text or "\n..." in text:
        return True
    for at in _found(text, "&*!"):
        before = text[max(0, at - 80) : at].rstrip(" ")
        if not before or before[-1] in ":-[{,\n":
            return True
    # An opening bracket with no closing one after it on its line.
    for at in _found(text, "[{"):
        end = text.find("\n", at)
        rest = text[at + 1 :] if end < 0 else text[at + 1 : end]
        if "]" not in rest and "}" not in rest:
            return True
    return False


def _found(text: str, characters: str) -> Iterator[int]:
    """Every index of each of `characters` in `text` (character by character)."""
    for character in characters:
        at = text.find(character)
        while at >= 0:
            yield at
            at = text.find(character, at + 1)


_ITEM = re.compile(r"( *)-(?: +|$)")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +#.*)?$")
_MARKER = re.compile(r"- +")
_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: |$)")


def reparse(old: Document, text: str, name: str) -> Document | None:
    """`old`'s file with the text `text` (line breaks normalised), as `load_text(text, name)`
    would give it, or None when that cannot be had from a part of the text."""
    before = old.text
    if before == text:
        return dataclasses.replace(old, name=name)
    old_safe = _SAFE.get(old)
    if old_safe is None:
        old_safe = _SAFE[old] = not _unsafe(before)
    if not old_safe:
        return None
    old_lines = _LINES.get(old)
    if old_lines is None:
        old_lines = _LINES[old] = before.split("\n")
    new_lines = text.split("\n")
    limit = min(len(new_lines), len(old_lines))
    start = _common(new_lines, old_lines, limit)
    # Lines equal at the end, not overlapping the start.
    end = _common(new_lines[::-1], old_lines[::-1], limit - start)
    changed_new = (start, len(new_lines) - end)
    changed_old = (start, len(old_lines) - end)
    if max(changed_new[1] - start, changed_old[1] - start) > SPREAD:
        # Changes far apart (a merge brings two): one part at a time, each checked.
        steps = _steps(old_lines, new_lines, start, end)
        if len(steps) > 1:
            document: Document | None = old
            for step in steps:
                assert document is not None
                document = reparse(document, step, name)
                if document is None:
                    return None
            return document
    # What the texts share was checked with the old text: only the changed lines need be.
    changed = new_lines[changed_new[0] : changed_new[1]]
    if _unsafe("\n".join(changed)):
        return None
    old_layout = _LAYOUT.get(old)
    if old_layout is None or len(old_layout) != len(old_lines):
        old_layout = _LAYOUT[old] = _layout(old_lines)
    new_layout = old_layout[:start] + _layout(changed) + old_layout[len(old_lines) - end :]
    texts = _Texts(new_lines, new_layout, old_lines, old_layout)
    document = _reparse(old, text, name, texts, changed_new, changed_old)
    if document is not None:
        _SAFE[document] = True
        _LAYOUT[document] = new_layout
        _LINES[document] = new_lines
    return document


def _steps(old: list[str], new: list[str], start: int, end: int) -> list[str]:
    """The texts on the way from `old` to `new` that apply one group of changed lines at a
    time (the last is `new`), found by difflib in the changed span only."""
    before, after = old[start : len(old) - end], new[start : len(new) - end]
    hunks = [op for op in SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
             if op[0] != "equal"]  # fmt: skip
    texts = []
    for count in range(1, len(hunks) + 1):
        lines = list(before)
        for _, i1, i2, j1, j2 in reversed(hunks[:count]):
            lines[i1:i2] = after[j1:j2]
        texts.append("\n".join(old[:start] + lines + old[len(old) - end :]))
    return texts


def _common(first: list[str], second: list[str], limit: int) -> int:
    """How many lines the two lists share at their start (at most `limit`), found by
    halving with list comparisons (done in C) rather than line by line."""
    low, high = 0, limit  # first[:low] == second[:low]; the answer is at most high
    while low < high:
        middle = (low + high + 1) // 2
        if first[low:middle] == second[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


@dataclasses.dataclass(frozen=True)
class _Texts:
    """Both versions' lines, with their layouts (see `_layout`)."""

    new: list[str]
    new_layout: list[int]
    old: list[str]
    old_layout: list[int]


def _reparse(
    old: Document,
    text: str,
    name: str,
    texts: _Texts,
    changed_new: tuple[int, int],
    changed_old: tuple[int, int],
) -> Document | None:
    new_lines, old_lines = texts.new, texts.old
    if changed_old[0] == changed_old[1] or changed_new[0] == changed_new[1]:
        spliced = _insert_or_delete(old, texts, changed_new, changed_old, name)
        if spliced is not None:
            return Document(name=name, data=spliced, source=_InMemory(text), composer=old.composer)
    found = _unit(
        new_lines, texts.new_layout, changed_new, old_lines, texts.old_layout, changed_old
    )
    if found is None:
        return None
    first, new_stop, old_stop, column, key = found
    path = _path(new_lines, texts.new_layout, first, column, key)
    if path is None:
        return None
    old_value = _parse_unit(old_lines[first:old_stop], column, key, name)
    new_value = _parse_unit(new_lines[first:new_stop], column, key, name)
    if old_value is _NONE or new_value is _NONE:
        return None
    *folder, last = path
    parent = _at(old.data, folder)
    if parent is _NONE:
        return None
    if key is None:
        siblings = _siblings(new_lines, texts.new_layout, first, column)
        if not isinstance(parent, list) or len(parent) != siblings:
            return None
        if not isinstance(last, int) or last >= len(parent):
            return None
    elif not isinstance(parent, dict) or last not in parent:
        return None
    if parent[last] != old_value:
        return None
    if len(path) + 1 + _depth(new_value) > MAX_DEPTH:
        return None
    data = _replace(old.data, path, new_value)
    return Document(name=name, data=data, source=_InMemory(text), composer=old.composer)


def _insert_or_delete(
    old: Document,
    texts: _Texts,
    changed_new: tuple[int, int],
    changed_old: tuple[int, int],
    name: str,
) -> Any:
    """The new data where the change inserts (or deletes) whole items of one block list and
    nothing else: only the inserted items are parsed. None otherwise."""
    inserting = changed_old[0] == changed_old[1]
    lines = texts.new if inserting else texts.old
    layout = texts.new_layout if inserting else texts.old_layout
    new_lines, new_layout = texts.new, texts.new_layout
    first, stop = changed_new if inserting else changed_old
    # The same change can be seen a few lines higher where the lines around it repeat.
    for shift in range(min(first, 40) + 1):
        if shift and lines[first - shift] != lines[stop - shift]:
            break
        run = _run(lines, layout, first - shift, stop - shift)
        if run is None:
            continue
        column = run
        at, until = first - shift, stop - shift
        path = _path(lines, layout, at, column, None)
        if path is None:
            return None
        *folder, index = path
        parent = _at(old.data, folder)
        items = _parse_items(lines[at:until], column, name)
        if items is None or not isinstance(parent, list) or not isinstance(index, int):
            return None
        count = len(items)
        if _siblings(lines, layout, at, column) != len(parent) + (count if inserting else 0):
            return None
        if inserting:
            # The neighbour the items go after (or before) must be the old data's own.
            if not parent or index > len(parent):
                return None
            neighbour = index - 1 if index else index
            neighbour_line = _sibling_line(
                new_lines, new_layout, at, until, column, before=index > 0
            )
            if neighbour_line is None:
                return None
            near_stop = _end(new_layout, neighbour_line, column)
            near = _parse_items(new_lines[neighbour_line:near_stop], column, name)
            if near is None or near != [parent[neighbour]]:
                return None
            value = parent[:index] + items + parent[index:]
        else:
            # Deleting every item leaves `key:` with nothing: null, not an empty list.
            if parent[index : index + count] != items or count == len(parent):
                return None
            value = parent[:index] + parent[index + count :]
        if len(folder) + 2 + max((_depth(item) for item in items), default=0) > MAX_DEPTH:
            return None
        return _replace(old.data, tuple(folder), value)
    return None


def _at(data: Any, path: list[str | int]) -> Any:
    """The value at `path` in `data`, or `_NONE` where the path leads nowhere."""
    for step in path:
        by_key = isinstance(data, dict) and isinstance(step, str) and step in data
        by_index = isinstance(data, list) and isinstance(step, int) and step < len(data)
        if not (by_key or by_index):
            return _NONE
        data = data[step]
    return data


def _run(lines: list[str], layout: list[int], first: int, stop: int) -> int | None:
    """The column of the block list whose whole items are lines[first:stop], or None."""
    if first >= len(lines) or first >= stop:
        return None
    marker = _ITEM.match(lines[first])
    if marker is None:
        return None
    column = len(marker.group(1))
    for at in range(first, stop):
        here = layout[at]
        if 0 <= here < column or (here == column and not _ITEM.match(lines[at])):
            return None
    for here in layout[stop:]:  # what follows is not the last item's
        if here >= 0:
            if here > column:
                return None
            break
    return column


def _sibling_line(
    lines: list[str], layout: list[int], first: int, stop: int, column: int, before: bool
) -> int | None:
    """The line of the list item just before lines[first:stop] (or just after)."""
    span = range(first - 1, -1, -1) if before else range(stop, len(lines))
    for at in span:
        here = layout[at]
        if here >= 0:
            if here < column:
                return None
            if here == column:
                return at if _ITEM.match(lines[at]) else None
    return None


def _parse_items(lines: list[str], column: int, name: str) -> list[Any] | None:
    """The items of a block list written in `lines`, parsed alone; None if refused."""
    pad = " " * column
    body = "\n".join("  " + line[column:] if line.startswith(pad) else line.strip()
                     for line in lines)  # fmt: skip
    try:
        items = load_text("x:\n" + body + "\n", name).data.get("x")
    except LoadError:
        return None
    return items if isinstance(items, list) else None


def _layout(lines: list[str]) -> list[int]:
    """The indentation of each line that holds YAML, -1 for blank and comment lines."""
    layout = []
    for line in lines:
        stripped = line.lstrip(" ")
        layout.append(len(line) - len(stripped) if stripped and stripped[0] != "#" else -1)
    return layout


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _unit(
    new: list[str],
    new_layout: list[int],
    changed_new: tuple[int, int],
    old: list[str],
    old_layout: list[int],
    changed_old: tuple[int, int],
) -> tuple[int, int, int, int, str | None] | None:
    """(first line, end in new, end in old, column, key) of the innermost part that holds
    every changed line of both versions: a block-list item (key None, column of its "-") or
    a mapping entry (its key and column), or None."""
    top = changed_new[0]
    # Only a line indented less than everything between it and the change can start a part
    # that holds the change: the chain of its ancestors.
    lowest = min(
        (here for here in new_layout[changed_new[0] : changed_new[1]] if here >= 0),
        default=len(new[top]) if top < len(new) else 0,
    )
    for first in range(min(top, len(new) - 1), -1, -1):
        indent = new_layout[first]
        if indent < 0 or indent > lowest or (indent == lowest and first != top):
            continue
        lowest = indent
        if first == top and (first >= len(old) or old_layout[first] != indent):
            continue
        line = new[first]
        candidates: list[tuple[int, str | None]] = []
        entry = _entry_at(line)
        if entry is not None:
            candidates.append((entry[1], entry[0]))  # the entry first: it is the smaller
        if _ITEM.match(line):
            candidates.append((indent, None))
        for column, key in candidates:
            if first == top and not _same_start(old[first], line, column, key):
                continue
            new_stop = _end(new_layout, first, column)
            old_stop = _end(old_layout, first, column)
            holds = changed_new[1] <= new_stop and first <= changed_old[0]
            if holds and changed_old[1] <= old_stop and len(new) - new_stop == len(old) - old_stop:
                return first, new_stop, old_stop, column, key
        if indent == 0:
            return None
    return None


def _same_start(old: str, new: str, column: int, key: str | None) -> bool:
    """Whether the old line starts the same kind of part at the same column."""
    if key is None:
        return _indent(old) == column and _ITEM.match(old) is not None
    entry = _entry_at(old)
    return entry is not None and entry == (key, column)


def _end(layout: list[int], first: int, indent: int) -> int:
    """The line after the part that starts at `first` (whatever comes next at its
    indentation or less); trailing blank and comment lines are not the part's."""
    stop = first + 1
    last = first
    size = len(layout)
    while stop < size:
        here = layout[stop]
        if here >= 0:
            if here <= indent:
                break
            last = stop
        stop += 1
    return last + 1


def _siblings(lines: list[str], layout: list[int], first: int, indent: int) -> int:
    """How many items the block list of the item at `first` has."""
    count = 0
    for direction in (-1, 1):
        at = first if direction == 1 else first - 1
        while 0 <= at < len(lines):
            column = layout[at]
            if column >= 0:
                if column < indent or (column == indent and not _ITEM.match(lines[at])):
                    break
                if column == indent:
                    count += 1
            at += direction
    return count


def _path(
    lines: list[str], layout: list[int], first: int, column: int, key: str | None
) -> tuple[str | int, ...] | None:
    """The place in the data of the part at line `first` (a list item whose "-" is at
    `column`, or the entry `key` at `column`), read from the lines above it; None where the
    layout is not plain block style."""
    path: list[str | int] = [] if key is None else [key]
    at, is_item = first, key is None
    while True:
        if is_item:
            index = 0
            scan = at - 1
            while scan >= 0:
                here = layout[scan]
                if here >= 0:
                    if here == column and _ITEM.match(lines[scan]):
                        index += 1
                    elif here <= column:
                        break
                scan -= 1
            if scan < 0:
                return None  # a list at the top level: the loader refuses it anyway
            path.insert(0, index)
            owner = _key_at(lines[scan])
            if owner is None or owner[1] > column:
                return None
            path.insert(0, owner[0])
            at, column = scan, owner[1]
        # The key at `column` on line `at`: its mapping is the root, an item's, or a key's.
        if column == 0:
            return tuple(path)
        line = lines[at]
        prefix = _ITEM.match(line)
        if prefix is not None and len(prefix.group(0)) == column:
            at, column, is_item = at, layout[at], True
            continue
        scan = at - 1
        while scan >= 0 and not 0 <= layout[scan] < column:
            scan -= 1
        if scan < 0:
            return None
        candidate = lines[scan]
        prefix = _ITEM.match(candidate)
        if prefix is not None and len(prefix.group(0)) == column:
            at, column, is_item = scan, layout[scan], True
            continue
        owner = _key_at(candidate)
        if owner is None or owner[1] >= column:
            return None
        path.insert(0, owner[0])
        at, column, is_item = scan, owner[1], False


def _entry_at(line: str) -> tuple[str, int] | None:
    """(key, column) of a mapping entry that starts on the line (`key:` or `key: value`,
    after any list markers); None otherwise."""
    column = _indent(line)
    rest = line[column:]
    while (marker := _MARKER.match(rest)) is not None:
        column += len(marker.group(0))
        rest = rest[len(marker.group(0)) :]
    match = _ENTRY.match(rest)
    return (match.group(1), column) if match else None


def _key_at(line: str) -> tuple[str, int] | None:
    """(key, column) of a line that opens a block under a plain key (`key:` with nothing
    after it but a comment), after any list markers; None otherwise."""
    column = _indent(line)
    rest = line[column:]
    while (marker := _MARKER.match(rest)) is not None:
        column += len(marker.group(0))
        rest = rest[len(marker.group(0)) :]
    match = _KEY.match(rest)
    return (match.group(1), column) if match else None


_NONE = object()


def _parse_unit(lines: list[str], column: int, key: str | None, name: str) -> Any:
    """The value of the part written in `lines` (a list item whose "-" is at `column`, or the
    entry `key` at `column`), parsed alone by the strict loader; `_NONE` when that is not what
    the lines hold or the loader refuses them."""
    if key is None:
        items = _parse_items(lines, column, name)
        return items[0] if items is not None and len(items) == 1 else _NONE
    pad = " " * column
    # Every line keeps its place relative to the entry; a line indented less can only be
    # blank or a comment (anything else would have ended it).
    body = [lines[0][column:]] + [line[column:] if line.startswith(pad) else line.strip()
                                  for line in lines[1:]]  # fmt: skip
    try:
        data = load_text("\n".join(body) + "\n", name).data
    except LoadError:
        return _NONE
    return data[key] if list(data) == [key] else _NONE


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _replace(data: Any, path: tuple[str | int, ...], value: Any) -> Any:
    """A copy of `data` with `value` at `path`: new containers along the path, the same
    objects everywhere else."""
    if not path:
        return value
    head, *rest = path
    if isinstance(data, dict):
        copy: Any = dict(data)
    else:
        copy = list(data)
    copy[head] = _replace(data[head], tuple(rest), value)
    return copy
