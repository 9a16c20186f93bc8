"""Shared fixtures: a fixed 'today' so review-date findings do not change with the calendar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROPA_TODAY", TODAY)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped registers in a temporary working directory."""
    shutil.copytree(ROOT / "registers", tmp_path / "registers")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "registers"
