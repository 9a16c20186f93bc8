"""Rules about legal bases, special category data and retention."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.problem import Severity
from ropa.rules import Context, Finding, rule
from ropa.rules.facts import bases, controller_registers, special_data, special_kind


@rule("ROPA301", "legitimate-interest-unstated", article="Art. 6(1)(f), 13(1)(d)")
def legitimate_interest_unstated(context: Context) -> Iterator[Finding]:
    """A purpose relies on legitimate interests without stating the interest.

    Art. 13(1)(d) and 14(2)(b) require the policy to say which legitimate interest is pursued.

    Failing:

        legal_bases:
          - basis: legitimate_interests

    Passing:

        legal_bases:
          - basis: legitimate_interests
            interest: {en: Keeping our services secure}
    """
    for _, purpose, basis in bases(context):
        if basis.get("basis") == "legitimate_interests" and "interest" not in basis.data:
            yield Finding(
                basis.place / "basis",
                f"purpose {purpose.id!r} relies on legitimate interests; state the interest"
                " under 'interest:'",
            )


@rule("ROPA302", "consent-withdrawal-missing", article="Art. 7(3), 13(2)(c)")
def consent_withdrawal_missing(context: Context) -> Iterator[Finding]:
    """A purpose relies on consent without saying how to withdraw it.

    Art. 7(3): withdrawing consent must be as easy as giving it, and Art. 13(2)(c) requires
    telling people they can withdraw at any time.

    Failing:

        legal_bases:
          - basis: consent

    Passing:

        legal_bases:
          - basis: consent
            withdrawal:
              - kind: unsubscribe_link
    """
    for _, purpose, basis in bases(context):
        if basis.get("basis") == "consent" and "withdrawal" not in basis.data:
            yield Finding(
                basis.place / "basis",
                f"purpose {purpose.id!r} relies on consent; say how to withdraw it under"
                " 'withdrawal:'",
            )


# The conditions that lift the Art. 9(1) prohibition, and the grounds Art. 10 allows for data
# on criminal convictions and offences: neither list stands in for the other.
_ART9 = frozenset({
    "explicit_consent", "employment_social_security", "vital_interests_incapable",
    "not_for_profit_body", "made_public_by_subject", "legal_claims",
    "substantial_public_interest", "health_social_care", "public_health",
    "archiving_research_statistics",
})  # fmt: skip
_ART10 = frozenset({"national_law_art10", "official_authority_art10"})


@rule("ROPA303", "special-category-condition-missing", article="Art. 9(2), 10")
def special_category_condition_missing(context: Context) -> Iterator[Finding]:
    """Special category or criminal-offence data without a condition that allows its kind.

    Health, religion, biometric and other Art. 9(1) data may be processed only under an
    Art. 9(2) condition; data on criminal convictions and offences only under the control of
    official authority or under Union or member-state law (Art. 10). Consent alone is no
    ground for criminal-offence data (a national law that allows it with consent, such as the
    Dutch UAVG art. 33, is `national_law_art10`), and a national Art. 10 law is no condition
    for health data.

    Failing:

        personal_data:
          - {id: background, name: {en: Criminal record}, special_category: criminal_convictions}
        purposes:
          - id: vetting
            legal_bases: [{basis: consent}]
            special_category_condition: explicit_consent

    Passing:

        purposes:
          - id: vetting
            legal_bases: [{basis: legal_obligation, law: {en: Act on Background Checks}}]
            special_category_condition: national_law_art10
    """
    for register in context.record.registers:
        conditions = {
            purpose.get("special_category_condition")
            for purpose in register.entities("purposes")
            if purpose.get("special_category_condition")
        }
        for item, special in special_data(context, register):
            criminal = special == "criminal_convictions"
            valid = _ART10 if criminal else _ART9
            if conditions & valid:
                continue
            wrong = ", ".join(sorted(str(c) for c in conditions))
            if criminal:
                need = (
                    "name its Art. 10 ground under 'special_category_condition:':"
                    " official_authority_art10, or national_law_art10 for a Union or national law"
                    " that allows it (also where that law allows it with consent)"
                )
            else:
                need = (
                    "a purpose of the register must name its Art. 9(2) condition under"
                    " 'special_category_condition:'"
                )
            found = f"; {wrong} does not allow it" if wrong else ""
            yield Finding(
                item.place / "id",
                f"{item.id!r} is {special_kind(special)} in register {register.id!r}{found};"
                f" {need}",
            )


_RIGHTS_ALWAYS = ("access", "rectification", "erasure", "restriction", "complaint")


@rule("ROPA308", "rights-missing", article="Art. 13(2)(b), 13(2)(d), 15-21, 77")
def rights_missing(context: Context) -> Iterator[Finding]:
    """The policy leaves out a right that the record's legal bases give people.

    Every notice names the rights of access, rectification, erasure and restriction and the
    right to complain to a supervisory authority (Art. 13(2)(b), (d)); the right to object
    where a purpose rests on legitimate interests or a public task (Art. 21); data
    portability where it rests on consent or a contract (Art. 20). A right may be listed
    under `available` or `where_applicable`. (Withdrawing consent is ROPA302.)

    Failing:

        rights:
          available: [access]

    Passing:

        rights:
          available: [access, rectification, erasure, restriction, complaint]
          where_applicable: [objection, portability]
    """
    controller = context.record.controller
    rights = controller.child("rights") if controller is not None else None
    if controller is None or rights is None:
        return
    listed = set(rights.get("available") or []) | set(rights.get("where_applicable") or [])
    needed: dict[str, str] = {}
    for _, purpose, basis in bases(context, controller_registers(context)):
        kind = basis.get("basis")
        if kind in ("legitimate_interests", "public_task"):
            needed.setdefault("objection", f"purpose {purpose.id!r} rests on {kind}")
        if kind in ("consent", "contract"):
            needed.setdefault("portability", f"purpose {purpose.id!r} rests on {kind}")
    always = [right for right in _RIGHTS_ALWAYS if right not in listed]
    because = [f"{right!r} ({why})" for right, why in needed.items() if right not in listed]
    if always or because:
        parts = ([f"{', '.join(repr(r) for r in always)} (every notice states them)"] if always
                 else []) + because  # fmt: skip
        yield Finding(
            rights.place / "available",
            f"rights missing: {'; '.join(parts)}; add them under 'available:' or"
            " 'where_applicable:'",
            at_key=True,
        )


@rule("ROPA401", "retention-missing", article="Art. 30(1)(f), 13(2)(a)")
def retention_missing(context: Context) -> Iterator[Finding]:
    """A controller register does not say how long data is kept.

    Art. 30(1)(f) asks for the time limits for erasure and Art. 13(2)(a) requires the policy
    to state the period or the criteria for it. Each retention rule needs `until:` (an
    event) or `period:` with `unit:` and `after:`.

    Failing:

        registers:
          - id: recruitment
            role: controller
            # no retention

    Passing:

        retention:
          - period: 6
            unit: months
            after: application_deadline
    """
    for register in controller_registers(context):
        if not register.get("retention"):
            yield Finding(
                register.place / "id",
                f"register {register.id!r} has no retention: add when its data is erased",
            )
            continue
        for item in register.entities("retention"):
            if "until" not in item.data and "period" not in item.data:
                yield Finding(
                    item.place,
                    "a retention rule needs 'until:' or 'period:' (with 'unit:' and 'after:')",
                )


# Retention that names no period and no criterion: Art. 13(2)(a) asks for one or the other.
_VAGUE = frozenset({"purpose_fulfilled"})


@rule("ROPA402", "retention-criteria-missing", Severity.WARNING, article="Art. 13(2)(a)")
def retention_criteria_missing(context: Context) -> Iterator[Finding]:
    """A retention rule says only "as long as necessary", with no period and no criteria.

    Art. 13(2)(a) asks for the period or, where that is not possible, the criteria used to
    determine it (the ICO and EDPB: "as long as necessary" is neither). Add a typical or
    maximum period, the law that sets it, or a note with the criteria.

    Failing:

        retention:
          - until: purpose_fulfilled

    Passing:

        retention:
          - until: purpose_fulfilled
            note: {en: "We erase a lead when sales closes it, at the latest after 24 months."}
    """
    holders = [(f"register {r.id!r}", r) for r in controller_registers(context)]
    if context.record.controller is not None:
        holders.insert(0, ("the controller", context.record.controller))
    for who, holder in holders:
        for item in holder.entities("retention"):
            if item.get("until") not in _VAGUE:
                continue
            if any(key in item.data for key in ("period", "note", "law")):
                continue
            yield Finding(
                item.place / "until",
                f"{who} keeps data 'as long as necessary' with no period or criteria; add"
                " 'period:', 'law:' or a 'note:' with the criteria",
            )
