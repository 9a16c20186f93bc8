"""Audit views of a record: which processors hold data where, and on what ground.

`ropa processors` is built on these rows: one per processor, or with --outside-eea one per
processor or recipient and country outside the EU/EEA. Rows are plain data in record order,
so every output format (table, CSV, JSON, Markdown) shows the same facts. Whether a transfer
holds is judged by `CountryData.assess`, as `ropa validate` judges it.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any

from ropa.countries import CountryData
from ropa.record import Entity, Record

SCC_MODULES = {
    "scc_m1": "module 1 (controller to controller)",
    "scc_m2": "module 2 (controller to processor)",
    "scc_m3": "module 3 (processor to processor)",
    "scc_m4": "module 4 (processor to controller)",
}


@dataclass(frozen=True)
class Transfer:
    """A processor's or recipient's data in one country outside the EU/EEA, and the ground
    for it. `adequacy` is "full", "partial" (the decision covers only some recipients, such
    as DPF-certified ones) or "none"."""

    country: str
    country_name: str
    mechanism: str | None
    mechanism_name: str | None
    adequacy: str
    basis: str | None
    tia: str | None
    problem: str | None

    @property
    def valid(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class ProcessorRow:
    """One processor (or, in the transfer view, recipient) with everything an auditor asks
    about it. `dpa_signed` is None for a recipient, which has no processing agreement."""

    id: str
    system: str
    legal_entity: str
    registers: tuple[str, ...]
    countries: tuple[str, ...]
    dpa_signed: bool | None
    dpa_reference: str | None
    transfers: tuple[Transfer, ...] = field(default=())
    kind: str = "processor"

    @property
    def outside_eea(self) -> bool:
        return bool(self.transfers)


def _name(value: Any, languages: list[str]) -> str:
    """A plain string, or the first published language of a per-language text."""
    if isinstance(value, dict):
        for lang in languages:
            if lang in value:
                return str(value[lang])
        return str(next(iter(value.values())))
    return str(value)


def _transfer(data: CountryData, code: str, entry: dict[str, Any] | None,
              on: datetime.date) -> Transfer:  # fmt: skip
    name = data.names.get(code, code)
    if entry is None:
        return Transfer(code, name, None, None, "none", None, None, "no transfer mechanism")
    mechanism = str(entry["mechanism"])
    found = data.assess(code, mechanism, on)
    basis: str | None
    if mechanism in ("adequacy", "dpf"):
        basis = found.decision.decision if found.decision and found.problem is None else None
    elif mechanism in SCC_MODULES:
        basis = f"SCCs 2021/914, {SCC_MODULES[mechanism]}"
    else:
        basis = f"GDPR Art. {data.mechanisms[mechanism].article}"
    return Transfer(
        country=code,
        country_name=name,
        mechanism=mechanism,
        mechanism_name=data.mechanisms[mechanism].name,
        adequacy=found.adequacy,
        basis=basis,
        tia=entry.get("tia"),
        problem=found.problem,
    )


def _outside(holder: Entity, data: CountryData, on: datetime.date) -> tuple[Transfer, ...]:
    """A transfer for every country of `holder` outside the EU/EEA, in the record's order."""
    entries = {
        data.canonical(t["country"]) or t["country"]: t for t in holder.get("transfers") or []
    }
    outside: list[str] = []
    for code in holder.get("countries") or []:
        for member in sorted(data.expand(code)) if code in data.regions else [code]:
            canonical = data.canonical(member) or member
            if not data.in_eea(canonical) and canonical not in outside:
                outside.append(canonical)
    return tuple(_transfer(data, code, entries.get(code), on) for code in outside)


def _row(processor: Entity, record: Record, data: CountryData, on: datetime.date) -> ProcessorRow:
    languages = record.languages
    uses = record.processor_uses.get(processor.id, [])
    registers = tuple(dict.fromkeys(register.id for register, _ in uses))
    dpa = processor.get("dpa") or {}
    return ProcessorRow(
        id=processor.id,
        system=_name(processor.get("system"), languages),
        legal_entity=str(processor.get("legal_entity")),
        registers=registers,
        countries=tuple(processor.get("countries") or ()),
        dpa_signed=bool(dpa.get("signed")),
        dpa_reference=dpa.get("reference"),
        transfers=_outside(processor, data, on),
    )


def recipient_rows(record: Record, data: CountryData, on: datetime.date,
                   register: str | None = None) -> list[ProcessorRow]:  # fmt: skip
    """Recipients that are not processors (authorities, partners...), in record order, for
    the transfer view: they take data out of the EU/EEA just as processors do."""
    rows = []
    for recipient in record.catalogues["recipients"]:
        registers = tuple(
            r.id for r in record.registers if recipient.id in (r.get("recipients") or [])
        )
        if register is not None and register not in registers:
            continue
        rows.append(
            ProcessorRow(
                id=recipient.id,
                system=_name(recipient.get("name"), record.languages),
                legal_entity=str(recipient.get("legal_entity") or ""),
                registers=registers,
                countries=tuple(recipient.get("countries") or ()),
                dpa_signed=None,
                dpa_reference=None,
                transfers=_outside(recipient, data, on),
                kind="recipient",
            )
        )
    return rows


def processor_rows(
    record: Record,
    data: CountryData,
    on: datetime.date,
    register: str | None = None,
    country: str | None = None,
    mechanism: str | None = None,
    recipients: bool = False,
) -> list[ProcessorRow]:
    """Processors in record order (then, with `recipients`, the recipients), filtered by
    register, country (inside or outside the EU/EEA; regions count) and mechanism; transfers
    judged as of `on`."""
    targets = data.expand(country) if country else frozenset()
    rows = []
    candidates = [_row(p, record, data, on) for p in record.catalogues["processors"]]
    if recipients:
        candidates += recipient_rows(record, data, on)
    for row in candidates:
        if register is not None and register not in row.registers:
            continue
        if country is not None:
            places = {m for code in row.countries for m in data.expand(code)}
            if not places & targets:
                continue
        if mechanism is not None and not any(t.mechanism == mechanism for t in row.transfers):
            continue
        rows.append(row)
    return rows


def transfer_rows(
    rows: list[ProcessorRow], country: str | None = None, mechanism: str | None = None
) -> list[tuple[ProcessorRow, Transfer]]:
    """(processor, transfer) for every country outside the EU/EEA, filtered alike."""
    return [
        (row, transfer)
        for row in rows
        for transfer in row.transfers
        if (country is None or transfer.country == country)
        and (mechanism is None or transfer.mechanism == mechanism)
    ]


# --- output formats ------------------------------------------------------------------------


def _dpa(row: ProcessorRow) -> dict[str, Any] | None:
    if row.dpa_signed is None:
        return None
    return {"signed": row.dpa_signed, "reference": row.dpa_reference}


def _yes(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


def _transfer_json(transfer: Transfer) -> dict[str, Any]:
    return {
        "country": transfer.country,
        "country_name": transfer.country_name,
        "mechanism": transfer.mechanism,
        "adequacy_decision": transfer.adequacy,  # "full", "partial" or "none"
        "basis": transfer.basis,
        "tia": transfer.tia,
        "valid": transfer.valid,
    }


def as_json(rows: list[ProcessorRow], pairs: list[tuple[ProcessorRow, Transfer]] | None,
            as_of: str) -> str:  # fmt: skip
    """Stable JSON: processors, or processor x country transfers with --outside-eea."""
    import json

    if pairs is None:
        document: dict[str, Any] = {
            "version": 2,
            "country_data_as_of": as_of,
            "processors": [
                {
                    "processor": row.id,
                    "system": row.system,
                    "legal_entity": row.legal_entity,
                    "registers": list(row.registers),
                    "countries": list(row.countries),
                    "outside_eea": row.outside_eea,
                    "transfers": [_transfer_json(t) for t in row.transfers],
                    "dpa": _dpa(row),
                }
                for row in rows
            ],
        }
    else:
        document = {
            "version": 2,
            "country_data_as_of": as_of,
            "transfers": [
                {
                    "id": row.id,
                    "kind": row.kind,
                    "system": row.system,
                    "legal_entity": row.legal_entity,
                    "registers": list(row.registers),
                    **_transfer_json(transfer),
                    "dpa": _dpa(row),
                }
                for row, transfer in pairs
            ],
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cells(rows: list[ProcessorRow], pairs: list[tuple[ProcessorRow, Transfer]] | None
           ) -> tuple[list[str], list[list[str]]]:  # fmt: skip
    if pairs is None:
        header = ["processor", "system", "legal_entity", "registers", "countries",
                  "outside_eea", "safeguards", "dpa_signed", "dpa_reference"]  # fmt: skip
        body = [
            [
                row.id, row.system, row.legal_entity, " ".join(row.registers),
                " ".join(row.countries), "yes" if row.outside_eea else "no",
                "; ".join(f"{t.country}: {t.mechanism or 'MISSING'}" for t in row.transfers),
                _yes(row.dpa_signed), row.dpa_reference or "",
            ]
            for row in rows
        ]  # fmt: skip
        return header, body
    header = ["id", "kind", "system", "legal_entity", "registers", "country", "mechanism",
              "adequacy_decision", "basis", "dpa_signed", "dpa_reference", "tia",
              "valid"]  # fmt: skip
    body = [
        [
            row.id, row.kind, row.system, row.legal_entity, " ".join(row.registers),
            t.country, t.mechanism or "", t.adequacy, t.basis or "", _yes(row.dpa_signed),
            row.dpa_reference or "", t.tia or "", "yes" if t.valid else "no",
        ]
        for row, t in pairs
    ]  # fmt: skip
    return header, body


def as_csv(rows: list[ProcessorRow], pairs: list[tuple[ProcessorRow, Transfer]] | None) -> str:
    """RFC 4180 CSV with a header row; no cell can start a spreadsheet formula."""
    import csv
    import io

    from ropa.render import csv_cell

    header, body = _cells(rows, pairs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for line in body:
        writer.writerow([csv_cell(cell) for cell in line])
    return buffer.getvalue()


def as_markdown(rows: list[ProcessorRow], pairs: list[tuple[ProcessorRow, Transfer]] | None
                ) -> str:  # fmt: skip
    """A Markdown table; every cell is escaped."""
    from ropa.render import md_escape

    header, body = _cells(rows, pairs)
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(md_escape(cell) for cell in line) + " |" for line in body]
    return "\n".join(lines) + "\n"


def print_table(rows: list[ProcessorRow], pairs: list[tuple[ProcessorRow, Transfer]] | None,
                console: Any) -> None:  # fmt: skip
    """A rich table that wraps to the terminal, or as wide as its content when not printed
    to a terminal."""
    from rich.table import Table
    from rich.text import Text

    from ropa.text import one_line

    table = Table(show_lines=False, header_style="bold", expand=False)
    if pairs is None:
        for title in ("System", "Legal entity", "Registers", "Countries", "Safeguards"):
            table.add_column(title, overflow="fold")
        for row in rows:
            safeguards = "; ".join(
                f"{t.country}: {t.mechanism or 'MISSING'}" for t in row.transfers
            )
            table.add_row(*(Text(one_line(v)) for v in (
                row.system, row.legal_entity, ", ".join(row.registers), ", ".join(row.countries),
                safeguards or "EU/EEA only",
            )))  # fmt: skip
    else:
        for title in ("System or recipient", "Legal entity", "Country", "Mechanism", "Basis"):
            table.add_column(title, overflow="fold")
        for row, t in pairs:
            basis = t.basis or ("MISSING: " + t.problem if t.problem else "")
            table.add_row(*(Text(one_line(v)) for v in (
                row.system, row.legal_entity, f"{t.country_name} ({t.country})",
                t.mechanism or "MISSING", basis,
            )))  # fmt: skip
    # (No column has a minimum width: with one, rich cut the last column and the border
    # instead of folding text on an 80-column terminal.)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Into a pipe or a file the table is as wide as its content: nothing folded to a
        # width nobody asked for (a terminal's width, or COLUMNS, still applies).
        wide = console.options.update_width(1_000_000)
        console.width = max(console.width, console.measure(table, options=wide).maximum)
    console.print(table)
