"""The Article 30 record as an authority asks for it (Art. 30(4)): a spreadsheet, CSV or JSON.

The controller sheet has one row per register and purpose, with the columns of the UK ICO's
documentation template where it has the field (docs/export.md lists the mapping); the
processor sheet covers Art. 30(2); two more sheets list processors and transfers.
"""

from __future__ import annotations

import copy
import datetime
import io
import json
import os
import shutil
import zipfile
from dataclasses import dataclass
from typing import Any

from ropa import fieldsheet
from ropa.countries import CountryData
from ropa.notice.wording import RIGHTS, Wording
from ropa.record import Entity, Record
from ropa.render import csv_cell

# A fixed time for the workbook's metadata and zip entries: the same record must give the
# same bytes (the zip format cannot store dates before 1980).
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
COPY_BYTES = 1 << 20  # a sheet's XML is copied into the workbook this much at a time
# Excel holds at most 32,767 characters (UTF-16 code units) in a cell; openpyxl cuts longer
# text without a word. Longer values continue in the cells of extra columns (`fit_cells`).
MAX_CELL_CHARS = 32_767


@dataclass(frozen=True)
class Sheet:
    """A table: a title, a header row and data rows of strings (the record sheet's values
    are also numbers and true/false, kept as such in the workbook)."""

    title: str
    header: list[str]
    rows: list[list[Any]]
    widths: list[int]
    # The headers of columns that hold dates (YYYY-MM-DD): date cells in the workbook.
    dates: frozenset[str] = frozenset()


class Export:
    """Builds the record's tables in one language."""

    def __init__(
        self, record: Record, countries: CountryData, lang: str, on: datetime.date
    ) -> None:
        self.record = record
        self.countries = countries
        self.on = on  # the day transfers are judged on (decisions can expire)
        self.lang = lang
        self.view = Wording(record, countries, lang, record.catalogs)
        self._ = self.view._
        controller = record.controller
        assert controller is not None, "export runs only on a validated record"
        self.controller = controller

    def _join(self, values: list[str]) -> str:
        return "\n".join(v for v in values if v)

    def _texts(self, items: list[dict[str, Any]] | None) -> str:
        return self._join([self.view.text(item.get("name")) for item in items or []])

    def _measures(self, register: Entity) -> str:
        measures = (self.controller.get("security_measures") or []) + (
            register.get("security_measures") or []
        )
        return self._join([self.view.text(m["description"]) for m in measures])

    def _transfers(self, register: Entity) -> tuple[str, str]:
        """The register's transfers outside the EU/EEA (Art. 30(1)(e)), from its processors
        and recipients: the countries; and, apart, the transfers that rest on an Art. 49
        derogation with the situation (and, for compelling legitimate interests, the
        assessment and safeguards) recorded for them, which is what the ICO's "safeguards
        for exceptional transfers" column asks for. Every transfer's mechanism is on the
        transfers sheet."""
        processors = self.record.index("processors")
        recipients = self.record.index("recipients")
        holders = [processors[use["processor"]] for use in register.get("processors") or []]
        holders += [recipients[r] for r in register.get("recipients") or [] if r in recipients]
        countries: list[str] = []
        exceptional: list[str] = []
        for holder in holders:
            who = self.view.text(holder.get("system") or holder.get("name"))
            for transfer in holder.get("transfers") or []:
                code = self.countries.canonical(transfer["country"]) or transfer["country"]
                name = self.view.place_name(code)
                mechanism = transfer["mechanism"]
                if name not in countries:
                    countries.append(name)
                if mechanism.startswith("art49_"):
                    condition = self.view.text(transfer.get("condition")) if transfer.get(
                        "condition") else ""  # fmt: skip
                    line = f"{who}, {name}: {self.view.mechanism(mechanism)}" + (
                        f" ({condition})" if condition else "")  # fmt: skip
                    if line not in exceptional:
                        exceptional.append(line)
        return self._join(countries), self._join(exceptional)

    def _decisions(self, register: Entity) -> str:
        """The ICO's automated decision-making column: what the register states of
        profiling and of solely automated decisions (Art. 22), and nothing it does not."""
        _ = self._
        parts = []
        if register.get("profiling"):
            parts.append(_("Profiling: yes"))
        automated = register.get("automated_decisions")
        if isinstance(automated, dict) and "used" in automated:
            parts.append(
                _("solely automated decisions: yes")
                if automated["used"]
                else _("solely automated decisions: no")
            )
        return _upper_first("; ".join(parts))

    def _recipients(self, register: Entity) -> str:
        recipients = self.record.index("recipients")
        processors = self.record.index("processors")
        names = [
            self.view.text(recipients[r].get("name")) for r in register.get("recipients") or []
        ]
        systems = [
            f"{self.view.text(processors[u['processor']].get('system'))}"
            f" ({processors[u['processor']].get('legal_entity')})"
            for u in register.get("processors") or []
        ]
        if systems:
            names.append(self._("Processors: %(names)s") % {"names": ", ".join(systems)})
        return self._join(names)

    def _dpas(self, register: Entity) -> str:
        processors = self.record.index("processors")
        lines = []
        for use in register.get("processors") or []:
            processor = processors[use["processor"]]
            dpa = processor.get("dpa") or {}
            state = dpa.get("reference") or (
                self._("Data processing agreement signed") if dpa.get("signed") else self._("No")
            )
            lines.append(f"{self.view.text(processor.get('system'))}: {state}")
        return self._join(lines)

    def controller_sheet(self) -> Sheet:
        """Art. 30(1): one row per register and purpose."""
        _ = self._
        header = [
            _("Business function"),
            _("Purpose of processing"),
            _("Name and contact details of joint controller (if applicable)"),
            _("Categories of individuals"),
            _("Categories of personal data"),
            _("Categories of recipients"),
            _("Link to contract with processor"),
            _("Names of third countries or international organisations that personal data are transferred to (if applicable)"),
            _("Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)"),
            _("Retention schedule (if possible)"),
            _("General description of technical and organisational security measures (if possible)"),
            _("Article 6 lawful basis for processing personal data"),
            _("Article 9 condition for processing special category data"),
            _("Legitimate interests for the processing (if applicable)"),
            _("Link to record of legitimate interests assessment (if applicable)"),
            _("Rights available to individuals"),
            _("Existence of automated decision-making, including profiling (if applicable)"),
            _("The source of the personal data (if applicable)"),
            _("Register id"),
            _("Purpose id"),
            _("Owner"),
            _("Last reviewed"),
        ]  # fmt: skip
        c = self.controller.data
        joints = {j.get("id"): j for j in c.get("joint_controllers") or []}
        rights = c["rights"]
        right_names = self._join(self._rights(rights))
        sources = self.record.index("sources")
        rows = []
        for register in self.record.registers:
            if register.get("role") != "controller":
                continue
            countries, exceptional = self._transfers(register)
            retention = self._join(
                [
                    f"{item['applies_to']}: {item['period']}"
                    if item["applies_to"]
                    else item["period"]
                    for item in self.view.retention_items(register.get("retention") or [], register)
                ]
            )
            decisions = self._decisions(register)
            # What the register's rows share is worded once, not once per purpose.
            name = self.view.text(register.get("name"))
            joint = self._joint(register, joints)
            subjects = self._texts(register.get("data_subjects"))
            data = self._texts(register.get("personal_data"))
            recipients = self._recipients(register)
            dpas = self._dpas(register)
            measures = self._measures(register)
            source_names = self._join(
                [self.view.text(sources[s].get("name")) for s in register.get("sources") or []]
            )
            owner, reviewed = str(register.get("owner")), str(register.get("last_reviewed"))
            for purpose in register.get("purposes") or []:
                bases = purpose["legal_bases"]
                rows.append(
                    [
                        name,
                        self.view.text(purpose["name"]),
                        joint,
                        subjects,
                        data,
                        recipients,
                        dpas,
                        countries,
                        exceptional,
                        retention,
                        measures,
                        self._join(
                            [_upper_first(self.view.basis_label(b["basis"])) for b in bases]
                        ),
                        _upper_first(self.view.condition(purpose["special_category_condition"]))
                        if purpose.get("special_category_condition")
                        else "",
                        self._join(
                            [self.view.text(b["interest"]) for b in bases if b.get("interest")]
                        ),
                        self._join([b["lia"] for b in bases if b.get("lia")]),
                        right_names if rights else "",
                        decisions,
                        source_names,
                        register.id,
                        purpose["id"],
                        owner,
                        reviewed,
                    ]
                )
        widths = [
            22,
            36,
            24,
            30,
            40,
            36,
            30,
            24,
            40,
            40,
            40,
            22,
            22,
            40,
            24,
            40,
            30,
            30,
            14,
            18,
            22,
            14,
        ]
        return Sheet(_("Controller record"), header, rows, widths, frozenset({header[-1]}))

    def processor_sheet(self) -> Sheet:
        """Art. 30(2): processing done on behalf of other controllers."""
        _ = self._
        header = [
            _("Name and contact details of the processor"),
            _("Name and contact details of each controller"),
            _("Categories of processing carried out on behalf of each controller"),
            _("Names of third countries or international organisations that personal data are transferred to (if applicable)"),
            _("General description of technical and organisational security measures (if possible)"),
            _("Register id"),
            _("Owner"),
            _("Last reviewed"),
        ]  # fmt: skip
        c = self.controller.data
        processor = f"{self.view.text(c['name'])}, {c['email']}"
        rows = []
        for register in self.record.registers:
            if register.get("role") != "processor":
                continue
            countries, _safeguards = self._transfers(register)
            controllers = self._join(
                [
                    ", ".join(filter(None, (self.view.text(x["name"]), x.get("email"))))
                    for x in register.get("controllers") or []
                ]
            )
            rows.append(
                [
                    processor,
                    controllers,
                    self._texts(register.get("processing")),
                    countries,
                    self._measures(register),
                    register.id,
                    str(register.get("owner")),
                    str(register.get("last_reviewed")),
                ]
            )
        return Sheet(
            _("Processor record"), header, rows, [30, 36, 44, 30, 40, 14, 22, 14],
            frozenset({header[-1]}),
        )  # fmt: skip

    def _joint(self, register: Entity, joints: dict[str, dict[str, Any]]) -> str:
        """The joint controllers of this register only (Art. 26), with their contact."""
        return self._join(
            [
                ", ".join(filter(None, (self.view.text(j["name"]), j.get("email"))))
                for ref in register.get("joint_controllers") or []
                if (j := joints.get(ref)) is not None
            ]
        )

    def _rights(self, rights: dict[str, Any]) -> list[str]:
        _ = self._
        names = {
            "access": _("Right of access"),
            "rectification": _("Right to rectification"),
            "erasure": _("Right to erasure"),
            "restriction": _("Right to restriction of processing"),
            "objection": _("Right to object"),
            "portability": _("Right to data portability"),
            "complaint": _("Right to lodge a complaint with a supervisory authority"),
        }
        available = rights.get("available", [])
        conditional = rights.get("where_applicable", [])
        # A right the record gives only where the legal basis allows says so.
        return [
            names[r] if r in available else _("%(right)s (where applicable)") % {"right": names[r]}
            for r in RIGHTS
            if r in available or r in conditional
        ]

    def processors_sheet(self) -> Sheet:
        _ = self._
        header = [_("Processor id"), _("System"), _("Legal entity"), _("Countries"), _("Registers"),
                  _("Data processing agreement signed"), _("Data processing agreement reference")]  # fmt: skip
        rows = []
        for p in self.record.catalogues["processors"]:
            dpa = p.get("dpa") or {}
            rows.append(
                [
                    p.id,
                    self.view.text(p.get("system")),
                    str(p.get("legal_entity")),
                    ", ".join(self.view.place_name(c) for c in p.get("countries")),
                    ", ".join(
                        self.view.text(r.get("name"))
                        for r, _u in self.record.processor_uses.get(p.id, [])
                    ),
                    _("Yes") if dpa.get("signed") else _("No"),
                    dpa.get("reference") or "",
                ]
            )
        return Sheet(_("Processors"), header, rows, [18, 22, 24, 26, 34, 16, 30])

    def transfers_sheet(self) -> Sheet:
        _ = self._
        as_of = self.view.fmt.date(self.countries.as_of.isoformat())
        header = [_("System"), _("Legal entity"), _("Country"), _("Safeguard"),
                  _("Adequacy decision (country data as of %(date)s)") % {"date": as_of},
                  _("Legal ground"), _("Transfer impact assessment")]  # fmt: skip
        covered = {"full": _("Yes"), "partial": _("Partly (within its scope)")}
        rows = []
        for holder in (
            *self.record.catalogues["processors"],
            *self.record.catalogues["recipients"],
        ):
            for t in holder.get("transfers") or []:
                code = self.countries.canonical(t["country"]) or t["country"]
                mechanism = t["mechanism"]
                # One judgement for every command: the US decision covers only DPF-certified
                # organisations, some decisions cover part of a country, some expire.
                adequacy = self.countries.assess(code, mechanism, self.on).adequacy
                rows.append(
                    [
                        self.view.text(holder.get("system") or holder.get("name")),
                        str(holder.get("legal_entity") or ""),
                        self.view.place_name(code),
                        self.view.mechanism(mechanism),
                        covered.get(adequacy, _("No")),
                        self.view.ground(mechanism, code),
                        t.get("tia") or "",
                    ]
                )
        return Sheet(_("Transfers"), header, rows, [20, 24, 18, 48, 14, 40, 30])

    def sheets(self) -> list[Sheet]:
        return [
            self.controller_sheet(),
            self.processor_sheet(),
            self.processors_sheet(),
            self.transfers_sheet(),
        ]

    def record_sheet(self) -> Sheet:
        """The whole record, a row per value (`ropa.fieldsheet`): what `ropa import` rebuilds
        the record from, and what a reader can look any field up in."""
        _ = self._
        rows = [
            [field, value]
            for field, value in fieldsheet.flatten(fieldsheet.merged(self.record.documents))
        ]
        return Sheet(_("Record data"), [_("Field"), _("Value")], rows, [64, 90])

    def workbook_sheets(self, record_sheet: bool = True) -> list[Sheet]:
        """`sheets()`, and the record sheet unless `record_sheet` is false, with every value
        fitted to Excel's cell limit: a longer value goes on in extra columns headed
        "<column>, part 2", "part 3"... in the export's language."""
        sheets = [*self.sheets(), self.record_sheet()] if record_sheet else self.sheets()
        return [fit_cells(sheet, self._part_header) for sheet in sheets]

    def _part_header(self, column: str, part: int) -> str:
        return self._("%(column)s, part %(part)d") % {"column": column, "part": part}


def _utf16_length(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF is two)."""
    return len(text.encode("utf-16-le")) // 2


def cell_parts(value: Any, limit: int = MAX_CELL_CHARS) -> list[Any]:
    """`value` (a number or true/false: as it is) cut into parts of at most `limit` UTF-16 code units that join back into it
    exactly: each cut after the last line break that fits, else after the last space, else
    at the limit (never inside a surrogate pair)."""
    if not isinstance(value, str) or len(value) * 2 <= limit:
        return [value]  # no text of this length can be over the limit in UTF-16
    parts: list[str] = []
    while _utf16_length(value) > limit:
        end = limit
        while end > 1 and _utf16_length(value[:end]) > limit:
            end = max(1, end - max(1, (_utf16_length(value[:end]) - limit) // 2))
        head = value[:end]
        cut = head.rfind("\n") + 1 or head.rfind(" ") + 1 or end
        parts.append(value[:cut])
        value = value[cut:]
    parts.append(value)
    return parts


def fit_cells(sheet: Sheet, part_header: Any, limit: int = MAX_CELL_CHARS) -> Sheet:
    """`sheet` with every value over `limit` continued in extra columns after its own; their
    headers are `part_header(column header, part number)`. A sheet that fits is returned
    as it is."""
    if not any(
        isinstance(value, str) and len(value) * 2 > limit for row in sheet.rows for value in row
    ):
        return sheet  # no value can be over the limit (see cell_parts): nothing is copied
    split = [[cell_parts(value, limit) for value in row] for row in sheet.rows]
    counts = [max((len(row[c]) for row in split), default=1) for c in range(len(sheet.header))]
    if all(count == 1 for count in counts):
        return sheet
    header: list[str] = []
    widths: list[int] = []
    for column, count in enumerate(counts):
        header += [sheet.header[column]]
        header += [part_header(sheet.header[column], n) for n in range(2, count + 1)]
        widths += [sheet.widths[column]] * count
    rows = [
        [part for column, parts in enumerate(row)
         for part in parts + [""] * (counts[column] - len(parts))]
        for row in split
    ]  # fmt: skip
    return Sheet(sheet.title, header, rows, widths, sheet.dates)


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def sheet_title(title: str, taken: list[str]) -> str:
    """A worksheet name Excel accepts: none of : \\ / ? * [ ] (a translated title may have
    them, "Doorgiften naar derde landen/internationale organisaties"), at most 31
    characters, and unique in the workbook (Excel compares names case-insensitively)."""
    name = "".join("-" if c in ":\\/?*[]" else c for c in title).strip("' ") or "Sheet"
    name = name[:31]
    used = {t.lower() for t in taken}
    number = 2
    while name.lower() in used:
        suffix = f" ({number})"
        name = name[: 31 - len(suffix)] + suffix
        number += 1
    return name


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


# Points per line of 11-point text, and Excel's tallest row.
LINE_POINTS = 15
MAX_ROW_POINTS = 409


def _row_height(row: list[Any], widths: list[int], per_width: float = 1.2) -> float:
    """The height in points that shows every line of the row's wrapped cells: a column of
    width w holds about 1.2 w characters of ordinary text a line (`per_width`; bold header
    text is wider, and other fonts than Calibri too)."""
    lines = 1
    for value, width in zip(row, widths, strict=False):
        if not isinstance(value, str) or not value:
            continue
        per_line = max(1, int(width * per_width))
        if "\n" in value:
            count = sum(max(1, -(-len(line) // per_line)) for line in value.split("\n"))
        else:
            count = -(-len(value) // per_line)
        lines = max(lines, count)
    return float(min(MAX_ROW_POINTS, lines * LINE_POINTS))


def _neutral(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@")


def to_xlsx(sheets: list[Sheet], created: str) -> bytes:
    """A workbook with a frozen, filtered header row, set widths, wrapped text, rows tall
    enough for it, and dates as date cells.

    Written in openpyxl's write-only mode: each row goes to the file as it is appended, so
    memory and time grow with the cells written, not with the cell objects a normal
    workbook keeps until it is saved (the record sheet alone has a row per value)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=True)
    stamp = datetime.datetime.fromisoformat(created)
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.creator = "ropa"
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(name="Calibri", size=11, bold=True)
    taken: list[str] = []
    # Each kind of cell's style, made once and shared by its cells: assigning a style object
    # to every cell would hash it each time (a third of the time of a large workbook). A
    # cell of a write-only sheet is written when its row is appended and never changed.
    styles: dict[str, Any] = {}
    for sheet in sheets:
        taken.append(sheet_title(sheet.title, taken))
        ws = book.create_sheet(taken[-1])
        if not styles:
            styles = _cell_styles(ws, wrap, bold)
        # What the sheet's XML holds before its rows is set before the first row.
        for column, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "A2"
        # On paper: A4 landscape, the header row on every page, and the first columns (which
        # register, which purpose) on every page a wide row is printed across.
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.print_title_rows = "1:1"
        ws.print_title_cols = "A:B" if len(sheet.header) > 8 else "A:A"
        last = get_column_letter(len(sheet.header))
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
        ws.row_dimensions[1].height = _row_height(sheet.header, sheet.widths, per_width=0.9)
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=title)
            cell.data_type = "s"
            cell._style = styles["header"]
            header.append(cell)
        ws.append(header)
        dated = {i for i, title in enumerate(sheet.header, start=1) if title in sheet.dates}
        for number, row in enumerate(sheet.rows, start=2):
            cells = []
            for column, value in enumerate(row, start=1):
                day = _date(value) if column in dated and isinstance(value, str) else None
                if day is not None:
                    cell = WriteOnlyCell(ws, value=day)
                    kind = "date"
                elif not isinstance(value, str):
                    cell = WriteOnlyCell(ws, value=value)  # a number, true/false, or None
                    kind = "text"
                else:
                    # Assigning a string that starts with "=" makes openpyxl write a formula;
                    # a string cell with Excel's quote prefix shows the text and never
                    # evaluates it.
                    cell = WriteOnlyCell(ws, value=value)
                    cell.data_type = "s"
                    kind = "quoted" if _neutral(value) else "text"
                cell._style = styles[kind]
                cells.append(cell)
            # Excel and LibreOffice do not grow a row for wrapped text they did not lay out
            # themselves: printed, such rows would overlap. The height is read as the row
            # is written, and then dropped.
            ws.row_dimensions[number].height = _row_height(row, sheet.widths)
            ws.append(cells)
            del ws.row_dimensions[number]
    used = {
        f"xl/worksheets/sheet{number}.xml": f"A1:{get_column_letter(len(sheet.header))}"
        f"{len(sheet.rows) + 1}"
        for number, sheet in enumerate(sheets, start=1)
    }
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    # Not `book.save()`: it stamps `modified` with the clock, and its zip entries with the
    # time of writing. Written through _FixedZip, the same workbook gives the same bytes, in
    # one pass (rewriting the zip afterwards meant inflating and compressing it all again).
    ExcelWriter(book, _FixedZip(buffer, used)).save()
    return buffer.getvalue()


def _cell_styles(ws: Any, wrap: Any, bold: Any) -> dict[str, Any]:
    """The style arrays of the workbook's kinds of cell: header (bold), text, quoted text
    (Excel's quote prefix) and date, all wrapped and aligned to the top."""
    from openpyxl.cell import WriteOnlyCell

    found = {}
    for kind in ("header", "text", "quoted", "date"):
        cell = WriteOnlyCell(ws)
        cell.alignment = wrap
        if kind == "header":
            cell.font = bold
        elif kind == "quoted":
            cell.quotePrefix = True
        elif kind == "date":
            cell.number_format = "yyyy-mm-dd"
        found[kind] = cell._style
    return found


class _FixedZip(zipfile.ZipFile):
    """A zip archive for a workbook that the same record always writes alike: every entry
    dated FIXED_TIME with the same permissions (the zip format cannot store dates before
    1980), and each sheet's used range stated (`used`: `xl/worksheets/sheet1.xml` ->
    `A1:V21`), which a sheet written in write-only mode leaves out, so that a reader
    (openpyxl's read-only mode, `ropa import`) need not read the whole sheet to find its
    size."""

    def __init__(self, file: Any, used: dict[str, str]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        self.used = used

    def _entry(self, name: str) -> zipfile.ZipInfo:
        fixed = zipfile.ZipInfo(name, date_time=FIXED_TIME)
        fixed.compress_type = zipfile.ZIP_DEFLATED
        fixed.external_attr = 0o644 << 16
        return fixed

    def _dimension(self, name: str, head: bytes) -> bytes:
        """The start of a sheet's XML with its used range stated, where it is not yet."""
        if name in self.used and b"<dimension " not in head[:4096]:
            dimension = f'<dimension ref="{self.used[name]}" />'.encode()
            return head.replace(b"</sheetPr>", b"</sheetPr>" + dimension, 1)
        return head

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        content = data.encode("utf-8") if isinstance(data, str) else data
        super().writestr(self._entry(name), self._dimension(name, content))

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        """A sheet written in write-only mode, from its temporary file: copied into the
        archive a piece at a time (a sheet's XML is several times the record's size). Its
        `<sheetPr>` element, where the used range goes, is at the start of the file."""
        name = arcname or filename
        entry = self._entry(name)
        with open(filename, "rb") as source:  # noqa: PTH123 - openpyxl gives a str path
            entry.file_size = os.fstat(source.fileno()).st_size  # whether it needs ZIP64
            with self.open(entry, "w") as target:
                target.write(self._dimension(name, source.read(COPY_BYTES)))
                shutil.copyfileobj(source, target, COPY_BYTES)


def to_csv(sheet: Sheet, bom: bool = False) -> bytes:
    """One sheet as UTF-8 CSV (optionally with a BOM, which Excel needs to detect UTF-8)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(sheet.header)
    for row in sheet.rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" if bom else "").encode("utf-8") + buffer.getvalue().encode("utf-8")


def to_json(record: Record, countries: CountryData) -> bytes:
    """The whole record, normalised: regions expanded, references resolved in place."""
    processors = {p.id: p.data for p in record.catalogues["processors"]}
    recipients = {r.id: r.data for r in record.catalogues["recipients"]}
    sources = {s.id: s.data for s in record.catalogues["sources"]}
    groups = {g.id: g.data for g in record.catalogues["purpose_groups"]}
    categories = {d.id: d.data for d in record.catalogues["data_categories"]}

    def expanded(entity: dict[str, Any]) -> dict[str, Any]:
        out = copy.deepcopy(entity)
        if "countries" in out:
            out["countries_expanded"] = sorted(
                {m for code in out["countries"] for m in countries.expand(code)}
            )
            out["outside_eea"] = [c for c in out["countries_expanded"] if not countries.in_eea(c)]
        return out

    registers = []
    for register in record.registers:
        data = copy.deepcopy(register.data)
        data["sources"] = [sources[s] for s in data.get("sources", [])]
        data["recipients"] = [expanded(recipients[r]) for r in data.get("recipients", [])]
        data["processors"] = [
            {"purpose": use["purpose"], "processor": expanded(processors[use["processor"]])}
            for use in data.get("processors", [])
        ]
        for purpose in data.get("purposes", []):
            if "group" in purpose:
                purpose["group"] = groups[purpose["group"]]
        for item in data.get("personal_data", []):
            if "category" in item:
                item["category"] = categories[item["category"]]
        registers.append(data)
    controller = record.controller
    document = {
        "version": 1,
        "country_data_as_of": countries.as_of.isoformat(),
        "controller": controller.data if controller else None,
        "processors": [expanded(p) for p in processors.values()],
        "recipients": [expanded(r) for r in recipients.values()],
        "sources": list(sources.values()),
        "data_categories": list(categories.values()),
        "purpose_groups": list(groups.values()),
        "registers": registers,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def created(record: Record) -> str:
    """The workbook's creation time: the policy's last update, so output stays reproducible."""
    controller = record.controller
    policy = (controller.get("policy") if controller else None) or {}
    return f"{policy.get('last_updated', '1980-01-01')}T00:00:00"
