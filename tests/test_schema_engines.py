"""The compiled schema check (jsonschema-rs) is only a fast path: it may answer "valid" only
where the reference (jsonschema) does too, or a problem would go unreported.

Checked on every YAML file the project has (shipped registers, every test case, a new
`ropa init` record, a generated benchmark record) and on random mutations of the shipped
registers.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ropa import scaffold, schema
from ropa.loader import LoadError, load_file, load_text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402
from test_properties import _paths as _paths_and_values  # noqa: E402


def _reference() -> Any:
    return schema._validator()


def _fast() -> Any:
    schema._fast_validator.cache_clear()
    fast = schema._fast_validator()
    assert fast is not None
    return fast


def _example_documents(tmp: Path) -> list[tuple[str, Any]]:
    files = sorted((ROOT / "registers").glob("*.yaml"))
    files += sorted((ROOT / "tests" / "cases").glob("*/record/**/*.y*ml"))
    generate(60, tmp / "generated")
    files += sorted((tmp / "generated").glob("*.yaml"))
    found = []
    for file in files:
        try:
            found.append((str(file.relative_to(file.anchor)), load_file(file).data))
        except LoadError:
            continue  # not YAML the loader accepts: the schema never sees it
    for name, text in scaffold.record_files(
        "Esimerkki Oy", "FI", ["fi", "sv"], "2026-01-01"
    ).items():
        if name.endswith(".yaml"):
            found.append((name, load_text(text, name).data))
    return found


def test_both_validators_agree_on_every_example_file(tmp_path: Path) -> None:
    reference, fast = _reference(), _fast()
    documents = _example_documents(tmp_path)
    assert len(documents) > 100
    verdicts = {name: reference.is_valid(data) for name, data in documents}
    assert not all(verdicts.values()), "the examples must include invalid files"
    disagreements = [name for name, data in documents if fast.is_valid(data) != verdicts[name]]
    assert disagreements == []


# Values that probe where the two implementations could differ: regex dialects (Python's `$`
# matches before a final newline; `\d` and `\w` are Unicode in Python), formats, big numbers,
# booleans that are not integers, empty and odd containers.
TRICKY = [
    "",
    " ",
    "abc\n",
    "US\n",
    "us",
    "FI",
    "fin",
    "NO",
    "no",
    "EU",
    "example",
    "a_b-c",
    "Ab",
    "x" * 65,
    "x" * 2000,
    "2026-02-30",
    "2026-2-3",
    "2026-01-01\n",
    "2026-01-01",
    "٢٠٢٦-٠١-٠١",
    "a@b",
    "a@b.c",
    "a @b.c",
    "privacy@example.com\n",
    "https://example.com/x",
    "http://x.y",
    "https://example.com/a b",
    "+358 9 1234 567",
    "12345\n",
    "scc_m2",
    "dpf",
    "adequacy",
    0,
    1,
    -1,
    12,
    10**20,
    -(10**20),
    True,
    False,
    None,
    [],
    [None],
    ["a", "a"],
    {},
    {"sv": 5},
    {"sv": ""},
    {"xx-yy": "t"},
    {"SV": "t"},
    {"sv": "t", "fi": "u"},
]


def _paths(value: Any) -> list[tuple[Any, ...]]:
    return [path for path, _ in _paths_and_values(value)]


SHIPPED = [load_file(p).data for p in sorted((ROOT / "registers").glob("*.yaml"))]
SHIPPED_PATHS = [(i, path) for i, data in enumerate(SHIPPED) for path in _paths(data) if path]


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    data = copy.deepcopy(SHIPPED[draw(st.integers(0, len(SHIPPED) - 1))])
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)[1:]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["note", "id", "name", "countries", "x"]))] = copy.deepcopy(
                draw(st.sampled_from(TRICKY))
            )
        else:
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(TRICKY)))
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_path_never_accepts_what_the_reference_rejects(data: Any) -> None:
    if schema._fast_validator().is_valid(data):
        assert _reference().is_valid(data), "jsonschema-rs accepted a file jsonschema rejects"


def test_an_unknown_engine_is_a_usage_error(monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from ropa.cli import app

    root = Path(__file__).resolve().parent.parent
    for value in ("bogus", "pyhton"):
        monkeypatch.setenv("ROPA_SCHEMA_ENGINE", value)
        schema._fast_validator.cache_clear()
        result = CliRunner().invoke(app, ["validate", str(root / "registers")])
        assert result.exit_code == 2
        assert result.stderr == (
            f"ropa: error: ROPA_SCHEMA_ENGINE='{value}': use 'python' for jsonschema alone"
            " or 'fast' (the default)\n"
        )
    monkeypatch.delenv("ROPA_SCHEMA_ENGINE")
    schema._fast_validator.cache_clear()
