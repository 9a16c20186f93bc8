"""Rules about countries and transfers outside the EU/EEA (GDPR Chapter V)."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.countries import CountryData
from ropa.problem import Severity
from ropa.record import Entity, Place
from ropa.rules import Context, Finding, rule


def _holders(context: Context) -> Iterator[tuple[str, Entity]]:
    """Processors and recipients: everything that has countries and transfers."""
    for processor in context.record.catalogues["processors"]:
        yield "processor", processor
    for recipient in context.record.catalogues["recipients"]:
        yield "recipient", recipient


def _label(data: CountryData, code: str) -> str:
    """'Sweden (SE)' for a country, the code itself for a region such as EU."""
    canonical = data.canonical(code)
    return f"{data.name(canonical)} ({canonical})" if canonical else code


def _transfers(entity: Entity) -> Iterator[tuple[Place, str, str]]:
    """(place, country, mechanism) of each well-formed transfer entry."""
    for transfer in entity.entities("transfers"):
        country, mechanism = transfer.get("country"), transfer.get("mechanism")
        if isinstance(country, str) and isinstance(mechanism, str):
            yield transfer.place, country, mechanism


def _country_places(context: Context) -> Iterator[tuple[Place, str]]:
    record = context.record
    for _, holder in _holders(context):
        for place, value in holder.items("countries"):
            yield place, value
        for place, country, _ in _transfers(holder):
            yield place / "country", country
    for controller in record.controllers:
        for key in ("supervisory_authority", "address"):
            part = controller.child(key)
            if part is not None and isinstance(part.get("country"), str):
                yield part.place / "country", part.get("country")


@rule("ROPA201", "unknown-country")
def unknown_country(context: Context) -> Iterator[Finding]:
    """A country is not an ISO 3166-1 alpha-2 code or a known region.

    Transfers are judged country by country, so every location must be a real code: `GB`,
    not `UK` (accepted as an alias), and regions only where they stand for a defined set
    (`EU`, `EEA`).

    Failing:

        countries: [EU, XX]

    Passing:

        countries: [EU, US]
    """
    data = context.countries
    for place, code in _country_places(context):
        if isinstance(code, str) and not data.is_known(code):
            yield Finding(
                place,
                f"{code!r} is not an ISO 3166-1 alpha-2 country code or a region (EU, EEA)",
            )


@rule("ROPA202", "transfer-mechanism-missing")
def transfer_missing(context: Context) -> Iterator[Finding]:
    """Data goes to a country outside the EU/EEA without a transfer mechanism.

    Chapter V allows such a transfer only on an adequacy decision, appropriate safeguards
    (SCCs, BCRs...) or an Art. 49 derogation, and Art. 13(1)(f) requires telling people which.

    Failing:

        - id: calendly
          countries: [US]
          # no transfers entry for US

    Passing:

        - id: calendly
          countries: [US]
          transfers:
            - country: US
              mechanism: scc_m2
    """
    data = context.countries
    for noun, holder in _holders(context):
        covered = {data.canonical(country) for _, country, _ in _transfers(holder)}
        for place, code in holder.items("countries"):
            if not isinstance(code, str) or not data.is_known(code) or data.in_eea(code):
                continue
            for member in sorted(data.expand(code)):
                if member not in covered and not data.in_eea(member):
                    yield Finding(
                        place,
                        f"{data.name(member)} ({member}) is outside the EU/EEA and {noun}"
                        f" {holder.id!r} has no transfer mechanism for it",
                    )


@rule("ROPA203", "adequacy-without-decision")
def adequacy_without_decision(context: Context) -> Iterator[Finding]:
    """An adequacy decision is claimed for a country that has none.

    Only the countries in the Commission's list have adequacy decisions; for the United
    States the decision covers only organisations certified under the EU-US Data Privacy
    Framework, so US transfers use `dpf` (certified) or safeguards such as SCCs.

    Failing:

        transfers:
          - country: AU
            mechanism: adequacy

    Passing:

        transfers:
          - country: CH
            mechanism: adequacy
    """
    data = context.countries
    for _, holder in _holders(context):
        for place, country, mechanism in _transfers(holder):
            code = data.canonical(country)
            if mechanism != "adequacy" or code is None:
                continue
            if code == "US":
                yield Finding(
                    place / "mechanism",
                    "the US adequacy decision covers only organisations certified under the"
                    " EU-US Data Privacy Framework: use mechanism 'dpf' for a certified"
                    " recipient, or safeguards such as 'scc_m2'",
                )
            elif code not in data.adequacy:
                yield Finding(
                    place / "mechanism",
                    f"{data.name(code)} ({code}) has no EU adequacy decision"
                    f" (as of {data.as_of.isoformat()}); name the safeguard used instead",
                )


@rule("ROPA204", "dpf-outside-us")
def dpf_outside_us(context: Context) -> Iterator[Finding]:
    """The EU-US Data Privacy Framework is claimed for a country other than the United States.

    The DPF (Implementing Decision (EU) 2023/1795) covers only transfers to certified
    organisations in the United States.

    Failing:

        transfers:
          - country: AU
            mechanism: dpf

    Passing:

        transfers:
          - country: US
            mechanism: dpf
            verified: 2026-10-01
    """
    data = context.countries
    for _, holder in _holders(context):
        for place, country, mechanism in _transfers(holder):
            code = data.canonical(country) or country
            if mechanism == "dpf" and code != "US":
                yield Finding(
                    place / "mechanism",
                    f"the EU-US Data Privacy Framework covers only the United States, not {code}",
                )


@rule("ROPA205", "transfer-country-mismatch")
def transfer_country_mismatch(context: Context) -> Iterator[Finding]:
    """A transfer names a country the entry does not list, or names a country twice.

    The transfers must describe the listed countries exactly, or the published transfer
    table and the processor list disagree.

    Failing:

        countries: [EU, US]
        transfers:
          - country: AU
            mechanism: scc_m2

    Passing:

        countries: [EU, US, AU]
        transfers:
          - country: US
            mechanism: scc_m2
          - country: AU
            mechanism: scc_m2
    """
    data = context.countries
    for _, holder in _holders(context):
        listed: set[str] = set()
        for _, code in holder.items("countries"):
            if isinstance(code, str):
                listed |= data.expand(code)
        seen: set[str] = set()
        for place, country, _ in _transfers(holder):
            code = data.canonical(country)
            if code is None:
                continue  # reported by unknown-country
            if code in seen:
                yield Finding(place / "country", f"a second transfer entry for {code}")
            elif code not in listed:
                yield Finding(
                    place / "country",
                    f"{code} is not among the countries of {holder.id!r}; add it to countries",
                )
            seen.add(code)


@rule("ROPA206", "transfer-inside-eea", Severity.WARNING)
def transfer_inside_eea(context: Context) -> Iterator[Finding]:
    """A transfer mechanism is given for a country inside the EU/EEA, where none is needed.

    Failing:

        transfers:
          - country: SE
            mechanism: scc_m2

    Passing:

        countries: [SE]             # no transfers entry needed
    """
    data = context.countries
    for _, holder in _holders(context):
        for place, country, _ in _transfers(holder):
            if data.is_known(country) and data.in_eea(country):
                yield Finding(
                    place / "country",
                    f"{_label(data, country)} is inside the EU/EEA;"
                    " no transfer mechanism is needed",
                )


@rule("ROPA207", "derogation-for-processor", Severity.WARNING)
def derogation_for_processor(context: Context) -> Iterator[Finding]:
    """A processor's standing transfer relies on an Art. 49 derogation.

    Derogations are for occasional, specific situations (EDPB Guidelines 2/2018); a vendor
    that receives data routinely needs adequacy or Art. 46 safeguards such as SCCs.

    Failing:

        - id: crm
          countries: [US]
          transfers:
            - country: US
              mechanism: art49_explicit_consent

    Passing:

        - id: crm
          countries: [US]
          transfers:
            - country: US
              mechanism: scc_m2
    """
    for processor in context.record.catalogues["processors"]:
        for place, _, mechanism in _transfers(processor):
            if mechanism.startswith("art49_"):
                yield Finding(
                    place / "mechanism",
                    f"{mechanism} is a derogation for occasional transfers; a processor's"
                    " routine transfers need adequacy or safeguards such as SCCs",
                )


@rule("ROPA208", "dpf-unverified", Severity.WARNING)
def dpf_unverified(context: Context) -> Iterator[Finding]:
    """A transfer relies on the Data Privacy Framework without a date it was verified.

    DPF certification is per organisation and can lapse, and the framework itself is under
    legal challenge; record when the recipient's listing was last checked.

    Failing:

        transfers:
          - country: US
            mechanism: dpf

    Passing:

        transfers:
          - country: US
            mechanism: dpf
            verified: 2026-10-01
    """
    for noun, holder in _holders(context):
        for transfer in holder.entities("transfers"):
            if transfer.get("mechanism") == "dpf" and "verified" not in transfer.data:
                yield Finding(
                    transfer.place / "mechanism",
                    f"add 'verified:' with the date the DPF certification of {noun}"
                    f" {holder.id!r} was last checked",
                )


@rule("ROPA209", "country-data-stale", Severity.WARNING)
def country_data_stale(context: Context) -> Iterator[Finding]:
    """The EU/EEA and adequacy data ropa checks transfers against is over 12 months old.

    Adequacy decisions change (Privacy Shield was annulled in 2020; the EU-US Data Privacy
    Framework is under appeal), so transfer findings are only as good as the data's date.
    Update ropa, or check the Commission's list of adequacy decisions by hand.

    Failing:

        ropa validate --today 2027-10-09     # the data is as of 2026-10-08

    Passing:

        ropa validate --today 2027-10-08
    """
    from ropa.rules.review import add_months

    controller = context.record.controller
    as_of = context.countries.as_of
    if controller is not None and add_months(as_of, 12) < context.today:
        yield Finding(
            controller.place,
            f"the EU/EEA and adequacy data used to check transfers is as of"
            f" {as_of.isoformat()}, more than 12 months ago; update ropa or check the"
            " Commission's adequacy decisions",
            at_key=True,
        )


# Transfers whose safeguards a person may ask a copy of (Art. 13(1)(f)): Art. 46 and 47
# safeguards and the Art. 49(1) second-subparagraph transfer; not adequacy or derogations.
_SAFEGUARDS = frozenset({
    "public_authority_instrument", "bcr", "scc", "scc_m1", "scc_m2", "scc_m3", "scc_m4",
    "sa_scc", "code_of_conduct", "certification", "ad_hoc_clauses", "admin_arrangement",
    "art49_compelling_legitimate_interests",
})  # fmt: skip


@rule("ROPA210", "safeguards-copy-unstated", Severity.WARNING)
def safeguards_copy_unstated(context: Context) -> Iterator[Finding]:
    """Transfers under safeguards, but no word on how to get a copy of them.

    Art. 13(1)(f) asks the notice to say how a person obtains a copy of the Art. 46 or 47
    safeguards (or those of an Art. 49(1) second-subparagraph transfer) or where they are
    available; ropa makes no such offer on its own. Adequacy and the Art. 49(1) derogations
    need none.

    Failing:

        controller:
          ...            # no safeguards_copy
        processors:
          - id: crm
            transfers: [{country: US, mechanism: scc_m2}]

    Passing:

        controller:
          safeguards_copy: {kind: email, address: privacy@example.com}
    """
    controller = context.record.controller
    if controller is None or controller.get("safeguards_copy"):
        return
    for catalogue in ("processors", "recipients"):
        for holder in context.record.catalogues[catalogue]:
            for transfer in holder.get("transfers") or []:
                mechanism = transfer.get("mechanism")
                if mechanism in _SAFEGUARDS:
                    yield Finding(
                        controller.place,
                        f"{holder.id!r} transfers data to {transfer.get('country')} under"
                        f" {mechanism}; say under 'safeguards_copy:' how a person gets a copy"
                        " of the safeguards",
                        at_key=True,
                    )
                    return


@rule("ROPA211", "headquarters-outside-eea", Severity.WARNING)
def headquarters_outside_eea(context: Context) -> Iterator[Finding]:
    """A processor is headquartered outside the EU/EEA, with no transfer to that country.

    Access to the data from the headquarters' country may be a transfer (Chapter V), even
    where the servers are in the EU.

    Failing:

        processors:
          - id: analytics
            legal_entity: Example LLC
            headquarters: US
            countries: [EU]

    Passing:

        processors:
          - id: analytics
            headquarters: US
            countries: [EU, US]
            transfers: [{country: US, mechanism: dpf, verified: 2026-01-10}]
    """
    data = context.countries
    for processor in context.record.catalogues["processors"]:
        home = processor.get("headquarters")
        if not isinstance(home, str) or data.in_eea(home):
            continue
        moved = {t.get("country") for t in processor.get("transfers") or []}
        if home not in moved:
            yield Finding(
                processor.place / "headquarters",
                f"{processor.id!r} is headquartered in {home}, outside the EU/EEA, and no"
                f" transfer to {home} is recorded; record it under 'transfers:' if data can be"
                " accessed from there",
            )
