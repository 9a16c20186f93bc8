"""Rules about what the public notice needs to say (Art. 13, 14, 26) and what the record must
not contradict. A missing item is reported here, where it belongs; the page never fills it in."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.problem import Severity
from ropa.record import Entity
from ropa.rules import Context, Finding, rule


def _special(context: Context, register: Entity) -> list[tuple[Entity, str]]:
    categories = context.record.index("data_categories")
    found = []
    for item in register.entities("personal_data"):
        kind = item.get("special_category")
        general = categories.get(item.get("category") or "")
        if kind is None and general is not None:
            kind = general.get("special_category")
        if kind:
            found.append((item, kind))
    return found


@rule("ROPA304", "special-category-contradiction")
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
        found = _special(context, register)
        if found and register.get("publish", True) is not False:
            published_special.append((register, found))
        if register.get("special_category_data") is False and found:
            item, kind = found[0]
            yield Finding(
                register.place / "special_category_data",
                f"says the register holds no special category data, but {item.id!r} is special"
                f" category data ({kind}); remove 'special_category_data: false'",
                at_key=True,
            )
    controller = context.record.controller
    if controller is not None and controller.get("special_category_data") is False:
        for register, found in published_special[:1]:
            item, kind = found[0]
            yield Finding(
                controller.place / "special_category_data",
                f"says no special category data is processed, but {item.id!r} of register"
                f" {register.id!r} is special category data ({kind}); remove"
                " 'special_category_data: false'",
                at_key=True,
            )


@rule("ROPA305", "legal-obligation-law-missing", Severity.WARNING)
def legal_obligation_law_missing(context: Context) -> Iterator[Finding]:
    """A purpose rests on a legal obligation but does not name the law.

    Art. 6(3) requires the obligation to be laid down in Union or member-state law; the
    notice names it so the reader can check.

    Failing:

        legal_bases:
          - basis: legal_obligation

    Passing:

        legal_bases:
          - basis: legal_obligation
            law: {en: Accounting Act (1336/1997)}
    """
    for register in context.record.registers:
        for purpose in register.entities("purposes"):
            for basis in purpose.entities("legal_bases"):
                if basis.get("basis") == "legal_obligation" and not basis.get("law"):
                    yield Finding(
                        basis.place / "basis",
                        f"purpose {purpose.id!r} rests on a legal obligation; name the law"
                        " under 'law:'",
                    )


@rule("ROPA306", "provision-requirement-unstated", Severity.WARNING)
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


@rule("ROPA307", "automated-decisions-unstated", Severity.WARNING)
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


@rule("ROPA105", "joint-controller-unlinked", Severity.WARNING)
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
