"""Range checks for every date and number a record or the command line can give, so that no
arithmetic on them overflows into a traceback (hostile case 20): a date outside 1900-2999
or a number of more than 15 digits is a finding with file and line; an option out of range
is a usage error (exit 2)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ropa.cli import app
from ropa.dates import add_months

BASE = Path(__file__).parent / "shared_cases" / "hostile" / "base" / "registers"
runner = CliRunner()


@pytest.fixture
def record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(BASE, tmp_path / "registers")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2026-06-01")
    return tmp_path / "registers"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


PLACES = {
    "register review": ("customers.yaml", "last_reviewed: 2026-01-01", 12, 20),
    "policy update": ("controller.yaml", "last_updated: 2026-01-01", 20, 19),
    "DPA signed": ("processors.yaml", "dpa: {signed: true}", 13, 31),
}


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31"])
@pytest.mark.parametrize("place", PLACES)
def test_a_date_outside_the_range_is_a_located_finding(record: Path, place: str, day: str) -> None:
    name, old, line, column = PLACES[place]
    key = old.split(":")[0]
    new = f"dpa: {{signed: true, date: {day}}}" if key == "dpa" else f"{key}: {day}"
    _edit(record / name, old, new)
    for command in (["validate"], ["review"], ["render", "--out", "site"], ["export"]):
        result = runner.invoke(app, [*command, "registers"])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        if command != ["review"]:  # review lists what it can read (its exit codes: issue 14)
            assert result.exit_code in (1, 2), (command, result.output)
    result = runner.invoke(app, ["validate", "registers"])
    assert (
        f"registers/{name}:{line}:{column} error ROPA010 '{day}' is outside the dates a record"
        " may hold (1900-01-01 to 2999-12-31)\n"
    ) in result.stdout


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31"])
def test_the_range_s_ends_are_dates_a_record_may_hold(record: Path, day: str) -> None:
    _edit(record / "customers.yaml", "last_reviewed: 2026-01-01", f"last_reviewed: {day}")
    result = runner.invoke(app, ["validate", "registers"])
    assert " error " not in result.stdout


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("1" + "0" * 15, "1000000000000000... (16 digits)"),
        ("-" + "9" * 50, "-9999999999999999999... (50 digits)"),
        ("1" + "0" * 5000, "10000000000000000000... (5001 digits)"),
    ],
)
def test_a_number_too_long_for_a_record_is_a_located_finding(
    record: Path, number: str, shown: str
) -> None:
    _edit(
        record / "controller.yaml",
        "review_interval_months: 12",
        f"review_interval_months: {number}",
    )
    result = runner.invoke(app, ["validate", "registers"])
    assert result.exit_code == 2
    assert result.stdout == (
        f"registers/controller.yaml:21:29 error ROPA004 the number {shown} is too large;"
        " a record's numbers have at most 15 digits\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "registers", "--within", "99999999999"], "99999999999 is not in the range"),
        (["review", "registers", "--within", "-1"], "-1 is not in the range"),
        (["review", "registers", "--today", "9999-12-31"], "--today '9999-12-31' is outside"),
        (["validate", "registers", "--today", "0001-01-01"], "--today '0001-01-01' is outside"),
    ],
)
def test_an_option_out_of_range_is_a_usage_error(
    record: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_ropa_today_out_of_range_is_a_usage_error(
    record: Path, monkeypatch: pytest.MonkeyPatch, day: str
) -> None:
    monkeypatch.setenv("ROPA_TODAY", day)
    for command in (["validate", "registers"], ["review", "registers"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2
        assert result.stderr.endswith(
            f"ropa: error: ROPA_TODAY='{day}' is outside 1900-01-01 to 2999-12-31\n"
        )


def test_month_arithmetic_never_overflows() -> None:
    assert add_months(datetime.date(9999, 12, 15), 1) == datetime.date.max
    assert add_months(datetime.date(2999, 12, 31), 1200) == datetime.date(3099, 12, 31)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)


def _largest_page(site: Path) -> int:
    return max(len(p.read_text(encoding="utf-8")) for p in site.glob("*.html"))


def test_a_page_over_the_page_limit_is_refused_before_rendering(
    record: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ROPA_MAX_PAGE_CHARS: a record whose text in a language alone passes the limit is refused
    before any page is rendered, naming the size, the limit and the variable; one whose text
    fits but whose page does not is refused when the page is built; at the page's size it
    renders. Nothing is written when a page is refused."""
    from ropa.record import Record
    from ropa.render import text_size
    from ropa.validate import validate

    text = text_size(Record.assemble(validate(record).documents), "en")
    assert runner.invoke(app, ["render", "registers", "--out", "site", "--format", "html"]).exit_code == 0  # fmt: skip
    page = _largest_page(Path("site"))
    assert text < page
    shutil.rmtree("site")

    monkeypatch.setenv("ROPA_MAX_PAGE_CHARS", str(page))
    assert runner.invoke(app, ["render", "registers", "--out", "site", "--format", "html"]).exit_code == 0  # fmt: skip
    assert _largest_page(Path("site")) == page
    shutil.rmtree("site")

    monkeypatch.setenv("ROPA_MAX_PAGE_CHARS", str(page - 1))
    result = runner.invoke(app, ["render", "registers", "--out", "site", "--format", "html"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ropa: error: privacy.html.j2: page is {page:,} characters; the limit is {page - 1:,}"
        " characters (set ROPA_MAX_PAGE_CHARS to raise it)\n"
    )
    assert not Path("site").exists()

    monkeypatch.setenv("ROPA_MAX_PAGE_CHARS", str(text - 1))
    result = runner.invoke(app, ["render", "registers", "--out", "site"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ropa: error: the record holds {text:,} characters of text in en: its privacy notice"
        f" would pass the page limit of {text - 1:,} characters (set ROPA_MAX_PAGE_CHARS to"
        " raise it); nothing was rendered\n"
    )
    assert not Path("site").exists()


@pytest.mark.parametrize(
    ("variable", "unit", "ceiling"),
    [
        ("ROPA_MAX_FILE_BYTES", "bytes", "1,073,741,824"),
        ("ROPA_MAX_PAGE_CHARS", "characters", "1,000,000,000"),
    ],
)
@pytest.mark.parametrize("setting", ["0", "-1", "ten", "1.5", "1073741825000"])
def test_a_limit_set_out_of_range_is_a_usage_error(
    record: Path, monkeypatch: pytest.MonkeyPatch, variable: str, unit: str, ceiling: str,
    setting: str,
) -> None:  # fmt: skip
    monkeypatch.setenv(variable, setting)
    result = runner.invoke(app, ["render", "registers", "--out", "site"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"ropa: error: {variable}={setting!r}: give a whole number of {unit} from 1 to {ceiling}\n"
    )
    assert not Path("site").exists()


def test_every_limit_is_documented_with_its_variable() -> None:
    from ropa.limits import LIMITS

    doc = (Path(__file__).parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
    limits = doc.split("## Limits", 1)[1].split("\n## ", 1)[0]
    for limit in LIMITS:
        assert f"`{limit.variable}`" in limits, limit.variable
        assert f"`{limit.variable}=N`" in doc, limit.variable
