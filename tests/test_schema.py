"""The schema itself: valid, strict, local-only, and in step with the shipped data."""

from __future__ import annotations

import datetime
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from ropa import countries, resources, schema
from ropa.loader import load_text
from ropa.rules.languages import text_patterns

KNOWN_KEYWORDS = {
    "$schema",
    "$id",
    "$ref",
    "$defs",
    "title",
    "description",
    "examples",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "pattern",
    "format",
    "minItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minProperties",
    "anyOf",
    "allOf",
    "if",
    "then",
    "not",
    "propertyNames",
    "dependentRequired",
}


def _subschemas(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs", "dependentRequired"):
                for name, sub in value.items():
                    yield from _subschemas(sub, f"{path}/{key}/{name}")
            elif key in ("items", "additionalProperties", "not", "if", "then", "propertyNames"):
                yield from _subschemas(value, f"{path}/{key}")
            elif key in ("anyOf", "allOf"):
                for i, sub in enumerate(value):
                    yield from _subschemas(sub, f"{path}/{key}/{i}")


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(resources.schema())


def test_schema_uses_no_unknown_keywords() -> None:
    # jsonschema ignores unknown keywords, so a typo such as "requried" would pass silently.
    for path, node in _subschemas(resources.schema()):
        if path.endswith("/dependentRequired") or "/dependentRequired/" in path:
            continue
        unknown = set(node) - KNOWN_KEYWORDS
        assert not unknown, f"{path}: {unknown}"


def test_every_object_forbids_unknown_keys() -> None:
    for path, node in _subschemas(resources.schema()):
        if node.get("type") == "object":
            assert "additionalProperties" in node, path


def test_every_field_has_a_title_or_description() -> None:
    for path, node in _subschemas(resources.schema()):
        parent = path.rsplit("/", 2)
        if (
            len(parent) == 3
            and parent[1] == "properties"
            and "$ref" not in node
            and "/if/" not in path
        ):
            assert "title" in node or "description" in node, path


def test_mechanism_enum_matches_the_country_data() -> None:
    enum = resources.schema()["$defs"]["transfer"]["properties"]["mechanism"]["enum"]
    assert enum == list(countries.load().mechanisms)


def test_country_data() -> None:
    data = countries.load()
    assert len(data.eu) == 27
    assert data.eea == data.eu | {"IS", "LI", "NO"}
    assert data.in_eea("NO") and data.in_eea("EU") and data.in_eea("EEA") and data.in_eea("AX")
    assert not data.in_eea("US") and not data.in_eea("GB") and not data.in_eea("CH")
    assert data.canonical("EL") == "GR" and data.canonical("UK") == "GB"
    assert data.canonical("XK") is None and data.canonical("EU") is None
    # 249 ISO 3166-1 codes and one international organisation (the EPO).
    assert len(data.names) == 250 and data.name("EPO") == "European Patent Organisation"
    assert data.is_known("EPO") and not data.in_eea("EPO")
    assert len(data.adequacy) == 17
    assert {"US", "GB", "CH", "JP", "KR", "BR", "EPO"} <= set(data.adequacy)
    assert not data.adequacy["US"].full and data.adequacy["BR"].uncertain
    assert data.as_of.isoformat() == "2026-10-08"


def test_every_adequacy_decision_has_its_source_date_expiry_and_scope() -> None:
    """Each decision the rules use (ROPA203, 212-215) carries the act's number, Official
    Journal reference, adoption date, expiry, scope and EUR-Lex source; a field that could
    not be confirmed is listed under `unconfirmed`, and only the OJ reference may be left
    out, when it is one of them."""
    raw = yaml.safe_load(
        (Path(countries.__file__).parent / "data" / "countries.yaml").read_text("utf-8")
    )
    fields = {"code", "name", "scope", "decision", "instrument", "number", "oj", "date",
              "expires", "source", "unconfirmed", "note"}  # fmt: skip
    for entry in raw["adequacy"]:
        code = entry["code"]
        assert fields <= set(entry), (code, fields - set(entry))
        assert entry["number"] and entry["scope"] and entry["date"], code
        assert entry["oj"] or "oj" in entry["unconfirmed"], code
        assert str(entry["source"]).startswith("https://eur-lex.europa.eu/"), code
        assert set(entry["unconfirmed"]) <= fields, code
        datetime.date.fromisoformat(entry["date"])
        if entry["expires"] is not None:
            assert datetime.date.fromisoformat(entry["expires"]) > datetime.date.fromisoformat(
                entry["date"]
            ), code
    data = countries.load()
    # The UK decision runs to 27 December 2031 (Implementing Decision (EU) 2025/2574).
    uk = data.adequacy["GB"]
    assert uk.expires == datetime.date(2031, 12, 27)
    assert data.assess("GB", "adequacy", datetime.date(2031, 12, 27)).problem is None
    expired = data.assess("GB", "adequacy", datetime.date(2031, 12, 28))
    assert expired.adequacy == "none"
    assert expired.problem == (
        "the adequacy decision for United Kingdom (GB) expired on 2031-12-27; name the"
        " safeguard used instead, or update ropa if it was renewed"
    )
    # A partial decision is never plain "full"; the US one only through the DPF.
    assert data.assess("CA", "adequacy", datetime.date(2026, 11, 30)).adequacy == "partial"
    assert data.assess("US", "dpf", datetime.date(2026, 11, 30)).adequacy == "partial"
    assert data.assess("US", "adequacy", datetime.date(2026, 11, 30)).adequacy == "none"
    assert data.assess("CH", "adequacy", datetime.date(2026, 11, 30)).adequacy == "full"
    # Inside the EU/EEA there is nothing to judge (ROPA206 says no mechanism is needed).
    assert data.assess("SE", "adequacy", datetime.date(2026, 11, 30)).problem is None


def _check(text: str) -> list[str]:
    return [p.format() for p in schema.check(load_text(text, "f.yaml"))]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2022-11-02", True),
        ("2022-02-30", False),
        ("2.11.2022", False),
        ("20221102", False),
        ("2022-11-2", False),
    ],
)
def test_dates_are_checked(value: str, ok: bool) -> None:
    problems = _check(f"purpose_groups: []\ncontroller: {{policy: {{last_updated: '{value}'}}}}\n")
    date_errors = [p for p in problems if "not a valid date" in p]
    assert (date_errors == []) == ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("privacy@askele.fi", True),
        ("@", False),
        ("privacy", False),
        ("a@b", False),
        ("<script>@x.fi", False),
    ],
)
def test_emails_are_checked(value: str, ok: bool) -> None:
    problems = _check(f"controller: {{email: '{value}'}}\n")
    assert (not any("e-mail" in p for p in problems)) == ok


def test_remote_references_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"type": "string"}')

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/country.json"
        remote = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$ref": url}
        monkeypatch.setattr(resources, "schema", lambda: remote)
        schema._validator.cache_clear()
        from referencing.exceptions import Unresolvable

        with pytest.raises(Unresolvable):
            list(schema._validator().iter_errors("x"))
    finally:
        schema._validator.cache_clear()
        server.shutdown()
        server.server_close()
    assert hits == []


def test_text_patterns_come_from_the_schema() -> None:
    patterns = dict(text_patterns())
    assert patterns[("registers", "*", "purposes", "*", "name")] is False
    assert patterns[("registers", "*", "purposes", "*", "legal_bases", "*", "interest")] is False
    assert patterns[("controller", "name")] is True
    assert patterns[("processors", "*", "system")] is True
    assert ("processors", "*", "legal_entity") not in patterns


def test_every_field_has_examples_for_editors() -> None:
    schema = resources.schema()
    for path, node in _subschemas(schema):
        parent = path.rsplit("/", 2)
        if len(parent) != 3 or parent[1] != "properties" or "/if/" in path or "not" in node:
            continue
        if "$ref" in node:
            target = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
            has = "examples" in node or "examples" in target or target.get("type") == "object"
        else:
            has = "examples" in node or node.get("type") in ("object", "array")
        assert has, path


def test_every_example_is_valid_for_its_field() -> None:
    validator = schema._validator()
    checked = 0
    for path, node in _subschemas(resources.schema()):
        for example in node.get("examples", []):
            errors = list(validator.evolve(schema=node).iter_errors(example))
            assert errors == [], f"{path}: {example!r}"
            checked += 1
    assert checked > 60
