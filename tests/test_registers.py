"""The shipped registers encode the first user's Swedish privacy policy faithfully.

The expected values below are transcribed from the policy text (integritetspolicy, last
updated 2.11.2022), not from the YAML, so a drift in registers/ fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.loader import load_file
from ropa.record import Record

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def record() -> Record:
    files = sorted((ROOT / "registers").glob("*.yaml"))
    return Record.assemble([load_file(f, f.name) for f in files])


def _register(record: Record, register_id: str) -> dict[str, Any]:
    return next(r.data for r in record.registers if r.id == register_id)


def _systems(record: Record, register_id: str) -> list[tuple[str, str, list[str], str]]:
    processors = record.index("processors")
    rows = []
    for use in _register(record, register_id)["processors"]:
        p = processors[use["processor"]].data
        rows.append((p["system"], p["legal_entity"], p["countries"], use["purpose"]["sv"]))
    return rows


def test_validate_shows_exactly_the_overdue_reviews_and_the_policys_gaps(shipped: Path) -> None:
    # The review warnings, and the Art. 13 items, transfer questions and accountability gaps
    # the 2022 policy leaves open (retention "as long as necessary", no TIA for the SCC
    # transfers, no DPA dates): the record does not fill them in, validate names them.
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0
    assert result.stdout == (
        "registers/controller.yaml:5:1 warning ROPA210 'gotowebinar' transfers data to US under scc; say under 'safeguards_copy:' how a person gets a copy of the safeguards\n"
        "registers/controller.yaml:25:19 warning ROPA601 the privacy policy was last updated on 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
        "registers/controller.yaml:92:14 warning ROPA402 the controller keeps data 'as long as necessary' with no period or criteria; add 'period:', 'law:' or a 'note:' with the criteria\n"
        "registers/customers.yaml:33:20 warning ROPA601 register 'customers' was last reviewed on 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
        "registers/customers.yaml:35:5 warning ROPA306 register 'customers' collects data from the data subject; say under 'provision:' of its purposes whether providing the data is required (statutory, contractual, contract_prerequisite or voluntary)\n"
        "registers/customers.yaml:240:16 warning ROPA402 register 'customers' keeps data 'as long as necessary' with no period or criteria; add 'period:', 'law:' or a 'note:' with the criteria\n"
        "registers/insights.yaml:28:20 warning ROPA601 register 'insights' was last reviewed on 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
        "registers/marketing.yaml:24:20 warning ROPA601 register 'marketing' was last reviewed on 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
        "registers/marketing.yaml:26:5 warning ROPA306 register 'marketing' collects data from the data subject; say under 'provision:' of its purposes whether providing the data is required (statutory, contractual, contract_prerequisite or voluntary)\n"
        "registers/marketing.yaml:356:16 warning ROPA402 register 'marketing' keeps data 'as long as necessary' with no period or criteria; add 'period:', 'law:' or a 'note:' with the criteria\n"
        "registers/marketing.yaml:362:5 warning ROPA307 register 'marketing' profiles people; state whether decisions based solely on automated processing are made: 'automated_decisions: {used: false}' or, with their logic and significance, 'used: true'\n"
        "registers/processors.yaml:13:19 warning ROPA107 record when the data processing agreement with 'visma-netvisor' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:19:19 warning ROPA107 record when the data processing agreement with 'visma-severa' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:25:19 warning ROPA107 record when the data processing agreement with 'maventa' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:31:19 warning ROPA107 record when the data processing agreement with 'visma-sign' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:40:20 warning ROPA215 processor 'gotowebinar' transfers data to United States (US) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:41:19 warning ROPA107 record when the data processing agreement with 'gotowebinar' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:49:19 warning ROPA211 'google-apps' is headquartered in US, outside the EU/EEA, and no transfer to US is recorded; record it under 'transfers:' if data can be accessed from there\n"
        "registers/processors.yaml:55:19 warning ROPA107 record when the data processing agreement with 'google-apps' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:64:20 warning ROPA215 processor 'activecampaign' transfers data to United States (US) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:66:20 warning ROPA215 processor 'activecampaign' transfers data to Australia (AU) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:70:19 warning ROPA107 record when the data processing agreement with 'activecampaign' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:79:20 warning ROPA215 processor 'calendly' transfers data to United States (US) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:80:19 warning ROPA107 record when the data processing agreement with 'calendly' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:86:19 warning ROPA107 record when the data processing agreement with 'bi-book' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:94:20 warning ROPA215 processor 'leadfeeder' transfers data to United States (US) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:98:19 warning ROPA107 record when the data processing agreement with 'leadfeeder' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:103:19 warning ROPA211 'google-analytics' is headquartered in US, outside the EU/EEA, and no transfer to US is recorded; record it under 'transfers:' if data can be accessed from there\n"
        "registers/processors.yaml:109:19 warning ROPA107 record when the data processing agreement with 'google-analytics' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:118:20 warning ROPA215 processor 'mailchimp' transfers data to United States (US) under scc, and no adequacy decision fully covers it; link the transfer impact assessment under 'tia:'\n"
        "registers/processors.yaml:119:19 warning ROPA107 record when the data processing agreement with 'mailchimp' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/processors.yaml:125:19 warning ROPA107 record when the data processing agreement with 'serviceform' was signed under 'dpa: {date: YYYY-MM-DD}'\n"
        "registers/recruitment.yaml:12:20 warning ROPA601 register 'recruitment' was last reviewed on 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
    )
    assert result.stderr == "0 errors, 33 warnings in 6 files\n"


def test_customer_register_has_the_nine_systems_of_the_policy(record: Record) -> None:
    assert _systems(record, "customers") == [
        ("Visma Netvisor", "Visma Solutions Oy", ["EU"], "Finansiell administration"),
        ("Visma Severa", "Visma Solutions Oy", ["EU"], "ERP"),
        ("Maventa", "Visma Solutions Oy", ["EU"], "Elektronisk fakturering"),
        ("Visma Sign", "Visma Solutions Oy", ["EU"], "Avtalshantering"),
        ("GoToWebinar", "LogMeIn Inc", ["EU", "US"], "Webbinarier"),
        (
            # The policy's "Google-sovellukset, Google Inc" under its names in each language and
            # the company's current name (processors.yaml says why).
            {"sv": "Google-appar", "fi": "Google-sovellukset", "en": "Google apps"},
            "Google LLC",
            ["EU"],
            "Kundkommunikation, videokonferenser, utbildningsmaterial, kundnöjdhetsundersökningar",
        ),
        (
            "ActiveCampaign",
            "ActiveCampaign LLC",
            ["EU", "US", "AU"],
            "Nyhetsbrevstjänst, automatisering av marknadsföring",
        ),
        ("Calendly", "Calendly LLC", ["US"], "Kalendertjänst"),
        ("Bi Book", "Greenstep Oy", ["EU"], "Rapportering"),
    ]


def test_marketing_register_has_the_six_systems_of_the_policy(record: Record) -> None:
    assert _systems(record, "marketing") == [
        ("GoToWebinar", "LogMeIn Inc", ["EU", "US"], "Webbinarier"),
        ("ActiveCampaign", "ActiveCampaign LLC", ["EU", "US", "AU"], "Marknadsföringsautomation"),
        ("Leadfeeder", "Liidio Oy", ["EU", "US"], "Analys av leads"),
        ("Google Analytics", "Google LLC", ["EU"], "Spårning av webbplatsanvändning"),
        ("Mailchimp", "Intuit Inc.", ["US"], "Marknadsföringsautomation"),
        ("Serviceform", "Serviceform Oy", ["EU"], "Chatbot"),
    ]


def test_every_transfer_outside_the_eea_uses_standard_contractual_clauses(record: Record) -> None:
    # The policy: "För leverantörer baserade i USA använder vi EU:s standardavtalsklausuler";
    # it names no module, so none is recorded.
    transfers = {
        p.id: [(t["country"], t["mechanism"]) for t in p.get("transfers", [])]
        for p in record.catalogues["processors"]
    }
    assert {k: v for k, v in transfers.items() if v} == {
        "gotowebinar": [("US", "scc")],
        "activecampaign": [("US", "scc"), ("AU", "scc")],
        "calendly": [("US", "scc")],
        "leadfeeder": [("US", "scc")],
        "mailchimp": [("US", "scc")],
    }
    assert all(p.data["dpa"] == {"signed": True} for p in record.catalogues["processors"])


def test_controller_facts(record: Record) -> None:
    controller = record.controller
    assert controller is not None
    data = controller.data
    # The policy only ever names Askele Ab.
    assert data["name"] == "Askele Ab"
    assert data["email"] == "privacy@askele.fi"
    assert data["languages"] == ["sv", "fi", "en"]
    assert data["policy"]["last_updated"] == "2022-11-02"
    assert data["policy"]["review_interval_months"] == 12
    assert data["cookies"]["domains"] == ["askele.fi"]
    assert data["cookies"]["notice_updated"] == "2024-02-12"
    assert set(data["rights"]["available"]) == {
        "access",
        "rectification",
        "erasure",
        "restriction",
        "objection",
        "complaint",
    }
    assert data["rights"]["where_applicable"] == ["portability"]


def test_retention_periods(record: Record) -> None:
    recruitment = _register(record, "recruitment")["retention"]
    assert recruitment == [
        {
            "data": ["application"],
            "until": "end_of_recruitment",
            "period": 6,
            "unit": "months",
            "after": "application_deadline",
            "limit": "up_to",
            "typically": True,
            "note": {
                "sv": "Detta gäller såvida inte annat överenskommits med dig.",
                "fi": "Tämä pätee, ellei kanssasi ole toisin sovittu.",
                "en": "This applies unless otherwise agreed with you.",
            },
        }
    ]
    leads = _register(record, "marketing")["retention"][0]
    assert (leads["period"], leads["unit"], leads["after"], leads["limit"]) == (
        24,
        "months",
        "last_activity",
        "at_latest",
    )


def test_legal_bases_of_the_policy(record: Record) -> None:
    bases = {
        (register.id, purpose["id"]): [b["basis"] for b in purpose["legal_bases"]]
        for register in record.registers
        for purpose in register.data.get("purposes", [])
    }
    assert bases[("recruitment", "job-applications")] == ["contract"]
    assert bases[("customers", "security")] == ["legitimate_interests"]
    assert bases[("marketing", "newsletters")] == ["legitimate_interests", "consent"]
    assert {b for values in bases.values() for b in values} == {
        "contract",
        "consent",
        "legitimate_interests",
    }


def test_policy_lists_are_present_verbatim(record: Record) -> None:
    texts: set[str] = set()

    def collect(value: object) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("sv"), str):
                texts.add(value["sv"])
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    for doc in record.documents:
        collect(doc.data)
    for line in [
        "Grundläggande personuppgifter såsom namn, telefonnummer och e-postadress",
        "Finansiell information, såsom faktureringsinformation",
        "Information som tillhandahålls genom jobbansökningar",
        "Inköp och försäljning",
        "Kundsupport för våra produkter och tjänster",
        "För att identifiera, mildra och förhindra säkerhetshot och missbruk",
        "För att hantera inställningar för marknadsföring",
        "Behandling av jobbansökningar",
        "Kontaktuppgifter (namn, e-postadress, telefonnummer, adress)",
        "Inspelningar av onlineutbildningar",
        "Hantering av kundrelationer och kontohantering",
        "Onlineproduktion av personligt riktat innehåll",
        "Statistiska ändamål",
        "Polis och andra myndigheter",
        "Offentliga källor",
    ]:
        assert line in texts, line


def test_insights_is_kept_as_a_processor_register(record: Record) -> None:
    insights = _register(record, "insights")
    assert insights["role"] == "processor"
    assert "purposes" not in insights
    assert insights["controllers"] == [
        {
            "name": {
                "sv": "Kunder som använder Askele Insights",
                "fi": "Askele Insights -palvelua käyttävät asiakkaat",
                "en": "Customers using Askele Insights",
            }
        }
    ]
