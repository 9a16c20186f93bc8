"""The benchmark's generated records: the same bytes for the same seed, valid, and of the
size asked for."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.loader import load_file

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first = generate(120, tmp_path / "a")
    second = generate(120, tmp_path / "b")
    assert first == second
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    generate(120, tmp_path / "c", seed=31)
    assert _files(tmp_path / "c") != _files(tmp_path / "a")


@pytest.mark.parametrize("activities", [10, 120])
def test_a_generated_record_is_clean_and_has_n_activities(tmp_path: Path, activities: int) -> None:
    folder = tmp_path / "record"
    generate(activities, folder)
    result = CliRunner().invoke(app, ["validate", str(folder), "--strict"])
    assert (result.exit_code, result.stdout) == (0, "")
    documents = [load_file(p).data for p in sorted(folder.glob("*.yaml"))]
    registers = [r for d in documents for r in d.get("registers", [])]
    vendors = [v for d in documents for v in d.get("processors", [])]
    assert sum(len(r["purposes"]) for r in registers) == activities
    assert all(len(r["purposes"]) <= 50 for r in registers)
    assert all(5 <= len(r["personal_data"]) <= 10 for r in registers)
    assert len(vendors) == max(5, activities // 5)
    assert all(set(r["name"]) == {"sv", "fi", "en"} for r in registers)


def test_the_large_shape_is_clean_with_big_files_and_shared_vendors(tmp_path: Path) -> None:
    """The second shape: up to 2,000 activities a file, 2,000 vendors in all, every one used,
    long texts with letters beyond ASCII."""
    folder = tmp_path / "record"
    generate(2100, folder, shape="large")
    result = CliRunner().invoke(app, ["validate", str(folder), "--strict"])
    assert (result.exit_code, result.stdout) == (0, "")
    documents = [load_file(p).data for p in sorted(folder.glob("*.yaml"))]
    registers = [r for d in documents for r in d.get("registers", [])]
    vendors = [v for d in documents for v in d.get("processors", [])]
    assert [len(r["purposes"]) for r in registers] == [2000, 100]
    assert len(vendors) == 2000
    used = {use["processor"] for r in registers for use in r["processors"]}
    assert used == {v["id"] for v in vendors}
    assert "ä" in registers[0]["purposes"][0]["description"]["sv"] + registers[0]["purposes"][1]["description"]["sv"]  # fmt: skip
