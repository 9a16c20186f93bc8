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
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

# The ICO's "Documentation template for controllers": its contact block, then the table
# headed in row 9 (docs/export.md lists the columns; the last two have no field in ropa).
ICO_HEADERS = [
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
    "Link to record of consent",
]


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
    assert care["retention"] == [
        {"period": 7, "unit": "years", "after": "last_activity"},
        {"until": "consent_withdrawn"},
    ]
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


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"not a workbook at all", "x.xlsx", "x.xlsx: not a workbook (.xlsx) ropa can read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "an Excel 97-2003 workbook (.xls); save it as .xlsx"),
        (b"a,b\n\xe9,1\n", "latin.csv", "latin.csv:2: not UTF-8 (byte 0xe9)"),
        (b"x\x00y", "bin.csv", "bin.csv: binary data"),
        (b"Foo,Bar\n1,2\n", "plain.csv", "plain.csv: no sheet has headers ropa recognises"),
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


def test_zip_bomb_is_refused_unopened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ropa.importing import sources

    source = ico_workbook(tmp_path / "ico.xlsx")
    inflated = sum(i.file_size for i in zipfile.ZipFile(source).infolist())
    monkeypatch.setattr(sources, "MAX_INFLATED_BYTES", inflated - 1)
    result = run("import", str(source), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "MiB; a workbook ropa imports inflates to at most" in result.stderr


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
    source = ico_workbook(tmp_path / "ico.xlsx")
    out = tmp_path / "record"
    out.mkdir()
    (out / "mine.yaml").write_text("controller: {}\n", encoding="utf-8")
    result = run("import", str(source), "--out", str(out))
    assert result.exit_code == 2
    assert "holds mine.yaml, which this import would not replace" in result.stderr
    os.remove(out / "mine.yaml")
    assert run("import", str(source), "--out", str(out)).exit_code == 1
    again = run("import", str(source), "--out", str(out))
    assert again.exit_code == 2 and "already exist; use --force" in again.stderr
    assert run("import", str(source), "--out", str(out), "--force").exit_code == 1


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
