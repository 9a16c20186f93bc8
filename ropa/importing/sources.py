"""Reading a spreadsheet to import: a workbook (xlsx) or a CSV file, as tables of cells.

A workbook is read with openpyxl's read-only mode, a row at a time, so a sheet of 100,000
rows never sits in memory as cells. Values only: a formula is never evaluated (its cell is
reported and left out); a hidden sheet is reported and not read. Before openpyxl opens the
file, its zip directory is checked against the limits below, so a "zip bomb" is refused
without being inflated. CSV is read as UTF-8 (a byte order mark is accepted) or in the
encoding given; its delimiter (comma, semicolon or tab) is taken from the header line.

Every problem that stops the read is a `UsageError` naming the file (exit 2).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ropa.errors import UsageError

# A workbook may inflate to at most IMPORT_BYTES (all its zip entries together) and hold at
# most IMPORT_ENTRIES entries; a CSV file, read whole to find its delimiter and encoding, may
# be at most IMPORT_BYTES. The defaults are far above a 100,000-row record of processing
# activities (about 60 MB), far below what would exhaust a laptop's memory.
from ropa.limits import IMPORT_BYTES, IMPORT_ENTRIES


def column_letter(number: int) -> str:
    """Excel's column name for a 1-based column number: 1 -> A, 27 -> AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_ref(sheet: str) -> str:
    """A sheet name as a cell reference writes it: quoted when it is not a plain word."""
    if sheet.replace("_", "").replace(".", "").isalnum():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@dataclass(frozen=True)
class Cell:
    """One non-empty cell: where it is and what it holds (text, a number, true/false, a
    date and time; a formula's text when `formula`)."""

    sheet: str
    row: int
    column: int
    value: Any
    formula: bool = False

    @property
    def ref(self) -> str:
        """The cell as a spreadsheet names it: Sheet!C14."""
        return f"{sheet_ref(self.sheet)}!{column_letter(self.column)}{self.row}"


@dataclass
class Table:
    """A sheet of a workbook, or a CSV file: its name and a way to read its rows."""

    name: str
    hidden: bool
    size: int  # rows, as the file states them (a workbook may understate it)
    _rows: Any = field(repr=False)
    # A CSV file's rows: how many fields each row read so far has, empty ones included (a
    # row with more than its header is a value with a comma that lacks its quotes).
    fields: dict[int, int] = field(default_factory=dict, repr=False)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number from 1, the row's non-empty cells), for every row with any."""
        return self._rows()


@dataclass
class Source:
    """What was read: its tables, in order, and the file's name for messages."""

    name: str
    tables: list[Table]
    kind: str  # "xlsx" or "csv"
    close: Any = None


def open_source(path: Path, encoding: str | None = None) -> Source:
    """The tables of the workbook or CSV file at `path`. Raises UsageError when it cannot be
    read: missing, a folder, not a workbook or CSV, over the limits, not in the encoding."""
    if str(path) != "-" and not path.exists():
        raise UsageError(f"{path}: no such file")
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a workbook (.xlsx) or a CSV file")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read: {exc.strerror}") from None
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm", ".ods"):
        if _opendocument(path):
            raise UsageError(
                f"{path}: an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV first"
                " (LibreOffice: File > Save As)"
            )
        return _workbook(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UsageError(f"{path}: an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV first")
    return _csv(path, encoding)


def _opendocument(path: Path) -> bool:
    """Whether the zip at `path` is an OpenDocument file (its `mimetype` entry says so)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "mimetype" not in archive.namelist():
                return False
            with archive.open("mimetype") as entry:
                return entry.read(200).startswith(b"application/vnd.oasis.opendocument")
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise UsageError(
            f"{path}: not a workbook (.xlsx): an .xlsx file is a zip archive, and this is not"
            " one (a CSV file needs the .csv ending)"
        ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read: {exc.strerror}") from None
    most = IMPORT_ENTRIES.value()
    if len(entries) > most:
        raise UsageError(
            f"{path}: holds {len(entries):,} zip entries; a workbook ropa imports holds at"
            f" most {most:,} (set {IMPORT_ENTRIES.variable} to raise the limit)"
        )
    inflated = sum(entry.file_size for entry in entries)
    most = IMPORT_BYTES.value()
    if inflated > most:
        raise UsageError(
            f"{path}: would inflate to {inflated:,} bytes; a source ropa imports is at most"
            f" {most:,} bytes (set {IMPORT_BYTES.variable} to raise the limit)"
        )


def _workbook(path: Path) -> Source:
    _check_zip(path)
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise UsageError(
            f"{path}: a zip archive, but not a workbook (.xlsx) ropa can read ({_why(exc)})"
        ) from None
    tables = []
    for sheet in book.worksheets:
        tables.append(
            Table(
                sheet.title,
                sheet.sheet_state != "visible",
                int(sheet.max_row or 0),
                _sheet_rows(path, sheet),
            )
        )
    return Source(path.name, tables, "xlsx", book.close)


def _why(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _sheet_rows(path: Path, sheet: Any) -> Any:
    title = sheet.title

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                cells = [
                    Cell(title, number, column, value, cell.data_type == "f")
                    for column, cell in enumerate(row, start=1)
                    if (value := cell.value) is not None and not _blank(value)
                ]
                if cells:
                    yield number, cells
        except Exception as exc:  # a sheet broken past its first rows
            raise UsageError(f"{path}: sheet {title!r} cannot be read: {_why(exc)}") from None

    return rows


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _csv(path: Path, encoding: str | None) -> Source:
    try:
        size = path.stat().st_size
        most = IMPORT_BYTES.value()
        if size > most:
            raise UsageError(
                f"{path}: {size:,} bytes; a source ropa imports is at most {most:,} bytes"
                f" (set {IMPORT_BYTES.variable} to raise the limit)"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read: {exc.strerror}") from None
    if encoding is None and raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # Excel's "Unicode text": the byte order mark says so
    if encoding is None and b"\x00" in raw[:4096]:
        raise UsageError(
            f"{path}: binary data, not a workbook (.xlsx) or a CSV file (a CSV file in UTF-16"
            " or UTF-32 without a byte order mark needs --encoding)"
        )
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except LookupError:
        raise UsageError(f"--encoding {encoding!r}: not an encoding Python knows") from None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{path}:{line}: not {encoding or 'UTF-8'} (byte 0x{raw[exc.start]:02x}); save it"
            " as CSV UTF-8, or name its encoding with --encoding (Excel on Windows: cp1252)"
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise UsageError(f"{path}: binary data, not a workbook (.xlsx) or a CSV file")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if first else ","
    name = path.name

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        widths = table.fields
        # A cell may be as large as the file (csv's default limit is 128 KiB).
        csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, 2**31 - 1)))
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            # Rows as a spreadsheet numbers them (a text with line breaks is one row).
            for number, row in enumerate(reader, start=1):
                widths[number] = len(row)
                cells = [
                    Cell(name, number, column, value)
                    for column, value in enumerate(row, start=1)
                    if not _blank(value)
                ]
                if cells:
                    yield number, cells
        except csv.Error as exc:
            raise UsageError(
                f"{path}:{reader.line_num}: not a CSV file ropa can read: {exc}"
            ) from None

    lines = text.count("\n") + 1
    table = Table(name, False, lines, rows)
    return Source(name, [table], "csv")


def plain(value: Any) -> str:
    """A cell's value as text: a date as YYYY-MM-DD, a whole number without ".0"
    (`fieldsheet.cell_value`), true/false as the spreadsheet shows them."""
    from ropa.fieldsheet import cell_value

    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(cell_value(value))
