"""Rules about legal bases, special category data and retention."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.record import Entity
from ropa.rules import Context, Finding, rule


def _bases(context: Context) -> Iterator[tuple[Entity, Entity]]:
    """(purpose, legal basis) for every basis of every purpose."""
    for register in context.record.registers:
        for purpose in register.entities("purposes"):
            for basis in purpose.entities("legal_bases"):
                yield purpose, basis


def _controller_registers(context: Context) -> Iterator[Entity]:
    for register in context.record.registers:
        if register.get("role") == "controller":
            yield register


@rule("ROPA301", "legitimate-interest-unstated")
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
    for purpose, basis in _bases(context):
        if basis.get("basis") == "legitimate_interests" and "interest" not in basis.data:
            yield Finding(
                basis.place / "basis",
                f"purpose {purpose.id!r} relies on legitimate interests; state the interest"
                " under 'interest:'",
            )


@rule("ROPA302", "consent-withdrawal-missing")
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
    for purpose, basis in _bases(context):
        if basis.get("basis") == "consent" and "withdrawal" not in basis.data:
            yield Finding(
                basis.place / "basis",
                f"purpose {purpose.id!r} relies on consent; say how to withdraw it under"
                " 'withdrawal:'",
            )


@rule("ROPA303", "special-category-condition-missing")
def special_category_condition_missing(context: Context) -> Iterator[Finding]:
    """A register holds special category data but no purpose names an Art. 9 condition.

    Health, religion, biometric and other Art. 9(1) data (and criminal-offence data, Art. 10)
    may be processed only under an Art. 9(2) condition in addition to an Art. 6 basis.

    Failing:

        personal_data:
          - id: health
            name: {en: Sick leave}
            special_category: health
        purposes:
          - id: payroll
            legal_bases: [{basis: legal_obligation}]

    Passing:

        purposes:
          - id: payroll
            legal_bases: [{basis: legal_obligation}]
            special_category_condition: employment_social_security
    """
    categories = context.record.index("data_categories")
    for register in context.record.registers:
        has_condition = any(
            "special_category_condition" in purpose.data
            for purpose in register.entities("purposes")
        )
        if has_condition:
            continue
        for item in register.entities("personal_data"):
            special = item.get("special_category")
            general = categories.get(item.get("category") or "")
            if special is None and general is not None:
                special = general.get("special_category")
            if special is not None:
                yield Finding(
                    item.place / "id",
                    f"{item.id!r} is special category data ({special}); a purpose of register"
                    f" {register.id!r} must name its Art. 9(2) condition under"
                    " 'special_category_condition:'",
                )


@rule("ROPA401", "retention-missing")
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
    for register in _controller_registers(context):
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
