"""Record files read on several processors (`ropa.parallel`): the same documents, problems and
output as one process reading them all, whatever a helper process does."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa import parallel
from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate  # noqa: E402

runner = CliRunner()


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated record of 30 files with problems of every stage in several of them."""
    folder = tmp_path / "record"
    generate(1300, folder)
    files = sorted(folder.glob("register-*.yaml"))
    text = files[3].read_text(encoding="utf-8")
    files[3].write_text(text.replace("    role: controller", "    role: controler", 1))  # schema
    files[8].write_text("registers:\n  - id: [broken\n", encoding="utf-8")  # syntax
    text = files[15].read_text(encoding="utf-8")
    files[15].write_text(text.replace("purpose-3\n", "purpose-3\u200b\n", 1), encoding="utf-8")
    text = files[20].read_text(encoding="utf-8")
    files[20].write_text(text.replace("processor: vendor-", "processor: vendor-x", 1))  # rule
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    monkeypatch.setenv("ROPA_TODAY", "2026-11-25")
    return folder


def _validate(folder: Path, jobs: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("ROPA_JOBS", jobs)
    result = runner.invoke(app, ["validate", str(folder), "--format", "json"])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("jobs", ["2", "3", "4"])
def test_helpers_give_what_one_process_gives(
    record: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    assert parallel.jobs(10**9, 30) > 1 or pytest.skip("no second processor or a thread runs")
    monkeypatch.setenv("ROPA_JOBS", jobs)
    assert parallel.jobs(10**9, 30) == int(jobs)
    alone = _validate(record, "1", monkeypatch)
    assert alone[0] == 2  # a file that cannot be read
    assert alone[1].count('"rule"') == 3  # syntax, character, schema: the rules wait
    assert _validate(record, jobs, monkeypatch) == alone
    # Once every file reads and fits the schema: the rules' findings, and the data itself.
    (record / "register-0008.yaml").unlink()
    for name in ("register-0003.yaml", "register-0015.yaml"):
        path = record / name
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("controler", "controller").replace("\u200b", ""))
    # Findings of each group of rules, which run in processes of their own (rules.run).
    path = record / "register-0021.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("      en: EN ", "      xx: EN ", 1)  # languages
    text = text.replace("          - basis: contract\n", "          - basis: consent\n", 1)  # legal
    text = text.replace("last_reviewed: 2026-06-01", "last_reviewed: 2020-06-01", 1)  # review
    path.write_text(text, encoding="utf-8")
    alone = _validate(record, "1", monkeypatch)
    assert alone[0] == 1
    for rule_id in ("ROPA101", "ROPA501", "ROPA302", "ROPA601"):
        assert f'"{rule_id}"' in alone[1]
    assert _validate(record, jobs, monkeypatch) == alone
    exported = []
    for setting in ("1", jobs):
        monkeypatch.setenv("ROPA_JOBS", setting)
        result = runner.invoke(app, ["processors", str(record), "--format", "json"])
        exported.append((result.exit_code, result.stdout))
    assert exported[0] == exported[1]
    assert exported[0][1].count('"processor": "vendor-') == 260


def test_a_helper_that_fails_is_replaced_by_the_main_process(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert parallel.jobs(10**9, 30) > 1 or pytest.skip("no second processor or a thread runs")
    alone = _validate(record, "1", monkeypatch)

    def fail(*args: object, **kwargs: object) -> bytes:
        raise MemoryError  # in the helper, which pickles what it loaded

    monkeypatch.setattr(parallel.pickle, "dumps", fail)
    assert _validate(record, "2", monkeypatch) == alone


def test_shares_are_balanced_deterministic_and_in_file_order() -> None:
    sizes = [5, 700, 690, 680, 10, 3, 2]
    split = parallel.shares(sizes, 2)
    assert split == parallel.shares(sizes, 2)
    assert sorted(i for share in split for i in share) == list(range(len(sizes)))
    assert all(share == sorted(share) for share in split)
    totals = sorted(sum(sizes[i] for i in share) for share in split)
    assert totals[1] - totals[0] <= max(sizes)


def test_a_small_record_is_read_by_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROPA_JOBS", raising=False)
    assert parallel.jobs(parallel.MIN_BYTES - 1, 100) == 1
    assert parallel.jobs(10**9, 1) == 1


@pytest.mark.parametrize("setting", ["0", "x", "65", "-2"])
def test_a_wrong_jobs_setting_is_a_usage_error(
    record: Path, monkeypatch: pytest.MonkeyPatch, setting: str
) -> None:
    monkeypatch.setenv("ROPA_JOBS", setting)
    result = runner.invoke(app, ["validate", str(record)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ropa: error: ROPA_JOBS={setting!r}: give a whole number from 1 to 64\n"
    )


def test_languages_rendered_side_by_side_give_the_same_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`render` of every language on helpers: the same files, byte for byte, as in one
    process, also when a helper fails and the main process renders its languages."""
    assert parallel.jobs(10**9, 30) > 1 or pytest.skip("no second processor or a thread runs")
    folder = tmp_path / "record"
    generate(120, folder)
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    monkeypatch.setenv("ROPA_TODAY", "2026-11-25")
    sites = {}
    for setting in ("1", "3"):
        monkeypatch.setenv("ROPA_JOBS", setting)
        result = runner.invoke(app, ["render", str(folder), "--out", str(tmp_path / setting)])
        assert result.exit_code == 0, result.output
        sites[setting] = {p.name: p.read_bytes() for p in (tmp_path / setting).iterdir()}
    assert len(sites["1"]) == 3 * 8
    assert sites["3"] == sites["1"]

    def fail(*args: object, **kwargs: object) -> bytes:
        raise MemoryError

    monkeypatch.setattr(parallel.pickle, "dumps", fail)
    result = runner.invoke(app, ["render", str(folder), "--out", str(tmp_path / "failed")])
    assert result.exit_code == 0, result.output
    assert {p.name: p.read_bytes() for p in (tmp_path / "failed").iterdir()} == sites["1"]
