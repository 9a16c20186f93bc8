"""Rules about ids and references between the parts of a record."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

from ropa.problem import Severity
from ropa.record import Entity, Place
from ropa.rules import Context, Finding, rule


def _hint(value: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _where(place: Place) -> str:
    from ropa.locate import position

    line, _ = position(place.doc.root, place.path, at_key=True)
    return f"{place.doc.name}:{line}"


def _references(context: Context) -> Iterator[tuple[str, str, Place]]:
    """(catalogue, id, place) for every reference from a register or the controller."""
    record = context.record
    for register in record.registers:
        for place, value in register.items("sources"):
            yield "sources", value, place
        for place, value in register.items("recipients"):
            yield "recipients", value, place
        for use in register.entities("processors"):
            yield "processors", use.get("processor"), use.place / "processor"
        for purpose in register.entities("purposes"):
            if "group" in purpose.data:
                yield "purpose_groups", purpose.get("group"), purpose.place / "group"
        for item in register.entities("personal_data"):
            if "category" in item.data:
                yield "data_categories", item.get("category"), item.place / "category"
            for place, value in item.items("sources"):
                yield "sources", value, place
        for place, value in register.items("joint_controllers"):
            yield "joint_controllers", value, place
    for controller in record.controllers:
        cookies = controller.child("cookies")
        if cookies is not None:
            for place, value in cookies.items("recipients"):
                yield "recipients", value, place


_NOUNS = {
    "processors": "processor",
    "recipients": "recipient",
    "sources": "source",
    "purpose_groups": "purpose group",
    "data_categories": "data category",
}
_REFERENCED = {**_NOUNS, "joint_controllers": "joint controller"}


@rule("ROPA101", "unknown-reference", article="Art. 30(1)")
def unknown_reference(context: Context) -> Iterator[Finding]:
    """A reference names an id that is defined nowhere in the record.

    Registers refer to processors, recipients, sources, purpose groups and data categories by
    id; a typo would silently drop a vendor from the published processor list.

    Failing:

        processors:
          - id: calendly
            ...
        registers:
          - id: customers
            processors:
              - processor: calendy      # no processor has this id

    Passing:

        registers:
          - id: customers
            processors:
              - processor: calendly
    """
    record = context.record
    indexes = {name: record.index(name) for name in _NOUNS}
    controller = record.controller
    indexes["joint_controllers"] = {
        j.id: j for j in (controller.entities("joint_controllers") if controller else ())
    }
    for catalogue, value, place in _references(context):
        if isinstance(value, str) and value not in indexes[catalogue]:
            noun = _REFERENCED[catalogue]
            yield Finding(
                place, f"no {noun} has the id {value!r}{_hint(value, indexes[catalogue])}"
            )
    for register in record.registers:
        items = {item.id for item in register.entities("personal_data")}
        for retention in register.entities("retention"):
            for place, value in retention.items("data"):
                if isinstance(value, str) and value not in items:
                    yield Finding(
                        place,
                        f"the register has no personal data category {value!r}"
                        f"{_hint(value, items)}",
                    )


@rule("ROPA102", "unused-processor", Severity.WARNING, article="Art. 30(1)(d), 28(1)")
def unused_processor(context: Context) -> Iterator[Finding]:
    """A processor is defined but no register uses it.

    An unused vendor is either stale (remove it) or a register forgot to list it (add it
    where it is used), and either way the published processor list would be wrong.

    Failing:

        processors:
          - id: mailchimp
            ...
        registers: []               # no register lists mailchimp

    Passing:

        registers:
          - id: marketing
            processors:
              - processor: mailchimp
                purpose: {en: Newsletters}
    """
    used = {value for catalogue, value, _ in _references(context) if catalogue == "processors"}
    for processor in context.record.catalogues["processors"]:
        if processor.id and processor.id not in used:
            yield Finding(
                processor.place / "id", f"processor {processor.id!r} is not used by any register"
            )


def _duplicates(entities: Iterable[Entity], noun: str) -> Iterator[Finding]:
    first: dict[str, Place] = {}
    for entity in entities:
        if not entity.id:
            continue
        if entity.id in first:
            yield Finding(
                entity.place / "id",
                f"duplicate {noun} id {entity.id!r} (first defined at {_where(first[entity.id])})",
            )
        else:
            first[entity.id] = entity.place / "id"


@rule("ROPA103", "duplicate-id", article="Art. 30(1)")
def duplicate_id(context: Context) -> Iterator[Finding]:
    """Two entries of the same kind share an id.

    Ids are how registers refer to processors, recipients and sources and how changes are
    tracked across versions; a duplicate makes a reference ambiguous. Catalogue ids must be
    unique across all files, and purpose, data subject and personal data ids within a register.

    Failing:

        processors:
          - id: maventa
            ...
          - id: maventa
            ...

    Passing:

        processors:
          - id: maventa
            ...
          - id: visma-sign
            ...
    """
    record = context.record
    for name, noun in _NOUNS.items():
        yield from _duplicates(record.catalogues[name], noun)
    yield from _duplicates(record.registers, "register")
    for controller in record.controllers:
        yield from _duplicates(list(controller.entities("joint_controllers")), "joint controller")
    for register in record.registers:
        for key, noun in (
            ("purposes", "purpose"),
            ("data_subjects", "data subject"),
            ("personal_data", "personal data"),
            ("processing", "processing category"),
        ):
            yield from _duplicates(register.entities(key), noun)
        seen: dict[str, Place] = {}
        for use in register.entities("processors"):
            ref = use.get("processor")
            if isinstance(ref, str):
                if ref in seen:
                    yield Finding(
                        use.place / "processor",
                        f"processor {ref!r} is listed twice in this register "
                        f"(first at {_where(seen[ref])})",
                    )
                else:
                    seen[ref] = use.place / "processor"


@rule("ROPA104", "controller-count", article="Art. 30(1)(a)")
def controller_count(context: Context) -> Iterator[Finding]:
    """The record must have exactly one controller section.

    The controller's name and contact details head every register (Art. 30(1)(a)) and every
    published page; with none there is nobody to contact, with two it is unclear which applies.

    Failing:

        registers:
          - id: customers          # and no file has a controller: section
            ...

    Passing:

        controller:
          name: {en: Example Ltd}
          email: privacy@example.com
          ...
    """
    record = context.record
    if not record.controllers and record.documents:
        doc = record.documents[0]
        yield Finding(Place(doc, ()), "no file of the record has a 'controller:' section")
    for extra in record.controllers[1:]:
        yield Finding(
            extra.place,
            "a second 'controller:' section"
            f" (the first is at {_where(record.controllers[0].place)})",
            at_key=True,
        )


@rule("ROPA110", "no-processing-activities", article="Art. 30(1)")
def no_processing_activities(context: Context) -> Iterator[Finding]:
    """The record has no register: no processing activity at all.

    A record of processing activities lists each processing activity (Art. 30(1)); one with
    none describes nothing, and the privacy policy rendered from it would tell people nothing
    of what is done with their data. Add a register under `registers:`.

    Failing:

        controller:
          name: {en: Example Ltd}
          ...
        registers: []

    Passing:

        registers:
          - id: customers
            ...
    """
    record = context.record
    if record.registers or not record.documents:
        return
    # At an empty 'registers:' where there is one, else at the controller section.
    for doc in record.documents:
        if isinstance(doc.data, dict) and "registers" in doc.data:
            yield Finding(Place(doc, ("registers",)), _NO_ACTIVITIES, at_key=True)
            return
    place = record.controllers[0].place if record.controllers else Place(record.documents[0], ())
    yield Finding(place, _NO_ACTIVITIES, at_key=bool(record.controllers))


_NO_ACTIVITIES = (
    "the record has no processing activities: add at least one register under 'registers:'"
)


@rule("ROPA106", "dpa-unsigned", Severity.WARNING, article="Art. 28(3)")
def dpa_unsigned(context: Context) -> Iterator[Finding]:
    """A processor in use without a signed data processing agreement.

    Art. 28(3) GDPR: processing by a processor is governed by a contract (or other legal act)
    that binds it to the controller. `dpa: {signed: false}` records that there is none yet.

    Failing:

        processors:
          - id: mailer
            dpa: {signed: false}

    Passing:

        processors:
          - id: mailer
            dpa: {signed: true, date: 2026-03-01}
    """
    used = context.record.processor_uses
    for processor in context.record.catalogues["processors"]:
        dpa = processor.get("dpa")
        if isinstance(dpa, dict) and dpa.get("signed") is False:
            where = "used by a register" if used.get(processor.id) else "listed"
            yield Finding(
                processor.place / "dpa" / "signed",
                f"{processor.id!r} is {where} without a signed data processing agreement"
                " (Art. 28(3)); sign one before it processes personal data",
            )


@rule("ROPA107", "dpa-undated", Severity.WARNING, article="Art. 28(3), 28(9)")
def dpa_undated(context: Context) -> Iterator[Finding]:
    """A signed data processing agreement without the date it was signed.

    The contract must be in writing (Art. 28(9)) and in place before the processor starts;
    its date is what an auditor checks first, and what tells you when to review it.

    Failing:

        processors:
          - id: mailer
            dpa: {signed: true}

    Passing:

        processors:
          - id: mailer
            dpa: {signed: true, date: 2026-03-01}
    """
    for processor in context.record.catalogues["processors"]:
        dpa = processor.get("dpa")
        if isinstance(dpa, dict) and dpa.get("signed") is True and not dpa.get("date"):
            yield Finding(
                processor.place / "dpa" / "signed",
                f"record when the data processing agreement with {processor.id!r} was signed"
                " under 'dpa: {date: YYYY-MM-DD}'",
            )


def _controller_country(context: Context) -> tuple[str | None, Place | None]:
    """The controller's country (`country`, else its address's) and where it is written."""
    controller = context.record.controller
    if controller is None:
        return None, None
    if isinstance(controller.get("country"), str):
        return controller.get("country"), controller.place / "country"
    address = controller.child("address")
    if address is not None and isinstance(address.get("country"), str):
        return address.get("country"), address.place / "country"
    return None, None


@rule("ROPA108", "authority-country-mismatch", Severity.WARNING, article="Art. 55, 56, 77")
def authority_country_mismatch(context: Context) -> Iterator[Finding]:
    """The supervisory authority is not the one of the controller's country.

    The notice names the authority a person can complain to; for a controller established in
    one member state that is, as a rule, that state's authority (the lead authority under
    Art. 56 for cross-border processing). A Finnish company naming the Swedish authority is
    usually a copy-paste slip; if your main establishment is elsewhere, say so in an
    internal note and ignore this warning.

    Failing:

        controller:
          country: FI
          supervisory_authority: {name: Integritetsskyddsmyndigheten, country: SE}

    Passing:

        controller:
          country: FI
          supervisory_authority: {name: Tietosuojavaltuutetun toimisto, country: FI}
    """
    data = context.countries
    country, _ = _controller_country(context)
    controller = context.record.controller
    authority = controller.child("supervisory_authority") if controller else None
    if country is None or authority is None or not data.in_eea(country):
        return
    named = authority.get("country")
    if isinstance(named, str) and data.canonical(named) != data.canonical(country):
        yield Finding(
            authority.place / "country",
            f"the controller is in {data.name(country)} ({country}) but the supervisory"
            f" authority named is in {data.name(named)} ({named}); name the authority of"
            " your main establishment",
        )


@rule("ROPA109", "representative-inconsistent", Severity.WARNING, article="Art. 27")
def representative_inconsistent(context: Context) -> Iterator[Finding]:
    """The Art. 27 representative does not fit the controller's country.

    A controller established outside the EU/EEA that offers goods or services to people in
    the EU, or monitors them, designates a representative in a member state (Art. 27(1),
    27(3)); one established inside needs none.

    Failing:

        controller:
          country: US
          # no representative

    Passing:

        controller:
          country: US
          representative:
            name: Example EU Representative Ltd
            address: {street: 1 Main St, city: Dublin, country: IE}
    """
    data = context.countries
    country, place = _controller_country(context)
    controller = context.record.controller
    if controller is None or country is None or place is None or not data.is_known(country):
        return
    representative = controller.child("representative")
    if data.in_eea(country):
        if representative is not None:
            yield Finding(
                representative.place,
                f"the controller is established in {data.name(country)} ({country}), inside the"
                " EU/EEA,"
                " and needs no Art. 27 representative; remove 'representative:'",
                at_key=True,
            )
        return
    if representative is None:
        yield Finding(
            place,
            f"the controller is established in {data.name(country)} ({country}), outside the"
            " EU/EEA;"
            " name its representative in the EU under 'representative:' (Art. 27), unless"
            " an Art. 27(2) exception applies",
        )
        return
    address = representative.child("address")
    where = address.get("country") if address is not None else None
    if isinstance(where, str) and data.is_known(where) and not data.in_eea(where):
        assert address is not None
        yield Finding(
            address.place / "country",
            f"the representative must be established in a member state (Art. 27(3)), not in"
            f" {data.name(where)} ({where})",
        )
