"""`ropa export --format jsonld`: the record in W3C DPV terms, parsed back as RDF."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF
from typer.testing import CliRunner

from ropa.cli import app
from ropa.dpv import _PROPERTIES as PROPERTIES

ROOT = Path(__file__).resolve().parent.parent
DPV = rdflib.Namespace("https://w3id.org/dpv#")
GDPR = rdflib.Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = rdflib.Namespace("https://w3id.org/dpv/loc#")


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> rdflib.Graph:
    out = tmp_path_factory.mktemp("export") / "record.jsonld"
    result = CliRunner().invoke(
        app, ["export", str(ROOT / "registers"), "-f", "jsonld", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    parsed = rdflib.Graph()
    # The @context is embedded: parsing needs no network.
    parsed.parse(out, format="json-ld")
    return parsed


def _typed(graph: rdflib.Graph, cls: rdflib.URIRef) -> list[rdflib.term.Node]:
    return sorted(graph.subjects(RDF.type, cls))


TIME = rdflib.Namespace("http://www.w3.org/2006/time#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
VOCAB = rdflib.Namespace("urn:ropa:vocab:")


def test_record_controller_and_registers(graph: rdflib.Graph) -> None:
    (record,) = _typed(graph, DPV.ROPA)
    (controller,) = graph.objects(record, DPV.hasDataController)
    assert (controller, RDF.type, DPV.DataController) in graph
    assert set(graph.objects(controller, DPV.hasName)) == {rdflib.Literal("Askele Ab")}
    registers = set(graph.objects(record, DPV.hasProcess))
    assert registers == {rdflib.URIRef(f"https://askele.fi/ropa/register/{r}")
                         for r in ("customers", "marketing", "recruitment", "insights")}  # fmt: skip
    assert (controller, DPV.hasRight, GDPR.A15) in graph


def test_purposes_and_legal_bases(graph: rdflib.Graph) -> None:
    assert len(_typed(graph, DPV.Purpose)) == 20
    customers = rdflib.URIRef("https://askele.fi/ropa/register/customers")
    invoicing = rdflib.URIRef("https://askele.fi/ropa/register/customers/purpose/invoicing")
    assert (customers, DPV.hasProcess, invoicing) in graph
    assert (invoicing, RDF.type, DPV.Process) in graph
    assert (invoicing, DPV.hasLegalBasis, GDPR["A6-1-f"]) in graph
    purpose = next(graph.objects(invoicing, DPV.hasPurpose))
    assert (purpose, RDF.type, DPV.Purpose) in graph
    assert rdflib.Literal("Fakturering", lang="sv") in set(graph.objects(purpose, DCT.title))
    justification = next(graph.objects(invoicing, DPV.hasJustification))
    assert (justification, RDF.type, DPV.Justification) in graph
    applications = rdflib.URIRef(
        "https://askele.fi/ropa/register/recruitment/purpose/job-applications"
    )
    assert (applications, DPV.hasLegalBasis, GDPR["A6-1-b"]) in graph
    newsletters = rdflib.URIRef("https://askele.fi/ropa/register/marketing/purpose/newsletters")
    assert set(graph.objects(newsletters, DPV.hasLegalBasis)) == {GDPR["A6-1-f"], GDPR["A6-1-a"]}


def test_transfers(graph: rdflib.Graph) -> None:
    transfers = sorted(graph.subjects(DPV.hasProcessing, DPV.CrossBorderTransfer))
    assert len(transfers) == 6
    au = rdflib.URIRef("https://askele.fi/ropa/processor/activecampaign/transfer/AU")
    assert (au, RDF.type, DPV.Process) in graph
    assert (au, DPV.hasThirdCountry, LOC.AU) in graph
    assert (au, DPV.hasLegalBasis, GDPR["A46-2-c"]) in graph
    assert (
        au,
        DPV.hasDataImporter,
        rdflib.URIRef("https://askele.fi/ropa/processor/activecampaign"),
    ) in graph
    # The policy names the clauses but no module: the graph claims none.
    assert set(graph.objects(au, DPV.hasOrganisationalMeasure)) == {GDPR.SCCByCommission}
    leadfeeder = rdflib.URIRef("https://askele.fi/ropa/processor/leadfeeder/transfer/US")
    marketing = rdflib.URIRef("https://askele.fi/ropa/register/marketing")
    assert (marketing, DPV.hasProcess, leadfeeder) in graph


def test_a_recorded_scc_module_is_a_narrower_concept(tmp_path: Path) -> None:
    record = tmp_path / "registers"
    shutil.copytree(ROOT / "registers", record)
    processors = record / "processors.yaml"
    text = processors.read_text(encoding="utf-8")
    anchor = "    legal_entity: Liidio Oy\n    countries: [EU, US]\n    transfers:\n      - country: US\n        mechanism: scc\n"
    assert anchor in text
    processors.write_text(
        text.replace(anchor, anchor.replace("mechanism: scc", "mechanism: scc_m3"))
    )
    out = tmp_path / "record.jsonld"
    result = CliRunner().invoke(app, ["export", str(record), "-f", "jsonld", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph()
    graph.parse(out, format="json-ld")
    leadfeeder = rdflib.URIRef("https://askele.fi/ropa/processor/leadfeeder/transfer/US")
    module = VOCAB["SCC-2021-914-Module-3"]
    assert set(graph.objects(leadfeeder, DPV.hasOrganisationalMeasure)) == {
        GDPR.SCCByCommission, module
    }  # fmt: skip
    assert (
        module,
        rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader"),
        GDPR.SCCByCommission,
    ) in graph


def test_processors_data_and_retention(graph: rdflib.Graph) -> None:
    assert len(_typed(graph, DPV.DataProcessor)) == 13
    mailchimp = rdflib.URIRef("https://askele.fi/ropa/processor/mailchimp")
    assert set(graph.objects(mailchimp, DPV.hasCountry)) == {LOC.US}
    agreement = next(graph.objects(mailchimp, DPV.hasLegalMeasure))
    assert (agreement, RDF.type, DPV.ControllerProcessorAgreement) in graph
    leads = rdflib.URIRef("https://askele.fi/ropa/register/marketing/retention/1")
    assert (leads, RDF.type, DPV.StorageDuration) in graph
    duration = next(graph.objects(leads, DPV.hasDuration))
    assert (duration, RDF.type, DPV.TemporalDuration) in graph
    assert float(next(graph.objects(duration, TIME.numericDuration))) == 24
    assert (duration, TIME.unitType, TIME.unitMonth) in graph
    assert len(_typed(graph, DPV.PersonalData)) == 12


def test_every_dpv_term_is_a_dpv_2_3_term(graph: rdflib.Graph) -> None:
    # Checked against w3c/dpv 2.3 (dpv, legal/eu/gdpr, loc modules); a typo would silently
    # produce a term no other tool understands.
    known = {
        "ROPA", "Process", "Purpose", "DataController", "DataProcessor", "Organisation",
        "DataProtectionAuthority", "DataSubject", "PersonalData", "SpecialCategoryPersonalData",
        "Recipient", "DataSource", "DataSubjectDataSource", "StorageDuration", "TemporalDuration",
        "TechnicalOrganisationalMeasure", "OrganisationalMeasure", "Justification",
        "LegitimateInterestAssessment", "DataTransferImpactAssessment",
        "ControllerProcessorAgreement", "Entity", "CrossBorderTransfer", "SensitivePersonalData",
        "LegalBasis",
    } | set(PROPERTIES)  # fmt: skip
    used = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    dpv_terms = {u.removeprefix(str(DPV)) for u in used if u.startswith(str(DPV))}
    assert dpv_terms <= known, dpv_terms - known
    gdpr_terms = {u.removeprefix(str(GDPR)) for u in used if u.startswith(str(GDPR))}
    assert gdpr_terms == {"A6-1-a", "A6-1-b", "A6-1-f", "A46-2-c", "SCCByCommission",
                          "A15", "A16", "A17", "A18", "A20", "A21", "A77"}  # fmt: skip


def test_jsonld_is_byte_identical(tmp_path: Path) -> None:
    outs = [tmp_path / "a.jsonld", tmp_path / "b.jsonld"]
    for out in outs:
        CliRunner().invoke(
            app, ["export", str(ROOT / "registers"), "-f", "jsonld", "--out", str(out)]
        )
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_two_organisations_graphs_never_share_a_node(tmp_path: Path) -> None:
    """Node IRIs lie under each organisation's own base (its website, else its e-mail
    domain): three records loaded into one graph keep three controllers, and every register
    stays with its own record."""
    merged = rdflib.Graph()
    records = {
        "askele": ROOT / "registers",
        "kilkenny": ROOT / "tests" / "orgs" / "kilkenny" / "registers",
        "norrhalsa": ROOT / "tests" / "orgs" / "norrhalsa" / "registers",
    }
    processes = {}
    for name, path in records.items():
        out = tmp_path / f"{name}.jsonld"
        result = CliRunner().invoke(app, ["export", str(path), "-f", "jsonld", "--out", str(out)])
        assert result.exit_code == 0, result.stderr
        one = rdflib.Graph().parse(out, format="json-ld")
        (record,) = _typed(one, DPV.ROPA)
        processes[name] = set(one.objects(record, DPV.hasProcess))
        merged.parse(out, format="json-ld")
    assert len(_typed(merged, DPV.ROPA)) == 3
    controllers = {
        c for r in _typed(merged, DPV.ROPA) for c in merged.objects(r, DPV.hasDataController)
    }
    assert len(controllers) == 3
    assert all(isinstance(c, rdflib.URIRef) for c in controllers)
    for record in _typed(merged, DPV.ROPA):
        (controller,) = merged.objects(record, DPV.hasDataController)
        assert len(set(merged.objects(controller, DPV.hasName))) == 1
    assert sum(len(p) for p in processes.values()) == len(set().union(*processes.values()))
    kilkenny_ids = {str(i) for i in processes["kilkenny"]}
    assert all(i.startswith("https://www.kilkennytrust.ie/ropa/register/") for i in kilkenny_ids)


def test_a_base_iri_given_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "record.jsonld"
    result = CliRunner().invoke(
        app, ["export", str(ROOT / "registers"), "-f", "jsonld", "--out", str(out),
              "--base-iri", "https://records.example/askele#"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    graph = rdflib.Graph().parse(out, format="json-ld")
    (record,) = _typed(graph, DPV.ROPA)
    assert record == rdflib.URIRef("https://records.example/askele#record")
    assert (record, DPV.hasProcess, rdflib.URIRef(
        "https://records.example/askele#register/customers")) in graph  # fmt: skip
    for bad in ("not an iri", "https://x.example/?q=1", "relative/path"):
        refused = CliRunner().invoke(
            app, ["export", str(ROOT / "registers"), "-f", "jsonld", "--out", str(out),
                  "--base-iri", bad],
        )  # fmt: skip
        assert refused.exit_code == 2
        assert refused.stderr.startswith(f"ropa: error: --base-iri {bad!r}: give an absolute IRI")


def _export_graph(path: Path, out: Path) -> rdflib.Graph:
    result = CliRunner().invoke(app, ["export", str(path), "-f", "jsonld", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    return rdflib.Graph().parse(out, format="json-ld")


def test_two_clubs_on_one_mail_service_stay_apart(tmp_path: Path) -> None:
    """No website: the base is the whole e-mail address, not its domain."""
    base = ROOT / "tests" / "shared_cases" / "hostile" / "base" / "registers"
    merged = rdflib.Graph()
    for club in ("ballyglen.gaa", "rathmore.tennis"):
        record = tmp_path / club
        shutil.copytree(base, record)
        controller = record / "controller.yaml"
        text = controller.read_text(encoding="utf-8").replace(
            "  website: https://example.com\n", ""
        )
        controller.write_text(text.replace("privacy@example.com", f"{club}@gmail.com"))
        merged += _export_graph(record, tmp_path / f"{club}.jsonld")
    records = _typed(merged, DPV.ROPA)
    assert [str(r) for r in records] == [
        "urn:ropa:ballyglen.gaa%40gmail.com:record",
        "urn:ropa:rathmore.tennis%40gmail.com:record",
    ]
    controllers = {c for r in records for c in merged.objects(r, DPV.hasDataController)}
    assert len(controllers) == 2


def test_criminal_offence_data_recipient_transfers_and_art10(tmp_path: Path) -> None:
    """Kilkenny's Garda vetting: Art. 10 data is sensitive, not an Art. 9 special category,
    its ground is named; a recipient's transfer is in the graph as a processor's is."""
    graph = _export_graph(ROOT / "tests" / "orgs" / "kilkenny" / "registers", tmp_path / "k.jsonld")
    base = "https://www.kilkennytrust.ie/ropa/"
    vetting = [s for s in graph.subjects(RDF.type, DPV.SensitivePersonalData)]
    assert vetting and all(
        (s, RDF.type, DPV.SpecialCategoryPersonalData) not in graph for s in vetting
    )
    assert (None, DPV.hasLegalBasis, VOCAB["A10-NationalLaw"]) in graph
    transfer = rdflib.URIRef(base + "recipient/friends-us/transfer/US")
    assert (transfer, DPV.hasDataImporter, rdflib.URIRef(base + "recipient/friends-us")) in graph
    assert (transfer, DPV.hasThirdCountry, LOC.US) in graph
