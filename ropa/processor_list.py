"""The processor list as data for machines: CSV and JSON beside the HTML and Markdown pages.

One row per processor and register that uses it, in the page's language; only registers of
the public notice (`publish: false` keeps one out).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ropa import i18n
from ropa.countries import CountryData
from ropa.notice.wording import Wording
from ropa.record import Record


def rows(
    record: Record, countries: CountryData, lang: str, catalogs: Path | None = None
) -> dict[str, Any]:
    """The processors of the published registers with their uses and transfers."""
    words = Wording(record, countries, lang, catalogs)
    controller = record.controller
    assert controller is not None, "the list is built only from a validated record"
    published = {r.place for r in record.registers if r.get("publish", True) is not False}
    processors = []
    for processor in record.catalogues["processors"]:
        uses = [
            (register, use)
            for register, use in record.processor_uses.get(processor.id, [])
            if register.place in published
        ]
        if not uses and record.processor_uses.get(processor.id):
            continue
        transfers = [
            {
                "country": countries.canonical(t["country"]) or t["country"],
                "mechanism": t["mechanism"],
                "safeguard": words.mechanism(t["mechanism"]),
                "ground": words.ground(
                    t["mechanism"], countries.canonical(t["country"]) or t["country"]
                ),
            }
            for t in processor.get("transfers") or []
        ]
        processors.append(
            {
                "id": processor.id,
                "system": words.text(processor.get("system")),
                "legal_entity": processor.get("legal_entity"),
                "headquarters": processor.get("headquarters"),
                "countries": list(processor.get("countries")),
                "location": words.locations(processor.get("countries")),
                "outside_eea": any(not countries.in_eea(c) for c in processor.get("countries")),
                "website": processor.get("website"),
                "registers": [
                    {
                        "register": register.id,
                        "name": words.text(register.get("name")),
                        "purpose": words.text(use["purpose"]),
                    }
                    for register, use in uses
                ],
                "transfers": transfers,
                "sub_processors": [
                    {
                        "legal_entity": sub.get("legal_entity"),
                        "countries": list(sub.get("countries") or []),
                        "service": words.text(sub.get("service")) or None,
                    }
                    for sub in processor.get("sub_processors") or []
                ],
            }
        )
    return {
        "language": lang,
        "controller": words.text(controller.get("name")),
        "processors": processors,
    }


def to_csv(listing: dict[str, Any], lang: str, catalogs: Path | None = None) -> bytes:
    """One row per processor and register; cells never start a spreadsheet formula."""
    from ropa.render import csv_cell

    _ = i18n.translations(lang, catalogs=catalogs).gettext
    header = [_("Register"), _("System"), _("Legal entity"), _("Countries"), _("Purpose"),
              _("Transfer mechanism")]  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for processor in listing["processors"]:
        mechanisms = "; ".join(f"{t['country']}: {t['safeguard']}" for t in processor["transfers"])
        for use in processor["registers"]:
            row = [use["name"], processor["system"], processor["legal_entity"],
                   processor["location"], use["purpose"], mechanisms]  # fmt: skip
            writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def to_json(listing: dict[str, Any]) -> bytes:
    document = {
        "language": listing["language"],
        "controller": listing["controller"],
        "processors": [
            {
                "id": p["id"],
                "system": p["system"],
                "legal_entity": p["legal_entity"],
                "headquarters": p["headquarters"],
                "countries": p["countries"],
                "outside_eea": p["outside_eea"],
                "website": p["website"],
                "registers": [
                    {"register": u["register"], "purpose": u["purpose"]} for u in p["registers"]
                ],
                "transfers": p["transfers"],
                "sub_processors": p["sub_processors"],
            }
            for p in listing["processors"]
        ],
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
