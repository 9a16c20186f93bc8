"""The whole record as rows of (field, value): the workbook's "Record data" sheet.

`ropa export --format xlsx` adds this sheet after the Article 30 sheets so that `ropa import`
can rebuild the record exactly: every value of every file, one row each, addressed by a
field path such as

    registers[customers].purposes[invoicing].legal_bases[1].basis

A list entry with an id is addressed by it (`[customers]`), any other by its position from 1
(`[1]`); an empty list or mapping is one row whose field ends in `[]` or `{}` and whose value
cell is empty. Values keep their type in the cell: text is a text cell, numbers are number
cells, true/false are boolean cells. `internal_note` values are left out, as from every
sheet of the workbook (an authority may receive it).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ropa.loader import Document

# Never written to the workbook (see the schema's `internal_note`).
LEFT_OUT = frozenset({"internal_note"})

_ID = re.compile(r"^[a-z][a-z0-9_-]{0,63}$")
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_PART = re.compile(rf"({_NAME})((?:\[[^\[\]]+\])*)")
_INDEX = re.compile(r"\[([^\[\]]+)\]")
_EMPTY: dict[str, type[list[Any]] | type[dict[str, Any]]] = {"[]": list, "{}": dict}


# The order of a record's sections on the sheet, whatever files they were written in.
SECTIONS = ("controller", "purpose_groups", "data_categories", "sources", "recipients",
            "processors", "registers")  # fmt: skip


def merged(documents: Iterable[Document]) -> dict[str, Any]:
    """The record's files as one document: the controller, and each top-level list with the
    entries of every file in file order; sections in the order of SECTIONS (then any other
    in file order), so that the same record gives the same sheet however it is split."""
    whole: dict[str, Any] = {}
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        for key, value in data.items():
            if isinstance(value, list):
                whole.setdefault(key, []).extend(value)
            else:
                whole[key] = value
    ordered = {key: whole[key] for key in SECTIONS if key in whole}
    ordered.update((key, value) for key, value in whole.items() if key not in ordered)
    return ordered


def flatten(document: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(field path, value) for every scalar of `document` in document order, and for every
    empty list or mapping (`path[]`, `path{}` with None)."""
    yield from _flatten(document, "")


def _flatten(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        kept = [(k, v) for k, v in value.items() if k not in LEFT_OUT]
        if not kept:
            yield f"{path}{{}}", None
        for key, item in kept:
            yield from _flatten(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        if not value:
            yield f"{path}[]", None
        ids = [item.get("id") if isinstance(item, dict) else None for item in value]
        for position, (item, key) in enumerate(zip(value, ids, strict=True), start=1):
            by_id = isinstance(key, str) and _ID.match(key) and ids.count(key) == 1
            yield from _flatten(item, f"{path}[{key if by_id else position}]")
    else:
        yield path, value


class FieldError(ValueError):
    """A row whose field path cannot be placed; the message says why."""


def cell_value(value: Any) -> Any:
    """A value read from a cell as the record holds it: a date or time cell (Excel makes one
    of a typed "2024-01-31") as ISO text, a whole number as an int."""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Builder:
    """Rebuilds a document from (field, value) rows, in any order of rows; entries keep the
    order in which their first row came."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {}
        # Each list's entries by the key that addressed them ("customers", "1").
        self._entries: dict[int, dict[str, Any]] = {}

    def add(self, field: str, value: Any) -> None:
        """Place one row; raises FieldError when the path is not one `flatten` writes or
        contradicts an earlier row."""
        empty = next((kind for mark, kind in _EMPTY.items() if field.endswith(mark)), None)
        steps = _steps(field[:-2] if empty is not None else field)
        node: Any = self.document
        for step, following in zip(steps, [*steps[1:], ""], strict=True):
            last = not following
            if last:
                leaf: Any = value if empty is None else empty()
            else:
                leaf = [] if following.startswith("[") else {}
            node = self._descend(node, step, leaf, last, field)

    def _descend(self, node: Any, step: str, leaf: Any, last: bool, field: str) -> Any:
        if step.startswith("["):
            if not isinstance(node, list):
                raise FieldError(f"{field}: {step} addresses a list entry where there is no list")
            entries = self._entries.setdefault(id(node), {})
            key = step[1:-1]
            if key in entries:
                if last:
                    raise FieldError(f"{field}: given twice")
                return _same_kind(entries[key], leaf, field)
            entries[key] = leaf
            node.append(leaf)
            return leaf
        if not isinstance(node, dict):
            raise FieldError(f"{field}: .{step} addresses a field where there is no mapping")
        if step in node:
            if last:
                raise FieldError(f"{field}: given twice")
            return _same_kind(node[step], leaf, field)
        node[step] = leaf
        return leaf


def _same_kind(found: Any, wanted: Any, field: str) -> Any:
    if type(found) is not type(wanted) or not isinstance(found, (dict, list)):
        raise FieldError(f"{field}: contradicts an earlier row")
    return found


def _steps(field: str) -> list[str]:
    """The steps of a field path: names and bracketed keys, in order."""
    steps: list[str] = []
    for part in field.split("."):
        match = _PART.fullmatch(part)
        if match is None:
            raise FieldError(f"{field!r} is not a field path (such as controller.name)")
        steps.append(match.group(1))
        steps += [f"[{key}]" for key in _INDEX.findall(match.group(2))]
    return steps
