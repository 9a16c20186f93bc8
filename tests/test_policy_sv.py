"""The Swedish privacy page rendered from the shipped registers states the facts of the
company's own policy: every system row, retention period, right, contact and legal basis.

The expected lines are written from the seed policy (integritetspolicy, 2.11.2022).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(
        app,
        ["render", str(ROOT / "registers"), "--out", str(out), "--lang", "sv", "--allow-overdue"],
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "privacy.sv.html", "privacy.sv.md", "processors.sv.csv", "processors.sv.html",
        "processors.sv.json", "processors.sv.md", "transfers.sv.html", "transfers.sv.md",
    ]  # fmt: skip
    return (out / "privacy.sv.md").read_text(encoding="utf-8").splitlines()


SYSTEM_ROWS = [
    # Kundregister: system, provider, where the data is processed, purpose, as the policy's
    # tables list them. Google's services carry the company's current name and each
    # language's product name (registers/processors.yaml says why).
    "| Visma Netvisor | Visma Solutions Oy | EU | Finansiell administration |",
    "| Visma Severa | Visma Solutions Oy | EU | ERP |",
    "| Maventa | Visma Solutions Oy | EU | Elektronisk fakturering |",
    "| Visma Sign | Visma Solutions Oy | EU | Avtalshantering |",
    "| GoToWebinar | LogMeIn Inc | EU och USA | Webbinarier |",
    "| Google-appar | Google LLC | EU | Kundkommunikation, videokonferenser,"
    " utbildningsmaterial, kundnöjdhetsundersökningar |",
    "| ActiveCampaign | ActiveCampaign LLC | EU, USA och Australien | Nyhetsbrevstjänst,"
    " automatisering av marknadsföring |",
    "| Calendly | Calendly LLC | USA | Kalendertjänst |",
    "| Bi Book | Greenstep Oy | EU | Rapportering |",
    # Marknadsföringsregister
    "| ActiveCampaign | ActiveCampaign LLC | EU, USA och Australien | Marknadsföringsautomation |",
    "| Leadfeeder | Liidio Oy | EU och USA | Analys av leads |",
    "| Google Analytics | Google LLC | EU | Spårning av webbplatsanvändning |",
    "| Mailchimp | Intuit Inc. | USA | Marknadsföringsautomation |",
    "| Serviceform | Serviceform Oy | EU | Chatbot |",
]


@pytest.mark.parametrize("row", SYSTEM_ROWS)
def test_every_system_row_of_the_policy(page: list[str], row: str) -> None:
    assert row in page


def test_gotowebinar_is_listed_in_both_registers(page: list[str]) -> None:
    assert page.count("| GoToWebinar | LogMeIn Inc | EU och USA | Webbinarier |") == 2


def test_retention_periods(page: list[str]) -> None:
    assert (
        "- Kontaktuppgifter som lagras för marknadsföringsändamål, inklusive leads eller"
        " potentiella kunder: senast 24 månader efter den sista registrerade aktiviteten."
    ) in page
    assert (
        "- CV, ansökan, referenser och andra dokument som du skickar in: tills"
        " rekryteringsprocessen har avslutats, vanligtvis upp till 6 månader efter tidsfristen"
        " för att skicka in din ansökan. Detta gäller såvida inte annat överenskommits med dig."
    ) in page


def test_rights_and_how_to_exercise_them(page: list[str]) -> None:
    text = "\n".join(page)
    for right in (
        "Rätt till tillgång", "Rätt till rättelse", "Rätt till radering",
        "Rätt till begränsning av behandling", "Rätt att göra invändningar",
        "Rätt till dataportabilitet",
    ):  # fmt: skip
        assert f"- {right}: " in text, right
    assert (
        "Skicka din begäran via e-post till [privacy@askele.fi](<mailto:privacy@askele.fi>)."
    ) in text
    assert "Du har rätt att lämna in ett klagomål till en tillsynsmyndighet" in text
    assert "den påstådda överträdelsen" in text
    assert "Dataombudsmannens byrå" in text
    assert "- Via e-post till [privacy@askele.fi](<mailto:privacy@askele.fi>)." in page
    assert (
        "- Genom att följa anvisningarna för att avregistrera dig i marknadsföringsutskicket."
        in page
    )


def test_contact_and_dates(page: list[str]) -> None:
    assert page[0] == "# Integritetspolicy"
    assert "Denna integritetspolicy uppdaterades senast den 2 november 2022." in page
    assert (
        "- Frågor och begäranden om dataskydd: [privacy@askele.fi](<mailto:privacy@askele.fi>)"
        in page
    )
    assert "- Webbplats: [https://askele.fi](<https://askele.fi>)" in page
    assert (
        "Vi ser över denna integritetspolicy minst en gång per år."
        " Den uppdaterades senast den 2 november 2022."
    ) in page
    assert "Cookie-meddelandet uppdaterades senast den 12 februari 2024." in page
    assert any(line.endswith("på följande domäner: askele.fi.") for line in page)


def test_legal_bases(page: list[str]) -> None:
    for heading in ("### Samtycke", "### Avtal", "### Berättigat intresse"):
        assert heading in page
    assert "- Behandling av jobbansökningar (Rekryteringsregister)." in page
    assert "- Nyhetsbrev (rättslig grund: berättigat intresse och samtycke)." in page
    assert "- Inköp och försäljning (rättslig grund: berättigat intresse)." in page


def test_transfers_name_countries_and_safeguards(page: list[str]) -> None:
    rows = [line for line in page if line.startswith("| ") and "standardavtalsklausuler" in line]
    assert [row.split(" | ")[0:2] for row in rows] == [
        ["| GoToWebinar (LogMeIn Inc)", "USA"],
        ["| ActiveCampaign (ActiveCampaign LLC)", "USA"],
        ["| ActiveCampaign (ActiveCampaign LLC)", "Australien"],
        ["| Calendly (Calendly LLC)", "USA"],
        ["| Leadfeeder (Liidio Oy)", "USA"],
        ["| Mailchimp (Intuit Inc.)", "USA"],
    ]
    # The policy names the clauses but no module, and says nothing of adequacy decisions.
    assert not any("modul" in row for row in rows)
    assert not any("adekvat skyddsnivå: Nej" in line for line in page)
    text = "\n".join(page)
    assert "utöver personuppgiftsbiträdesavtalet" in text
    # The policy makes no offer of a copy of the safeguards; the page makes none either.
    assert "kopia av skyddsåtgärderna" not in text


def test_no_statement_the_policy_does_not_make(page: list[str]) -> None:
    text = "\n".join(page)
    assert "automatiserad" not in text  # the policy is silent on automated decisions
    assert "Askele Oy" not in text
    assert "Policyn anger" not in text  # an auditor's note, kept internal
    assert "Behandlas inom EU/EES" not in text
    assert "Google-sovellukset" not in text
    # The policy's own statements on sensitive data: about you, and in its two customer
    # registers; nothing is said of the recruitment register, where CVs may hold such data.
    assert (
        "Vi behandlar inte särskilda kategorier av personuppgifter om dig, såsom uppgifter om"
        " hälsa eller uppgifter som avslöjar etniskt ursprung eller religiös övertygelse."
    ) in page
    assert (
        page.count("Vi behandlar inte särskilda kategorier av personuppgifter i detta register.")
        == 2
    )
    recruitment = text.split("### Rekryteringsregister")[-1].split("\n## ")[0]
    assert "särskilda kategorier" not in recruitment


def test_no_english_boilerplate_is_left(page: list[str]) -> None:
    text = "\n".join(page)
    for english in ("Privacy policy", "Legitimate interests", "You have the", "Last updated",
                    "legal basis", "Website:"):  # fmt: skip
        assert english not in text
