"""`ropa import`: a spreadsheet in, a record's YAML files and a report out.

Three kinds of source are read (docs/import.md):

- a workbook written by `ropa export --format xlsx`: its record sheet holds every value, so
  the record comes back exactly (`ropa.fieldsheet`);
- a workbook or CSV file laid out like the ICO's documentation template or the CNIL's
  register model, or with columns a mapping file names (`ropa.importing.tables`);
- the processor tables of a privacy policy (system and vendor, location, purpose).

The record is split into files as the shipped registers are: `controller.yaml` (the
controller and the shared catalogues but processors), `processors.yaml`, and one file per
register named after its id.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ropa import fieldsheet
from ropa.importing.report import Entry, Report
from ropa.importing.sources import Cell, Source, Table, open_source
from ropa.importing.yamlout import dump_loaded
from ropa.loader import Document

if TYPE_CHECKING:
    from ropa.importing.tables import Mapping

# Where each top-level key of a record goes.
CONTROLLER_FILE = "controller.yaml"
PROCESSORS_FILE = "processors.yaml"
SHARED_KEYS = ("controller", "purpose_groups", "data_categories", "sources", "recipients")


@dataclass
class Imported:
    """A record read from a spreadsheet: the document, the comments to write above values
    (keyed by path from the document's root), and the report."""

    document: dict[str, Any]
    report: Report
    comments: dict[tuple[Any, ...], list[str]] = field(default_factory=dict)
    # Read from a ropa workbook's record sheet: the record itself, not a reading of it.
    exact: bool = False


def import_source(
    path: Path,
    encoding: str | None = None,
    mapping: Mapping | None = None,
    language: str | None = None,
    progress: Any = None,
) -> Imported:
    """Read the spreadsheet at `path` into a record. Raises UsageError (exit 2) when it
    cannot be read or holds nothing ropa recognises."""
    source = open_source(path, encoding)
    try:
        if mapping is None:
            found = _record_sheet(source)
            if found is not None:
                return _from_record_sheet(source, *found, progress)
        from ropa.importing import tables

        return tables.import_tables(source, mapping, language, progress)
    finally:
        if source.close is not None:
            source.close()


@functools.cache
def _record_headers() -> dict[tuple[str, str], str]:
    """The record sheet's header row in each shipped language: (field, value) -> language."""
    from ropa import i18n

    found = {}
    for lang in i18n.available_languages():
        _ = i18n.translations(lang).gettext
        found[(_("Field"), _("Value"))] = lang
    return found


# The first field path of a record sheet starts with a section of the record.
_FIRST_FIELD = re.compile("^(?:" + "|".join(fieldsheet.SECTIONS) + r")[.\[{]")


def _record_sheet(source: Source) -> tuple[Table, str] | None:
    """The record sheet of a ropa workbook, with the workbook's language ("" when its
    headers are in a language of the record's own catalog), or None. Known by its shape:
    two header cells, then a field path such as `controller.name` in column A."""
    if source.kind != "xlsx":
        return None
    headers = _record_headers()
    for table in source.tables:
        if table.hidden:
            continue
        rows = table.rows()
        first = next(rows, None)
        second = next(rows, None)
        if first is None or second is None or len(first[1]) != 2:
            continue
        pair = (str(first[1][0].value), str(first[1][1].value))
        head = second[1][0]
        if pair in headers or (
            head.column == 1 and isinstance(head.value, str) and _FIRST_FIELD.match(head.value)
        ):
            return table, headers.get(pair, "")
    return None


def _from_record_sheet(source: Source, table: Table, language: str, progress: Any) -> Imported:
    report = Report(source.name, "ropa workbook (record sheet)", language or "the record's own")
    for other in source.tables:
        if other is table:
            continue
        why = (
            "hidden; not read"
            if other.hidden
            else "made by ropa export from the record sheet; not read (edit the record sheet)"
        )
        report.sheets.append(_sheet_entry(other, why))
    builder = fieldsheet.Builder()
    rows = table.rows()
    next(rows)  # the header row
    if progress is not None:
        progress.start_rows(table.size)
    for number, cells in rows:
        if progress is not None:
            progress.advance(1)
        _record_row(builder, report, number, cells)
    return Imported(builder.document, report, exact=True)


def edited_cells(path: Path, documents: list[Document], language: str, today: Any,
                 report: Report) -> None:  # fmt: skip
    """Report each cell of a ropa workbook's Article 30 sheets that differs from what
    `ropa export` makes of the imported record. Those sheets are made from the record
    sheet, so a difference is an edit made on the record sheet after the export (the import
    takes it) or on the sheet itself (the import does not): which, only the user knows, so
    each is shown, and the exit code is left to the rest. Call it only for a record that
    validates (the export needs one)."""
    from ropa import countries
    from ropa.export import Export, sheet_title
    from ropa.importing.sources import plain
    from ropa.record import Record

    record = Record.assemble(documents)
    expected: dict[str, list[list[Any]]] = {}
    taken: list[str] = []
    for sheet in Export(record, countries.load(), language, today).workbook_sheets(False):
        taken.append(sheet_title(sheet.title, taken))
        expected[taken[-1]] = [sheet.header, *sheet.rows]
    source = open_source(path)
    try:
        for table in source.tables:
            rows = expected.get(table.name)
            if rows is None or table.hidden:
                continue
            seen: set[int] = set()
            for number, cells in table.rows():
                seen.add(number)
                wanted = rows[number - 1] if number <= len(rows) else []
                present = set()
                for cell in cells:
                    present.add(cell.column)
                    value = wanted[cell.column - 1] if cell.column <= len(wanted) else ""
                    if plain(cell.value) != ("" if value is None else str(value)):
                        report.add(cell.ref, plain(cell.value), "ignored", note=_differs(value))
                _emptied(report, table.name, number, wanted, present)
            for number in range(1, len(rows) + 1):
                if number not in seen:
                    _emptied(report, table.name, number, rows[number - 1], set())
    finally:
        if source.close is not None:
            source.close()


EDITED = (
    "this sheet is made from the record sheet and not read: an edit here is not imported,"
    " make it on the record sheet"
)


def _emptied(report: Report, sheet: str, number: int, wanted: list[Any], present: set[int]) -> None:
    """Report the cells of a row the export filled and the workbook holds empty."""
    for column, value in enumerate(wanted, start=1):
        if value not in ("", None) and column not in present:
            ref = Cell(sheet, number, column, None).ref
            report.add(ref, "", "ignored", note=_differs(value))


def _differs(value: Any, limit: int = 60) -> str:
    text = "" if value is None else str(value)
    shown = text if len(text) <= limit else text[:limit] + "…"
    return f"differs from the record sheet's {shown!r}; {EDITED}"


def _sheet_entry(table: Table, why: str) -> Entry:
    return Entry(table.name, "", "ignored", note=why)


def _record_row(
    builder: fieldsheet.Builder, report: Report, number: int, cells: list[Cell]
) -> None:
    by_column = {cell.column: cell for cell in cells}
    path_cell = by_column.get(1)
    values = [cell for cell in cells if cell.column >= 2]
    if path_cell is None:
        for cell in values:
            report.add(cell.ref, _shown(cell.value), "not understood", note="no field in column A")
        return
    field_path = str(path_cell.value)
    formulas = [cell for cell in values if cell.formula]
    if formulas:
        report.add(formulas[0].ref, _shown(formulas[0].value), "not understood", field_path,
                   "a formula; ropa never evaluates one: type the value")  # fmt: skip
        return
    empty = field_path.endswith(("[]", "{}"))
    if not values and not empty:
        report.add(path_cell.ref, "", "not understood", field_path, "no value")
        return
    value = fieldsheet.cell_value(values[0].value) if values else None
    if len(values) > 1:
        # A value longer than a cell holds continues in the columns to its right.
        value = "".join(fieldsheet.cell_value(cell.value) for cell in values)
    bad = _bad_text(value)
    cell_ref = values[0].ref if values else path_cell.ref
    if bad:
        report.add(cell_ref, _shown(value), "not understood", field_path, bad)
        return
    try:
        builder.add(field_path, value)
    except fieldsheet.FieldError as exc:
        report.add(cell_ref, _shown(value), "not understood", note=str(exc))
        return
    report.add(cell_ref, _shown(value), "copied", field_path)


def _bad_text(value: Any) -> str:
    """Why a value read from a cell cannot be in a record, or ""."""
    if not isinstance(value, str):
        return ""
    from ropa.loader import forbidden_character

    found = forbidden_character(value.replace("\r\n", "\n"))
    return f"holds {found[1]}, which a record cannot hold" if found else ""


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def record_files(imported: Imported) -> list[tuple[str, dict[str, Any], dict[Any, list[str]]]]:
    """The record as files: (file name, document, comments keyed by path in that file)."""
    document = imported.document
    files: list[tuple[str, dict[str, Any], dict[Any, list[str]]]] = []

    def comments_for(prefix: tuple[Any, ...], offset: int = 0) -> dict[Any, list[str]]:
        found = {}
        for path, lines in imported.comments.items():
            if path[: len(prefix)] == prefix:
                found[(path[0], path[1] - offset, *path[2:]) if offset else path] = lines
        return found

    shared = {key: document[key] for key in SHARED_KEYS if key in document}
    others = {
        key: value
        for key, value in document.items()
        if key not in SHARED_KEYS and key not in ("processors", "registers")
    }
    shared.update(others)
    if shared:
        found = {}
        for key in shared:
            found.update(comments_for((key,)))
        files.append((CONTROLLER_FILE, shared, found))
    if "processors" in document:
        files.append((PROCESSORS_FILE, {"processors": document["processors"]},
                      comments_for(("processors",))))  # fmt: skip
    taken = {CONTROLLER_FILE, PROCESSORS_FILE}
    registers = document.get("registers")
    if isinstance(registers, list):
        names = []
        for position, register in enumerate(registers):
            names.append(_register_file(register, position, taken))
            taken.add(names[-1])
        if names != sorted(names):
            # A record's registers come in the order of its files' names (which sets the
            # order of sections and rows): a number keeps the order they had.
            width = len(str(len(names)))
            names = [f"{n:0{width}d}-{name}" for n, name in enumerate(names, start=1)]
        for position, (register, name) in enumerate(zip(registers, names, strict=True)):
            files.append((name, {"registers": [register]},
                          comments_for(("registers", position), position)))  # fmt: skip
    elif registers is not None:
        files.append(("registers.yaml", {"registers": registers}, comments_for(("registers",))))
    return files


def _register_file(register: Any, position: int, taken: set[str]) -> str:
    """`<id>.yaml` for a register with a usable id, else `register-N.yaml`; never a name
    already taken."""
    import re

    rid = register.get("id") if isinstance(register, dict) else None
    base = rid if isinstance(rid, str) and re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", rid) else None
    name = f"{base}.yaml" if base else f"register-{position + 1}.yaml"
    number = 2
    while name in taken:
        name = f"{base or 'register'}-{number}.yaml"
        number += 1
    return name


# The first line of every file `ropa import` writes: how `--force` knows its own files.
HEADER_START = "# Imported from "
HEADER_END = " by ropa import; "


def written_by_import(path: Path) -> bool:
    """Whether the file at `path` was written by `ropa import` (its first line says so)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return first.startswith(HEADER_START) and HEADER_END in first


def write_yaml(
    imported: Imported, header: list[str], shown: Any = str
) -> list[tuple[str, str, Document]]:
    """(file name, YAML text, the text as loaded) for every file of the record; findings
    name a file `shown(name)`."""
    written = []
    for name, document, comments in record_files(imported):
        text, loaded = dump_loaded(document, comments, header, shown(name))
        written.append((name, text, loaded))
    return written
