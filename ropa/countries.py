"""EU/EEA membership, adequacy decisions and transfer mechanisms, read from `ropa/data`."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from ropa import resources
from ropa.loader import load_text


@dataclass(frozen=True)
class Adequacy:
    """A Commission adequacy decision for a country (or international organisation)."""

    code: str
    name: str
    scope: str
    decision: str  # the full reference, with research notes, for auditors
    date: str
    note: str
    uncertain: bool
    instrument: str = "implementing_decision"  # or "decision": the Commission's act
    number: str | None = None  # e.g. "(EU) 2023/1795"; None where it is not known

    @property
    def full(self) -> bool:
        """Whether the decision covers every recipient in the country."""
        return self.scope.strip().lower() == "full"


@dataclass(frozen=True)
class Mechanism:
    """A Chapter V transfer mechanism with its article."""

    id: str
    article: str
    name: str


@dataclass(frozen=True)
class CountryData:
    """The reference data, with the date of the newest source it was checked against."""

    as_of: datetime.date
    names: dict[str, str]
    eu: frozenset[str]
    eea: frozenset[str]
    eu_territories: frozenset[str]
    aliases: dict[str, str]
    regions: dict[str, frozenset[str]]
    adequacy: dict[str, Adequacy]
    mechanisms: dict[str, Mechanism]

    def canonical(self, code: str) -> str | None:
        """The ISO code for `code` (following aliases such as EL -> GR), or None if unknown."""
        code = self.aliases.get(code, code)
        return code if code in self.names else None

    def expand(self, code: str) -> frozenset[str]:
        """The countries a code stands for: a region's members, or the country itself."""
        if code in self.regions:
            return self.regions[code]
        canonical = self.canonical(code)
        return frozenset({canonical}) if canonical else frozenset()

    def is_known(self, code: str) -> bool:
        return code in self.regions or self.canonical(code) is not None

    def in_eea(self, code: str) -> bool:
        """Whether `code` (a country or region) lies wholly inside the EU/EEA."""
        members = self.expand(code)
        return bool(members) and all(c in self.eea or c in self.eu_territories for c in members)

    def name(self, code: str) -> str:
        canonical = self.canonical(code) or code
        return self.names.get(canonical, code)


def _text(name: str) -> str:
    return resources.data_file(name).read_text(encoding="utf-8")


@functools.cache
def load() -> CountryData:
    """Read and index the shipped country data once per process."""
    raw: dict[str, Any] = load_text(_text("countries.yaml"), "ropa/data/countries.yaml").data
    names: dict[str, str] = load_text(_text("iso3166.yaml"), "ropa/data/iso3166.yaml").data
    eu = frozenset(raw["eu"])
    eea = eu | frozenset(raw["eea_extra"])
    groups = {"eu": eu, "eea": eea}
    return CountryData(
        as_of=datetime.date.fromisoformat(raw["as_of"]),
        names=names,
        eu=eu,
        eea=eea,
        eu_territories=frozenset(raw["eu_territories"]),
        aliases=dict(raw["aliases"]),
        regions={region: groups[group] for region, group in raw["regions"].items()},
        adequacy={
            entry["code"]: Adequacy(
                code=entry["code"],
                name=entry["name"],
                scope=entry["scope"],
                decision=entry["decision"],
                date=entry["date"],
                note=entry.get("note", ""),
                uncertain=bool(entry.get("uncertain", False)),
                instrument=entry.get("instrument", "implementing_decision"),
                number=entry.get("number"),
            )
            for entry in raw["adequacy"]
        },
        mechanisms={
            entry["id"]: Mechanism(entry["id"], entry["article"], entry["name"])
            for entry in raw["transfer_mechanisms"]
        },
    )
