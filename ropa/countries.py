"""EU/EEA membership, adequacy decisions and transfer mechanisms, read from `ropa/data`."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from ropa import resources
from ropa.dates import add_months
from ropa.loader import load_text

# Adequacy decisions are adopted, renewed and challenged several times a year; data older
# than this is flagged by every command.
STALE_MONTHS = 6


@dataclass(frozen=True)
class Adequacy:
    """A Commission adequacy decision (Art. 45) for a country or international organisation.

    `date` is the adoption date and `expires` the day after which the decision no longer
    applies (a sunset clause, as in the UK decisions), None where it has none. `scope` is
    "full" or a sentence naming who is covered; `source` is the act on EUR-Lex and `oj` its
    Official Journal reference. `unconfirmed` names the fields that could not be confirmed
    from EUR-Lex or the Official Journal; `note` says what was seen.
    """

    code: str
    name: str
    scope: str
    decision: str  # the full reference, for auditors
    date: str
    note: str
    unconfirmed: tuple[str, ...] = ()
    amended_by: str | None = None  # e.g. "(EU) 2025/2574", the act that renewed it
    instrument: str = "implementing_decision"  # or "decision": the Commission's act
    number: str | None = None  # e.g. "(EU) 2023/1795"; None where it is not known
    oj: str | None = None  # e.g. "OJ L 231, 20.9.2023, p. 118"; None where not confirmed
    expires: datetime.date | None = None
    source: str = ""

    @property
    def full(self) -> bool:
        """Whether the decision covers every recipient in the country."""
        return self.scope.strip().lower() == "full"

    @property
    def uncertain(self) -> bool:
        """Whether anything that decides a transfer (not just the OJ page) is unconfirmed."""
        return any(name not in ("oj", "source") for name in self.unconfirmed)

    def in_force(self, on: datetime.date) -> bool:
        """Whether the decision still applies on `on` (its expiry day included)."""
        return self.expires is None or on <= self.expires


@dataclass(frozen=True)
class Assessment:
    """What the country data says of one transfer: the adequacy decision that covers it
    (None if none does), whether that decision covers only part of the country's recipients,
    and the reason the mechanism cannot hold (None if it can, as far as the data goes)."""

    decision: Adequacy | None
    partial: bool
    problem: str | None

    @property
    def adequacy(self) -> str:
        """ "full", "partial" or "none": how an adequacy decision covers the transfer."""
        if self.decision is None or self.problem is not None:
            return "none"
        return "partial" if self.partial else "full"


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

    def age_warning(self, on: datetime.date) -> str | None:
        """The warning every command gives once the data is over STALE_MONTHS old on `on`."""
        if add_months(self.as_of, STALE_MONTHS) >= on:
            return None
        return (
            f"the EU/EEA and adequacy data used to check transfers is as of"
            f" {self.as_of.isoformat()}, more than {STALE_MONTHS} months ago; update ropa or"
            " check the Commission's adequacy decisions"
        )

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

    def assess(self, code: str, mechanism: str, on: datetime.date) -> Assessment:
        """Judge a transfer to `code` (a country, region or international organisation) on
        `mechanism` as of `on`. The one place that knows that the US decision covers only
        DPF-certified organisations, that a decision can expire, and that an adequacy
        decision for a place inside the EU/EEA is meaningless (none is needed)."""
        canonical = self.canonical(code) or code
        decision = self.adequacy.get(canonical)
        if mechanism not in ("adequacy", "dpf"):
            return Assessment(None, False, None)
        if self.is_known(canonical) and self.in_eea(canonical):
            return Assessment(None, False, None)
        if mechanism == "dpf" and canonical != "US":
            return Assessment(
                None,
                False,
                f"the EU-US Data Privacy Framework covers only the United States, not {canonical}",
            )
        if mechanism == "adequacy" and canonical == "US":
            return Assessment(
                None,
                False,
                "the US adequacy decision covers only organisations certified"
                " under the EU-US Data Privacy Framework: use mechanism 'dpf' for a certified"
                " recipient, or safeguards such as 'scc_m2'",
            )
        if decision is None:
            return Assessment(
                None,
                False,
                f"{self.name(canonical)} ({canonical}) has no EU adequacy decision"
                f" (country data as of {self.as_of.isoformat()}); name the safeguard used"
                " instead",
            )
        if not decision.in_force(on):
            assert decision.expires is not None
            return Assessment(
                decision,
                not decision.full,
                f"the adequacy decision for {self.name(canonical)}"
                f" ({canonical}) expired on {decision.expires.isoformat()}; name the safeguard"
                " used instead, or update ropa if it was renewed",
            )
        return Assessment(decision, not decision.full, None)


def _text(name: str) -> str:
    return resources.data_file(name).read_text(encoding="utf-8")


@functools.cache
def load() -> CountryData:
    """Read and index the shipped country data once per process."""
    raw: dict[str, Any] = load_text(_text("countries.yaml"), "ropa/data/countries.yaml").data
    names: dict[str, str] = dict(load_text(_text("iso3166.yaml"), "ropa/data/iso3166.yaml").data)
    # International organisations (Art. 4(26)) are destinations too: the EPO has an
    # adequacy decision of its own. Their codes are longer than ISO's, so none collides.
    names.update(raw.get("international_organisations") or {})
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
                unconfirmed=tuple(entry.get("unconfirmed") or ()),
                amended_by=entry.get("amended_by"),
                instrument=entry.get("instrument", "implementing_decision"),
                number=entry.get("number"),
                oj=entry.get("oj"),
                expires=(
                    datetime.date.fromisoformat(entry["expires"]) if entry.get("expires") else None
                ),
                source=entry.get("source", ""),
            )
            for entry in raw["adequacy"]
        },
        mechanisms={
            entry["id"]: Mechanism(entry["id"], entry["article"], entry["name"])
            for entry in raw["transfer_mechanisms"]
        },
    )
