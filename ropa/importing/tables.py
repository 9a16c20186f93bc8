"""Tables of processing activities or processors, read by their headers or a mapping file.

A sheet (or CSV file) is read when a row among its first `HEADER_ROWS` names at least two
fields ropa knows: the ICO template's columns, the CNIL register model's (in French), ropa's
own export's in every shipped language, the processor tables of a privacy policy, or common
Swedish and Finnish headings (`HEADERS`). A mapping file (`--mapping`) names the field of
each column instead; `draft_mapping` writes one from the headers it recognises.

A table with a `register` or `purpose` column is a table of processing activities: each row
is one purpose of one register (rows of the same register name share it; an empty register
cell, as left by merged cells, continues the register of the row above). A table with
processor columns only is a table of processors. Values are read with
`ropa.importing.recognise`; what is not recognised is kept word for word in the record
where it has a text for it, or in the entry's `internal_note` (never published), with a
comment naming the cell.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ropa.errors import UsageError
from ropa.importing import recognise as rc
from ropa.importing.report import Entry, Report
from ropa.importing.sources import Cell, Source, Table, column_letter, open_source, plain

# The header row is looked for in this many rows from the top (the ICO template has its
# organisation's contact block above the table).
HEADER_ROWS = 30

# The fields a column can hold, with what they become in the record (docs/import.md).
FIELDS: dict[str, str] = {
    "register": "register name (the ICO's business function; rows with the same name share a register)",
    "register_id": "register id",
    "description": "register description",
    "purpose": "purpose of processing (a purpose of the register)",
    "purpose_id": "purpose id",
    "legal_basis": "Art. 6 lawful basis of the purpose ('legitimate interests', '6(1)(f)', 'samtycke')",
    "legitimate_interest": "the legitimate interest pursued (with a legitimate-interests basis)",
    "lia": "link to the legitimate interests assessment",
    "special_category_condition": "Art. 9(2) condition of the purpose",
    "special_category_data": "whether special category data is processed (yes/no)",
    "joint_controller": "joint controller: name and e-mail",
    "data_subjects": "categories of data subjects, one a line",
    "personal_data": "categories of personal data, one a line",
    "recipients": "recipients, one a line (shared across registers by name)",
    "processors": "processors used, one a line (shared across registers by name)",
    "dpa": "link to or reference of the contract with the processor",
    "third_countries": "countries outside the EU/EEA data is transferred to",
    "transfer_safeguards": "transfer mechanisms ('SCC', 'DPF', 'BCR', 'adequacy')",
    "retention": "retention period ('24 months after the last activity'), one rule a line",
    "security_measures": "technical and organisational security measures, one a line",
    "rights": "rights available to data subjects, one a line",
    "automated_decisions": "whether solely automated decisions are made (yes/no)",
    "dpia_required": "whether a data protection impact assessment is required (yes/no)",
    "dpia_reference": "link to the data protection impact assessment",
    "sources": "sources of the personal data, one a line",
    "owner": "e-mail address of the register's owner",
    "last_reviewed": "date the register was last reviewed",
    "processor_system": "a processor's system or service name",
    "processor_legal_entity": "a processor's legal entity",
    "processor_system_and_entity": "a processor as 'System, Legal entity' (a privacy policy's table)",
    "processor_id": "a processor's id",
    "processor_countries": "where a processor is and processes ('EU/USA/Australia')",
    "processor_purpose": "what a processor does for the register",
    "dpa_signed": "whether the data processing agreement is signed (yes/no)",
    "dpa_reference": "the data processing agreement's reference or link",
}  # fmt: skip
ACTIVITY_KEYS = ("register", "purpose")
PROCESSOR_FIELDS = tuple(name for name in FIELDS if name.startswith(("processor_", "dpa_")))

# The headers of ropa's own export (the ICO template's wording where it has the column):
# (field, English msgid). `_own_headers` reads them in every shipped language.
EXPORT_HEADERS: list[tuple[str, str]] = [
    ("register", "Business function"),
    ("purpose", "Purpose of processing"),
    ("joint_controller", "Name and contact details of joint controller (if applicable)"),
    ("data_subjects", "Categories of individuals"),
    ("personal_data", "Categories of personal data"),
    ("recipients", "Categories of recipients"),
    ("dpa", "Link to contract with processor"),
    ("third_countries", "Names of third countries or international organisations that personal data are transferred to (if applicable)"),
    ("transfer_safeguards", "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)"),
    ("retention", "Retention schedule (if possible)"),
    ("security_measures", "General description of technical and organisational security measures (if possible)"),
    ("legal_basis", "Article 6 lawful basis for processing personal data"),
    ("special_category_condition", "Article 9 condition for processing special category data"),
    ("legitimate_interest", "Legitimate interests for the processing (if applicable)"),
    ("lia", "Link to record of legitimate interests assessment (if applicable)"),
    ("rights", "Rights available to individuals"),
    ("automated_decisions", "Existence of automated decision-making, including profiling (if applicable)"),
    ("sources", "The source of the personal data (if applicable)"),
    ("register_id", "Register id"),
    ("purpose_id", "Purpose id"),
    ("owner", "Owner"),
    ("last_reviewed", "Last reviewed"),
    ("processor_id", "Processor id"),
    ("processor_system", "System"),
    ("processor_legal_entity", "Legal entity"),
    ("processor_countries", "Countries"),
    ("dpa_signed", "Data processing agreement signed"),
    ("dpa_reference", "Data processing agreement reference"),
    ("processors", "Processors"),
]  # fmt: skip

# Headers by language: (language, field, header). Compared folded, without "(if applicable)".
HEADERS: list[tuple[str, str, str]] = [
    # ropa's export, with the ICO's documentation template for controllers.
    *[("en", fld, header) for fld, header in EXPORT_HEADERS],
    ("en", "dpia_required", "Data Protection Impact Assessment required?"),
    ("en", "dpia_reference", "Link to Data Protection Impact Assessment"),
    # Common English headings.
    ("en", "register", "Processing activity"),
    ("en", "register", "Register"),
    ("en", "purpose", "Purpose"),
    ("en", "purpose", "Purposes"),
    ("en", "legal_basis", "Lawful basis"),
    ("en", "legal_basis", "Legal basis"),
    ("en", "data_subjects", "Data subjects"),
    ("en", "personal_data", "Personal data"),
    ("en", "recipients", "Recipients"),
    ("en", "third_countries", "Third countries"),
    ("en", "transfer_safeguards", "Transfer safeguards"),
    ("en", "transfer_safeguards", "Transfer mechanism"),
    ("en", "retention", "Retention period"),
    ("en", "retention", "Retention"),
    ("en", "security_measures", "Security measures"),
    ("en", "sources", "Source"),
    ("en", "sources", "Sources"),
    ("en", "description", "Description"),
    ("en", "processor_system_and_entity", "System and vendor"),
    ("en", "processor_system_and_entity", "Name of system and supplier"),
    ("en", "processor_legal_entity", "Vendor"),
    ("en", "processor_legal_entity", "Supplier"),
    ("en", "processor_countries", "Location"),
    ("en", "processor_countries", "Location of company and/or servers"),
    ("en", "processor_purpose", "Purpose of the service"),
    # The CNIL's register model and common French headings.
    ("fr", "register", "Nom du traitement"),
    ("fr", "register", "Nom / sigle du traitement"),
    ("fr", "register", "Activité"),
    ("fr", "register", "Activités"),
    ("fr", "register", "Désignation des activités"),
    ("fr", "register", "Traitement"),
    ("fr", "purpose", "Finalité"),
    ("fr", "purpose", "Finalités"),
    ("fr", "purpose", "Finalité(s) du traitement"),
    ("fr", "purpose", "Finalité principale"),
    ("fr", "purpose", "Objectifs poursuivis"),
    ("fr", "legal_basis", "Base légale"),
    ("fr", "legal_basis", "Base légale du traitement"),
    ("fr", "legal_basis", "Base juridique"),
    ("fr", "legal_basis", "Fondement juridique"),
    ("fr", "data_subjects", "Catégories de personnes concernées"),
    ("fr", "personal_data", "Catégories de données"),
    ("fr", "personal_data", "Catégories de données collectées"),
    ("fr", "personal_data", "Catégories de données personnelles"),
    ("fr", "personal_data", "Données traitées"),
    ("fr", "special_category_data", "Données sensibles"),
    ("fr", "retention", "Durée de conservation"),
    ("fr", "retention", "Durées de conservation"),
    ("fr", "retention", "Durée de conservation des données"),
    ("fr", "recipients", "Destinataires"),
    ("fr", "recipients", "Catégories de destinataires"),
    ("fr", "recipients", "Destinataires des données"),
    ("fr", "processors", "Sous-traitants"),
    ("fr", "processors", "Sous-traitant(s)"),
    ("fr", "third_countries", "Transferts hors UE"),
    ("fr", "third_countries", "Transferts de données hors UE"),
    ("fr", "third_countries", "Pays destinataire"),
    ("fr", "transfer_safeguards", "Garanties"),
    ("fr", "transfer_safeguards", "Type de garanties"),
    ("fr", "transfer_safeguards", "Garanties appropriées"),
    ("fr", "security_measures", "Mesures de sécurité"),
    ("fr", "security_measures", "Mesures de sécurité techniques et organisationnelles"),
    ("fr", "joint_controller", "Responsable conjoint"),
    ("fr", "joint_controller", "Responsable(s) conjoint(s)"),
    ("fr", "joint_controller", "Co-responsable"),
    ("fr", "sources", "Source des données"),
    ("fr", "sources", "Origine des données"),
    ("fr", "last_reviewed", "Dernière mise à jour"),
    ("fr", "last_reviewed", "Date de mise à jour"),
    ("fr", "last_reviewed", "Mise à jour"),
    ("fr", "owner", "Référent"),
    ("fr", "description", "Description"),
    ("fr", "description", "Description du traitement"),
    ("fr", "automated_decisions", "Décision automatisée"),
    ("fr", "rights", "Droits des personnes"),
    ("fr", "dpia_required", "Analyse d'impact (AIPD) requise"),
    ("fr", "dpia_required", "AIPD"),
    # Swedish.
    ("sv", "register", "Behandling"),
    ("sv", "register", "Register"),
    ("sv", "register", "Verksamhet"),
    ("sv", "purpose", "Ändamål"),
    ("sv", "purpose", "Ändamål med behandlingen"),
    ("sv", "purpose", "Syfte"),
    ("sv", "legal_basis", "Rättslig grund"),
    ("sv", "data_subjects", "Kategorier av registrerade"),
    ("sv", "personal_data", "Kategorier av personuppgifter"),
    ("sv", "personal_data", "Personuppgifter"),
    ("sv", "recipients", "Mottagare"),
    ("sv", "recipients", "Kategorier av mottagare"),
    ("sv", "processors", "Personuppgiftsbiträden"),
    ("sv", "processors", "Personuppgiftsbiträde"),
    ("sv", "third_countries", "Tredjeland"),
    ("sv", "third_countries", "Överföring till tredjeland"),
    ("sv", "transfer_safeguards", "Skyddsåtgärder"),
    ("sv", "retention", "Lagringstid"),
    ("sv", "retention", "Bevarandetid"),
    ("sv", "retention", "Gallringsfrist"),
    ("sv", "security_measures", "Säkerhetsåtgärder"),
    ("sv", "sources", "Källa"),
    ("sv", "sources", "Källor"),
    ("sv", "owner", "Ansvarig"),
    ("sv", "last_reviewed", "Senast granskad"),
    ("sv", "processor_system_and_entity", "Namn på system och leverantör"),
    ("sv", "processor_system_and_entity", "Systemnamn och leverantör"),
    ("sv", "processor_countries", "Plats för företag och/eller servrar"),
    ("sv", "processor_purpose", "Syfte med tjänsten"),
    ("sv", "processor_legal_entity", "Leverantör"),
    # Finnish.
    ("fi", "register", "Rekisteri"),
    ("fi", "register", "Käsittelytoimi"),
    ("fi", "register", "Käsittelytoiminto"),
    ("fi", "purpose", "Käsittelyn tarkoitus"),
    ("fi", "purpose", "Tarkoitus"),
    ("fi", "legal_basis", "Oikeusperuste"),
    ("fi", "legal_basis", "Käsittelyn oikeusperuste"),
    ("fi", "data_subjects", "Rekisteröityjen ryhmät"),
    ("fi", "data_subjects", "Rekisteröidyt"),
    ("fi", "personal_data", "Henkilötietoryhmät"),
    ("fi", "personal_data", "Henkilötiedot"),
    ("fi", "recipients", "Vastaanottajat"),
    ("fi", "recipients", "Vastaanottajaryhmät"),
    ("fi", "processors", "Henkilötietojen käsittelijät"),
    ("fi", "processors", "Käsittelijät"),
    ("fi", "third_countries", "Kolmannet maat"),
    ("fi", "third_countries", "Siirrot kolmansiin maihin"),
    ("fi", "transfer_safeguards", "Suojatoimet"),
    ("fi", "retention", "Säilytysaika"),
    ("fi", "security_measures", "Turvatoimet"),
    ("fi", "security_measures", "Tietoturvatoimenpiteet"),
    ("fi", "sources", "Tietolähteet"),
    ("fi", "sources", "Lähde"),
    ("fi", "owner", "Vastuuhenkilö"),
    ("fi", "last_reviewed", "Tarkastettu"),
    ("fi", "processor_system_and_entity", "Järjestelmä ja toimittaja"),
    ("fi", "processor_countries", "Sijainti"),
    ("fi", "processor_purpose", "Palvelun tarkoitus"),
    ("fi", "processor_legal_entity", "Toimittaja"),
]  # fmt: skip


def _strip(header: str) -> str:
    folded = rc.fold(header)
    for aside in ("if applicable", "if possible", "optional", "le cas echeant", "si applicable"):
        if folded.endswith(" " + aside):
            folded = folded[: -len(aside) - 1]
    return folded


def _own_headers() -> list[tuple[str, str, str]]:
    """ropa's export headers in every shipped language, for the fields they hold."""
    from ropa import i18n

    found = []
    for lang in i18n.available_languages():
        _ = i18n.translations(lang).gettext
        found += [(lang, fld, _(header)) for fld, header in EXPORT_HEADERS]
    return found


@functools.cache
def header_index() -> dict[str, tuple[str, str]]:
    """Folded header -> (field, language); the first language listed wins a shared word."""
    index: dict[str, tuple[str, str]] = {}
    for lang, fld, header in [*HEADERS, *_own_headers()]:
        index.setdefault(_strip(header), (fld, lang))
    return index


def recognise_header(header: str) -> tuple[str, str] | None:
    """(field, language) of a column header, or None."""
    return header_index().get(_strip(header))


# --- mapping files -------------------------------------------------------------------------


@dataclass
class Mapping:
    """Which column holds which field: by header text or by column letter."""

    columns: list[tuple[str, str | None]]  # (header or letter, field or None)
    sheet: str | None = None
    header_row: int | None = None
    language: str | None = None
    name: str = ""

    def field_of(self, header: str, letter: str) -> tuple[bool, str | None]:
        """(whether the mapping names this column, its field)."""
        for key, fld in self.columns:
            if key == letter or _strip(key) == _strip(header):
                return True, fld
        return False, None


def read_mapping(path: Path) -> Mapping:
    """A mapping file as `draft_mapping` writes it. Raises UsageError naming the file and
    line of what is wrong."""
    from ropa.loader import LoadError, load_file

    try:
        data = load_file(path).data
    except LoadError as exc:
        raise UsageError(exc.problem.format()) from None
    except OSError as exc:
        raise UsageError(f"--mapping {path}: {exc.strerror}") from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
        raise UsageError(
            f"{path}: a mapping has 'columns:', a list of entries with 'header:' (or"
            " 'column:', a letter) and 'field:'; ropa import SOURCE --print-mapping drafts one"
        )
    unknown = sorted(set(data) - {"sheet", "header_row", "language", "columns"})
    if unknown:
        raise UsageError(f"{path}: unknown key {unknown[0]!r}; a mapping has sheet, header_row,"
                         " language and columns")  # fmt: skip
    columns: list[tuple[str, str | None]] = []
    for number, entry in enumerate(data["columns"], start=1):
        if not isinstance(entry, dict) or not ({"header", "column"} & set(entry)):
            raise UsageError(f"{path}: columns entry {number} needs 'header:' or 'column:'")
        key = entry.get("column") or entry.get("header")
        fld = entry.get("field")
        if fld is not None and fld not in FIELDS:
            raise UsageError(
                f"{path}: columns entry {number} ({key!r}): unknown field {fld!r}; fields:"
                f" {', '.join(FIELDS)}"
            )
        columns.append((str(key), fld))
    row = data.get("header_row")
    if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 1):
        raise UsageError(f"{path}: header_row must be a row number from 1")
    language = data.get("language")
    if language is not None and not (
        isinstance(language, str) and re.fullmatch("[a-z]{2,3}", language)
    ):
        raise UsageError(f"{path}: language must be a language code such as en, sv, fi, fr")
    sheet = data.get("sheet")
    return Mapping(columns, str(sheet) if sheet is not None else None, row, language, path.name)


def draft_mapping(path: Path, encoding: str | None, language: str | None) -> str:
    """A mapping file for the source at `path`: every column of its header row with the
    field recognised, or null, and the list of fields in a comment."""
    from ropa.importing.yamlout import dump

    source = open_source(path, encoding)
    try:
        found = [(table, *_header_row(table, None, draft=True))
                 for table in source.tables if not table.hidden]  # fmt: skip
        found = [item for item in found if item[1] is not None]
        if not found:
            raise UsageError(f"{path}: no sheet has a row of headers")
        table, number, cells, _count = max(found, key=lambda item: item[3])
    finally:
        if source.close is not None:
            source.close()
    columns = []
    comments: dict[tuple[Any, ...], list[str]] = {}
    langs: Counter[str] = Counter()
    for position, cell in enumerate(cells):
        header = plain(cell.value)
        hit = recognise_header(header)
        if hit:
            langs[hit[1]] += 1
        else:
            comments[("columns", position)] = [
                f"column {column_letter(cell.column)}: not recognised"
            ]
        columns.append({"header": header, "field": hit[0] if hit else None})
    document = {
        # A CSV file's one table needs no name: the mapping then fits any CSV file.
        **({"sheet": table.name} if source.kind == "xlsx" else {}),
        "header_row": number,
        "language": language or (langs.most_common(1)[0][0] if langs else "en"),
        "columns": columns,
    }
    lines = [
        f"Mapping for ropa import, drafted from the headers of {path.name}.",
        "Each column: its header as the sheet has it (or column: a letter) and the field it",
        "holds; null leaves it out. Fields:",
        *[f"  {name}: {about}" for name, about in FIELDS.items()],
    ]
    return dump(document, comments, lines, "mapping")


def _header_row(
    table: Table, mapping: Mapping | None, draft: bool = False
) -> tuple[int | None, list[Cell], int]:
    """(row number, cells, recognised count) of the table's header row, or (None, [], 0);
    for a `draft` mapping, the first row with two cells when none has known headers."""
    best: tuple[int | None, list[Cell], int] = (None, [], 0)
    first: tuple[int | None, list[Cell], int] = (None, [], 0)
    for number, cells in table.rows():
        if mapping is not None and mapping.header_row is not None:
            if number == mapping.header_row:
                return number, cells, len(cells)
            if number > mapping.header_row:
                break
            continue
        if number > HEADER_ROWS:
            break
        if mapping is not None:
            count = sum(mapping.field_of(plain(c.value), column_letter(c.column))[0] for c in cells)
        else:
            count = len({hit[0] for c in cells if (hit := recognise_header(plain(c.value)))})
        if count > best[2]:
            best = (number, cells, count)
        if first[0] is None and len(cells) >= 2:
            first = (number, cells, 0)
    if mapping is None and best[2] < 2:
        return first if draft and best[2] < 1 else (None, [], 0)
    return best


# --- reading tables into a record ----------------------------------------------------------


def import_tables(
    source: Source, mapping: Mapping | None, language: str | None, progress: Any
) -> Any:
    from ropa.importing.core import Imported

    tables = [t for t in source.tables if mapping is None or mapping.sheet in (None, t.name)]
    if mapping is not None and mapping.sheet is not None and not tables:
        raise UsageError(f"{source.name}: no sheet named {mapping.sheet!r} (the mapping's sheet)")
    plans = []
    report_sheets = []
    for table in source.tables:
        if table.hidden:
            report_sheets.append(Entry(table.name, "", "ignored", note="hidden; not read"))
            continue
        if table not in tables:
            report_sheets.append(Entry(table.name, "", "ignored", note="not the mapping's sheet"))
            continue
        number, cells, count = _header_row(table, mapping)
        if number is None or not count:
            report_sheets.append(
                Entry(table.name, "", "ignored", note="no row of headers ropa recognises; not read")
            )
            continue
        plans.append((table, number, cells))
    if not plans and not any(next(t.rows(), None) for t in source.tables if not t.hidden):
        raise UsageError(f"{source.name}: holds no rows to import")
    if not plans:
        raise UsageError(
            f"{source.name}: no sheet has headers ropa recognises (the ICO's or the CNIL's"
            " template, ropa's export, a privacy policy's processor table); write a mapping:"
            f" ropa import {source.name} --print-mapping > mapping.yaml"
        )
    langs: Counter[str] = Counter()
    columns_of = []
    for _table, _number, cells in plans:
        columns = {}
        for cell in cells:
            header = plain(cell.value)
            if mapping is not None:
                named, fld = mapping.field_of(header, column_letter(cell.column))
                hit = (fld or LEFT_OUT, "") if named else None
            else:
                hit = recognise_header(header)
            if hit is not None:
                langs[hit[1]] += 1 if hit[1] else 0
            columns[cell.column] = (header, hit[0] if hit else None, cell)
        columns_of.append(columns)
    lang = language or (mapping.language if mapping else None)
    lang = lang or (langs.most_common(1)[0][0] if langs else "en")
    layout = f"mapped by {mapping.name}" if mapping else _layout(langs, columns_of)
    report = Report(source.name, layout, lang, sheets=report_sheets)
    builder = _Builder(lang, report)
    if progress is not None:
        progress.start_rows(sum(table.size for table, _n, _c in plans))
    for (table, number, _cells), columns in zip(plans, columns_of, strict=True):
        builder.table(table, number, columns, progress, source.kind == "csv")
    return Imported(builder.document(), report, builder.comments)


def _layout(langs: Counter[str], columns_of: list[dict[int, Any]]) -> str:
    fields = {fld for columns in columns_of for _h, fld, _c in columns.values()
              if fld and fld != LEFT_OUT}  # fmt: skip
    if "register" in fields and "dpa" in fields and "third_countries" in fields:
        return "ICO-style table"
    if langs.get("fr"):
        return "CNIL-style table"
    if fields <= set(PROCESSOR_FIELDS):
        return "processor table"
    return "table of processing activities"


@dataclass
class _Catalogue:
    """Entries shared by name across rows: processors, recipients, sources."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    by_name: dict[str, int] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)


class _Builder:
    """Builds the record row by row; `comments` and the report say where each value came
    from. Every cell read gets at least one report entry (`table` checks it)."""

    def __init__(self, lang: str, report: Report) -> None:
        self.lang = lang
        self.report = report
        self.comments: dict[tuple[Any, ...], list[str]] = {}
        self.controller: dict[str, Any] = {}
        self.registers: list[dict[str, Any]] = []
        self.register_index: dict[str, int] = {}
        self.register_ids: set[str] = set()
        self.catalogues = {name: _Catalogue() for name in ("processors", "recipients", "sources")}
        self.notes: dict[tuple[Any, ...], list[str]] = {}
        self.joint: _Catalogue = _Catalogue()
        # The processors the row being read names (positions in the catalogue).
        self.row_processors: list[int] = []
        # Register-level values and the cell each came from: (register, key) -> cell.
        self.first: dict[tuple[int, str], Cell] = {}
        # Each rights cell with the rights it gives (available, where applicable).
        self.rights_rows: list[tuple[Cell, list[str], list[str]]] = []

    # --- the document --------------------------------------------------------------------

    def document(self) -> dict[str, Any]:
        for path, lines in self.notes.items():
            self._at(path)["internal_note"] = "\n".join(lines)
        for register in self.registers:
            _one_rule_for_all(register)
        self._joined_rights()
        doc: dict[str, Any] = {}
        controller = dict(self.controller)
        if self.joint.entries:
            controller["joint_controllers"] = self.joint.entries
        controller["languages"] = [self.lang]
        doc["controller"] = controller
        for name in ("recipients", "sources", "processors"):
            if self.catalogues[name].entries:
                doc[name] = self.catalogues[name].entries
        if self.registers:
            doc["registers"] = self.registers
        return doc

    def _root(self) -> dict[str, Any]:
        return {"registers": self.registers, "controller": self.controller,
                **{k: c.entries for k, c in self.catalogues.items()}}  # fmt: skip

    def _at(self, path: tuple[Any, ...]) -> Any:
        node: Any = self._root()
        for step in path:
            node = node[step]
        return node

    def text(self, value: str) -> dict[str, str]:
        return {self.lang: value}

    def note(self, path: tuple[Any, ...], cell: Cell, label: str, value: str, why: str) -> None:
        """Keep `value` word for word in the entry's internal note (never published), with a
        comment naming the cell, and say so in the report."""
        self.notes.setdefault(path, []).append(f"{label} ({cell.ref}): {value}")
        self.comment((*path, "internal_note"), f"{cell.ref}: kept as text: {why}")
        self.report.add(cell.ref, value, "kept as text", self.path(path, "internal_note"), why)

    def path(self, steps: tuple[Any, ...], leaf: str) -> str:
        """A field path as the record sheet writes it, for the report:
        registers[customers].purposes[invoicing].name."""
        node: Any = self._root()
        out = ""
        for step in steps:
            if isinstance(step, int):
                node = node[step] if isinstance(node, list) and step < len(node) else {}
                key = node.get("id") if isinstance(node, dict) else None
                out += f"[{key}]" if isinstance(key, str) else f"[{step + 1}]"
            else:
                node = node.get(step, {}) if isinstance(node, dict) else {}
                out += f".{step}" if out else str(step)
        return f"{out}.{leaf}" if leaf else out

    def comment(self, path: tuple[Any, ...], line: str) -> None:
        self.comments.setdefault(path, []).append(line)

    # --- rows ----------------------------------------------------------------------------

    def table(
        self, table: Table, header_number: int, columns: dict[int, Any], progress: Any, csv: bool
    ) -> None:
        fields = {fld for _h, fld, _c in columns.values() if fld and fld != LEFT_OUT}
        for header, fld, cell in columns.values():
            if fld == LEFT_OUT:
                self.report.add(cell.ref, header, "ignored", note="left out by the mapping")
            elif fld:
                self.report.add(cell.ref, header, "recognised", note=f"column of {fld}")
            else:
                self.report.add(cell.ref, header, "not understood",
                                note="a column ropa has no field for; map it with --mapping")  # fmt: skip
        width = max(columns, default=0)
        activities = bool(fields & set(ACTIVITY_KEYS))
        previous: int | None = None
        for number, cells in table.rows():
            if progress is not None:
                progress.advance(1)
            if number <= header_number:
                if number < header_number:
                    self._above(cells)
                continue
            start = len(self.report.entries)
            fields_here = table.fields.get(number, 0)
            if csv and fields_here > width:
                for cell in cells:
                    self.report.add(cell.ref, plain(cell.value), "not understood",
                                    note=f"the row has {fields_here} fields, the header"
                                    f" {width}: a comma in a value without quotes?")  # fmt: skip
                continue
            row: dict[str, Cell] = {}
            for cell in cells:
                _header, fld, _c = columns.get(cell.column, ("", None, None))
                problem = _cell_problem(cell)
                if problem:
                    self.report.add(cell.ref, plain(cell.value), "not understood", note=problem)
                elif fld == LEFT_OUT:
                    self.report.add(cell.ref, plain(cell.value), "ignored",
                                    note="in a column the mapping leaves out")  # fmt: skip
                elif fld is None:
                    self.report.add(cell.ref, plain(cell.value), "not understood",
                                    note="in a column ropa has no field for")  # fmt: skip
                elif fld in row:
                    self.report.add(cell.ref, plain(cell.value), "not understood",
                                    note=f"a second column of {fld}")  # fmt: skip
                else:
                    row[fld] = cell
            if row:
                if activities:
                    previous = self.activity(row, previous, "register" in fields)
                else:
                    self.processor_row(row)
            reported = {entry.cell for entry in self.report.entries[start:]}
            for cell in cells:
                if cell.ref not in reported:  # a reader left it out: never silently
                    self.report.add(cell.ref, plain(cell.value), "not understood",
                                    note="not used (please report this)")  # fmt: skip

    def _above(self, cells: list[Cell]) -> None:
        """Rows above the header: the organisation's contact block ("Name", "Email",
        "Telephone", "Website"); other labelled lines (an address, the DPO) are kept as text
        in the controller's internal note."""
        label = rc.fold(plain(cells[0].value)) if cells else ""
        if len(cells) < 2 or any(_cell_problem(c) for c in cells[:2]):
            for cell in cells:
                problem = _cell_problem(cell)
                self.report.add(cell.ref, plain(cell.value), "not understood",
                                note=problem or "above the header row")  # fmt: skip
            return
        key = CONTACT_LABELS.get(label)
        value = plain(cells[1].value).strip()
        if key is None:
            self.note(("controller",), cells[1], plain(cells[0].value).strip(), value,
                      "a line of the contact block ropa has no field for")  # fmt: skip
            self.report.add(cells[0].ref, plain(cells[0].value), "ignored", note="a label")
        else:
            self.report.add(cells[0].ref, plain(cells[0].value), "recognised",
                            note=f"controller {key}")  # fmt: skip
            fits = {"email": rc.EMAIL.fullmatch, "website": rc.URL.match}.get(key)
            if fits is not None and not fits(value):
                self.note(("controller",), cells[1], plain(cells[0].value).strip(), value,
                          f"not a valid {key}")  # fmt: skip
            elif key in self.controller:
                self.note(("controller",), cells[1], plain(cells[0].value).strip(), value,
                          f"the contact block gives the {key} twice")  # fmt: skip
            else:
                self.controller[key] = value
                self.report.add(cells[1].ref, value, "copied", f"controller.{key}")
        for cell in cells[2:]:
            self.report.add(cell.ref, plain(cell.value), "not understood",
                            note="beside the contact block")  # fmt: skip

    def activity(self, row: dict[str, Cell], previous: int | None, grouped: bool) -> int | None:
        """One row of a table of processing activities; returns its register's position.
        With `grouped` (the table has a register column) a row without a register name
        continues the register of the row above (merged cells leave it blank); without, each
        purpose is a register of its own."""
        name_cell = row.get("register")
        if name_cell is not None:
            position = self._register(
                plain(name_cell.value).strip(), name_cell, row.get("register_id")
            )
        elif grouped and previous is not None:
            position = previous
        elif not grouped and "purpose" in row:
            cell = row["purpose"]
            position = self._register(plain(cell.value).strip(), cell, row.get("register_id"))
        else:
            for other in row.values():
                self.report.add(other.ref, plain(other.value), "not understood",
                                note="a row with no register, and none above it")  # fmt: skip
            return previous
        register = self.registers[position]
        here: tuple[Any, ...] = ("registers", position)
        purpose_at = self._purpose(register, here, row) if "purpose" in row else None
        # The row's processors first: its countries, safeguards and contract are theirs.
        self.row_processors = []
        if "processors" in row:
            self._processors(register, here, row["processors"])
        if set(row) & set(PROCESSOR_FIELDS):
            found = self.processor_row(row, (register, here))
            if found is not None:
                self.row_processors.append(found)
        for fld, cell in row.items():
            if fld in ("register", "register_id", "purpose", "purpose_id", "processors"):
                continue
            if fld in PROCESSOR_FIELDS:
                continue  # read above
            value = plain(cell.value).strip()
            getattr(self, f"_{fld}")(register, here, purpose_at, cell, value, row)
        return position

    def _register(self, name: str, cell: Cell, id_cell: Cell | None) -> int:
        key = rc.fold(name)
        if key in self.register_index:
            position = self.register_index[key]
            self.report.add(cell.ref, name, "copied", self.path(("registers", position),
                            f"name.{self.lang}"), "the same register as an earlier row")  # fmt: skip
            if id_cell is not None:
                self.report.add(id_cell.ref, plain(id_cell.value), "ignored",
                                note="the register's id is taken from its first row")  # fmt: skip
            return position
        rid = None
        if id_cell is not None:
            wanted = plain(id_cell.value).strip()
            if re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", wanted) and wanted not in self.register_ids:
                rid = wanted
                self.register_ids.add(rid)
                self.report.add(id_cell.ref, wanted, "copied", f"registers[{rid}].id")
            else:
                self.report.add(id_cell.ref, wanted, "not understood", note="not a usable id")
        if rid is None:
            rid = rc.slug(name, "register", self.register_ids)
        self.registers.append({"id": rid, "name": self.text(name), "role": "controller"})
        position = len(self.registers) - 1
        self.comment(("registers", position, "role"),
                     "a table of processing activities is a controller's record (Art. 30(1));"
                     " processing on behalf of others is role: processor")  # fmt: skip
        self.register_index[key] = position
        self.report.add(cell.ref, name, "copied", f"registers[{rid}].name.{self.lang}")
        return position

    def _purpose(
        self, register: dict[str, Any], here: tuple[Any, ...], row: dict[str, Cell]
    ) -> int:
        cell = row["purpose"]
        name = plain(cell.value).strip()
        purposes = register.setdefault("purposes", [])
        for position, purpose in enumerate(purposes):
            if rc.fold(purpose["name"][self.lang]) == rc.fold(name):
                self.report.add(cell.ref, name, "copied",
                                self.path((*here, "purposes", position), f"name.{self.lang}"),
                                "the same purpose as an earlier row")  # fmt: skip
                if "purpose_id" in row:
                    self.report.add(row["purpose_id"].ref, plain(row["purpose_id"].value),
                                    "ignored", note="the purpose's id is taken from its first row")  # fmt: skip
                return position
        taken = {p["id"] for p in purposes}
        pid = None
        id_cell = row.get("purpose_id")
        if id_cell is not None:
            wanted = plain(id_cell.value).strip()
            if re.fullmatch(r"[a-z][a-z0-9_-]{0,63}", wanted) and wanted not in taken:
                pid = wanted
                self.report.add(
                    id_cell.ref, wanted, "copied", f"{self.path(here, 'purposes')}[{pid}].id"
                )
            else:
                self.report.add(id_cell.ref, wanted, "not understood", note="not a usable id")
        pid = pid or rc.slug(name, "purpose", taken)
        purposes.append({"id": pid, "name": self.text(name), "legal_bases": []})
        self.report.add(cell.ref, name, "copied",
                        self.path((*here, "purposes", len(purposes) - 1), f"name.{self.lang}"))  # fmt: skip
        return len(purposes) - 1

    def _once(self, here: tuple[Any, ...], key: str, value: Any, cell: Cell, text: str,
              how: str, label: str) -> None:  # fmt: skip
        """A value the register holds once (its owner, its review date, whether a DPIA is
        required), given by the rows of its purposes: the first row's is taken; a later row
        that agrees is noted as such, one that differs is kept as text and reported."""
        position = here[1]
        register = self.registers[position]
        leaf = key.replace("/", ".")
        parent, name = register, key
        if "/" in key:
            outer, name = key.split("/")
            parent = register.setdefault(outer, {})
        if name not in parent:
            parent[name] = value
            self.first[(position, key)] = cell
            self.report.add(cell.ref, text, how, self.path(here, leaf),
                            "" if how == "copied" else str(value).lower())  # fmt: skip
        elif parent[name] == value:
            self.report.add(cell.ref, text, how, self.path(here, leaf),
                            f"the same as {self.first[(position, key)].ref}")  # fmt: skip
        else:
            self.note(here, cell, label, text,
                      f"differs from {self.first[(position, key)].ref}, which is kept")  # fmt: skip

    # --- activity fields (each: register, its path, the purpose's position, cell, value) --

    def _legal_basis(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                     cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        if purpose is None:
            self.note(here, cell, "Legal basis", value, "no purpose in this row to give it to")
            return
        at = (*here, "purposes", purpose)
        bases = rc.legal_bases(value)
        condition = rc.conditions(value) if rc.ARTICLE9.search(rc.fold(value)) else []
        target = register["purposes"][purpose]
        if len(condition) == 1 and target.get("special_category_condition") in (None, condition[0]):
            # "Consentement explicite (Art. 9(2)(a))": the Art. 9 condition the cell names.
            target["special_category_condition"] = condition[0]
            self.report.add(cell.ref, value, "recognised",
                            self.path(at, "special_category_condition"), condition[0])  # fmt: skip
            bases = [
                b for b in bases if not (b == "consent" and condition[0] == "explicit_consent")
            ]
            if not bases:
                return
        if not bases:
            self.note(at, cell, "Legal basis", value, "not understood as an Art. 6(1) basis")
            return
        held = register["purposes"][purpose]["legal_bases"]
        for basis in bases:
            if all(b["basis"] != basis for b in held):
                held.append({"basis": basis})
        self.report.add(
            cell.ref, value, "recognised", self.path(at, "legal_bases"), ", ".join(bases)
        )
        if rc.basis_rest(value):
            # "Art. 6(1)(c) – Patientdatalagen (2008:355)": the law's name is not lost.
            self.note(at, cell, "Legal basis", value,
                      "the basis is recognised; the rest of the text is kept")  # fmt: skip

    def _legitimate_interest(self, register: dict[str, Any], here: tuple[Any, ...],
                             purpose: int | None, cell: Cell, value: str,
                             row: dict[str, Cell]) -> None:  # fmt: skip
        if purpose is None:
            self.note(here, cell, "Legitimate interest", value, "no purpose in this row")
            return
        at = (*here, "purposes", purpose)
        bases = register["purposes"][purpose]["legal_bases"]
        for position, basis in enumerate(bases):
            if basis["basis"] == "legitimate_interests" and "interest" not in basis:
                basis["interest"] = self.text(value)
                self.report.add(cell.ref, value, "copied",
                                self.path((*at, "legal_bases", position), f"interest.{self.lang}"))  # fmt: skip
                return
        self.note(at, cell, "Legitimate interest", value,
                  "the row names no legitimate-interests basis for it, or it has one")  # fmt: skip

    def _lia(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
             cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        bases = register["purposes"][purpose]["legal_bases"] if purpose is not None else []
        for position, basis in enumerate(bases):
            if (
                basis["basis"] == "legitimate_interests"
                and rc.URL.match(value)
                and "lia" not in basis
            ):
                basis["lia"] = value
                self.report.add(cell.ref, value, "copied",
                                self.path((*here, "purposes", purpose, "legal_bases", position), "lia"))  # fmt: skip
                return
        self.note(here if purpose is None else (*here, "purposes", purpose), cell,
                  "Legitimate interests assessment", value,
                  "not a link (https://...) or no legitimate-interests basis")  # fmt: skip

    def _special_category_condition(self, register: dict[str, Any], here: tuple[Any, ...],
                                    purpose: int | None, cell: Cell, value: str,
                                    row: dict[str, Cell]) -> None:  # fmt: skip
        found = rc.conditions(value)
        if _none(value):
            self.report.add(cell.ref, value, "ignored", note="no condition stated")
            return
        at = here if purpose is None else (*here, "purposes", purpose)
        held = (
            register["purposes"][purpose].get("special_category_condition")
            if purpose is not None
            else None
        )
        if purpose is None or len(found) != 1 or held not in (None, found[0]):
            why = "no purpose in this row" if purpose is None else (
                "names several Art. 9(2) conditions" if len(found) > 1
                else "the purpose has another condition" if found
                else "not understood as an Art. 9(2) condition")  # fmt: skip
            self.note(at, cell, "Art. 9 condition", value, why)
            return
        register["purposes"][purpose]["special_category_condition"] = found[0]
        self.report.add(cell.ref, value, "recognised",
                        self.path(at, "special_category_condition"), found[0])  # fmt: skip

    def _special_category_data(self, register: dict[str, Any], here: tuple[Any, ...],
                               purpose: int | None, cell: Cell, value: str,
                               row: dict[str, Cell]) -> None:  # fmt: skip
        if rc.yes_no(value) is False or _none(value):
            self._once(here, "special_category_data", False, cell, value, "recognised",
                       "Special category data")  # fmt: skip
        else:
            self.note(here, cell, "Special category data", value,
                      "name the categories under special_categories")  # fmt: skip

    def _description(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                     cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._once(here, "description", self.text(value), cell, value, "copied", "Description")

    def _listed(self, key: str, register: dict[str, Any], here: tuple[Any, ...], cell: Cell,
                value: str, prefix: str) -> None:  # fmt: skip
        """Items of a list of named entries of the register (data subjects, personal data)."""
        entries = register.setdefault(key, [])
        taken = {entry["id"] for entry in entries}
        for item in rc.split_items(value):
            position = next((i for i, e in enumerate(entries)
                             if rc.fold(e["name"][self.lang]) == rc.fold(item)), None)  # fmt: skip
            if position is None:
                entries.append({"id": rc.slug(item, prefix, taken), "name": self.text(item)})
                position = len(entries) - 1
            self.report.add(
                cell.ref, item, "copied", self.path((*here, key, position), f"name.{self.lang}")
            )

    def _data_subjects(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                       cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._listed("data_subjects", register, here, cell, value, "subjects")

    def _personal_data(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                       cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._listed("personal_data", register, here, cell, value, "data")

    def _security_measures(self, register: dict[str, Any], here: tuple[Any, ...],
                           purpose: int | None, cell: Cell, value: str,
                           row: dict[str, Cell]) -> None:  # fmt: skip
        measures = register.setdefault("security_measures", [])
        for item in rc.split_items(value):
            same = next((i for i, m in enumerate(measures)
                         if rc.fold(m["description"][self.lang]) == rc.fold(item)), None)  # fmt: skip
            if same is not None:
                self.report.add(cell.ref, item, "copied",
                                self.path((*here, "security_measures", same), f"description.{self.lang}"),
                                "the same measure as an earlier row")  # fmt: skip
                continue
            kind = rc.measure_kind(item)
            measures.append({"kind": kind or "other", "description": self.text(item)})
            at = (*here, "security_measures", len(measures) - 1)
            why = f"kind {kind!r} from its words" if kind else "no kind recognised: 'other'"
            self.comment((*at, "kind"), f"{cell.ref}: guessed: {why}")
            self.report.add(cell.ref, item, "guessed", self.path(at, "kind"), why)

    def _catalogued(self, catalogue: str, register: dict[str, Any], cell: Cell, value: str,
                    prefix: str) -> None:  # fmt: skip
        """Items named in a cell, as shared entries of a catalogue the register refers to."""
        shared = self.catalogues[catalogue]
        refs = register.setdefault(catalogue, [])
        for item in rc.split_items(value):
            position = shared.by_name.get(rc.fold(item))
            if position is None:
                shared.entries.append(
                    {"id": rc.slug(item, prefix, shared.ids), "name": self.text(item)}
                )
                position = len(shared.entries) - 1
                shared.by_name[rc.fold(item)] = position
            rid = shared.entries[position]["id"]
            if rid not in refs:
                refs.append(rid)
            self.report.add(cell.ref, item, "copied", f"{catalogue}[{rid}].name.{self.lang}")

    def _recipients(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                    cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._catalogued("recipients", register, cell, value, "recipient")

    def _sources(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                 cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._catalogued("sources", register, cell, value, "source")

    def _processors(self, register: dict[str, Any], here: tuple[Any, ...], cell: Cell) -> None:
        """The processors a row names, one a line, each "System" or "System, Legal entity"."""
        for item in rc.split_items(plain(cell.value)):
            system, comma, entity = item.partition(", ")
            position = self._processor(system.strip(), entity.strip() or None)
            self.row_processors.append(position)
            pid = self.catalogues["processors"].entries[position]["id"]
            if comma:
                why = "system and legal entity split at the first comma"
                self.comment(
                    ("processors", position, "legal_entity"), f"{cell.ref}: guessed: {why}"
                )
                self.report.add(cell.ref, item, "guessed", f"processors[{pid}]", why)
            else:
                self.report.add(cell.ref, item, "copied", f"processors[{pid}].system")
            self._use(position, register, here, None)

    def _processor(self, system: str, entity: str | None) -> int:
        """The position of the processor named so, added when new."""
        shared = self.catalogues["processors"]
        keys = [rc.fold(system)] + ([rc.fold(f"{system}, {entity}")] if entity else [])
        for key in keys:
            if key in shared.by_name:
                found = shared.by_name[key]
                if entity and "legal_entity" not in shared.entries[found]:
                    shared.entries[found]["legal_entity"] = entity
                return found
        entry: dict[str, Any] = {"id": rc.slug(system, "processor", shared.ids), "system": system}
        if entity:
            entry["legal_entity"] = entity
        shared.entries.append(entry)
        position = len(shared.entries) - 1
        for key in keys:
            shared.by_name[key] = position
        if entity:
            shared.by_name.setdefault(rc.fold(entity), position)
        return position

    def _use(self, position: int, register: dict[str, Any], here: tuple[Any, ...],
             purpose_cell: Cell | None) -> None:  # fmt: skip
        """The register uses the processor, for the purpose the cell gives."""
        processor = self.catalogues["processors"].entries[position]
        uses = register.setdefault("processors", [])
        use = next((u for u in uses if u["processor"] == processor["id"]), None)
        if use is None:
            use = {"processor": processor["id"]}
            uses.append(use)
        if purpose_cell is not None:
            text = plain(purpose_cell.value).strip()
            at = (*here, "processors", uses.index(use))
            if "purpose" not in use:
                use["purpose"] = self.text(text)
                self.report.add(
                    purpose_cell.ref, text, "copied", self.path(at, f"purpose.{self.lang}")
                )
            elif use["purpose"][self.lang] == text:
                self.report.add(purpose_cell.ref, text, "copied", self.path(at, f"purpose.{self.lang}"),
                                "the same as an earlier row")  # fmt: skip
            else:
                self.note(at, purpose_cell, "Purpose of the service", text,
                          "the register's use of this processor already has a purpose")  # fmt: skip

    def _dpa(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
             cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        if len(self.row_processors) != 1:
            self.note(here, cell, "Contract with processor", value,
                      "the row names no processor, or several: put each processor's agreement"
                      " under its dpa")  # fmt: skip
            return
        position = self.row_processors[0]
        processor = self.catalogues["processors"].entries[position]
        dpa = processor.setdefault("dpa", {})
        answer = rc.yes_no(value)
        if answer is not None and "signed" not in dpa:
            dpa["signed"] = answer
            self.report.add(
                cell.ref, value, "recognised", f"processors[{processor['id']}].dpa.signed"
            )
        elif answer is None and "reference" not in dpa:
            dpa["reference"] = value
            self.comment(("processors", position, "dpa", "reference"),
                         f"{cell.ref}: guessed: the contract of the row's one processor")  # fmt: skip
            self.report.add(cell.ref, value, "guessed", f"processors[{processor['id']}].dpa.reference",
                            "the contract of the row's one processor")  # fmt: skip
        else:
            self.note(("processors", position), cell, "Contract", value,
                      "the processor's dpa is already given by an earlier row")  # fmt: skip

    def _third_countries(self, register: dict[str, Any], here: tuple[Any, ...],
                         purpose: int | None, cell: Cell, value: str,
                         row: dict[str, Cell]) -> None:  # fmt: skip
        if _none(value):
            self.report.add(cell.ref, value, "ignored", note="no transfer stated")
            return
        if len(self.row_processors) == 1:
            self._countries(self.row_processors[0], cell, row.get("transfer_safeguards"),
                            guessed=True)  # fmt: skip
            return
        self.note(here, cell, "Third countries", value,
                  "ropa records countries on processors and recipients (a table without a"
                  " processor column names none): add them there")  # fmt: skip

    def _transfer_safeguards(self, register: dict[str, Any], here: tuple[Any, ...],
                             purpose: int | None, cell: Cell, value: str,
                             row: dict[str, Cell]) -> None:  # fmt: skip
        if len(self.row_processors) == 1 and (
            "third_countries" in row or "processor_countries" in row
        ):
            return  # read with the countries
        self.note(here, cell, "Transfer safeguards", value,
                  "ropa records each transfer's mechanism on its processor or recipient")  # fmt: skip

    def _retention(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                   cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        rules = register.setdefault("retention", [])
        purpose_name = register["purposes"][purpose]["name"] if purpose is not None else None
        for line in rc.split_items(value):
            applies, phrase = _applies_to(line)
            found = rc.retention(phrase)
            rule: dict[str, Any] = {}
            if applies:
                rule["applies_to"] = self.text(applies)
            elif purpose_name is not None:
                rule["applies_to"] = dict(purpose_name)  # the row's purpose (see document())
            at = (*here, "retention", len(rules))
            if found is None:
                rule["note"] = self.text(line)
                rules.append(rule)
                why = "no period with its starting event, nor an end event, recognised; give period, unit and after (or until)"
                self.comment((*at, "note"), f"{cell.ref}: kept as text: {why}")
                self.report.add(
                    cell.ref, line, "kept as text", self.path(at, f"note.{self.lang}"), why
                )
                continue
            fields = dict(found.fields)
            if "event" in fields:
                fields["event"] = self.text(str(fields["event"]))
            rule.update(fields)
            rules.append(rule)
            shown = ", ".join(f"{k}: {v}" for k, v in found.fields.items())
            if found.guessed:
                why = "the event in the text's own words (after: event)"
                self.comment((*at, "event"), f"{cell.ref}: guessed: {why}: {phrase!r}")
                self.report.add(cell.ref, line, "guessed", self.path(at, ""), f"{shown}; {why}")
            else:
                # The page words a known event its own way: say what it was read from.
                self.comment(at, f"{cell.ref}: read as {shown} from {phrase!r}")
                self.report.add(cell.ref, line, "recognised", self.path(at, ""), shown)

    def _rights(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        """The rights a row's activity gives; the record states them once, for the
        controller (`document` joins the rows: see `_joined_rights`)."""
        available, conditional, unknown = rc.rights(value)
        if available or conditional:
            self.rights_rows.append((cell, available, conditional))
            shown = ", ".join(available + [f"{c} (where applicable)" for c in conditional])
            self.report.add(cell.ref, value, "recognised", "controller.rights", shown)
        for line in unknown:
            self.report.add(cell.ref, line, "not understood", note="not a right ropa knows")

    def _joined_rights(self) -> None:
        """controller.rights from every row's rights: a right every such row gives without
        condition is available; one only some rows give, or give "where applicable", is
        available where applicable (said in a comment: which rows' rights differ)."""
        if not self.rights_rows:
            return
        order = rc.RIGHT_CODES
        everywhere = [c for c in order if all(c in row[1] for row in self.rights_rows)]
        anywhere = {c for _cell, a, w in self.rights_rows for c in (*a, *w)}
        conditional = [c for c in order if c in anywhere and c not in everywhere]
        rights: dict[str, Any] = {"available": everywhere}
        if conditional:
            rights["where_applicable"] = conditional
        self.controller["rights"] = rights
        differ = {tuple(a) for _c, a, _w in self.rights_rows} | {
            tuple(w) for _c, _a, w in self.rights_rows
        }
        if len(self.rights_rows) > 1 and len(differ) > 2:
            cells = ", ".join(cell.ref for cell, _a, _w in self.rights_rows)
            self.comment(("controller", "rights"),
                         f"{cells}: guessed: the rows name different rights; those not named"
                         " by every row are where_applicable")  # fmt: skip

    def _automated_decisions(self, register: dict[str, Any], here: tuple[Any, ...],
                             purpose: int | None, cell: Cell, value: str,
                             row: dict[str, Cell]) -> None:  # fmt: skip
        if rc.yes_no(value) is False or _none(value):
            self._once(here, "automated_decisions/used", False, cell, value, "recognised",
                       "Automated decision-making")  # fmt: skip
            return
        self.note(here, cell, "Automated decision-making", value,
                  "describe it under automated_decisions and profiling")  # fmt: skip

    def _dpia_required(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                       cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        answer = rc.yes_no(value)
        if answer is None:
            self.note(here, cell, "DPIA required", value, "not understood as yes or no")
            return
        self._once(here, "dpia/required", answer, cell, value, "recognised", "DPIA required")

    def _dpia_reference(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                        cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._once(here, "dpia/reference", value, cell, value, "copied", "DPIA")

    def _joint_controller(self, register: dict[str, Any], here: tuple[Any, ...],
                          purpose: int | None, cell: Cell, value: str,
                          row: dict[str, Cell]) -> None:  # fmt: skip
        if _none(value):
            self.report.add(cell.ref, value, "ignored", note="no joint controller stated")
            return
        for item in rc.split_items(value):
            email = rc.EMAIL.search(item)
            name = (item[: email.start()] + item[email.end() :]).strip(" ,;()<>") if email else item
            key = rc.fold(name)
            position = self.joint.by_name.get(key)
            if position is None:
                entry: dict[str, Any] = {
                    "id": rc.slug(name, "joint", self.joint.ids),
                    "name": self.text(name),
                }
                if email:
                    entry["email"] = email.group()
                self.joint.entries.append(entry)
                position = len(self.joint.entries) - 1
                self.joint.by_name[key] = position
            jid = self.joint.entries[position]["id"]
            refs = register.setdefault("joint_controllers", [])
            if jid not in refs:
                refs.append(jid)
            self.report.add(cell.ref, item, "copied", f"controller.joint_controllers[{jid}]")

    def _owner(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
               cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        self._once(here, "owner", value, cell, value, "copied", "Owner")

    def _last_reviewed(self, register: dict[str, Any], here: tuple[Any, ...], purpose: int | None,
                       cell: Cell, value: str, row: dict[str, Cell]) -> None:  # fmt: skip
        day = rc.date(value)
        if day is None:
            self.note(here, cell, "Last reviewed", value, "not a date (YYYY-MM-DD or D.M.YYYY)")
            return
        self._once(here, "last_reviewed", day, cell, value, "recognised", "Last reviewed")

    # --- processor tables ------------------------------------------------------------------

    def processor_row(self, row: dict[str, Cell], used_by: Any = None) -> int | None:
        """A row of a processor table, or the processor columns of an activity row (the
        register using it is `used_by`: (register, its path)). Returns the processor's
        position, or None when the row names none."""
        system_cell = row.get("processor_system")
        entity_cell = row.get("processor_legal_entity")
        both = row.get("processor_system_and_entity")
        system = plain(system_cell.value).strip() if system_cell else None
        entity = plain(entity_cell.value).strip() if entity_cell else None
        guessed_split = False
        if both is not None:
            text = plain(both.value).strip()
            head, comma, tail = text.partition(", ")
            if comma and not system and not entity:
                system, entity, guessed_split = head.strip(), tail.strip(), True
            elif not system:
                system = text
        if not system and entity:
            system = entity
        if not system:
            for fld, item in row.items():
                if fld in PROCESSOR_FIELDS:
                    self.report.add(item.ref, plain(item.value), "not understood",
                                    note="the row names no processor's system or legal entity")  # fmt: skip
            return None
        position = self._processor(system, entity)
        processor = self.catalogues["processors"].entries[position]
        pid = processor["id"]
        at = ("processors", position)
        id_cell = row.get("processor_id")
        if id_cell is not None:
            wanted = plain(id_cell.value).strip()
            if wanted == pid:
                self.report.add(id_cell.ref, wanted, "copied", f"processors[{pid}].id")
            else:
                self.report.add(id_cell.ref, wanted, "ignored",
                                note=f"the id {pid!r} is made from the system's name")  # fmt: skip
        if guessed_split and both is not None:
            why = "system and legal entity split at the first comma"
            self.comment((*at, "legal_entity"), f"{both.ref}: guessed: {why}")
            self.report.add(both.ref, plain(both.value), "guessed", f"processors[{pid}]", why)
        else:
            for cell in (system_cell, entity_cell, both):
                if cell is not None:
                    self.report.add(cell.ref, plain(cell.value), "copied", f"processors[{pid}]")
        where = row.get("processor_countries")
        if where is not None:
            self._countries(position, where, row.get("transfer_safeguards"), guessed=False)
        signed = row.get("dpa_signed")
        if signed is not None:
            answer = rc.yes_no(plain(signed.value))
            if answer is None:
                self.note(at, signed, "Data processing agreement signed", plain(signed.value),
                          "not yes or no")  # fmt: skip
            else:
                processor.setdefault("dpa", {})["signed"] = answer
                self.report.add(signed.ref, plain(signed.value), "recognised",
                                f"processors[{pid}].dpa.signed")  # fmt: skip
        reference = row.get("dpa_reference")
        if reference is not None:
            processor.setdefault("dpa", {})["reference"] = plain(reference.value).strip()
            self.report.add(reference.ref, plain(reference.value), "copied",
                            f"processors[{pid}].dpa.reference")  # fmt: skip
        purpose = row.get("processor_purpose")
        if used_by is not None:
            register, here = used_by
            self._use(position, register, here, purpose)
        elif purpose is not None:
            self.note(at, purpose, "Purpose of the service", plain(purpose.value).strip(),
                      "the table names no register: add the processor to a register's"
                      " processors with this purpose")  # fmt: skip
        if used_by is None:
            for fld, cell in row.items():
                if fld not in PROCESSOR_FIELDS and fld != "transfer_safeguards":
                    self.report.add(cell.ref, plain(cell.value), "not understood",
                                    note=f"{fld} belongs in a table of processing activities")  # fmt: skip
        return position

    def _countries(self, position: int, cell: Cell, safeguard: Cell | None, guessed: bool) -> None:
        """The countries a cell names, for the processor at `position`, and the transfers to
        those outside the EU/EEA on the mechanism the safeguard cell names."""
        from ropa import countries as country_data

        value = plain(cell.value).strip()
        found = rc.countries(value)
        processor = self.catalogues["processors"].entries[position]
        pid = processor["id"]
        at = ("processors", position)
        if found.unknown:
            self.note(at, cell, "Countries", ", ".join(found.unknown),
                      "not a country or region ropa knows")  # fmt: skip
        if found.codes:
            held = processor.setdefault("countries", [])
            held.extend(code for code in found.codes if code not in held)
            why = ", ".join(found.codes)
            if guessed:
                why += " (the row's one processor)"
            if found.left_out:
                why += f"; left out: {', '.join(repr(w) for w in found.left_out)}"
            if guessed or found.left_out:
                self.comment((*at, "countries"), f"{cell.ref}: guessed: {why}")
            self.report.add(cell.ref, value, "guessed" if guessed or found.left_out else "recognised",
                            f"processors[{pid}].countries", why)  # fmt: skip
        data = country_data.load()
        outside = [c for c in found.codes if data.is_known(c) and not data.in_eea(c)]
        if safeguard is None:
            return
        text = plain(safeguard.value).strip()
        if not outside:
            self.note(at, safeguard, "Transfer safeguards", text,
                      "the row names no country outside the EU/EEA")  # fmt: skip
            return
        mechanisms, invalid = rc.mechanisms(text)
        if len(mechanisms) != 1:
            why = invalid or ("names several mechanisms" if mechanisms
                              else "not understood as a transfer mechanism")  # fmt: skip
            self.note(at, safeguard, "Transfer safeguards", text, why)
            return
        transfers = processor.setdefault("transfers", [])
        for code in outside:
            if all(t["country"] != code for t in transfers):
                transfers.append({"country": code, "mechanism": mechanisms[0]})
        self.report.add(safeguard.ref, text, "recognised", f"processors[{pid}].transfers",
                        f"{mechanisms[0]} for {', '.join(outside)}")  # fmt: skip


# The contact block's labels (folded) and the controller's field each gives.
CONTACT_LABELS = {
    "name": "name", "organisation": "name", "organisation name": "name", "organization": "name",
    "nom": "name", "nom de l organisme": "name", "namn": "name", "nimi": "name",
    "email": "email", "e mail": "email", "e post": "email", "epost": "email",
    "sahkoposti": "email", "adresse de messagerie": "email", "courriel": "email",
    "telephone": "phone", "phone": "phone", "telefon": "phone", "puhelin": "phone",
    "website": "website", "web site": "website", "webbplats": "website", "verkkosivusto": "website",
    "verkkosivut": "website", "site web": "website", "site internet": "website",
}  # fmt: skip
# What a mapping leaves out (`field: null`).
LEFT_OUT = "-"


def _none(value: str) -> bool:
    """Whether a cell says there is nothing: "N/A", "none", "–", "no"."""
    return rc.yes_no(value) is False or rc.fold(value) in ("not applicable", "none", "", "ingen",
                                                           "inga", "ei ole", "aucun", "aucune")  # fmt: skip


def _one_rule_for_all(register: dict[str, Any]) -> None:
    """Retention rules read from the rows of a register's purposes carry the purpose as
    `applies_to`; where every rule is the same but for that, the purposes share one rule."""
    rules = register.get("retention") or []
    purposes = register.get("purposes") or []
    names = [p["name"] for p in purposes]
    bare = [{k: v for k, v in rule.items() if k != "applies_to"} for rule in rules]
    if (
        rules
        and all(rule.get("applies_to") in names for rule in rules)
        and all(b == bare[0] for b in bare)
    ):
        register["retention"] = [bare[0]]
    elif len(purposes) <= 1:
        register["retention"] = [
            {k: v for k, v in rule.items() if not (k == "applies_to" and v in names)}
            for rule in rules
        ]


def _applies_to(line: str) -> tuple[str, str]:
    """("Applicants", "6 months ...") from "Applicants: 6 months ..."; ("", line) without."""
    head, colon, tail = line.partition(": ")
    if colon and len(head) <= 80 and rc.retention(head) is None and rc.retention(tail) is not None:
        return head.strip(), tail.strip()
    return "", line


def _cell_problem(cell: Cell) -> str:
    if cell.formula:
        return "a formula; ropa never evaluates one: type the value"
    from ropa.importing.core import _bad_text

    return _bad_text(cell.value)
