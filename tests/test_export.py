"""`ropa export`: the Article 30 record as xlsx, csv, json (and JSON-LD, see test_dpv.py)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

ICO_COLUMNS = [
    "Business function",
    "Purpose of processing",
    "Name and contact details of joint controller (if applicable)",
    "Categories of individuals",
    "Categories of personal data",
    "Categories of recipients",
    "Link to contract with processor",
    "Names of third countries or international organisations that personal data are transferred to (if applicable)",
    "Safeguards for exceptional transfers of personal data to third countries or international organisations (if applicable)",
    "Retention schedule (if possible)",
    "General description of technical and organisational security measures (if possible)",
    "Article 6 lawful basis for processing personal data",
    "Article 9 condition for processing special category data",
    "Legitimate interests for the processing (if applicable)",
    "Link to record of legitimate interests assessment (if applicable)",
    "Rights available to individuals",
    "Existence of automated decision-making, including profiling (if applicable)",
    "The source of the personal data (if applicable)",
    "Register id",
    "Purpose id",
    "Owner",
    "Last reviewed",
]


def _export(*args: str) -> object:
    return runner.invoke(app, ["export", *args])


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("export") / "record.xlsx"
    result = _export(str(ROOT / "registers"), "--format", "xlsx", "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    return openpyxl.load_workbook(out)


def test_sheets_and_headers(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == [
        "Controller record",
        "Processor record",
        "Processors",
        "Transfers",
        "Record data",
    ]
    assert [c.value for c in workbook["Record data"][1]] == ["Field", "Value"]
    assert [c.value for c in workbook["Record data"][2]] == ["controller.name", "Askele Ab"]
    controller = workbook["Controller record"]
    assert [c.value for c in controller[1]] == ICO_COLUMNS
    assert [c.value for c in workbook["Processor record"][1]] == [
        "Name and contact details of the processor",
        "Name and contact details of each controller",
        "Categories of processing carried out on behalf of each controller",
        "Names of third countries or international organisations that personal data are transferred to (if applicable)",
        "General description of technical and organisational security measures (if possible)",
        "Register id", "Owner", "Last reviewed",
    ]  # fmt: skip
    for sheet in workbook:
        assert sheet.freeze_panes == "A2"
        assert (
            sheet.auto_filter.ref
            == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        )
        assert sheet.cell(1, 1).font.bold
        assert sheet.cell(2, 1).alignment.wrap_text
        assert sheet.column_dimensions["A"].width > 10


def test_controller_rows_are_register_by_purpose(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Controller record"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    # 7 customer purposes + 12 marketing purposes + 1 recruitment purpose
    assert len(rows) == 20
    assert [(r[18], r[19]) for r in rows][:2] == [
        ("customers", "purchasing-and-sales"),
        ("customers", "invoicing"),
    ]
    recruitment = rows[-1]
    assert recruitment[0] == "Recruitment register"
    assert recruitment[1] == "Processing of job applications"
    assert recruitment[11] == "Contract"
    assert recruitment[9] == (
        "CV, application, references and other documents that you submit: until the recruitment"
        " process has ended, typically up to 6 months after the deadline for submitting the"
        " application. This applies unless otherwise agreed with you."
    )
    newsletter = next(r for r in rows if r[19] == "newsletters")
    assert newsletter[11] == "Legitimate interests\nConsent"
    assert newsletter[7] == "United States\nAustralia"
    # Standard contractual clauses are no exceptional transfer (Art. 49): the transfers sheet
    # has them; the column stays empty.
    assert newsletter[8] is None
    # Profiling stated, no statement on solely automated decisions: nothing more is said.
    assert newsletter[16] == "Profiling: yes"
    assert newsletter[20] == "privacy@askele.fi"
    assert newsletter[21] == datetime.datetime(2022, 11, 2)
    assert workbook["Controller record"].cell(row=2, column=22).number_format == "yyyy-mm-dd"


def test_processor_record(workbook: openpyxl.Workbook) -> None:
    rows = [[c.value for c in row] for row in workbook["Processor record"].iter_rows(min_row=2)]
    assert rows == [[
        "Askele Ab, privacy@askele.fi",
        "Customers using Askele Insights",
        rows[0][2],
        None,
        rows[0][4],
        "insights", "privacy@askele.fi", datetime.datetime(2022, 11, 2),
    ]]  # fmt: skip
    assert rows[0][2].startswith("Processing of personal data in the Askele Insights service")


def test_processors_and_transfers_sheets(workbook: openpyxl.Workbook) -> None:
    processors = [[c.value for c in row] for row in workbook["Processors"].iter_rows(min_row=2)]
    assert len(processors) == 13
    assert processors[6][:5] == ["activecampaign", "ActiveCampaign", "ActiveCampaign LLC",
                                 "EU, United States, Australia", "Customer register, Marketing register"]  # fmt: skip
    transfers = [[c.value for c in row] for row in workbook["Transfers"].iter_rows(min_row=2)]
    assert [(t[0], t[2], t[4]) for t in transfers] == [
        ("GoToWebinar", "United States", "No"), ("ActiveCampaign", "United States", "No"),
        ("ActiveCampaign", "Australia", "No"), ("Calendly", "United States", "No"),
        ("Leadfeeder", "United States", "No"), ("Mailchimp", "United States", "No"),
    ]  # fmt: skip


def _hostile(tmp_path: Path) -> Path:
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    path = record / "processors.yaml"
    path.write_text(path.read_text().replace(
        "legal_entity: Intuit Inc.", "legal_entity: '=HYPERLINK(\"https://evil.example\",\"x\")'"
    ))  # fmt: skip
    customers = record / "customers.yaml"
    customers.write_text(customers.read_text().replace(
        "en: Invoicing", "en: '=HYPERLINK(\"https://evil.example\",\"x\")'"
    ))  # fmt: skip
    return record


def test_hostile_value_is_inert_in_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "record.xlsx"
    assert _export(str(_hostile(tmp_path)), "--out", str(out), "--lang", "en").exit_code == 0
    sheet = openpyxl.load_workbook(out)["Processors"]
    cell = next(c for c in sheet["C"] if c.value and "HYPERLINK" in str(c.value))
    assert cell.value == '=HYPERLINK("https://evil.example","x")'
    assert cell.data_type == "s"  # a string, not a formula ("f")
    assert cell.quotePrefix
    import zipfile

    xml = zipfile.ZipFile(out).read("xl/worksheets/sheet3.xml").decode()
    assert "<f>" not in xml


def test_hostile_value_is_inert_in_csv(tmp_path: Path) -> None:
    out = tmp_path / "record.csv"
    assert (
        _export(str(_hostile(tmp_path)), "-f", "csv", "--out", str(out), "--lang", "en").exit_code
        == 0
    )
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8"), newline="")))
    invoicing = next(row for row in rows if row[19] == "invoicing")
    assert invoicing[1] == '\'=HYPERLINK("https://evil.example","x")'
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_is_the_controller_sheet(tmp_path: Path) -> None:
    out = tmp_path / "record.csv"
    result = _export(str(ROOT / "registers"), "-f", "csv", "--out", str(out), "--lang", "sv")
    assert result.exit_code == 0
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0][:2] == ["Verksamhetsområde (register)", "Ändamål med behandlingen"]
    assert len(rows) == 21
    assert rows[1][:2] == ["Kundregister", "Inköp och försäljning"]
    bom = tmp_path / "bom.csv"
    assert _export(str(ROOT / "registers"), "-f", "csv", "--out", str(bom), "--bom").exit_code == 0
    assert bom.read_bytes() == b"\xef\xbb\xbf" + raw


def test_json_is_the_normalised_record(tmp_path: Path) -> None:
    out = tmp_path / "record.json"
    assert _export(str(ROOT / "registers"), "-f", "json", "--out", str(out)).exit_code == 0
    document = json.loads(out.read_text())
    assert document["version"] == 1
    assert document["country_data_as_of"] == "2026-10-08"
    customers = document["registers"][0]
    assert customers["id"] == "customers"
    netvisor = customers["processors"][0]
    assert netvisor["purpose"]["sv"] == "Finansiell administration"
    assert netvisor["processor"]["legal_entity"] == "Visma Solutions Oy"
    assert len(netvisor["processor"]["countries_expanded"]) == 27
    assert netvisor["processor"]["outside_eea"] == []
    activecampaign = customers["processors"][6]["processor"]
    assert activecampaign["outside_eea"] == ["AU", "US"]
    assert customers["purposes"][0]["group"]["name"]["sv"] == "Köp och leveranser"
    assert customers["recipients"][0]["id"] == "partners"
    assert customers["sources"][0]["id"] == "data-subject"


def test_exports_are_byte_identical(tmp_path: Path) -> None:
    import time

    for fmt in ("xlsx", "csv", "json"):
        first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
        for out in (first, second):
            assert _export(str(ROOT / "registers"), "-f", fmt, "--out", str(out)).exit_code == 0
            # openpyxl stamps the save time in seconds: make the two saves differ in it.
            time.sleep(1.1 if fmt == "xlsx" else 0)
        assert first.read_bytes() == second.read_bytes(), fmt


def test_refusals(tmp_path: Path) -> None:
    result = _export(str(ROOT / "registers"), "--out", str(tmp_path / "x.yaml"))
    assert result.exit_code == 2
    assert "not YAML" in result.stderr
    result = _export(str(ROOT / "registers"), "--lang", "de", "--out", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2
    assert (
        result.stderr
        == "ropa: error: the record is not published in 'de'; controller.languages lists sv, fi, en\n"
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "jsonld"])
def test_the_default_file_name_follows_the_format(shipped: Path, fmt: str) -> None:
    result = runner.invoke(app, ["export", "--format", fmt])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == (
        f"wrote ropa-record.{fmt}\ncountry data (EU/EEA, adequacy decisions) as of 2026-10-08\n"
    )
    assert [p.name for p in shipped.parent.glob("ropa-record.*")] == [f"ropa-record.{fmt}"]


def test_sheet_titles_are_names_excel_accepts() -> None:
    from ropa.export import Sheet, to_xlsx

    sheets = [
        Sheet("Doorgiften naar derde landen/internationale organisaties", ["a"], [["1"]], [10]),
        Sheet("Transfers: [draft]?*", ["a"], [], [10]),
        Sheet("transfers- -draft---", ["a"], [], [10]),
    ]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(sheets, "2026-01-01T00:00:00")))
    assert book.sheetnames == [
        "Doorgiften naar derde landen-in",
        "Transfers- -draft---",
        "transfers- -draft--- (2)",
    ]


# Excel's cell limit (files case 13): a long value continues in extra columns, never cut.

LONG = Path(__file__).parent / "shared_cases" / "files" / "13-xlsx-cell-truncated" / "registers"


def test_a_value_over_excel_s_cell_limit_continues_in_part_columns(tmp_path: Path) -> None:
    out = tmp_path / "record.xlsx"
    result = _export(str(LONG), "--format", "xlsx", "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["Controller record"]
    header = [cell.value for cell in sheet[1]]
    measures = ICO_COLUMNS[10]
    at = header.index(measures)
    assert header[at : at + 3] == [measures, f"{measures}, part 2", ICO_COLUMNS[11]]
    row = [cell.value or "" for cell in sheet[2]]
    whole = row[at] + row[at + 1]
    assert len(row[at]) <= 32_767 and len(row[at + 1]) <= 32_767
    assert row[at].endswith("\n")  # cut after a line break, not inside a measure
    assert whole.endswith("END-OF-BACKUP")
    # The CSV and JSON exports carry the same text whole, in one field.
    csv_out = tmp_path / "record.csv"
    assert _export(str(LONG), "-f", "csv", "--out", str(csv_out), "--lang", "en").exit_code == 0
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8"))))
    assert rows[0] == [h for h in header if not h.endswith(", part 2")]
    assert rows[1][at] == whole


def test_part_columns_are_named_in_the_workbook_s_language() -> None:
    import datetime

    from ropa import countries
    from ropa.export import Export, Sheet, fit_cells
    from ropa.record import Record
    from ropa.validate import read

    record = Record.assemble(read(ROOT / "registers").documents)
    sheet = Sheet("T", ["Id", "Text"], [["a", "x" * 25], ["b", "short"]], [5, 9])
    for lang, header in (("sv", "Text, del 2"), ("fi", "Text, osa 2"), ("en", "Text, part 2")):
        tables = Export(record, countries.load(), lang, datetime.date(2026, 11, 30))
        fitted = fit_cells(sheet, tables._part_header, limit=10)
        assert fitted.header == ["Id", "Text", header, f"{header[:-1]}3"]
        assert fitted.rows == [["a", "x" * 10, "x" * 10, "x" * 5], ["b", "short", "", ""]]
        assert fitted.widths == [5, 9, 9, 9]


@given(st.text(st.characters(codec="utf-8"), max_size=60), st.integers(2, 12))
def test_cell_parts_join_back_into_the_value(value: str, limit: int) -> None:
    from ropa.export import cell_parts

    parts = cell_parts(value, limit)
    assert "".join(parts) == value
    for part in parts:
        assert len(part.encode("utf-16-le")) // 2 <= limit
    assert all(parts[:-1])  # no empty part before the last


# The ICO columns filled with what they mean (shared case records/10).

CASE_10 = Path(__file__).parent / "shared_cases" / "10-export-adm-and-art9.yaml"


def _case_10(tmp_path: Path) -> Path:
    """Case 10 as today's schema has it (automated_decisions moved to the register, the
    portability right its contract purpose needs), with an Art. 49 transfer added."""
    text = CASE_10.read_text(encoding="utf-8")
    text = text.replace("      automated_decisions: false\n", "")
    text = text.replace(
        "    retention:\n", "    automated_decisions: {used: false}\n    retention:\n"
    )
    text = text.replace("objection, complaint]", "objection, portability, complaint]")
    text = text.replace(
        "    dpa: {signed: true}\n\nregisters:",
        "    dpa: {signed: true}\n"
        "  - id: helpdesk\n    system: Helpdesk\n    legal_entity: Help Inc.\n"
        "    countries: [US]\n    transfers:\n      - country: US\n"
        "        mechanism: art49_contract_with_subject\n"
        "        condition: {sv: Bara när du ber om hjälp i USA., en: Only when you ask for help in the US.}\n"
        "    dpa: {signed: true}\n\nregisters:",
    )
    text = text.replace(
        '        purpose: {sv: "Drift", en: "Hosting"}\n',
        '        purpose: {sv: "Drift", en: "Hosting"}\n'
        "      - processor: helpdesk\n        purpose: {sv: Support, en: Support}\n",
    )
    path = tmp_path / "record.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("lang", "decisions", "condition", "exceptional"),
    [
        ("en", "Profiling: yes; solely automated decisions: no",
         "Health or social care (Art. 9(2)(h))",
         "Helpdesk, United States: Necessary for a contract with you (Art. 49(1)(b))"
         " (Only when you ask for help in the US.)"),
        ("sv", "Profilering: ja; enbart automatiserade beslut: nej",
         "Hälso- och sjukvård eller social omsorg (artikel 9.2 h)", None),
    ],
)  # fmt: skip
def test_ico_columns_say_what_the_record_says(
    tmp_path: Path, lang: str, decisions: str, condition: str | None, exceptional: str | None
) -> None:
    out = tmp_path / "record.xlsx"
    result = _export(str(_case_10(tmp_path)), "--out", str(out), "--lang", lang)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = {r[19]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"answer", "alerts"}
    for row in rows.values():
        assert row[16] == decisions
        assert (row[8] == exceptional) if exceptional else row[8].startswith("Helpdesk, ")
    assert rows["answer"][12] is None
    assert rows["alerts"][12] == condition
    assert rows["alerts"][7] == {"en": "United States", "sv": "USA"}[lang]


# Exports like the tools people know: standard output, no overwriting of another format.


@pytest.mark.parametrize("fmt", ["json", "csv", "jsonld", "xlsx"])
def test_out_dash_writes_the_same_bytes_to_standard_output(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"record.{fmt}"
    record = str(ROOT / "registers")
    assert _export(record, "-f", fmt, "--out", str(out)).exit_code == 0
    piped = runner.invoke(app, ["export", record, "-f", fmt, "--out", "-"])
    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout_bytes == out.read_bytes()
    assert "wrote" not in piped.stderr


def test_dev_stdout_is_standard_output_and_a_terminal_gets_no_workbook(tmp_path: Path) -> None:
    import os
    import pty
    import subprocess
    import sys

    record = str(ROOT / "registers")
    done = subprocess.run(
        [sys.executable, "-m", "ropa", "export", record, "-f", "json", "-o", "/dev/stdout"],
        capture_output=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["controller"]["name"] == "Askele Ab"
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ropa", "export", record, "-o", "-"],
            stdout=follower, stderr=subprocess.PIPE, check=False,
        )  # fmt: skip
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert done.stderr.decode().startswith(
        "ropa: error: --out -: a workbook is binary; send standard output to a file or a pipe"
    )


@pytest.mark.parametrize(
    ("existing", "fmt", "held"),
    [
        ("xlsx", "json", "a workbook (xlsx) or another zip file"),
        ("json", "csv", "JSON"),
        ("jsonld", "json", "JSON-LD"),
        ("csv", "xlsx", "text (CSV or other)"),
    ],
)
def test_a_file_of_another_format_is_not_replaced_without_force(
    tmp_path: Path, existing: str, fmt: str, held: str
) -> None:
    record = str(ROOT / "registers")
    target = tmp_path / "ropa-record.out"
    assert _export(record, "-f", existing, "--out", str(target)).exit_code == 0
    before = target.read_bytes()
    refused = _export(record, "-f", fmt, "--out", str(target))
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"ropa: error: --out {target}: the file holds {held}, not {fmt}; choose another name,"
        " or pass --force to replace it\n"
    )
    assert target.read_bytes() == before
    assert _export(record, "-f", fmt, "--out", str(target), "--force").exit_code == 0
    assert target.read_bytes() != before
    # The same format is replaced as before.
    assert _export(record, "-f", fmt, "--out", str(target)).exit_code == 0


@pytest.mark.parametrize(
    ("content", "held"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"<!DOCTYPE html>\n<html lang=en>", "HTML or XML"),
    ],
)
def test_a_csv_export_does_not_replace_a_document_either(
    tmp_path: Path, content: bytes, held: str
) -> None:
    target = tmp_path / "doc.out"
    target.write_bytes(content)
    refused = _export(str(ROOT / "registers"), "-f", "csv", "--out", str(target))
    assert refused.exit_code == 2
    assert f"the file holds {held}, not csv" in refused.stderr
    assert target.read_bytes() == content


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json", "jsonld"])
def test_the_default_name_follows_the_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _export(str(ROOT / "registers"), "-f", fmt).exit_code == 0
    assert [p.name for p in tmp_path.iterdir()] == [f"ropa-record.{fmt}"]


def test_a_record_on_standard_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2026-06-01")
    base = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
    one = "".join(p.read_text(encoding="utf-8") for p in sorted(base.glob("*.yaml")))
    valid = runner.invoke(app, ["validate", "-"], input=one)
    assert valid.exit_code == 0, valid.output
    broken = runner.invoke(app, ["validate", "-"], input=one.replace("role: controller", "role: x"))
    assert broken.exit_code == 1
    assert broken.stdout.startswith("<stdin>:")
    assert " error ROPA010 'x' is not one of: controller, processor" in broken.stdout
    rendered = runner.invoke(app, ["render", "-", "--out", "site"], input=one)
    assert rendered.exit_code == 0, rendered.output
    assert "Invoice mailer" in (tmp_path / "site" / "privacy.en.html").read_text(encoding="utf-8")
    exported = runner.invoke(app, ["export", "-", "-f", "json", "-o", "-"], input=one)
    assert json.loads(exported.stdout)["controller"]["name"] == "Test Oy"


# The workbook in a real spreadsheet program: LibreOffice opens it, converts it to CSV and
# prints it to PDF (Debian's libreoffice-calc-nogui, which .ci/run installs).


def _soffice() -> str:
    import os
    import shutil as which

    found = which.which("soffice") or which.which("libreoffice")
    if found is None:
        message = "LibreOffice (soffice) not found; install it as .ci/run does"
        if os.environ.get("ROPA_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_libreoffice_opens_converts_and_prints_the_workbook(tmp_path: Path) -> None:
    import subprocess

    soffice = _soffice()
    book = tmp_path / "askele.xlsx"
    assert _export(str(ROOT / "registers"), "--out", str(book), "--lang", "sv").exit_code == 0
    profile = (tmp_path / "profile").as_uri()
    # CSV filter options: comma, double quote, UTF-8 (76), from the first line.
    for target in ("csv:Text - txt - csv (StarCalc):44,34,76,1", "pdf"):
        done = subprocess.run(
            [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
             "--outdir", str(tmp_path), str(book)],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    # The first sheet, as LibreOffice read it: the Swedish headers, every register's
    # purposes, and the last review as a date.
    rows = list(csv.reader(io.StringIO((tmp_path / "askele.csv").read_text(encoding="utf-8"))))
    workbook = openpyxl.load_workbook(book).worksheets[0]
    assert rows[0] == [c.value for c in workbook[1]]
    assert len(rows) == workbook.max_row
    assert {row[-1] for row in rows[1:]} == {"2022-11-02"}
    pdf = (tmp_path / "askele.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000


def test_rows_are_tall_enough_for_their_wrapped_text(workbook: openpyxl.Workbook) -> None:
    """Printed or saved as PDF, a row keeps the height it was given: each row is at least as
    tall as the lines its cells hold (15 points a line, at most Excel's 409), and a row
    whose text wraps is taller than one line."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=2):
            height = sheet.row_dimensions[row[0].row].height
            lines = max(str(c.value or "").count("\n") + 1 for c in row)
            assert height >= min(409, lines * 15), (sheet.title, row[0].row)
            longest = max(len(str(c.value or "")) for c in row)
            if longest > 200:  # no column is that wide: the text wraps
                assert height > 15, (sheet.title, row[0].row)
