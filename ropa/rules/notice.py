"""Rules about what the public notice needs to say (Art. 13, 14, 26) and what the record must
not contradict. A missing item is reported here, where it belongs; the page never fills it in."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.problem import Severity
from ropa.record import Entity
from ropa.rules import Context, Finding, rule
from ropa.rules.facts import bases, special_data, special_kind


@rule("ROPA304", "special-category-contradiction", article="Art. 9(1)")
def special_category_contradiction(context: Context) -> Iterator[Finding]:
    """A register or the controller says it has no special category data, and has some.

    `special_category_data: false` puts a statement on the page that no such data is
    processed; the record's own items say otherwise.

    Failing:

        registers:
          - id: staff
            special_category_data: false
            personal_data:
              - {id: sick-leave, name: {en: Sick leave}, special_category: health}

    Passing:

        registers:
          - id: staff
            personal_data:
              - {id: sick-leave, name: {en: Sick leave}, special_category: health}
    """
    published_special = []
    for register in context.record.registers:
        found = special_data(context, register)
        if found and register.get("publish", True) is not False:
            published_special.append((register, found))
        if register.get("special_category_data") is False and found:
            item, kind = found[0]
            yield Finding(
                register.place / "special_category_data",
                f"says the register holds no special category data, but {item.id!r} is"
                f" {special_kind(kind)}; remove 'special_category_data: false'",
                at_key=True,
            )
    controller = context.record.controller
    if controller is not None and controller.get("special_category_data") is False:
        for register, found in published_special[:1]:
            item, kind = found[0]
            yield Finding(
                controller.place / "special_category_data",
                f"says no special category data is processed, but {item.id!r} of register"
                f" {register.id!r} is {special_kind(kind)}; remove 'special_category_data:"
                " false'",
                at_key=True,
            )


@rule("ROPA305", "legal-basis-law-missing", Severity.WARNING, article="Art. 6(3), 13(1)(c)")
def legal_basis_law_missing(context: Context) -> Iterator[Finding]:
    """A purpose rests on a legal obligation or a public task but does not name the law.

    Art. 6(3) requires both to be laid down in Union or member-state law; the notice names
    it so the reader can check.

    Failing:

        legal_bases:
          - basis: legal_obligation

    Passing:

        legal_bases:
          - basis: legal_obligation
            law: {en: Accounting Act (1336/1997)}
    """
    words = {"legal_obligation": "a legal obligation", "public_task": "a public task"}
    for _, purpose, basis in bases(context):
        kind = basis.get("basis")
        if kind in words and not basis.get("law"):
            yield Finding(
                basis.place / "basis",
                f"purpose {purpose.id!r} rests on {words[kind]}; name the law under 'law:'",
            )


@rule("ROPA306", "provision-requirement-unstated", Severity.WARNING, article="Art. 13(2)(e)")
def provision_requirement_unstated(context: Context) -> Iterator[Finding]:
    """Data collected from the data subject, but no word on whether it must be provided.

    Art. 13(2)(e): the notice says whether providing the data is a statutory or contractual
    requirement or needed for a contract, and what follows if it is not provided.

    Failing:

        sources:
          - {id: you, kind: data_subject, name: {en: Directly from you}}
        registers:
          - id: applicants
            sources: [you]
            purposes:
              - id: hiring
                legal_bases: [{basis: contract}]

    Passing:

            purposes:
              - id: hiring
                legal_bases: [{basis: contract}]
                provision:
                  requirement: contract_prerequisite
                  consequences: {en: Without a CV we cannot consider your application.}
    """
    sources = context.record.index("sources")
    for register in context.record.registers:
        if register.get("role") != "controller" or register.get("publish", True) is False:
            continue
        direct = any(
            sources[s].get("kind") == "data_subject"
            for s in register.get("sources") or []
            if isinstance(s, str) and s in sources
        )
        purposes = list(register.entities("purposes"))
        if direct and purposes and not any(p.get("provision") for p in purposes):
            yield Finding(
                register.place / "purposes",
                f"register {register.id!r} collects data from the data subject; say under"
                " 'provision:' of its purposes whether providing the data is required"
                " (statutory, contractual, contract_prerequisite or voluntary)",
                at_key=True,
            )


@rule("ROPA307", "automated-decisions-unstated", Severity.WARNING, article="Art. 13(2)(f), 22")
def automated_decisions_unstated(context: Context) -> Iterator[Finding]:
    """A register profiles people but does not say whether automated decisions are made.

    Art. 13(2)(f), 22: the notice says whether decisions based solely on automated
    processing, with legal or similarly significant effects, are made.

    The page makes no statement about automated decisions that nobody wrote down.

    Failing:

        profiling:
          data: {en: Pages visited}
          logic: {en: Interest segments from page visits}
          purpose: {en: Targeted newsletters}

    Passing:

        profiling:
          ...
        automated_decisions:
          used: false
    """
    for register in context.record.registers:
        if register.get("profiling") and "automated_decisions" not in register.data:
            yield Finding(
                register.place / "profiling",
                f"register {register.id!r} profiles people; state whether decisions based"
                " solely on automated processing are made: 'automated_decisions: {used:"
                " false}' or, with their logic and significance, 'used: true'",
                at_key=True,
            )


@rule("ROPA105", "joint-controller-unlinked", Severity.WARNING, article="Art. 26(2)")
def joint_controller_unlinked(context: Context) -> Iterator[Finding]:
    """A joint controller that no register names in `joint_controllers`.

    A joint controller is shown, and exported, only with the registers it is joint for.

    Failing:

        controller:
          joint_controllers:
            - {id: region, name: Region Norr}

    Passing:

        registers:
          - id: care
            joint_controllers: [region]
    """
    controller = context.record.controller
    if controller is None:
        return
    linked = {ref for r in context.record.registers for ref in r.get("joint_controllers") or []}
    for joint in controller.entities("joint_controllers"):
        if joint.id and joint.id not in linked:
            yield Finding(
                joint.place / "id",
                f"joint controller {joint.id!r} is linked to no register; add"
                f" 'joint_controllers: [{joint.id}]' to the registers it is joint for",
            )


@rule("ROPA309", "automated-decision-exception-missing", article="Art. 22(2), 22(3)")
def automated_decision_exception_missing(context: Context) -> Iterator[Finding]:
    """Solely automated decisions without their Art. 22(2) exception or Art. 22(3) safeguards.

    The decisions are those with legal or similarly significant effects.

    Such decisions are prohibited unless necessary for a contract, authorised by law, or
    based on explicit consent (`exception:`); under a contract or consent the person must be
    able to obtain human intervention and contest the decision (`safeguards:`); under a law,
    name it (`law:`).

    Failing:

        automated_decisions:
          used: true
          logic: {en: A score from payment history sets the credit limit.}
          significance: {en: A low score means a lower limit.}

    Passing:

        automated_decisions:
          used: true
          logic: {en: A score from payment history sets the credit limit.}
          significance: {en: A low score means a lower limit.}
          exception: contract
          safeguards: {en: Write to us and a person reviews the decision.}
    """
    for register in context.record.registers:
        decisions = register.child("automated_decisions")
        if decisions is None or decisions.get("used") is not True:
            continue
        exception = decisions.get("exception")
        if exception == "law" and not decisions.get("law"):
            yield Finding(
                decisions.place / "exception",
                "name under 'law:' the Union or member-state law that authorises the decisions"
                " (Art. 22(2)(b))",
            )
        elif exception is None:
            yield Finding(
                decisions.place / "used",
                f"register {register.id!r} makes solely automated decisions; name the Art. 22(2)"
                " exception under 'exception:' (contract, law or explicit_consent)",
            )
        elif exception in ("contract", "explicit_consent") and not decisions.get("safeguards"):
            yield Finding(
                decisions.place / "exception",
                f"decisions under {exception} need safeguards (Art. 22(3)): say under"
                " 'safeguards:' how a person obtains human intervention and contests them",
            )


@rule("ROPA310", "child-consent-age-missing", Severity.WARNING, article="Art. 8(1)")
def child_consent_age_missing(context: Context) -> Iterator[Finding]:
    """Consent from data subjects who include children, without the Art. 8 age of consent.

    Art. 8(1): for an information society service offered directly to a child, consent is
    valid from 16, or from the lower age (not below 13) that member-state law sets; record
    it under `child_consent_age:`.

    Failing:

        data_subjects:
          - {id: players, name: {en: Players}, children: true}
        purposes:
          - {id: newsletter, name: {en: Newsletter}, legal_bases: [{basis: consent}]}

    Passing:

        child_consent_age: 13
        data_subjects:
          - {id: players, name: {en: Players}, children: true}
    """
    for register in context.record.registers:
        children = [s for s in register.entities("data_subjects") if s.get("children") is True]
        consent = any(b.get("basis") == "consent" for _, _, b in bases(context, [register]))
        if children and consent and register.get("child_consent_age") is None:
            yield Finding(
                children[0].place / "children",
                f"register {register.id!r} relies on consent and its data subjects include"
                " children; give the Art. 8 age of consent under 'child_consent_age:'",
            )


@rule(
    "ROPA313", "automated-decisions-about-children", Severity.WARNING, article="Art. 22, Recital 71"
)
def automated_decisions_about_children(context: Context) -> Iterator[Finding]:
    """Solely automated decisions in a register whose data subjects include children.

    Recital 71: such decisions "should not concern a child". Where they do, the record
    says why under `children_note:` (never published), and the page must explain them in
    words a child understands (Art. 12(1)).

    Failing:

        data_subjects:
          - {id: pupils, name: {en: Pupils}, children: true}
        automated_decisions:
          used: true

    Passing:

        data_subjects:
          - {id: pupils, name: {en: Pupils}, children: true}
        automated_decisions:
          used: false
    """
    for register in context.record.registers:
        decisions = register.child("automated_decisions")
        if decisions is None or decisions.get("used") is not True:
            continue
        children = [s for s in register.entities("data_subjects") if s.get("children") is True]
        if children and not decisions.get("children_note"):
            yield Finding(
                decisions.place / "used",
                f"register {register.id!r} makes solely automated decisions and its data"
                f" subjects include children ({children[0].id!r}); Recital 71 says such"
                " decisions should not concern a child: have a person take them, or say why"
                " under 'children_note:'",
            )


def risk_markers(context: Context, register: Entity) -> list[str]:
    """The EDPB high-risk criteria (WP248 rev.01) the register meets: those the record shows
    by itself, then those declared under `risk_criteria`."""
    found = []
    if register.get("profiling"):
        found.append("evaluation or scoring (profiling)")
    decisions = register.get("automated_decisions") or {}
    if decisions.get("used") is True:
        found.append("automated decisions with legal or similar effect")
    if special_data(context, register):
        found.append("special category or criminal-offence data")
    if any(s.get("children") is True for s in register.entities("data_subjects")):
        found.append("vulnerable data subjects (children)")
    for criterion in register.get("risk_criteria") or []:
        label = str(criterion).replace("_", " ")
        if criterion == "vulnerable_subjects" and any("vulnerable" in f for f in found):
            continue
        found.append(label)
    return found


@rule("ROPA311", "dpia-missing", Severity.WARNING, article="Art. 35(1), 35(3)")
def dpia_missing(context: Context) -> Iterator[Finding]:
    """A register meets two or more high-risk criteria but records no DPIA, nor why none is due.

    The EDPB (WP248 rev.01) expects a data protection impact assessment where processing
    meets two or more of its criteria: evaluation or scoring, automated decisions with
    legal or similar effect, systematic monitoring, special category data, large scale,
    matching datasets, vulnerable data subjects, new technology, processing that prevents
    people from exercising a right. ropa sees some in the record; declare the others under
    `risk_criteria:`.

    Failing:

        registers:
          - id: telecare
            risk_criteria: [large_scale]
            personal_data:
              - {id: pulse, name: {en: Heart rate}, special_category: health}

    Passing:

        registers:
          - id: telecare
            risk_criteria: [large_scale]
            dpia: {date: 2026-04-01, reference: DPIA-2026-04}
    """
    for register in context.record.registers:
        if register.get("dpia"):
            continue
        markers = risk_markers(context, register)
        if len(markers) >= 2:
            yield Finding(
                register.place / "id",
                f"register {register.id!r} meets {len(markers)} high-risk criteria"
                f" ({'; '.join(markers)}); record the DPIA under 'dpia:' (date and"
                " reference), or 'dpia: {required: false, reason: ...}'",
            )


@rule("ROPA312", "purpose-newer-than-notice", Severity.WARNING, article="Art. 13(3)")
def purpose_newer_than_notice(context: Context) -> Iterator[Finding]:
    """A purpose was added after the policy was last updated.

    People must be told before their data is used for a new purpose (Art. 13(3)); a purpose
    whose `added:` date is later than `policy.last_updated` is not yet in the published
    notice. Update the policy and its date.

    Failing:

        policy: {last_updated: 2026-01-10}
        purposes:
          - {id: ads, added: 2026-05-01}

    Passing:

        policy: {last_updated: 2026-05-02}
    """
    controller = context.record.controller
    policy = controller.child("policy") if controller is not None else None
    updated = policy.get("last_updated") if policy is not None else None
    if not isinstance(updated, str):
        return
    for register in context.record.registers:
        if register.get("publish") is False:
            continue
        for purpose in register.entities("purposes"):
            added = purpose.get("added")
            if isinstance(added, str) and added > updated:
                yield Finding(
                    purpose.place / "added",
                    f"purpose {purpose.id!r} was added on {added}, after the policy's last update"
                    f" ({updated}); update the notice and policy.last_updated before using it",
                )
