"""The record in the W3C Data Privacy Vocabulary (DPV 2.x), as JSON-LD.

Other privacy tools read DPV; docs/dpv.md lists which DPV concept each field maps to. The
@context is embedded (nothing is fetched), and every node has a stable IRI built from the
record's ids, so the same record gives the same graph.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ropa.countries import CountryData
from ropa.record import Entity, Record

DPV = "https://w3id.org/dpv#"
GDPR = "https://w3id.org/dpv/legal/eu/gdpr#"
LOC = "https://w3id.org/dpv/loc#"
# ropa's own vocabulary (terms such as the SCC modules): the same for every record.
VOCABULARY = "urn:ropa:vocab:"

# Short names for DPV 2.3 properties (checked against w3c/dpv 2.3 sources; DPV publishes no
# JSON-LD context of its own, and nothing may be fetched while exporting).
_PROPERTIES = (
    "hasName", "hasContact", "hasAuthority", "hasJurisdiction", "hasProcess", "hasDataController",
    "hasDataProcessor", "hasRecipient", "hasPurpose", "hasLegalBasis", "hasJustification",
    "hasAssessment", "hasImpactAssessment", "hasPersonalData", "hasDataSubject", "hasDataSource",
    "hasStorageCondition", "hasDuration", "hasTechnicalOrganisationalMeasure",
    "hasOrganisationalMeasure", "hasLegalMeasure", "hasParty", "hasRight", "hasCountry",
    "hasThirdCountry", "hasProcessing", "hasDataExporter", "hasDataImporter",
    "hasResponsibleEntity",
)  # fmt: skip
CONTEXT: dict[str, Any] = {
    "dpv": DPV,
    "eu-gdpr": GDPR,
    "loc": LOC,
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "ropa": VOCABULARY,
    "title": {"@id": "dct:title", "@container": "@language"},
    "description": {"@id": "dct:description", "@container": "@language"},
    "prefLabel": {"@id": "skos:prefLabel", "@container": "@language"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "modified": {"@id": "dct:modified", "@type": "xsd:date"},
    "homepage": {"@id": "foaf:homepage", "@type": "@id"},
    "page": {"@id": "foaf:page", "@type": "@id"},
    "numericDuration": {"@id": "time:numericDuration", "@type": "xsd:decimal"},
    "unitType": {"@id": "time:unitType", "@type": "@id"},
    **{name: {"@id": f"dpv:{name}", "@type": "@id"} for name in _PROPERTIES},
}
CONTEXT["hasName"] = {"@id": "dpv:hasName", "@container": "@language"}
CONTEXT["hasContact"] = {"@id": "dpv:hasContact"}

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
    "scc": "eu-gdpr:A46-2-c",
    "scc_m1": "eu-gdpr:A46-2-c",
    "scc_m2": "eu-gdpr:A46-2-c",
    "scc_m3": "eu-gdpr:A46-2-c",
    "scc_m4": "eu-gdpr:A46-2-c",
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
# Art. 10 grounds for criminal-offence data: DPV 2.3 has no concept for them.
ART10 = {
    "national_law_art10": (
        "A10-NationalLaw",
        "Authorised by Union or Member State law providing safeguards (Art. 10)",
    ),
    "official_authority_art10": (
        "A10-OfficialAuthority",
        "Under the control of official authority (Art. 10)",
    ),
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
# DPV has no concepts for the four modules of the 2021/914 clauses: ropa defines them as
# narrower concepts of eu-gdpr:SCCByCommission, and the graph describes them.
SCC_MODULES = {
    "scc_m1": ("SCC-2021-914-Module-1", "Module One: controller to controller"),
    "scc_m2": ("SCC-2021-914-Module-2", "Module Two: controller to processor"),
    "scc_m3": ("SCC-2021-914-Module-3", "Module Three: processor to processor"),
    "scc_m4": ("SCC-2021-914-Module-4", "Module Four: processor to controller"),
}
UNITS = {"days": "time:unitDay", "weeks": "time:unitWeek", "months": "time:unitMonth",
         "years": "time:unitYear"}  # fmt: skip
RIGHTS = {"access": "eu-gdpr:A15", "rectification": "eu-gdpr:A16", "erasure": "eu-gdpr:A17",
          "restriction": "eu-gdpr:A18", "portability": "eu-gdpr:A20", "objection": "eu-gdpr:A21",
          "complaint": "eu-gdpr:A77"}  # fmt: skip


class Iris:
    """The IRIs of a record's nodes, under a base that belongs to its organisation, so that
    two organisations' graphs never share a node: `https://example.com/ropa/register/crm`.

    The base is `base_iri` when given (an absolute IRI; a `/` is added unless it ends in `/`
    or `#`), else `<website>/ropa/` from the controller's website, else
    `urn:ropa:<e-mail address>:` from its e-mail address (percent-encoded).
    """

    def __init__(self, controller: dict[str, Any], base_iri: str | None = None) -> None:
        if base_iri:
            self.base, self.separator = (base_iri if base_iri[-1] in "/#" else base_iri + "/"), "/"
        elif controller.get("website"):
            self.base, self.separator = str(controller["website"]).rstrip("/") + "/ropa/", "/"
        else:
            # The whole address, not its domain: two clubs on one mail service stay apart.
            address = quote(str(controller["email"]).lower(), safe="")
            self.base, self.separator = f"urn:ropa:{address}:", ":"

    def __call__(self, *parts: str) -> str:
        return self.base + self.separator.join(quote(part, safe="-._~") for part in parts)


def _sensitivity(category: Any) -> list[str]:
    """Art. 9 data is DPV's special category; criminal-offence data (Art. 10) is not one, only
    sensitive."""
    if not category:
        return []
    if category == "criminal_convictions":
        return ["dpv:SensitivePersonalData"]
    return ["dpv:SpecialCategoryPersonalData"]


def _text(value: Any) -> dict[str, str]:
    """A per-language text as a language map; a plain name as an untagged value."""
    return dict(value) if isinstance(value, dict) else {"@none": str(value)}


def _place(code: str) -> str:
    return f"loc:{code}"


def _transfers(
    holder: Entity, kind: str, controller_id: str, data: CountryData, iri: Iris
) -> list[dict[str, Any]]:
    """Each transfer outside the EU/EEA as a DPV cross-border transfer process."""
    nodes = []
    for transfer in holder.get("transfers") or []:
        code = data.canonical(transfer["country"]) or transfer["country"]
        mechanism = transfer["mechanism"]
        node: dict[str, Any] = {
            "@id": iri(kind, holder.id, "transfer", code),
            "@type": "dpv:Process",
            "hasProcessing": "dpv:CrossBorderTransfer",
            "hasDataExporter": controller_id,
            "hasDataImporter": iri(kind, holder.id),
            "hasThirdCountry": _place(code),
            "hasLegalBasis": MECHANISMS[mechanism],
        }
        if mechanism in SCC_MODULES:
            node["hasOrganisationalMeasure"] = [
                "eu-gdpr:SCCByCommission", "ropa:" + SCC_MODULES[mechanism][0]
            ]  # fmt: skip
        elif mechanism == "scc":  # the clauses, module not recorded
            node["hasOrganisationalMeasure"] = ["eu-gdpr:SCCByCommission"]
        if transfer.get("tia"):
            node["hasImpactAssessment"] = {
                "@type": "dpv:DataTransferImpactAssessment", "page": transfer["tia"]
            }  # fmt: skip
        nodes.append(node)
    return nodes


def to_jsonld(record: Record, data: CountryData, base_iri: str | None = None) -> bytes:
    """The record as one JSON-LD document with an embedded @context; node IRIs under the
    organisation's own base (`Iris`)."""
    controller = record.controller
    assert controller is not None, "export runs only on a validated record"
    c = controller.data
    iri = Iris(c, base_iri)
    controller_id = iri("controller")
    authority = c["supervisory_authority"]
    controller_node: dict[str, Any] = {
        "@id": controller_id,
        "@type": ["dpv:DataController", "dpv:Organisation"],
        "hasName": _text(c["name"]),
        "hasContact": c["email"],
        "hasAuthority": {
            "@id": iri("supervisory-authority"),
            "@type": "dpv:DataProtectionAuthority",
            "hasName": _text(authority["name"]),
            "hasJurisdiction": _place(authority["country"]),
            **({"homepage": authority["website"]} if authority.get("website") else {}),
        },
        "hasRight": [
            RIGHTS[r] for r in (c["rights"]["available"] + c["rights"].get("where_applicable", []))
        ],
    }
    if c.get("website"):
        controller_node["homepage"] = c["website"]
    graph: list[dict[str, Any]] = [
        {
            "@id": iri("record"),
            "@type": "dpv:ROPA",
            "hasDataController": controller_id,
            "hasProcess": [iri("register", r.id) for r in record.registers],
            "modified": c["policy"]["last_updated"],
        },
        controller_node,
    ]
    used_modules: set[str] = set()
    for processor in record.catalogues["processors"]:
        dpa = processor.get("dpa") or {}
        node: dict[str, Any] = {
            "@id": iri("processor", processor.id),
            "@type": ["dpv:DataProcessor", "dpv:Organisation"],
            "hasName": {"@none": str(processor.get("legal_entity"))},
            "title": _text(processor.get("system")),
            "hasCountry": sorted(
                {_place(m) for code in processor.get("countries") for m in data.expand(code)}
            ),
        }
        if dpa.get("signed"):
            node["hasLegalMeasure"] = {
                "@id": iri("processor", processor.id, "dpa"),
                "@type": "dpv:ControllerProcessorAgreement",
                "hasParty": [controller_id, iri("processor", processor.id)],
                **(
                    {"page": dpa["reference"]}
                    if str(dpa.get("reference", "")).startswith("https://")
                    else {}
                ),
            }
        graph.append(node)
        for transfer in processor.get("transfers") or []:
            if transfer["mechanism"] in SCC_MODULES:
                used_modules.add(transfer["mechanism"])
    for recipient in record.catalogues["recipients"]:
        graph.append({"@id": iri("recipient", recipient.id), "@type": "dpv:Recipient",
                      "title": _text(recipient.get("name"))})  # fmt: skip
        for transfer in recipient.get("transfers") or []:
            if transfer["mechanism"] in SCC_MODULES:
                used_modules.add(transfer["mechanism"])
    grounds = sorted(
        {p.get("special_category_condition") for r in record.registers
         for p in r.get("purposes") or []} & set(ART10)
    )  # fmt: skip
    for ground in grounds:
        name, label = ART10[ground]
        graph.append(
            {
                "@id": "ropa:" + name,
                "@type": ["skos:Concept", "dpv:LegalBasis"],
                "prefLabel": {"en": label},
                "dct:source": {"@id": "https://eur-lex.europa.eu/eli/reg/2016/679/oj"},
            }
        )
    for source in record.catalogues["sources"]:
        kind = (
            "dpv:DataSubjectDataSource"
            if source.get("kind") == "data_subject"
            else "dpv:DataSource"
        )
        graph.append(
            {"@id": iri("source", source.id), "@type": kind, "title": _text(source.get("name"))}
        )
    for register in record.registers:
        graph.append(_register(register, controller_id, record, data, iri))
    for mechanism in sorted(used_modules):
        name, label = SCC_MODULES[mechanism]
        graph.append(
            {
                "@id": "ropa:" + name,
                "@type": ["skos:Concept", "dpv:OrganisationalMeasure"],
                "broader": "eu-gdpr:SCCByCommission",
                "prefLabel": {"en": f"Standard contractual clauses (2021/914), {label}"},
                "dct:source": {"@id": "https://eur-lex.europa.eu/eli/dec_impl/2021/914/oj"},
            }
        )
    document = {"@context": CONTEXT, "@graph": graph}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _register(
    register: Entity, controller_id: str, record: Record, data: CountryData, iri: Iris
) -> dict[str, Any]:
    """A register as a DPV process, with one nested process per purpose (DPV example E0006)."""
    rid = register.id
    node: dict[str, Any] = {
        "@id": iri("register", rid),
        "@type": "dpv:Process",
        "title": _text(register.get("name")),
        "modified": register.get("last_reviewed"),
        "hasResponsibleEntity": {
            "@type": "dpv:Entity",
            "hasName": {"@none": str(register.get("owner"))},
        },
    }
    if register.get("role") == "processor":
        node["hasDataProcessor"] = controller_id
        node["hasDataController"] = [
            {"@type": "dpv:DataController", "hasName": _text(x["name"])}
            for x in register.get("controllers") or []
        ]
        node["hasProcess"] = [
            {"@type": "dpv:Process", "title": _text(p["name"])}
            for p in register.get("processing") or []
        ]
        return node
    node["hasDataController"] = controller_id
    node["hasDataSubject"] = [
        {
            "@id": iri("register", rid, "subject", s["id"]),
            "@type": "dpv:DataSubject",
            "title": _text(s["name"]),
        }
        for s in register.get("data_subjects") or []
    ]
    node["hasPersonalData"] = [
        {
            "@id": iri("register", rid, "data", d["id"]),
            "@type": ["dpv:PersonalData", *_sensitivity(d.get("special_category"))],
            "title": _text(d["name"]),
        }
        for d in register.get("personal_data") or []
    ]
    node["hasDataSource"] = [iri("source", s) for s in register.get("sources") or []]
    node["hasRecipient"] = [iri("recipient", r) for r in register.get("recipients") or []]
    node["hasDataProcessor"] = [
        iri("processor", u["processor"]) for u in register.get("processors") or []
    ]
    storage = []
    for index, rule in enumerate(register.get("retention") or [], start=1):
        condition: dict[str, Any] = {
            "@id": iri("register", rid, "retention", str(index)),
            "@type": "dpv:StorageDuration",
        }
        if "period" in rule:
            condition["hasDuration"] = {
                "@type": ["dpv:TemporalDuration", "time:Duration"],
                "numericDuration": str(rule["period"]),
                "unitType": UNITS[rule["unit"]],
            }
        if rule.get("applies_to"):
            condition["description"] = dict(rule["applies_to"])
        storage.append(condition)
    node["hasStorageCondition"] = storage
    measures = (record.controller.get("security_measures") if record.controller else None) or []
    node["hasTechnicalOrganisationalMeasure"] = [
        {"@type": "dpv:TechnicalOrganisationalMeasure", "description": dict(m["description"])}
        for m in measures + (register.get("security_measures") or [])
    ]
    processes: list[Any] = []
    for purpose in register.get("purposes") or []:
        bases = [LEGAL_BASES[b["basis"]] for b in purpose["legal_bases"]]
        ground = str(purpose.get("special_category_condition") or "")
        if ground in ART9:
            bases.append(ART9[ground])
        elif ground in ART10:
            bases.append("ropa:" + ART10[ground][0])
        process: dict[str, Any] = {
            "@id": iri("register", rid, "purpose", purpose["id"]),
            "@type": "dpv:Process",
            "hasPurpose": {
                "@id": iri("register", rid, "purpose", purpose["id"], "purpose"),
                "@type": "dpv:Purpose",
                "title": _text(purpose["name"]),
            },
            "hasLegalBasis": bases,
        }
        interests = [b for b in purpose["legal_bases"] if b.get("interest")]
        if interests:
            process["hasJustification"] = [
                {"@type": "dpv:Justification", "description": dict(b["interest"])}
                for b in interests
            ]
        assessments = [b["lia"] for b in purpose["legal_bases"] if b.get("lia")]
        if assessments:
            process["hasAssessment"] = [
                {"@type": "dpv:LegitimateInterestAssessment", "page": url} for url in assessments
            ]
        processes.append(process)
    processors = record.index("processors")
    for use in register.get("processors") or []:
        processor = processors.get(use["processor"])
        if processor is not None:
            processes.extend(_transfers(processor, "processor", controller_id, data, iri))
    recipients = record.index("recipients")
    for ref in register.get("recipients") or []:
        recipient = recipients.get(ref)
        if recipient is not None:
            processes.extend(_transfers(recipient, "recipient", controller_id, data, iri))
    node["hasProcess"] = processes
    return node
