"""The record in the W3C Data Privacy Vocabulary (DPV 2.x), as JSON-LD.

Other privacy tools read DPV; docs/dpv.md lists which DPV concept each field maps to. The
@context is embedded (nothing is fetched), and every node has a stable IRI built from the
record's ids, so the same record gives the same graph.
"""

from __future__ import annotations

import json
from typing import Any

from ropa.countries import CountryData
from ropa.record import Entity, Record

DPV = "https://w3id.org/dpv#"
GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LOC = "https://w3id.org/dpv/loc#"
BASE = "urn:ropa:"

CONTEXT: dict[str, Any] = {
    "dpv": DPV,
    "eu-gdpr": GDPR,
    "loc": LOC,
    "dct": "http://purl.org/dc/terms/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "label": {"@id": "rdfs:label", "@container": "@language"},
    "name": "dpv:hasName",
    "description": {"@id": "dct:description", "@container": "@language"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "controller": {"@id": "dpv:hasDataController", "@type": "@id"},
    "processor": {"@id": "dpv:hasDataProcessor", "@type": "@id"},
    "purpose": {"@id": "dpv:hasPurpose", "@type": "@id"},
    "legalBasis": {"@id": "dpv:hasLegalBasis", "@type": "@id"},
    "personalData": {"@id": "dpv:hasPersonalData", "@type": "@id"},
    "dataSubject": {"@id": "dpv:hasDataSubject", "@type": "@id"},
    "recipient": {"@id": "dpv:hasRecipient", "@type": "@id"},
    "source": {"@id": "dpv:hasDataSource", "@type": "@id"},
    "country": {"@id": "dpv:hasCountry", "@type": "@id"},
    "storage": {"@id": "dpv:hasStorageCondition", "@type": "@id"},
    "duration": "dpv:hasDuration",
    "measure": {"@id": "dpv:hasTechnicalOrganisationalMeasure", "@type": "@id"},
    "contact": "dpv:hasContact",
}

# Art. 6(1) bases, Chapter V mechanisms and Art. 9(2) conditions as DPV-GDPR concepts.
LEGAL_BASES = {
    "consent": "eu-gdpr:A6-1-a",
    "contract": "eu-gdpr:A6-1-b",
    "legal_obligation": "eu-gdpr:A6-1-c",
    "vital_interests": "eu-gdpr:A6-1-d",
    "public_task": "eu-gdpr:A6-1-e",
    "legitimate_interests": "eu-gdpr:A6-1-f",
}
MECHANISMS = {
    "adequacy": "eu-gdpr:A45-3",
    "dpf": "eu-gdpr:A45-3",
    "public_authority_instrument": "eu-gdpr:A46-2-a",
    "bcr": "eu-gdpr:A46-2-b",
    "scc_m1": "eu-gdpr:SCCs-C2C",
    "scc_m2": "eu-gdpr:SCCs-C2P",
    "scc_m3": "eu-gdpr:SCCs-P2P",
    "scc_m4": "eu-gdpr:SCCs-P2C",
    "sa_scc": "eu-gdpr:A46-2-d",
    "code_of_conduct": "eu-gdpr:A46-2-e",
    "certification": "eu-gdpr:A46-2-f",
    "ad_hoc_clauses": "eu-gdpr:A46-3-a",
    "admin_arrangement": "eu-gdpr:A46-3-b",
    "art49_explicit_consent": "eu-gdpr:A49-1-a",
    "art49_contract_with_subject": "eu-gdpr:A49-1-b",
    "art49_contract_in_subject_interest": "eu-gdpr:A49-1-c",
    "art49_public_interest": "eu-gdpr:A49-1-d",
    "art49_legal_claims": "eu-gdpr:A49-1-e",
    "art49_vital_interests": "eu-gdpr:A49-1-f",
    "art49_public_register": "eu-gdpr:A49-1-g",
    "art49_compelling_legitimate_interests": "eu-gdpr:A49-2",
}
ART9 = {
    "explicit_consent": "eu-gdpr:A9-2-a",
    "employment_social_security": "eu-gdpr:A9-2-b",
    "vital_interests_incapable": "eu-gdpr:A9-2-c",
    "not_for_profit_body": "eu-gdpr:A9-2-d",
    "made_public_by_subject": "eu-gdpr:A9-2-e",
    "legal_claims": "eu-gdpr:A9-2-f",
    "substantial_public_interest": "eu-gdpr:A9-2-g",
    "health_social_care": "eu-gdpr:A9-2-h",
    "public_health": "eu-gdpr:A9-2-i",
    "archiving_research_statistics": "eu-gdpr:A9-2-j",
}
UNITS = {"days": "D", "weeks": "W", "months": "M", "years": "Y"}


def _iri(*parts: str) -> str:
    return BASE + ":".join(parts)


def _text(value: Any) -> dict[str, str]:
    """A per-language text as a language map; a plain name as an untagged value."""
    return dict(value) if isinstance(value, dict) else {"@none": str(value)}


def _place(code: str) -> str:
    return f"loc:{code}"


def _transfer_nodes(holder: Entity, kind: str, data: CountryData) -> list[dict[str, Any]]:
    nodes = []
    for transfer in holder.get("transfers") or []:
        code = data.canonical(transfer["country"]) or transfer["country"]
        node: dict[str, Any] = {
            "@id": _iri(kind, holder.id, "transfer", code),
            "@type": ["dpv:DataTransfer"],
            "country": _place(code),
            "legalBasis": [MECHANISMS[transfer["mechanism"]]],
        }
        if transfer.get("tia"):
            node["dct:references"] = transfer["tia"]
        nodes.append(node)
    return nodes


def to_jsonld(record: Record, data: CountryData) -> bytes:
    """The record as one JSON-LD document with an embedded @context."""
    controller = record.controller
    assert controller is not None, "export runs only on a validated record"
    c = controller.data
    controller_id = _iri("controller")
    graph: list[dict[str, Any]] = [
        {
            "@id": controller_id,
            "@type": "dpv:DataController",
            "label": _text(c["name"]),
            "contact": c["email"],
            **({"dct:source": c["website"]} if c.get("website") else {}),
        }
    ]
    for processor in record.catalogues["processors"]:
        transfers = _transfer_nodes(processor, "processor", data)
        graph.append(
            {
                "@id": _iri("processor", processor.id),
                "@type": "dpv:DataProcessor",
                "label": _text(processor.get("system")),
                "name": processor.get("legal_entity"),
                "country": sorted(
                    {_place(m) for code in processor.get("countries") for m in data.expand(code)}
                ),
                "dpv:hasTransfer": [t["@id"] for t in transfers],
            }
        )
        graph.extend(transfers)
    for recipient in record.catalogues["recipients"]:
        graph.append(
            {
                "@id": _iri("recipient", recipient.id),
                "@type": "dpv:Recipient",
                "label": _text(recipient.get("name")),
            }
        )
    for source in record.catalogues["sources"]:
        graph.append(
            {
                "@id": _iri("source", source.id),
                "@type": "dpv:DataSource",
                "label": _text(source.get("name")),
            }
        )
    for register in record.registers:
        graph.extend(_register(register, controller_id, data))
    # The record itself is a node of the default graph: a top-level @id beside @graph would
    # make the whole record a named graph, which many RDF tools ignore.
    graph.insert(
        0,
        {
            "@id": _iri("record"),
            "@type": "dpv:ROPA",
            "controller": controller_id,
            "modified": c["policy"]["last_updated"],
        },
    )
    document = {"@context": CONTEXT, "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _register(register: Entity, controller_id: str, data: CountryData) -> list[dict[str, Any]]:
    rid = register.id
    nodes: list[dict[str, Any]] = []
    subjects = []
    for subject in register.get("data_subjects") or []:
        iri = _iri("register", rid, "subject", subject["id"])
        subjects.append(iri)
        nodes.append({"@id": iri, "@type": "dpv:DataSubject", "label": _text(subject["name"])})
    personal = []
    for item in register.get("personal_data") or []:
        iri = _iri("register", rid, "data", item["id"])
        personal.append(iri)
        types = ["dpv:PersonalData"] + (
            ["dpv:SpecialCategoryPersonalData"] if item.get("special_category") else []
        )
        nodes.append({"@id": iri, "@type": types, "label": _text(item["name"])})
    storage = []
    for index, rule in enumerate(register.get("retention") or []):
        iri = _iri("register", rid, "retention", str(index + 1))
        storage.append(iri)
        node: dict[str, Any] = {"@id": iri, "@type": "dpv:StorageDuration"}
        if "period" in rule:
            node["duration"] = f"P{rule['period']}{UNITS[rule['unit']]}"
        if rule.get("applies_to"):
            node["description"] = dict(rule["applies_to"])
        nodes.append(node)
    processors = [_iri("processor", use["processor"]) for use in register.get("processors") or []]
    recipients = [_iri("recipient", r) for r in register.get("recipients") or []] + processors
    sources = [_iri("source", s) for s in register.get("sources") or []]
    measures = [
        {"@type": "dpv:TechnicalOrganisationalMeasure", "description": dict(m["description"])}
        for m in register.get("security_measures") or []
    ]
    for purpose in register.get("purposes") or []:
        bases = [LEGAL_BASES[b["basis"]] for b in purpose["legal_bases"]]
        if purpose.get("special_category_condition") in ART9:
            bases.append(ART9[purpose["special_category_condition"]])
        process: dict[str, Any] = {
            "@id": _iri("register", rid, "purpose", purpose["id"]),
            "@type": "dpv:Process",
            "label": _text(purpose["name"]),
            "controller": controller_id,
            "purpose": {
                "@id": _iri("register", rid, "purpose", purpose["id"], "purpose"),
                "@type": "dpv:Purpose",
                "label": _text(purpose["name"]),
            },
            "legalBasis": bases,
            "personalData": personal,
            "dataSubject": subjects,
            "recipient": recipients,
            "processor": processors,
            "source": sources,
            "storage": storage,
            "dct:isPartOf": {"@id": _iri("register", rid), "label": _text(register.get("name"))},
        }
        interests = [b["interest"] for b in purpose["legal_bases"] if b.get("interest")]
        if interests:
            process["dpv:hasLegitimateInterest"] = [
                {"@type": "dpv:LegitimateInterest", "description": dict(i)} for i in interests
            ]
        if measures:
            process["measure"] = measures
        nodes.append(process)
    if register.get("role") == "processor":
        nodes.append(
            {
                "@id": _iri("register", rid),
                "@type": "dpv:Process",
                "label": _text(register.get("name")),
                "processor": controller_id,
                "description": _text(register.get("description") or register.get("name")),
                "dpv:hasDataController": [
                    {"@type": "dpv:DataController", "label": _text(x["name"])}
                    for x in register.get("controllers") or []
                ],
            }
        )
    return nodes
