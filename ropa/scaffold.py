"""`ropa init`: a minimal, valid, commented record for a new organisation."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from ropa import resources

# Supervisory authorities for the countries ropa's first users come from; elsewhere the file
# says which authority to fill in.
AUTHORITIES = {
    "FI": ("Tietosuojavaltuutetun toimisto", "https://tietosuoja.fi"),
    "SE": ("Integritetsskyddsmyndigheten (IMY)", "https://www.imy.se"),
    "NO": ("Datatilsynet", "https://www.datatilsynet.no"),
    "DK": ("Datatilsynet", "https://www.datatilsynet.dk"),
    "EE": ("Andmekaitse Inspektsioon", "https://www.aki.ee"),
    "DE": ("Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit", "https://www.bfdi.bund.de"),
    "IE": ("Data Protection Commission", "https://www.dataprotection.ie"),
}  # fmt: skip

TEXTS = {
    "register": {"en": "Customer register", "sv": "Kundregister", "fi": "Asiakasrekisteri"},
    "invoicing": {"en": "Invoicing", "sv": "Fakturering", "fi": "Laskutus"},
    "contacts": {
        "en": "Contact persons of our customers",
        "sv": "Kontaktpersoner hos våra kunder",
        "fi": "Asiakkaidemme yhteyshenkilöt",
    },
    "contact_details": {
        "en": "Name, e-mail address and phone number",
        "sv": "Namn, e-postadress och telefonnummer",
        "fi": "Nimi, sähköpostiosoite ja puhelinnumero",
    },
    "invoice_delivery": {
        "en": "Sending invoices",
        "sv": "Utskick av fakturor",
        "fi": "Laskujen lähettäminen",
    },
    "authority": {
        "en": "The data protection authority",
        "sv": "Dataskyddsmyndigheten",
        "fi": "Tietosuojaviranomainen",
    },
}


def _text(key: str, languages: list[str], indent: int) -> str:
    pad = " " * indent
    return "\n".join(
        f"{pad}{lang}: {json.dumps(TEXTS[key][lang], ensure_ascii=False)}" for lang in languages
    )


def record_files(company: str, country: str, languages: list[str], today: str) -> dict[str, str]:
    """The files of a new record, by path relative to the project folder (the pre-commit
    configuration is `precommit_config`, written where the repository's root is)."""
    name = json.dumps(company, ensure_ascii=False)
    domain = "example.com"
    header = "# yaml-language-server: $schema=../ropa.schema.json\n"
    authority = AUTHORITIES.get(country)
    if authority:
        authority_lines = f"    name: {json.dumps(authority[0], ensure_ascii=False)}\n    website: {authority[1]}\n"
    else:
        authority_lines = (
            "    # Fill in the supervisory authority of your main establishment.\n"
            f"    name:\n{_text('authority', languages, 6)}\n"
        )
    controller = f"""{header}# The controller: who decides why and how personal data is processed (GDPR Art. 30(1)(a)).
# Every text can be given per language; every language under `languages` needs every text.

controller:
  # Your registered name. Use a mapping such as {{fi: Yritys Oy, sv: Företag Ab}} if it differs by language.
  name: {name}
  # Where people send privacy questions and requests (shown on the policy page).
  email: privacy@{domain}
  website: https://{domain}
  # The authority people can complain to (Art. 77).
  supervisory_authority:
{authority_lines}    country: {country}
  # The languages your privacy policy is published in.
  languages: [{", ".join(languages)}]
  policy:
    # When the published policy last changed, and how often you review it.
    last_updated: {today}
    review_interval_months: 12
  # The data subject rights your policy grants (Arts. 15-21, 77).
  rights:
    available: [access, rectification, erasure, restriction, objection, complaint]
    where_applicable: [portability]
"""
    processors = f"""{header}# Processors: vendors that process personal data on your behalf (Art. 28).
# Registers refer to them by id. List every country where data is processed or accessible;
# a country outside the EU/EEA needs a transfer mechanism (ropa rules ROPA202).

processors:
  - id: mailer
    system: Invoice mailer
    legal_entity: Mailer Oy
    # ISO 3166-1 codes, or EU / EEA for the whole area.
    countries: [EU]
    # The Art. 28 data processing agreement, and the day it was signed (ROPA107).
    dpa: {{signed: true, date: {today}}}
"""
    register = f"""{header}# A register of processing activities (Art. 30(1)): what you process, why, on what legal
# basis, about whom, who receives it and how long you keep it. Copy this file for more.

registers:
  - id: customers
    name:
{_text("register", languages, 6)}
    role: controller
    # Who keeps this register up to date, and when it was last reviewed.
    owner: privacy@{domain}
    last_reviewed: {today}
    purposes:
      - id: invoicing
        name:
{_text("invoicing", languages, 10)}
        # consent, contract, legal_obligation, vital_interests, public_task or
        # legitimate_interests (which then needs `interest:`).
        legal_bases:
          - basis: contract
    data_subjects:
      - id: contacts
        name:
{_text("contacts", languages, 10)}
    personal_data:
      - id: contact-details
        name:
{_text("contact_details", languages, 10)}
    processors:
      - processor: mailer
        purpose:
{_text("invoice_delivery", languages, 10)}
    # When the data is erased: `until:` an event, or `period:` + `unit:` + `after:`.
    retention:
      - until: end_of_contract
"""
    return {
        "registers/controller.yaml": fingerprinted(controller),
        "registers/processors.yaml": fingerprinted(processors),
        "registers/customers.yaml": fingerprinted(register),
        "ropa.schema.json": (resources.shipped("schemas") / "ropa.schema.json").read_text(
            encoding="utf-8"
        ),
    }


# The last line of each record file `ropa init` writes: `ropa init --force` replaces a file
# only while the lines above it are as init wrote them (an edited file is the user's own).
FINGERPRINT = "# Written by ropa init; fingerprint of the lines above: "


def fingerprinted(text: str) -> str:
    """`text` with its fingerprint line."""
    return f"{text}{FINGERPRINT}{_digest(text)}\n"


def written_by_init(path: Path, content: str) -> bool:
    """Whether the file at `path`, where init would write `content`, is as an earlier
    `ropa init` wrote it: a record file whose fingerprint line still matches the lines above
    it (not edited since), or the schema (recognised by its `$id`)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if content.lstrip().startswith("{"):
        marker = next(line for line in content.splitlines() if '"$id"' in line).strip()
        return marker in text
    body, _, last = text.rstrip("\n").rpartition("\n")
    return last.startswith(FINGERPRINT) and last[len(FINGERPRINT) :] == _digest(body + "\n")


def _digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def precommit_config(record: str) -> str:
    """A `.pre-commit-config.yaml` that validates the record at `record` (its folder relative
    to the repository's root, in / form) as staged, before every commit."""
    entry = json.dumps(f"ropa validate --staged {shlex.quote(record)}", ensure_ascii=False)
    return f"""# Checks the record before every commit (https://pre-commit.com).
repos:
  - repo: local
    hooks:
      - id: ropa-validate
        name: ropa validate
        # --staged: what is committed, not the files on disk (untracked ones included);
        # always_run: a commit that only deletes a record file changes the record too.
        entry: {entry}
        language: system
        pass_filenames: false
        always_run: true
"""
