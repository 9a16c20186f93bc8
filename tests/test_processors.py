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


def _transfer(processor: str, system: str, entity: str, registers: list[str], country: str,
              name: str, mechanism: str, basis: str) -> dict[str, object]:  # fmt: skip
    return {
        "processor": processor,
        "system": system,
        "legal_entity": entity,
        "registers": registers,
        "country": country,
        "country_name": name,
        "mechanism": mechanism,
        "adequacy_decision": False,
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
    assert json.loads(result.stdout) == {
        "version": 1,
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
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["processor"], r["country"], r["mechanism"], r["valid"]) for r in rows] == [
        ("gotowebinar", "US", "scc", "yes"),
        ("activecampaign", "US", "scc", "yes"),
        ("activecampaign", "AU", "scc", "yes"),
        ("calendly", "US", "scc", "yes"),
        ("leadfeeder", "US", "scc", "yes"),
        ("mailchimp", "US", "scc", "yes"),
    ]
    assert rows[0]["basis"] == SCC


def test_markdown_table(shipped: Path) -> None:
    lines = _run("--outside-eea", "--format", "md").stdout.splitlines()
    assert lines[0].startswith("| processor | system | legal_entity |")
    assert lines[2] == (
        "| gotowebinar | GoToWebinar | LogMeIn Inc | customers marketing | US | scc | no |"
        " GDPR Art. 46(2)(c) | yes |  |  | yes |"
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
    assert [r["processor"] for r in csv.DictReader(io.StringIO(result.stdout))] == expected


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
    assert result.stderr == "ropa: gotowebinar: United States (US): no transfer mechanism\n"
    first = next(csv.DictReader(io.StringIO(result.stdout)))
    assert (first["processor"], first["mechanism"], first["valid"]) == ("gotowebinar", "", "no")
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
    assert result.stderr == (
        "ropa: activecampaign: Australia (AU): no adequacy decision covers this transfer\n"
    )
    au = [t for t in json.loads(result.stdout)["transfers"] if t["country"] == "AU"]
    assert au[0]["valid"] is False and au[0]["basis"] is None


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
