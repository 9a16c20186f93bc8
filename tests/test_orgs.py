"""Records of other organisations, written from the docs alone (tests/orgs/): each validates
with exactly the findings that are true of it, and renders to the golden pages in
tests/orgs/<org>/expected, which were read sentence by sentence against the record.

ROPA_UPDATE_GOLDEN=1 rewrites the expected files after a deliberate change (then read the
diff: every changed sentence is a change to what an organisation publishes).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app

ORGS = sorted(p for p in (Path(__file__).parent / "orgs").iterdir() if p.is_dir())
runner = CliRunner()


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", "2026-11-30")


def _golden(path: Path, produced: str) -> None:
    if os.environ.get("ROPA_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(produced, encoding="utf-8")
    assert produced == path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("org", ORGS, ids=lambda p: p.name)
def test_validates_with_exactly_its_findings(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(org)
    result = runner.invoke(app, ["validate", "registers"])
    assert result.exit_code == 0, result.stdout
    _golden(org / "expected" / "validate.txt", result.stdout + result.stderr)


@pytest.mark.parametrize("org", ORGS, ids=lambda p: p.name)
def test_renders_the_golden_pages(org: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = runner.invoke(
        app, ["render", str(org / "registers"), "--out", str(out), "--format", "md"]
    )
    assert result.exit_code == 0, result.stdout + result.stderr
    produced = sorted(p.name for p in out.iterdir() if p.suffix == ".md")
    assert produced, "no pages"
    for name in produced:
        _golden(org / "expected" / name, (out / name).read_text(encoding="utf-8"))
