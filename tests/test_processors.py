"""`ropa processors`: the audit list of processors and of transfers outside the EU/EEA."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _run(*args: str) -> object:
    return runner.invoke(app, ["processors", *args], env={"COLUMNS": "80"})


NOTICE = "country data (EU/EEA, adequacy decisions) as of 2026-10-08\n"


def _transfer(processor: str, system: str, entity: str, registers: list[str], country: str,
              name: str, mechanism: str, basis: str) -> dict[str, object]:  # fmt: skip
    return {
        "id": processor,
        "kind": "processor",
        "system": system,
        "legal_entity": entity,
        "registers": registers,
        "country": country,
        "country_name": name,
        "mechanism": mechanism,
        "adequacy_decision": "none",
        "basis": basis,
        "tia": None,
        "valid": True,
        "dpa": {"signed": True, "reference": None},
    }


# The policy names the EU standard contractual clauses but no module.
SCC = "GDPR Art. 46(2)(c)"


def test_outside_eea_json_on_the_shipped_registers(shipped: Path) -> None:
    # The policy places GoToWebinar, ActiveCampaign (also Australia), Calendly, Leadfeeder and
    # Mailchimp outside the EU/EEA; every other system is EU-only.
    result = _run("--outside-eea", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == NOTICE
    assert json.loads(result.stdout) == {
        "version": 2,
        "country_data_as_of": "2026-10-08",
        "transfers": [
            _transfer("gotowebinar", "GoToWebinar", "LogMeIn Inc", ["customers", "marketing"],
                      "US", "United States", "scc", SCC),
            _transfer("activecampaign", "ActiveCampaign", "ActiveCampaign LLC",
                      ["customers", "marketing"], "US", "United States", "scc", SCC),
            _transfer("activecampaign", "ActiveCampaign", "ActiveCampaign LLC",
                      ["customers", "marketing"], "AU", "Australia", "scc", SCC),
            _transfer("calendly", "Calendly", "Calendly LLC", ["customers"], "US",
                      "United States", "scc", SCC),
            _transfer("leadfeeder", "Leadfeeder", "Liidio Oy", ["marketing"], "US",
                      "United States", "scc", SCC),
            _transfer("mailchimp", "Mailchimp", "Intuit Inc.", ["marketing"], "US",
                      "United States", "scc", SCC),
        ],
    }  # fmt: skip
    assert result.stdout.endswith("}\n")


def test_all_processors_json(shipped: Path) -> None:
    document = json.loads(_run("--format", "json").stdout)
    assert document["version"] == 2
    rows = {p["processor"]: p for p in document["processors"]}
    assert list(rows) == [
        "visma-netvisor", "visma-severa", "maventa", "visma-sign", "gotowebinar", "google-apps",
        "activecampaign", "calendly", "bi-book", "leadfeeder", "google-analytics", "mailchimp",
        "serviceform",
    ]  # fmt: skip
    assert {k for k, v in rows.items() if v["outside_eea"]} == {
        "gotowebinar", "activecampaign", "calendly", "leadfeeder", "mailchimp",
    }  # fmt: skip
    assert rows["serviceform"]["transfers"] == [] and rows["serviceform"]["countries"] == ["EU"]


def test_table_fits_80_columns(shipped: Path) -> None:
    for args in ((), ("--outside-eea",)):
        result = _run(*args)
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        # EU-only systems are listed, except when only transfers outside the EU/EEA are asked for.
        assert ("Visma Netvisor" in result.stdout) is (args == ())
        assert ("Serviceform" in result.stdout) is (args == ())
        for system in ("GoToWebinar", "ActiveCampaign", "Calendly", "Leadfeeder", "Mailchimp"):
            assert system in result.stdout
    assert "Australia (AU)" in _run("--outside-eea").stdout


def test_csv_parses_back(shipped: Path) -> None:
    result = _run("--outside-eea", "--format", "csv")
    assert result.stdout.splitlines()[0] == (
        "id,kind,system,legal_entity,registers,country,mechanism,adequacy_decision,basis,"
        "dpa_signed,dpa_reference,tia,valid"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [
        (r["id"], r["kind"], r["country"], r["mechanism"], r["adequacy_decision"], r["valid"])
        for r in rows
    ] == [
        ("gotowebinar", "processor", "US", "scc", "none", "yes"),
        ("activecampaign", "processor", "US", "scc", "none", "yes"),
        ("activecampaign", "processor", "AU", "scc", "none", "yes"),
        ("calendly", "processor", "US", "scc", "none", "yes"),
        ("leadfeeder", "processor", "US", "scc", "none", "yes"),
        ("mailchimp", "processor", "US", "scc", "none", "yes"),
    ]
    assert rows[0]["basis"] == SCC


def test_markdown_table(shipped: Path) -> None:
    lines = _run("--outside-eea", "--format", "md").stdout.splitlines()
    assert lines[0] == (
        "| id | kind | system | legal_entity | registers | country | mechanism |"
        " adequacy_decision | basis | dpa_signed | dpa_reference | tia | valid |"
    )
    assert lines[2] == (
        "| gotowebinar | processor | GoToWebinar | LogMeIn Inc | customers marketing | US | scc |"
        " none | GDPR Art. 46(2)(c) | yes |  |  | yes |"
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--register", "customers", "--outside-eea"], ["gotowebinar", "activecampaign", "activecampaign", "calendly"]),
        (["--country", "AU", "--outside-eea"], ["activecampaign"]),
        (["--country", "au"], ["activecampaign"]),
        (["--mechanism", "scc"], ["gotowebinar", "activecampaign", "calendly", "leadfeeder", "mailchimp"]),
        (["--country", "FI"], ["visma-netvisor", "visma-severa", "maventa", "visma-sign",
                               "gotowebinar", "google-apps", "activecampaign", "bi-book",
                               "leadfeeder", "google-analytics", "serviceform"]),
    ],
)  # fmt: skip
def test_filters(shipped: Path, args: list[str], expected: list[str]) -> None:
    result = _run(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    # The transfer view names its first column "id": its rows are processors or recipients.
    column = "id" if "--outside-eea" in args else "processor"
    assert [r[column] for r in csv.DictReader(io.StringIO(result.stdout))] == expected


def _record_with(tmp_path: Path, old: str, new: str) -> Path:
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    path = record / "processors.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return record


def test_fail_on_missing_safeguard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = _record_with(tmp_path, "    transfers:\n      - country: US\n        mechanism: scc\n    dpa: {signed: true}\n\n  - id: google-apps",
                          "    dpa: {signed: true}\n\n  - id: google-apps")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert _run("--format", "json").exit_code == 0
    result = _run("--outside-eea", "--format", "csv", "--fail-on-missing-safeguard")
    assert result.exit_code == 1
    # The rule's finding first (the list is printed anyway), then the gate's verdict.
    assert result.stderr.startswith("registers/processors.yaml:37:21 error ROPA202 United States")
    assert result.stderr.endswith(
        NOTICE + "ropa: gotowebinar: United States (US): no transfer mechanism\n"
    )
    assert (
        "ropa: warning: the record has 1 error (above); the list shows it as it is\n"
        in result.stderr
    )
    first = next(csv.DictReader(io.StringIO(result.stdout)))
    assert (first["id"], first["mechanism"], first["adequacy_decision"], first["valid"]) == (
        "gotowebinar",
        "",
        "none",
        "no",
    )
    assert "MISSING" in _run("--outside-eea").stdout
    assert record.exists()


def test_shipped_registers_pass_the_safeguard_gate(shipped: Path) -> None:
    assert _run("--outside-eea", "--fail-on-missing-safeguard").exit_code == 0


def test_adequacy_claimed_without_a_decision_is_not_a_valid_safeguard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record_with(tmp_path, "      - country: AU\n        mechanism: scc\n",
                 "      - country: AU\n        mechanism: adequacy\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    result = _run("--outside-eea", "--format", "json", "--fail-on-missing-safeguard")
    assert result.exit_code == 1
    assert " error ROPA203 Australia (AU) has no EU adequacy decision" in result.stderr
    assert result.stderr.endswith(
        NOTICE
        + (
            "ropa: activecampaign: Australia (AU) has no EU adequacy decision"
            " (country data as of 2026-10-08); name the safeguard used instead\n"
        )
    )
    au = [t for t in json.loads(result.stdout)["transfers"] if t["country"] == "AU"]
    assert au[0]["valid"] is False and au[0]["basis"] is None
    assert au[0]["adequacy_decision"] == "none"


def _recipient_with(tmp_path: Path, lines: str) -> Path:
    """The shipped registers, with `lines` added to the recipient 'cookie-partners' (used by
    the register 'marketing')."""
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    path = record / "controller.yaml"
    anchor = "  - id: cookie-partners\n    kind: partner\n"
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    path.write_text(text.replace(anchor, anchor + lines), encoding="utf-8")
    return record


RECIPIENT_TRANSFERS = """\
    countries: [US, GB]
    transfers:
      - country: US
        mechanism: dpf
        verified: 2026-10-01
      - country: GB
        mechanism: adequacy
"""
PARTNERS = "Våra partners inom sociala medier, reklam och analys"


def test_outside_eea_lists_recipients_after_processors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recipient_with(tmp_path, RECIPIENT_TRANSFERS)
    monkeypatch.chdir(tmp_path)
    result = _run("--outside-eea", "--format", "json", "--fail-on-missing-safeguard")
    assert (result.exit_code, result.stderr) == (0, NOTICE)
    transfers = json.loads(result.stdout)["transfers"]
    assert [(t["id"], t["kind"]) for t in transfers][-3:] == [
        ("mailchimp", "processor"),
        ("cookie-partners", "recipient"),
        ("cookie-partners", "recipient"),
    ]
    recipient = {
        "id": "cookie-partners",
        "kind": "recipient",
        "system": PARTNERS,
        "legal_entity": "",
        "registers": ["marketing"],
        "tia": None,
        "valid": True,
        "dpa": None,
    }
    # The US decision covers only organisations certified under the Data Privacy Framework;
    # the UK's covers every recipient.
    assert transfers[-2:] == [
        {
            **recipient,
            "country": "US",
            "country_name": "United States",
            "mechanism": "dpf",
            "adequacy_decision": "partial",
            "basis": "Commission Implementing Decision (EU) 2023/1795"
            " (OJ L 231, 20.9.2023, p. 118)",
        },
        {
            **recipient,
            "country": "GB",
            "country_name": "United Kingdom",
            "mechanism": "adequacy",
            "adequacy_decision": "full",
            "basis": "Commission Implementing Decision (EU) 2021/1772 of 28 June 2021, as amended"
            " by Implementing Decision (EU) 2025/2574 of 19 December 2025 (renewal to"
            " 27 December 2031)",
        },
    ]
    csv_rows = _run("--outside-eea", "--format", "csv").stdout.splitlines()
    assert csv_rows[-2:] == [
        f'cookie-partners,recipient,"{PARTNERS}",,marketing,US,dpf,partial,'
        '"Commission Implementing Decision (EU) 2023/1795 (OJ L 231, 20.9.2023, p. 118)",,,,yes',
        f'cookie-partners,recipient,"{PARTNERS}",,marketing,GB,adequacy,full,'
        '"Commission Implementing Decision (EU) 2021/1772 of 28 June 2021, as amended by'
        " Implementing Decision (EU) 2025/2574 of 19 December 2025 (renewal to 27 December"
        ' 2031)",,,,yes',
    ]
    # Filters apply to recipients as to processors.
    filtered = _run("--outside-eea", "--country", "GB", "--format", "csv").stdout.splitlines()
    assert [line.split(",")[:2] for line in filtered[1:]] == [["cookie-partners", "recipient"]]
    customers = _run("--outside-eea", "--register", "customers", "--format", "csv").stdout
    assert "cookie-partners" not in customers
    # Without --outside-eea the list is of processors only.
    plain = json.loads(_run("--format", "json").stdout)
    assert "cookie-partners" not in [p["processor"] for p in plain["processors"]]


def test_a_recipients_transfer_without_a_mechanism_fails_the_safeguard_gate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _recipient_with(tmp_path, "    countries: [US]\n")
    monkeypatch.chdir(tmp_path)
    result = _run("--outside-eea", "--format", "csv", "--fail-on-missing-safeguard")
    assert result.exit_code == 1
    assert " error ROPA202 United States (US) is outside the EU/EEA" in result.stderr
    assert result.stderr.endswith(
        NOTICE + ("ropa: cookie-partners: United States (US): no transfer mechanism\n")
    )
    assert result.stdout.splitlines()[-1] == (
        f'cookie-partners,recipient,"{PARTNERS}",,marketing,US,,none,,,,,no'
    )


def test_quiet_leaves_out_the_country_data_date(shipped: Path) -> None:
    result = runner.invoke(app, ["--quiet", "processors", "--format", "json"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout)["country_data_as_of"] == "2026-10-08"


@pytest.mark.parametrize(
    ("today", "warning"),
    [
        ("2027-04-08", ""),  # six months after the data's date: not yet stale
        (
            "2027-04-09",
            "ropa: warning: the EU/EEA and adequacy data used to check transfers is as of"
            " 2026-10-08, more than 6 months ago; update ropa or check the Commission's adequacy"
            " decisions\n",
        ),
    ],
)
def test_country_data_older_than_six_months_is_flagged(
    shipped: Path, monkeypatch: pytest.MonkeyPatch, today: str, warning: str
) -> None:
    monkeypatch.setenv("ROPA_TODAY", today)
    result = _run("--format", "csv")
    assert (result.exit_code, result.stderr) == (0, warning + NOTICE)


def test_hostile_values_are_inert_in_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _record_with(
        tmp_path,
        "legal_entity: Intuit Inc.",
        'legal_entity: \'=HYPERLINK("https://evil.example","x")\'',
    )
    monkeypatch.chdir(tmp_path)
    result = _run("--outside-eea", "--format", "csv")
    row = list(csv.DictReader(io.StringIO(result.stdout)))[-1]
    assert row["legal_entity"] == '\'=HYPERLINK("https://evil.example","x")'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--country", "XX"],
            "ropa: error: --country 'XX' is not an ISO 3166-1 alpha-2 code or EU/EEA\n",
        ),
        (["--register", "nope"], "ropa: error: --register 'nope': no register has this id\n"),
    ],
)
def test_bad_filters_exit_2(shipped: Path, args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_bad_mechanism_exits_2(shipped: Path) -> None:
    result = _run("--mechanism", "sccs")
    assert result.exit_code == 2
    assert result.stderr.startswith("ropa: error: --mechanism 'sccs': choose from adequacy, dpf,")


def test_unreadable_record_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    (record / "processors.yaml").write_text("processors: [\n")
    monkeypatch.chdir(tmp_path)
    result = _run()
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr.splitlines()[-1] == "ropa: the record cannot be read; fix the problems above"
    )
    assert result.stderr.startswith("registers/processors.yaml:2:1 error ROPA001")


def test_the_table_folds_text_instead_of_cutting_it(tmp_path: Path) -> None:
    """At 80 columns, long names fold inside their column: no cell and no border is cut."""
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    path = record / "processors.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("system: Visma Netvisor", "system: Visma Netvisor Practice Suite", 1).replace(
            "legal_entity: Visma Solutions Oy", "legal_entity: Visma Solutions Nederland B.V.", 1
        ),
        encoding="utf-8",
    )
    result = _run(str(record))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert all(line.endswith(("┓", "┃", "┩", "│", "┘")) for line in lines)
    assert "EU/EEA only" in result.stdout


def test_into_a_pipe_the_table_is_as_wide_as_its_content(shipped: Path) -> None:
    result = runner.invoke(app, ["processors"], env={"COLUMNS": None})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) > 80
    assert "│ Visma Solutions Oy │" in result.stdout


def test_rule_errors_are_printed_not_fatal(tmp_path: Path) -> None:
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    path = record / "customers.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("processor: calendly", "processor: calendlyx"),
        encoding="utf-8",
    )
    result = _run(str(record), "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr.startswith(f"{record / 'customers.yaml'}:")
    assert "error ROPA101 no processor has the id 'calendlyx'" in result.stderr
    assert "ropa: warning: the record has 1 error (above); the list shows it as it is\n" in (
        result.stderr
    )
    assert "ROPA101" not in result.stdout
