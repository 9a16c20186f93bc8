"""Rules about countries and transfers outside the EU/EEA (GDPR Chapter V)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from ropa.countries import CountryData
from ropa.dates import parse_date
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


def _each_transfer(context: Context) -> Iterator[tuple[str, Entity, Entity, str, str]]:
    """(noun, holder, transfer, country, mechanism) for every well-formed transfer of every
    processor and recipient, in record order."""
    for noun, holder in _holders(context):
        for transfer in holder.entities("transfers"):
            country, mechanism = transfer.get("country"), transfer.get("mechanism")
            if isinstance(country, str) and isinstance(mechanism, str):
                yield noun, holder, transfer, country, mechanism


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


@rule("ROPA201", "unknown-country", article="Art. 30(1)(e), 44")
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


@rule("ROPA202", "transfer-mechanism-missing", article="Art. 44, 13(1)(f)")
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


@rule("ROPA203", "adequacy-without-decision", article="Art. 45(1)")
def adequacy_without_decision(context: Context) -> Iterator[Finding]:
    """An adequacy decision is claimed for a country that has none, or whose decision expired.

    Only the countries in the Commission's list have adequacy decisions, and some decisions
    run out (the UK's sunset clause); for the United States the decision covers only
    organisations certified under the EU-US Data Privacy Framework, so US transfers use `dpf`
    (certified) or safeguards such as SCCs. A place inside the EU/EEA needs no mechanism at
    all (ROPA206 says so).

    Failing:

        transfers:
          - country: AU
            mechanism: adequacy

    Passing:

        transfers:
          - country: CH
            mechanism: adequacy
    """
    yield from _assessed(context, "adequacy")


@rule("ROPA204", "dpf-outside-us", article="Art. 45(1)")
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
    yield from _assessed(context, "dpf")


def _assessed(context: Context, mechanism: str) -> Iterator[Finding]:
    """The country data's verdict on every transfer on `mechanism` that cannot hold."""
    data = context.countries
    for _, _, transfer, country, used in _each_transfer(context):
        if used == mechanism and data.is_known(country):
            problem = data.assess(country, used, context.today).problem
            if problem is not None:
                yield Finding(transfer.place / "mechanism", problem)


@rule("ROPA205", "transfer-country-mismatch", article="Art. 30(1)(e)")
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


@rule("ROPA206", "transfer-inside-eea", Severity.WARNING, article="Art. 44")
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


@rule("ROPA207", "derogation-for-processor", Severity.WARNING, article="Art. 49(1)")
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


@rule("ROPA208", "dpf-unverified", Severity.WARNING, article="Art. 45(1)")
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
    for noun, holder, transfer, _, mechanism in _each_transfer(context):
        if mechanism == "dpf" and "verified" not in transfer.data:
            yield Finding(
                transfer.place / "mechanism",
                f"add 'verified:' with the date the DPF certification of {noun}"
                f" {holder.id!r} was last checked",
            )


@rule("ROPA209", "country-data-stale", Severity.WARNING, article="Art. 45(3), 45(5)")
def country_data_stale(context: Context) -> Iterator[Finding]:
    """The EU/EEA and adequacy data ropa checks transfers against is over 6 months old.

    Adequacy decisions change (Privacy Shield was annulled in 2020; the EU-US Data Privacy
    Framework is under appeal; the UK decision was renewed in 2025), so transfer findings are
    only as good as the data's date. Update ropa, or check the Commission's list of adequacy
    decisions by hand. Every other command prints the same warning on stderr.

    Failing:

        ropa validate --today 2027-04-09     # the data is as of 2026-10-08

    Passing:

        ropa validate --today 2027-04-08
    """
    controller = context.record.controller
    warning = context.countries.age_warning(context.today)
    if controller is not None and warning is not None:
        yield Finding(controller.place, warning, at_key=True)


# Transfers whose safeguards a person may ask a copy of (Art. 13(1)(f)): Art. 46 and 47
# safeguards and the Art. 49(1) second-subparagraph transfer; not adequacy or derogations.
_SAFEGUARDS = frozenset({
    "public_authority_instrument", "bcr", "scc", "scc_m1", "scc_m2", "scc_m3", "scc_m4",
    "sa_scc", "code_of_conduct", "certification", "ad_hoc_clauses", "admin_arrangement",
    "art49_compelling_legitimate_interests",
})  # fmt: skip


@rule("ROPA210", "safeguards-copy-unstated", Severity.WARNING, article="Art. 13(1)(f), 14(1)(f)")
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
    for _, holder, _, country, mechanism in _each_transfer(context):
        if mechanism in _SAFEGUARDS and not context.countries.in_eea(country):
            yield Finding(
                controller.place,
                f"{holder.id!r} transfers data to {country} under {mechanism}; say under"
                " 'safeguards_copy:' how a person gets a copy of the safeguards",
                at_key=True,
            )
            return


@rule("ROPA211", "headquarters-outside-eea", Severity.WARNING, article="Art. 44")
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


# The Art. 49(1) second-subparagraph transfer, whose assessment Art. 49(6) puts in the record.
_COMPELLING = "art49_compelling_legitimate_interests"


@rule("ROPA212", "verified-before-decision", article="Art. 45(1)")
def verified_before_decision(context: Context) -> Iterator[Finding]:
    """A transfer under an adequacy decision was verified before that decision existed.

    A check of a recipient's Data Privacy Framework certification dated before 10 July 2023
    (or of any decision before its adoption) checked something else: Privacy Shield, say.

    Failing:

        transfers:
          - country: US
            mechanism: dpf
            verified: 2019-05-01

    Passing:

        transfers:
          - country: US
            mechanism: dpf
            verified: 2026-10-01
    """
    data = context.countries
    for noun, holder, transfer, country, mechanism in _each_transfer(context):
        verified = parse_date(transfer.get("verified"))
        if mechanism not in ("adequacy", "dpf") or verified is None:
            continue
        decision = data.assess(country, mechanism, context.today).decision
        if decision is not None and verified < datetime.date.fromisoformat(decision.date):
            yield Finding(
                transfer.place / "verified",
                f"{noun} {holder.id!r} was verified on {verified.isoformat()}, before the"
                f" adequacy decision it relies on ({data.name(decision.code)}, adopted"
                f" {decision.date}); check it again and record the new date",
            )


@rule("ROPA213", "adequacy-scope-unconfirmed", Severity.WARNING, article="Art. 45(1)")
def adequacy_scope_unconfirmed(context: Context) -> Iterator[Finding]:
    """A transfer relies on a partial adequacy decision, with no date the recipient was checked.

    The recipient must be within the decision's scope.

    Canada's decision covers commercial organisations under PIPEDA, Japan's the private
    sector under the APPI: record under `verified:` when you checked that the recipient is
    covered. (For the US, `dpf` and ROPA208 do the same.)

    Failing:

        transfers:
          - country: CA
            mechanism: adequacy

    Passing:

        transfers:
          - country: CA
            mechanism: adequacy
            verified: 2026-09-01
    """
    data = context.countries
    for noun, holder, transfer, country, mechanism in _each_transfer(context):
        if mechanism != "adequacy" or "verified" in transfer.data:
            continue
        found = data.assess(country, mechanism, context.today)
        if found.adequacy == "partial" and found.decision is not None:
            yield Finding(
                transfer.place / "mechanism",
                f"the adequacy decision for {data.name(found.decision.code)} covers only"
                f" part of it; record under 'verified:' when you confirmed that {noun}"
                f" {holder.id!r} is within its scope: {found.decision.scope}",
            )


@rule("ROPA214", "adequacy-data-unconfirmed", Severity.WARNING, article="Art. 45(1)")
def adequacy_data_unconfirmed(context: Context) -> Iterator[Finding]:
    """A transfer relies on an adequacy decision that ropa's data could not fully confirm.

    The decision's scope, date or expiry could not be confirmed from EUR-Lex or the Official
    Journal.

    The country data lists such fields under `unconfirmed`, with a note on what was seen;
    check the decision on EUR-Lex before relying on it (and record the check under
    `verified:`, which silences this warning).

    Failing:

        transfers:
          - country: BR         # the decision's scope is unconfirmed in the country data
            mechanism: adequacy

    Passing:

        transfers:
          - country: BR
            mechanism: adequacy
            verified: 2026-11-02
    """
    data = context.countries
    for _, _, transfer, country, mechanism in _each_transfer(context):
        if mechanism not in ("adequacy", "dpf") or "verified" in transfer.data:
            continue
        found = data.assess(country, mechanism, context.today)
        decision = found.decision
        if found.problem is None and decision is not None and decision.uncertain:
            fields = ", ".join(f for f in decision.unconfirmed if f not in ("oj", "source"))
            yield Finding(
                transfer.place / "mechanism",
                f"ropa's data on the adequacy decision for {data.name(decision.code)}"
                f" could not confirm its {fields} from EUR-Lex; check {decision.source}"
                " and record the date under 'verified:'",
            )


# Art. 46 and 47 safeguards: the exporter must assess the destination's law and practice
# (Schrems II, C-311/18; SCCs 2021/914 clause 14; EDPB Recommendations 01/2020).
_ARTICLE_46 = frozenset({
    "public_authority_instrument", "bcr", "scc", "scc_m1", "scc_m2", "scc_m3", "scc_m4",
    "sa_scc", "code_of_conduct", "certification", "ad_hoc_clauses", "admin_arrangement",
})  # fmt: skip


@rule("ROPA215", "tia-missing", Severity.WARNING, article="Art. 46(1)")
def tia_missing(context: Context) -> Iterator[Finding]:
    """A transfer under Art. 46 safeguards, where no adequacy decision applies, has no TIA.

    Safeguards hold only if the destination's law lets the importer keep them (Schrems II,
    C-311/18); the SCCs (clause 14) oblige the parties to document that assessment. Link it
    under `tia:`.

    Failing:

        transfers:
          - country: US
            mechanism: scc_m2

    Passing:

        transfers:
          - country: US
            mechanism: scc_m2
            tia: https://intranet.example.com/tia/crm-us
    """
    data = context.countries
    for noun, holder, transfer, country, mechanism in _each_transfer(context):
        if mechanism not in _ARTICLE_46 or "tia" in transfer.data:
            continue
        if not data.is_known(country) or data.in_eea(country):
            continue
        if data.assess(country, "adequacy", context.today).adequacy != "full":
            yield Finding(
                transfer.place / "mechanism",
                f"{noun} {holder.id!r} transfers data to {_label(data, country)} under"
                f" {mechanism}, and no adequacy decision fully covers it; link the transfer"
                " impact assessment under 'tia:'",
            )


@rule("ROPA216", "derogation-condition-undocumented", Severity.WARNING, article="Art. 49(1)")
def derogation_condition_undocumented(context: Context) -> Iterator[Finding]:
    """A transfer relies on an Art. 49(1)(a)-(g) derogation without saying in which situation.

    A derogation holds only in its own situation: explicit consent after being told the
    risks, a contract the person asked for, legal claims... (EDPB Guidelines 2/2018). Say
    when the transfer happens under the transfer's `condition:` (for a recipient, its own
    `condition:`, when data is shared with it, says it too).

    Failing:

        transfers:
          - country: US
            mechanism: art49_explicit_consent

    Passing:

        transfers:
          - country: US
            mechanism: art49_explicit_consent
            condition:
              en: Only when you agree to join a study, after we have told you the risks.
    """
    for noun, holder, transfer, _, mechanism in _each_transfer(context):
        if not mechanism.startswith("art49_") or mechanism == _COMPELLING:
            continue
        # A recipient's own `condition` (when data is shared with it) says it too.
        documented = transfer.data.get("condition") or (
            noun == "recipient" and holder.get("condition")
        )
        if not documented:
            yield Finding(
                transfer.place / "mechanism",
                f"{mechanism} is a derogation for specific situations; say under"
                f" 'condition:' when {noun} {holder.id!r} receives data on it",
            )


@rule("ROPA217", "compelling-interests-undocumented", article="Art. 49(1), 49(6)")
def compelling_interests_undocumented(context: Context) -> Iterator[Finding]:
    """A transfer on compelling legitimate interests without its assessment and safeguards.

    The transfer is the one of Art. 49(1), second subparagraph.

    Art. 49(6) requires the controller to record the assessment and the suitable safeguards
    in the record of processing; write them under `condition:`.

    Failing:

        transfers:
          - country: IN
            mechanism: art49_compelling_legitimate_interests

    Passing:

        transfers:
          - country: IN
            mechanism: art49_compelling_legitimate_interests
            condition:
              en: One transfer of a single file; assessed on 2026-03-01; data encrypted.
    """
    for noun, holder, transfer, _, mechanism in _each_transfer(context):
        if mechanism == _COMPELLING and "condition" not in transfer.data:
            yield Finding(
                transfer.place / "mechanism",
                f"record under 'condition:' the assessment and the suitable safeguards of"
                f" the transfer to {noun} {holder.id!r} (Art. 49(6))",
            )
