"""`ropa export --format jsonld`: the record in W3C DPV terms, parsed back as RDF."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS
from typer.testing import CliRunner

from ropa.cli import app

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


def test_record_and_controller(graph: rdflib.Graph) -> None:
    (record,) = _typed(graph, DPV.ROPA)
    (controller,) = graph.objects(record, DPV.hasDataController)
    assert (controller, RDF.type, DPV.DataController) in graph
    assert set(graph.objects(controller, RDFS.label)) == {
        rdflib.Literal("Askele Ab", lang="sv"),
        rdflib.Literal("Askele Oy", lang="fi"),
        rdflib.Literal("Askele Oy", lang="en"),
    }


def test_purposes_and_legal_bases(graph: rdflib.Graph) -> None:
    processes = _typed(graph, DPV.Process)
    assert len(processes) == 21  # 20 purposes in controller registers + the Insights register
    assert len(_typed(graph, DPV.Purpose)) == 20
    invoicing = rdflib.URIRef("urn:ropa:register:customers:purpose:invoicing")
    assert (invoicing, DPV.hasLegalBasis, GDPR["A6-1-f"]) in graph
    purpose = next(graph.objects(invoicing, DPV.hasPurpose))
    assert (purpose, RDF.type, DPV.Purpose) in graph
    assert rdflib.Literal("Fakturering", lang="sv") in set(graph.objects(purpose, RDFS.label))
    applications = rdflib.URIRef("urn:ropa:register:recruitment:purpose:job-applications")
    assert (applications, DPV.hasLegalBasis, GDPR["A6-1-b"]) in graph
    newsletters = rdflib.URIRef("urn:ropa:register:marketing:purpose:newsletters")
    assert set(graph.objects(newsletters, DPV.hasLegalBasis)) == {GDPR["A6-1-f"], GDPR["A6-1-a"]}


def test_transfers(graph: rdflib.Graph) -> None:
    transfers = _typed(graph, DPV.DataTransfer)
    assert len(transfers) == 6
    au = rdflib.URIRef("urn:ropa:processor:activecampaign:transfer:AU")
    assert (au, DPV.hasCountry, LOC.AU) in graph
    assert (au, DPV.hasLegalBasis, GDPR["SCCs-C2P"]) in graph
    leadfeeder = rdflib.URIRef("urn:ropa:processor:leadfeeder:transfer:US")
    assert (leadfeeder, DPV.hasLegalBasis, GDPR["SCCs-P2P"]) in graph


def test_processors_data_and_retention(graph: rdflib.Graph) -> None:
    assert len(_typed(graph, DPV.DataProcessor)) == 13
    mailchimp = rdflib.URIRef("urn:ropa:processor:mailchimp")
    assert set(graph.objects(mailchimp, DPV.hasCountry)) == {LOC.US}
    leads = rdflib.URIRef("urn:ropa:register:marketing:retention:1")
    assert (leads, RDF.type, DPV.StorageDuration) in graph
    assert str(next(graph.objects(leads, DPV.hasDuration))) == "P24M"
    assert len(_typed(graph, DPV.PersonalData)) == 12


def test_jsonld_is_byte_identical(tmp_path: Path) -> None:
    outs = [tmp_path / "a.jsonld", tmp_path / "b.jsonld"]
    for out in outs:
        CliRunner().invoke(
            app, ["export", str(ROOT / "registers"), "-f", "jsonld", "--out", str(out)]
        )
    assert outs[0].read_bytes() == outs[1].read_bytes()
