"""Example records under tests/cases/, discovered automatically.

Each case is a folder with `record/` (the YAML files) and `expected.txt`: a first line
`# exit N` (and optionally `# args ...` lines) followed by the exact stdout of
`ropa validate record` run inside the case folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa import schema
from ropa.cli import app

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


def _expectation(case: Path) -> tuple[int, list[str], str]:
    lines = (case / "expected.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    exit_code, args, output = None, [], []
    for line in lines:
        if line.startswith("# exit "):
            exit_code = int(line.split()[2])
        elif line.startswith("# args "):
            args.extend(line.split()[2:])
        else:
            output.append(line)
    assert exit_code is not None, f"{case}/expected.txt lacks '# exit N'"
    return exit_code, args, "".join(output)


@pytest.fixture(params=["fast", "python"])
def schema_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Each case runs with the compiled fast path and with the reference validator alone:
    the output must be the same, byte for byte."""
    monkeypatch.setenv(schema.ENGINE_VARIABLE, request.param)
    schema._fast_validator.cache_clear()
    yield request.param
    schema._fast_validator.cache_clear()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch, schema_engine: str) -> None:
    exit_code, args, expected = _expectation(case)
    monkeypatch.chdir(case)
    result = CliRunner().invoke(app, ["validate", "record", *args])
    assert result.stdout == expected
    assert result.exit_code == exit_code, result.stderr


def test_every_rule_has_a_failing_and_a_passing_case() -> None:
    from ropa.rules import all_rules

    failing: set[str] = set()
    passing: set[str] = set()
    for case in CASES:
        _, _, output = _expectation(case)
        name = case.name
        for rule in all_rules():
            if name.startswith(rule.id.lower() + "-fail") and rule.id in output:
                failing.add(rule.id)
            if name.startswith(rule.id.lower() + "-pass") and rule.id not in output:
                passing.add(rule.id)
    ids = {rule.id for rule in all_rules()}
    assert ids - failing == set(), "rules without a failing case"
    assert ids - passing == set(), "rules without a passing case"
