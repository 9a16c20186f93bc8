"""`ropa import`: workbooks and CSV files in, a record's YAML, a report and findings out.

The round trip of generated records (export -> import -> export) is a property test in
test_generated_records.py; here are the shipped record's round trip, workbooks laid out like
the ICO's and the CNIL's templates, a mapped CSV, the seed's processor tables, and bad input.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from test_export import ICO_COLUMNS
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# The ICO's "Documentation template for controllers": its contact block, then the table
# headed in row 9 (docs/export.md lists the columns; the last two have no field in ropa).
ICO_HEADERS = [*ICO_COLUMNS[:18], "Link to record of consent"]


def ico_workbook(path: Path) -> Path:
    """A small veterinary practice's record, as its DPO keeps it in the ICO template."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Template"
    sheet["A2"], sheet["B2"] = "Name", "Kilkenny Veterinary Ltd"
    sheet["A3"], sheet["B3"] = "Email", "dpo@kilkennyvets.ie"
    for column, header in enumerate(ICO_HEADERS, start=1):
        sheet.cell(row=9, column=column, value=header)
    rows: list[dict[str, Any]] = [
        {
            "A": "Client care",
            "B": "Appointments and treatment",
            "C": "N/A",
            "D": "Pet owners\nEmergency contacts",
            "E": "Name, address and phone\nPet health history",
            "F": "Referral hospitals",
            "J": "7 years after the last appointment",
            "K": "Role-based access to the practice system\nEncrypted nightly backups",
            "L": "Contract",
            "P": "Right of access\nRight to rectification\nRight to erasure (where applicable)",
            "Q": "No",
            "R": "Pet owners",
        },
        # Merged "Business function" cells leave this row's A empty: the same register.
        {"B": "Vaccination reminders", "D": "Pet owners", "E": "Name, phone", "L": "Consent",
         "J": "until consent is withdrawn", "S": "https://kilkennyvets.ie/consents"},
        {
            "A": "Marketing",
            "B": "Newsletter",
            "D": "Subscribers",
            "E": "E-mail address",
            "J": "as long as needed",
            "L": "Legitimate interests",
            "N": "Telling clients about seasonal care",
            "O": "https://kilkennyvets.ie/lia/newsletter",
        },
        {"A": "Staff", "B": "Payroll", "D": "Employees", "E": "Bank details", "F": "Revenue",
         "J": "6 years after the end of employment", "L": "Art. 6(1)(c)",
         "M": "Art. 9(2)(b)", "T": "=TODAY()"},
    ]  # fmt: skip
    for number, row in enumerate(rows, start=10):
        for column, value in row.items():
            sheet[f"{column}{number}"] = value
    book.save(path)
    return path


def run(*args: str) -> Any:
    return runner.invoke(app, list(args))


def load(folder: Path, name: str) -> Any:
    return yaml.safe_load((folder / name).read_text(encoding="utf-8"))


def report(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "import-report.json").read_text(encoding="utf-8"))


def cells(folder: Path) -> dict[str, dict[str, Any]]:
    """The report's entries by cell (the last entry of a cell read into several items)."""
    return {entry["cell"]: entry for entry in report(folder)["cells"]}


# --- ropa's own workbook ---------------------------------------------------------------


def test_shipped_registers_round_trip(tmp_path: Path) -> None:
    """The shipped record's workbook imports into a record that renders the same pages, in
    every language and format, and validates with the same findings."""
    workbook, imported = tmp_path / "askele.xlsx", tmp_path / "imported"
    assert run("export", str(ROOT / "registers"), "--out", str(workbook)).exit_code == 0
    result = run("import", str(workbook), "--out", str(imported))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in imported.glob("*.yaml")) == sorted(
        p.name for p in (ROOT / "registers").glob("*.yaml")
    )
    assert report(imported)["summary"] == {"copied": report(imported)["summary"]["copied"]}
    pages = {}
    for name, record in (("shipped", ROOT / "registers"), ("imported", imported)):
        out = tmp_path / f"pages-{name}"
        rendered = run("render", str(record), "--out", str(out), "--allow-overdue")
        assert rendered.exit_code == 0, rendered.output
        pages[name] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert pages["imported"] == pages["shipped"]
    assert len(pages["shipped"]) == 24
    shipped = run("validate", str(ROOT / "registers")).stdout.splitlines()
    again = run("validate", str(imported)).stdout.splitlines()
    assert [line.split(" ", 1)[1] for line in again] == [line.split(" ", 1)[1] for line in shipped]


def test_record_sheet_edits_are_imported(tmp_path: Path) -> None:
    """A DPO edits a value on the record sheet; the import carries it, and the rest exactly."""
    workbook, imported = tmp_path / "askele.xlsx", tmp_path / "imported"
    run("export", str(ROOT / "registers"), "--out", str(workbook), "--lang", "en")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Record data"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "registers[recruitment].owner")
    row[1].value = "hr@askele.fi"
    book.save(workbook)
    result = run("import", str(workbook), "--out", str(imported))
    assert result.exit_code == 0, result.output
    assert load(imported, "recruitment.yaml")["registers"][0]["owner"] == "hr@askele.fi"
    entry = cells(imported)[f"'Record data'!B{row[1].row}"]
    assert entry == {"cell": f"'Record data'!B{row[1].row}", "value": "hr@askele.fi",
                     "how": "copied", "field": "registers[recruitment].owner", "note": ""}  # fmt: skip


def test_edits_on_the_article_30_sheets_are_reported(tmp_path: Path) -> None:
    """The Article 30 sheets are made from the record sheet: a cell changed or emptied there
    after the export is named, since the import does not take it."""
    workbook, imported = tmp_path / "askele.xlsx", tmp_path / "imported"
    run("export", str(ROOT / "registers"), "--out", str(workbook), "--lang", "en")
    book = openpyxl.load_workbook(workbook)
    book["Controller record"]["B3"] = "Invoicing (edited)"
    book["Controller record"]["J4"] = None
    book.save(workbook)
    result = run("import", str(workbook), "--out", str(imported))
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if " ignored " in line]
    assert lines == [
        "'Controller record'!B3 ignored 'Invoicing (edited)' (differs from the record sheet's"
        " 'Invoicing'; this sheet is made from the record sheet and not read: an edit here is"
        " not imported, make it on the record sheet)",
        "'Controller record'!J4 ignored (differs from the record sheet's 'Personal data"
        " processed to fulfil our contractual obligation…'; this sheet is made from the record"
        " sheet and not read: an edit here is not imported, make it on the record sheet)",
    ]
    # The record itself is the record sheet's, untouched by the edit.
    assert load(imported, "customers.yaml") == load(ROOT / "registers", "customers.yaml")


def test_record_sheet_bad_rows(tmp_path: Path) -> None:
    """A formula, a path that is no field path and a control character are reported with
    their cells and left out; the import exits 1."""
    workbook, imported = tmp_path / "askele.xlsx", tmp_path / "imported"
    run("export", str(ROOT / "registers"), "--out", str(workbook), "--lang", "en")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Record data"]
    last = sheet.max_row
    sheet[f"A{last + 1}"], sheet[f"B{last + 1}"] = "registers[customers].owner2", "=1+1"
    sheet[f"A{last + 2}"], sheet[f"B{last + 2}"] = "registers..x", "y"
    sheet[f"A{last + 3}"], sheet[f"B{last + 3}"] = "controller.website", "https://a\u200b"
    book.save(workbook)
    result = run("import", str(workbook), "--out", str(imported))
    assert result.exit_code == 1
    found = cells(imported)
    assert found[f"'Record data'!B{last + 1}"]["note"].startswith("a formula; ropa never evaluates")
    assert "is not a field path" in found[f"'Record data'!B{last + 2}"]["note"]
    assert found[f"'Record data'!B{last + 3}"]["note"] == (
        "holds invisible character U+200B ZERO WIDTH SPACE, which a record cannot hold"
    )
    assert f"'Record data'!B{last + 1} not understood '=1+1'" in result.stdout


# --- the ICO template ------------------------------------------------------------------


def test_ico_workbook(tmp_path: Path) -> None:
    source, out = ico_workbook(tmp_path / "ico.xlsx"), tmp_path / "record"
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output  # findings remain: owners, kinds, ...
    assert sorted(p.name for p in out.glob("*.yaml")) == [
        "client-care.yaml", "controller.yaml", "marketing.yaml", "staff.yaml"]  # fmt: skip
    controller = load(out, "controller.yaml")
    assert controller["controller"] == {
        "name": "Kilkenny Veterinary Ltd",
        "email": "dpo@kilkennyvets.ie",
        "rights": {"available": ["access", "rectification"], "where_applicable": ["erasure"]},
        "languages": ["en"],
    }
    assert [r["id"] for r in controller["recipients"]] == ["referral-hospitals", "revenue"]
    care = load(out, "client-care.yaml")["registers"][0]
    assert [(p["id"], p["legal_bases"]) for p in care["purposes"]] == [
        ("appointments-and-treatment", [{"basis": "contract"}]),
        ("vaccination-reminders", [{"basis": "consent"}]),
    ]
    assert [s["name"]["en"] for s in care["data_subjects"]] == ["Pet owners", "Emergency contacts"]
    # Each row's retention applies to the row's purpose.
    assert care["retention"] == [
        {"applies_to": {"en": "Appointments and treatment"}, "period": 7, "unit": "years",
         "after": "last_activity"},
        {"applies_to": {"en": "Vaccination reminders"}, "until": "consent_withdrawn"},
    ]  # fmt: skip
    assert care["automated_decisions"] == {"used": False}
    assert [(m["kind"], m["description"]["en"]) for m in care["security_measures"]] == [
        ("access_control", "Role-based access to the practice system"),
        ("encryption", "Encrypted nightly backups"),
    ]
    staff = load(out, "staff.yaml")["registers"][0]
    assert staff["purposes"][0]["legal_bases"] == [{"basis": "legal_obligation"}]
    assert staff["purposes"][0]["special_category_condition"] == "employment_social_security"
    assert staff["retention"] == [{"period": 6, "unit": "years", "after": "end_of_employment"}]
    marketing = load(out, "marketing.yaml")["registers"][0]
    assert marketing["purposes"][0]["legal_bases"] == [{
        "basis": "legitimate_interests",
        "interest": {"en": "Telling clients about seasonal care"},
        "lia": "https://kilkennyvets.ie/lia/newsletter",
    }]  # fmt: skip
    assert marketing["retention"] == [{"note": {"en": "as long as needed"}}]
    # The YAML says what was guessed or kept as text, and from which cell.
    text = (out / "marketing.yaml").read_text(encoding="utf-8")
    assert "      # Template!J12: kept as text: no period with its starting event" in text
    care_text = (out / "client-care.yaml").read_text(encoding="utf-8")
    assert "      # Template!K10: guessed: kind 'encryption' from its words\n" in care_text
    # The report: every cell, where it went or why not.
    found = cells(out)
    assert found["Template!L13"] == {"cell": "Template!L13", "value": "Art. 6(1)(c)",
                                     "how": "recognised",
                                     "field": "registers[staff].purposes[payroll].legal_bases",
                                     "note": "legal_obligation"}  # fmt: skip
    assert found["Template!S9"]["how"] == "not understood"
    assert found["Template!S11"] == {"cell": "Template!S11",
                                     "value": "https://kilkennyvets.ie/consents",
                                     "how": "not understood", "field": "",
                                     "note": "in a column ropa has no field for"}  # fmt: skip
    assert found["Template!T13"]["note"].startswith("a formula; ropa never evaluates one")
    assert found["Template!B2"]["field"] == "controller.name"
    # What remains is printed: cells not understood, then the findings, file:line:col.
    assert "Template!T13 not understood '=TODAY()'" in result.stdout
    assert f"{out}/staff.yaml:4:5 error ROPA010 missing required key 'owner'" in result.stdout
    text_report = (out / "import-report.txt").read_text(encoding="utf-8")
    assert "Template!J10 recognised '7 years after the last appointment'" in text_report


def test_ico_csv_with_semicolons_and_bom(tmp_path: Path) -> None:
    """The same table saved by Excel as CSV (a BOM, semicolons): read alike."""
    source = tmp_path / "ico.csv"
    lines = [";".join([*ICO_HEADERS[:3], ICO_HEADERS[11]]),
             'HR;Recruitment;;"Consent; contract"']  # fmt: skip
    source.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    out = tmp_path / "record"
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    register = load(out, "hr.yaml")["registers"][0]
    assert register["purposes"][0]["legal_bases"] == [{"basis": "consent"}, {"basis": "contract"}]
    assert cells(out)["ico.csv!D2"]["how"] == "recognised"


# --- the CNIL register model -----------------------------------------------------------

CNIL_HEADERS = ["Nom du traitement", "Finalité(s) du traitement", "Base légale",
                "Catégories de personnes concernées", "Catégories de données collectées",
                "Destinataires", "Sous-traitants", "Transferts hors UE",
                "Durées de conservation", "Mesures de sécurité"]  # fmt: skip


def test_cnil_workbook(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Registre"
    sheet["A1"] = "Registre des activités de traitement de Boulangerie Dupont"
    sheet.append([])
    sheet.append(CNIL_HEADERS)
    sheet.append(["Gestion de la paie", "Paie des salariés", "Obligation légale",
                  "Salariés", "État civil\nInformations économiques et financières",
                  "Expert-comptable", "PayFit", "", "5 ans après la fin du contrat de travail",
                  "Contrôle des accès\nSauvegardes chiffrées"])  # fmt: skip
    sheet.append(["Fichier clients", "Programme de fidélité", "Consentement", "Clients",
                  "Nom, prénom, e-mail", "", "", "États-Unis",
                  "3 ans après le dernier achat", ""])  # fmt: skip
    hidden = book.create_sheet("Listes")
    hidden.sheet_state = "hidden"
    hidden["A1"] = "Salariés"
    source, out = tmp_path / "registre.xlsx", tmp_path / "record"
    book.save(source)
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    data = report(out)
    assert (data["layout"], data["language"]) == ("CNIL-style table", "fr")
    assert data["sheets"] == [{"cell": "Listes", "value": "", "how": "ignored", "field": "",
                               "note": "hidden; not read"}]  # fmt: skip
    # The registers keep the sheet's order (which sets the order of the page's sections).
    assert sorted(p.name for p in out.glob("*.yaml")) == [
        "1-gestion-de-la-paie.yaml", "2-fichier-clients.yaml", "controller.yaml",
        "processors.yaml"]  # fmt: skip
    payroll = load(out, "1-gestion-de-la-paie.yaml")["registers"][0]
    assert payroll["purposes"] == [{"id": "paie-des-salaries", "name": {"fr": "Paie des salariés"},
                                    "legal_bases": [{"basis": "legal_obligation"}]}]  # fmt: skip
    assert payroll["retention"] == [{"period": 5, "unit": "years", "after": "end_of_employment"}]
    assert payroll["processors"] == [{"processor": "payfit"}]
    assert [m["kind"] for m in payroll["security_measures"]] == ["access_control", "backup"]
    clients = load(out, "2-fichier-clients.yaml")["registers"][0]
    assert clients["retention"] == [{"period": 3, "unit": "years", "after": "last_activity"}]
    assert clients["internal_note"] == "Third countries (Registre!H5): États-Unis"
    assert load(out, "controller.yaml")["controller"] == {"languages": ["fr"]}
    assert cells(out)["Registre!A1"]["note"] == "above the header row"


# --- a mapped CSV ----------------------------------------------------------------------


def test_mapped_csv(tmp_path: Path) -> None:
    """A consultant's CSV with its own headers: --print-mapping drafts the mapping from what
    it recognises, the user names the rest, and the import follows it."""
    source = tmp_path / "inventory.csv"
    source.write_text(
        "Activity,Why,Basis (GDPR),Who,Kept for,Tools\n"
        "Customer support,Answering tickets,6(1)(b),Customers,2 years after the last contact,"
        "Zendesk\n",
        encoding="utf-8",
    )
    drafted = run("import", str(source), "--print-mapping")
    assert drafted.exit_code == 0, drafted.output
    draft = yaml.safe_load(drafted.stdout)
    assert draft["columns"][0] == {"header": "Activity", "field": None}
    assert "  # column A: not recognised\n  - header: Activity\n" in drafted.stdout
    fields = ["register", "purpose", "legal_basis", "data_subjects", "retention", "processors"]
    for entry, name in zip(draft["columns"], fields, strict=True):
        entry["field"] = name
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "record"
    result = run("import", str(source), "--mapping", str(mapping), "--out", str(out))
    assert result.exit_code == 1, result.output
    register = load(out, "customer-support.yaml")["registers"][0]
    assert register["purposes"][0]["legal_bases"] == [{"basis": "contract"}]
    assert register["retention"] == [{"period": 2, "unit": "years", "after": "last_activity"}]
    assert register["processors"] == [{"processor": "zendesk"}]
    assert load(out, "processors.yaml") == {"processors": [{"id": "zendesk", "system": "Zendesk"}]}
    assert report(out)["layout"] == "mapped by mapping.yaml"


def test_bad_mapping(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("A,B\n1,2\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n  - header: A\n    field: purposes\n", encoding="utf-8")
    result = run("import", str(source), "--mapping", str(mapping), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "mapping.yaml: columns entry 1 ('A'): unknown field 'purposes'" in result.stderr
    assert not (tmp_path / "o").exists()


# --- the seed's processor tables ---------------------------------------------------------


SEED_CUSTOMER_TABLE = """\
Namn på system och leverantör,Plats för företag och/eller servrar,Syfte med tjänsten
"Visma Netvisor, Visma Solutions Oy",EU,Finansiell administration
"Visma Severa, Visma Solutions Oy",EU,ERP
"Maventa, Visma Solutions Oy",EU,Elektronisk fakturering
"Visma Sign, Visma Solutions Oy",EU,Avtalshantering
"GoToWebinar, LogMeIn Inc",EU/USA,Webbinarier
"Google-sovellukset, Google Inc",EU,"Kundkommunikation, videokonferenser, utbildningsmaterial, kundnöjdhetsundersökningar"
"ActiveCampaign, ActiveCampaign LLC",EU/USA/Australia,"Nyhetsbrevstjänst, automatisering av marknadsföring"
"Calendly, Calendly LLC",USA,Kalendertjänst
"Bi Book, Greenstep Oy",EU,Rapportering
"""


def test_seed_processor_table(tmp_path: Path) -> None:
    """The customer register's processor table of the Swedish policy, pasted as CSV: nine
    processors with the countries the policy gives them."""
    source, out = tmp_path / "system.csv", tmp_path / "record"
    source.write_text(SEED_CUSTOMER_TABLE, encoding="utf-8")
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    processors = load(out, "processors.yaml")["processors"]
    assert [(p["system"], p["legal_entity"], p["countries"]) for p in processors] == [
        ("Visma Netvisor", "Visma Solutions Oy", ["EU"]),
        ("Visma Severa", "Visma Solutions Oy", ["EU"]),
        ("Maventa", "Visma Solutions Oy", ["EU"]),
        ("Visma Sign", "Visma Solutions Oy", ["EU"]),
        ("GoToWebinar", "LogMeIn Inc", ["EU", "US"]),
        ("Google-sovellukset", "Google Inc", ["EU"]),
        ("ActiveCampaign", "ActiveCampaign LLC", ["EU", "US", "AU"]),
        ("Calendly", "Calendly LLC", ["US"]),
        ("Bi Book", "Greenstep Oy", ["EU"]),
    ]
    assert processors[0]["internal_note"] == (
        "Purpose of the service (system.csv!C2): Finansiell administration"
    )
    data = report(out)
    assert (data["layout"], data["language"]) == ("processor table", "sv")
    assert cells(out)["system.csv!A6"]["how"] == "guessed"
    text = (out / "processors.yaml").read_text(encoding="utf-8")
    assert "    # system.csv!A2: guessed: system and legal entity split at the first comma\n" \
           "    legal_entity: Visma Solutions Oy\n" in text  # fmt: skip
    # What the table does not say is what validation then asks for.
    assert result.stdout.count("error ROPA010 missing required key 'dpa'") == 9


# --- bad input ---------------------------------------------------------------------------


def zip_bytes() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a workbook at all", "x.xlsx", "x.xlsx: not a workbook (.xlsx): an .xlsx file is a zip archive, and this is not one"),
        (zip_bytes(), "other.xlsx", "other.xlsx: a zip archive, but not a workbook (.xlsx) ropa can read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "an Excel 97-2003 workbook (.xls); save it as .xlsx"),
        (b"a,b\n\xe9,1\n", "latin.csv", "latin.csv:2: not UTF-8 (byte 0xe9)"),
        (b"x\x00y", "bin.csv", "bin.csv: binary data"),
        (b"Foo,Bar\n1,2\n", "plain.csv", "plain.csv: no sheet has headers ropa recognises"),
        (b"", "empty.csv", "empty.csv: holds no rows to import"),
    ],
)  # fmt: skip
def test_unreadable_sources(tmp_path: Path, content: bytes, name: str, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = run("import", str(source), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_source_and_cp1252(tmp_path: Path) -> None:
    assert "nothing.xlsx: no such file" in run("import", str(tmp_path / "nothing.xlsx")).stderr
    source = tmp_path / "win.csv"
    source.write_bytes("Register;Purpose\nKundregister;Försäljning\n".encode("cp1252"))
    result = run("import", str(source), "--encoding", "cp1252", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1, result.output
    assert load(tmp_path / "o", "kundregister.yaml")["registers"][0]["purposes"][0]["name"] == {
        "en": "Försäljning"}  # fmt: skip


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_source_over_the_import_limit_is_refused_unopened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """ROPA_MAX_IMPORT_BYTES bounds what import reads whole: a workbook's inflated size
    (checked from the zip's directory, before any entry is inflated: a zip bomb) and a CSV
    file's size. At the limit the source is read; one byte over, exit 2 naming the limit."""
    if kind == "xlsx":
        source = ico_workbook(tmp_path / "ico.xlsx")
        size = sum(i.file_size for i in zipfile.ZipFile(source).infolist())
        said = f"would inflate to {size:,} bytes"
    else:
        source = tmp_path / "x.csv"
        source.write_text("Purpose,Lawful basis\nSales,contract\n", encoding="utf-8")
        size = source.stat().st_size
        said = f"{size:,} bytes"
    monkeypatch.setenv("ROPA_MAX_IMPORT_BYTES", str(size))
    assert run("import", str(source), "--out", str(tmp_path / "at")).exit_code in (0, 1)
    monkeypatch.setenv("ROPA_MAX_IMPORT_BYTES", str(size - 1))
    result = run("import", str(source), "--out", str(tmp_path / "over"))
    assert result.exit_code == 2
    assert (
        f"{source}: {said}; a source ropa imports is at most {size - 1:,} bytes (set"
        " ROPA_MAX_IMPORT_BYTES to raise the limit)"
    ) in result.stderr
    assert not (tmp_path / "over").exists()


def test_a_workbook_of_too_many_entries_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = ico_workbook(tmp_path / "ico.xlsx")
    entries = len(zipfile.ZipFile(source).infolist())
    monkeypatch.setenv("ROPA_MAX_IMPORT_ENTRIES", str(entries))
    assert run("import", str(source), "--out", str(tmp_path / "at")).exit_code in (0, 1)
    monkeypatch.setenv("ROPA_MAX_IMPORT_ENTRIES", str(entries - 1))
    result = run("import", str(source), "--out", str(tmp_path / "over"))
    assert result.exit_code == 2
    assert (
        f"holds {entries:,} zip entries; a workbook ropa imports holds at most {entries - 1:,}"
        " (set ROPA_MAX_IMPORT_ENTRIES to raise the limit)"
    ) in result.stderr


def test_formula_injection_stays_text(tmp_path: Path) -> None:
    """A cell's text that a spreadsheet would run stays text in the record, and a later
    export writes it as text again."""
    source, out = tmp_path / "x.csv", tmp_path / "record"
    source.write_text('Register,Purpose\n"=HYPERLINK(""http://x"")",@SUM(1)\n', encoding="utf-8")
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    register = load(out, "hyperlink-http-x.yaml")["registers"][0]
    assert register["name"] == {"en": '=HYPERLINK("http://x")'}
    assert register["purposes"][0]["name"] == {"en": "@SUM(1)"}


def test_out_folder_with_another_record(tmp_path: Path) -> None:
    """A folder holding YAML of its own is refused, --force or not; an earlier import's
    files are replaced with --force, and those it no longer writes are removed."""
    source = ico_workbook(tmp_path / "ico.xlsx")
    out = tmp_path / "record"
    out.mkdir()
    (out / "staff.yaml").write_text("controller: {}\n", encoding="utf-8")
    for force in ([], ["--force"]):
        result = run("import", str(source), "--out", str(out), *force)
        assert result.exit_code == 2
        assert "holds staff.yaml, which no import wrote; import into a new folder" in result.stderr
    os.remove(out / "staff.yaml")
    assert run("import", str(source), "--out", str(out)).exit_code == 1
    again = run("import", str(source), "--out", str(out))
    assert again.exit_code == 2 and "already exist (an earlier import); use --force" in again.stderr
    (out / "old-register.yaml").write_text(
        "# Imported from ico.xlsx by ropa import; import-report.txt lists every cell\n"
        "registers: []\n", encoding="utf-8")  # fmt: skip
    forced = run("import", str(source), "--out", str(out), "--force")
    assert forced.exit_code == 1
    assert f"removed {out / 'old-register.yaml'}, written by an earlier import" in forced.stderr
    assert not (out / "old-register.yaml").exists()
    assert (out / "staff.yaml").exists()


def test_many_rows_stream(tmp_path: Path) -> None:
    """A table of 5,000 activities imports (streamed), one register per business function."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Template")
    sheet.append([*ICO_HEADERS[:2], ICO_HEADERS[11]])
    for number in range(5000):
        sheet.append([f"Function {number // 10}", f"Purpose {number}", "Contract"])
    source = tmp_path / "big.xlsx"
    book.save(source)
    out = tmp_path / "record"
    result = run("--quiet", "import", str(source), "--out", str(out))
    assert result.exit_code == 1
    names = sorted(p.name for p in out.glob("*function-*.yaml"))
    assert (len(names), names[0], names[-1]) == (
        500,
        "001-function-0.yaml",
        "500-function-499.yaml",
    )
    shutil.rmtree(out)


def test_a_dental_clinic_s_csv(tmp_path: Path) -> None:
    """A clinic's own layout, mapped: every cell is accounted for; a vendor on a row under a
    merged register cell gets the row's countries and safeguard; values the register holds
    once keep the first row's, and a row that differs is kept as text, named; the parts of a
    cell ropa recognises are taken and the rest kept."""
    source = tmp_path / "clinic.csv"
    source.write_text(
        "Activity,Purpose,Basis,Vendor,Where,Safeguard,DPIA,Rights,Kept,Comment\n"
        'Patient care,Treatment,"Art. 6(1)(c) – Patientdatalagen (2008:355)",'
        '"Journalia, Journalia AB",Sverige (servrar i Stockholm),,Yes,'
        '"Access, rectification, erasure",10 år efter sista journalanteckningen,x\n'
        ',Booking,Avtal,"BookSmile, BookSmile Inc.",USA,EU:s standardavtalsklausuler (modul 2),'
        'No,"Access, rectification, erasure",tills samtycket återkallas,\n'
        "Marketing,Newsletter,Samtycke,,Globalt,,,,24 månader efter senaste besöket,\n"
        "Staff,Payroll,Rättslig förpliktelse,Fortnox Lön, Fortnox AB,Sverige,,,,,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "mapping.yaml"
    fields = ["register", "purpose", "legal_basis", "processors", "third_countries",
              "transfer_safeguards", "dpia_required", "rights", "retention", None]  # fmt: skip
    headers = source.read_text(encoding="utf-8").splitlines()[0].split(",")
    mapping.write_text(yaml.safe_dump({"language": "sv", "columns": [
        {"header": h, "field": f} for h, f in zip(headers, fields, strict=True)]}),
        encoding="utf-8")  # fmt: skip
    out = tmp_path / "record"
    result = run("import", str(source), "--mapping", str(mapping), "--out", str(out))
    assert result.exit_code == 1, result.output
    # Every non-empty cell of the file has an entry in the report.
    import csv

    with source.open(encoding="utf-8", newline="") as handle:
        expected = {f"clinic.csv!{chr(64 + c)}{r}" for r, row in enumerate(csv.reader(handle), 1)
                    for c, value in enumerate(row, 1) if value.strip()}  # fmt: skip
    assert {entry["cell"] for entry in report(out)["cells"]} == expected
    found = cells(out)
    # A comma inside an unquoted value shifts the row: it is refused, not misread.
    assert found["clinic.csv!A5"]["note"] == (
        "the row has 11 fields, the header 10: a comma in a value without quotes?"
    )
    assert found["clinic.csv!J2"] == {"cell": "clinic.csv!J2", "value": "x", "how": "ignored",
                                      "field": "", "note": "in a column the mapping leaves out"}  # fmt: skip
    processors = load(out, "processors.yaml")["processors"]
    booksmile = next(p for p in processors if p["system"] == "BookSmile")
    assert booksmile["legal_entity"] == "BookSmile Inc."
    assert booksmile["countries"] == ["US"]
    assert booksmile["transfers"] == [{"country": "US", "mechanism": "scc_m2"}]
    journalia = next(p for p in processors if p["system"] == "Journalia")
    assert journalia["countries"] == ["SE"]
    text = (out / "processors.yaml").read_text(encoding="utf-8")
    assert (
        "# clinic.csv!E2: guessed: SE (the row's one processor); left out: 'servrar i Stockholm'"
        in text
    )
    care = load(out, "1-patient-care.yaml")["registers"][0]
    assert care["dpia"] == {"required": True}
    assert "DPIA required (clinic.csv!G3): No" in care["internal_note"]
    assert found["clinic.csv!G3"]["note"] == "differs from clinic.csv!G2, which is kept"
    treatment = care["purposes"][0]
    assert treatment["legal_bases"] == [{"basis": "legal_obligation"}]
    assert treatment["internal_note"] == (
        "Legal basis (clinic.csv!C2): Art. 6(1)(c) – Patientdatalagen (2008:355)"
    )
    assert care["retention"] == [
        {"applies_to": {"sv": "Treatment"}, "period": 10, "unit": "years", "after": "event",
         "event": {"sv": "sista journalanteckningen"}},
        {"applies_to": {"sv": "Booking"}, "until": "consent_withdrawn"},
    ]  # fmt: skip
    assert load(out, "controller.yaml")["controller"]["rights"] == {
        "available": ["access", "rectification", "erasure"]
    }
    assert found["clinic.csv!H3"]["note"] == "access, rectification, erasure"
    marketing = load(out, "2-marketing.yaml")["registers"][0]
    assert marketing["internal_note"] == "Third countries (clinic.csv!E4): Globalt"
    assert marketing["retention"] == [{"period": 24, "unit": "months", "after": "last_activity"}]
    marketing_text = (out / "2-marketing.yaml").read_text(encoding="utf-8")
    assert ("      # clinic.csv!I4: read as period: 24, unit: months, after: last_activity from"
            " '24 månader efter senaste besöket'\n") in marketing_text  # fmt: skip


def test_contact_block_lines(tmp_path: Path) -> None:
    """The contact block: a formula is reported as one; an address is kept as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Template"
    sheet.append(["Name", "Norrbacka Tandvård AB"])
    sheet.append(["Email", "=LOWER(B1)"])
    sheet.append(["Address", "Storgatan 1, 903 25 Umeå"])
    sheet.append(["Telephone", "+46 90 123 45 67"])
    sheet.append([])
    sheet.append(["Business function", "Purpose of processing"])
    sheet.append(["Patient care", "Treatment"])
    book.save(tmp_path / "c.xlsx")
    out = tmp_path / "record"
    run("import", str(tmp_path / "c.xlsx"), "--out", str(out))
    controller = load(out, "controller.yaml")["controller"]
    assert controller["phone"] == "+46 90 123 45 67"
    assert controller["internal_note"] == "Address (Template!B3): Storgatan 1, 903 25 Umeå"
    assert "email" not in controller
    assert cells(out)["Template!B2"]["note"].startswith("a formula; ropa never evaluates")


def test_bad_language(tmp_path: Path) -> None:
    source = tmp_path / "x.csv"
    source.write_text("Register,Purpose\nA,B\n", encoding="utf-8")
    result = run("import", str(source), "--lang", "xx", "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "--lang 'xx': not a language code (such as en, sv, fi, fr)" in result.stderr


# --- any table: never a traceback, every cell accounted for --------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from strategies import PHRASES, SINGLES  # noqa: E402

KNOWN = [h for h in ICO_HEADERS] + CNIL_HEADERS + [
    "Namn på system och leverantör", "Plats för företag och/eller servrar", "Syfte med tjänsten",
    "Owner", "Last reviewed", "Register id", "Purpose id", "Data processing agreement signed",
]  # fmt: skip
CELL_TEXT = st.one_of(
    st.sampled_from(SINGLES), st.sampled_from(PHRASES),
    st.sampled_from(["EU/USA", "Sverige (Stockholm)", "SCC", "6(1)(f)", "24 months after the last"
                     " activity", "Yes", "No", "N/A", "2.11.2022", "=1+1", "a, b", "x@example.com",
                     "tills samtycket återkallas", "Art. 9(2)(h)", "Privacy Shield"]),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    headers=st.lists(st.sampled_from(KNOWN), min_size=2, max_size=8, unique=True),
    rows=st.lists(st.lists(CELL_TEXT, min_size=0, max_size=8), min_size=1, max_size=6),
)
def test_any_table_imports_or_refuses_cleanly(tmp_path: Path, headers: list[str],
                                              rows: list[list[str]]) -> None:  # fmt: skip
    import csv
    import io
    import uuid

    folder = tmp_path / uuid.uuid4().hex
    folder.mkdir()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(row[: len(headers)])
    source = folder / "t.csv"
    source.write_text(buffer.getvalue(), encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "--out", str(folder / "out")])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        # Only a source that cannot be read: nothing written, one line.
        assert not (folder / "out").exists()
        assert result.stderr.count("\n") == 1, result.stderr
        return
    with source.open(encoding="utf-8", newline="") as handle:
        expected = {f"t.csv!{_letters(c)}{r}" for r, row in enumerate(csv.reader(handle), 1)
                    for c, value in enumerate(row, 1) if value.strip()}  # fmt: skip
    reported = {entry["cell"] for entry in report(folder / "out")["cells"]}
    assert expected <= reported, expected - reported
    for name in (folder / "out").glob("*.yaml"):
        yaml.safe_load(name.read_text(encoding="utf-8"))


def _letters(column: int) -> str:
    from ropa.importing.sources import column_letter

    return column_letter(column)


# --- a second trial: a French association's record -------------------------------------------


@pytest.mark.parametrize(
    ("text", "bases", "rest"),
    [
        ("Consentement", ["consent"], ""),
        ("Exécution d'un contrat", ["contract"], ""),
        ("Sauvegarde des intérêts vitaux", ["vital_interests"], ""),
        ("Art. 6(1)(f) GDPR", ["legitimate_interests"], ""),
        ("Art. 6(1)(c) – Patientdatalagen (2008:355)", ["legal_obligation"],
         "patientdatalagen 2008 355"),
        ("Berättigat intresse: påminnelser", ["legitimate_interests"], "paminnelser"),
    ],
)  # fmt: skip
def test_legal_basis_words(text: str, bases: list[str], rest: str) -> None:
    from ropa.importing import recognise

    assert (recognise.legal_bases(text), recognise.basis_rest(text)) == (bases, rest)


def test_french_cells(tmp_path: Path) -> None:
    """Rights given by several rows are joined (those not every row gives are where
    applicable); "Accès" is the right of access; "jusqu'au retrait du consentement" is an end
    event; an Art. 9 condition in the legal-basis column is the purpose's condition."""
    source = tmp_path / "registre.csv"
    source.write_text(
        "Nom du traitement;Finalité(s) du traitement;Base légale;Droits des personnes;"
        "Durée de conservation\n"
        "Adhésions;Gestion des adhérents;Exécution d'un contrat;Accès, rectification;"
        "3 ans après la fin du contrat\n"
        "Événements;Certificat médical;Consentement explicite (Art. 9(2)(a));"
        "Accès, rectification, portabilité;jusqu'au retrait du consentement\n",
        encoding="utf-8",
    )
    out = tmp_path / "record"
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 1, result.output
    controller = load(out, "controller.yaml")["controller"]
    assert controller["rights"] == {"available": ["access", "rectification"],
                                    "where_applicable": ["portability"]}  # fmt: skip
    text = (out / "controller.yaml").read_text(encoding="utf-8")
    assert "# registre.csv!D2, registre.csv!D3: guessed: the rows name different rights" in text
    events = load(out, "evenements.yaml")["registers"][0]
    assert events["purposes"][0]["special_category_condition"] == "explicit_consent"
    assert events["purposes"][0]["legal_bases"] == []
    assert events["retention"] == [{"until": "consent_withdrawn"}]
    members = load(out, "adhesions.yaml")["registers"][0]
    assert "internal_note" not in members["purposes"][0]  # nothing beyond the basis
    role = "# a table of processing activities is a controller's record (Art. 30(1));"
    assert role in (out / "adhesions.yaml").read_text(encoding="utf-8")


def test_record_sheet_in_a_record_s_own_language(tmp_path: Path) -> None:
    """A record published in a language of its own catalog exports its record sheet with
    headers in that language: the sheet is still known by its field paths."""
    workbook, imported = tmp_path / "askele.xlsx", tmp_path / "imported"
    run("export", str(ROOT / "registers"), "--out", str(workbook), "--lang", "en")
    book = openpyxl.load_workbook(workbook)
    sheet = book["Record data"]
    sheet.title = "Données du registre"
    sheet["A1"], sheet["B1"] = "Champ", "Valeur"
    book.save(workbook)
    result = run("import", str(workbook), "--out", str(imported))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "askele.xlsx: ropa workbook (record sheet) (the record's own); 750 copied\n"
    )
    assert load(imported, "customers.yaml") == load(ROOT / "registers", "customers.yaml")


def test_sheet_name_with_a_bidi_control(tmp_path: Path) -> None:
    """A comment names the cell, and its sheet: a character no record file may hold is
    written as an escape, never a traceback."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Registre\u202e"
    sheet.append(["Nom du traitement", "Finalité(s) du traitement", "Durée de conservation"])
    sheet.append(["Adhésions", "Gestion", "aussi longtemps que nécessaire"])
    book.save(tmp_path / "b.xlsx")
    out = tmp_path / "record"
    result = run("import", str(tmp_path / "b.xlsx"), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "      # 'Registre\\u202e'!C2: kept as text:" in (out / "adhesions.yaml").read_text(
        encoding="utf-8")  # fmt: skip


def test_utf16_csv_and_opendocument_by_content(tmp_path: Path) -> None:
    source = tmp_path / "unicode.txt"
    source.write_bytes("Register\tPurpose\nKunder\tFörsäljning\n".encode("utf-16"))
    out = tmp_path / "record"
    assert run("import", str(source), "--out", str(out)).exit_code == 1
    assert load(out, "kunder.yaml")["registers"][0]["purposes"][0]["name"] == {
        "en": "Försäljning"}  # fmt: skip
    ods = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(ods, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    result = run("import", str(ods), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "renamed.xlsx: an OpenDocument spreadsheet (.ods); save it as .xlsx or CSV" in (
        result.stderr)  # fmt: skip
