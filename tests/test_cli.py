"""The command line as a user meets it: output formats, exit codes, usage errors, help."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ropa import __version__
from ropa.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()

BROKEN = """\
controller:
  name: Example Ltd
  email: privacy@example.com
  supervisory_authority: {name: DPA, country: FI}
  languages: [en]
  policy: {last_updated: 2026-06-01, review_interval_months: 12}
  rights: {available: [access, rectification, erasure, restriction, objection, complaint]}
processors:
  - id: crm
    system: CRM
    legal_entity: "CRM, Inc."
    countries: [US]
    dpa: {signed: true, date: 2026-01-15}
registers:
  - id: customers
    name: {en: Customers}
    role: controller
    owner: dpo@example.com
    last_reviewed: 2024-01-15
    purposes:
      - id: sales
        name: {en: Sales}
        legal_bases: [{basis: legitimate_interests}]
    data_subjects: [{id: contacts, name: {en: Contacts}}]
    personal_data: [{id: names, name: {en: Names}}]
    processors: [{processor: crm, purpose: {en: CRM}}]
    retention: [{until: end_of_contract}]
"""

TEXT = """\
record/ropa.yaml:12:17 error ROPA202 United States (US) is outside the EU/EEA and processor 'crm' has no transfer mechanism for it
record/ropa.yaml:19:20 warning ROPA601 register 'customers' was last reviewed on 2024-01-15; a review was due by 2025-01-15 (every 12 months)
record/ropa.yaml:23:31 error ROPA301 purpose 'sales' relies on legitimate interests; state the interest under 'interest:'
"""


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "record").mkdir()
    (tmp_path / "record" / "ropa.yaml").write_text(BROKEN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "record"


def test_text_format(broken: Path) -> None:
    result = runner.invoke(app, ["validate", "record"])
    assert result.exit_code == 1
    assert result.stdout == TEXT
    assert result.stderr == "2 errors, 1 warning in 1 file\n"


def test_json_format(broken: Path) -> None:
    result = runner.invoke(app, ["validate", "record", "--format", "json"])
    assert result.exit_code == 1
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert document["version"] == 1
    assert document["files"] == ["record/ropa.yaml"]
    assert document["summary"] == {"errors": 2, "warnings": 1}
    assert document["problems"][0] == {
        "file": "record/ropa.yaml",
        "line": 12,
        "column": 17,
        "severity": "error",
        "rule": "ROPA202",
        "message": "United States (US) is outside the EU/EEA and processor 'crm' has no"
        " transfer mechanism for it",
        "path": "$.processors[0].countries[0]",
    }
    assert [p["rule"] for p in document["problems"]] == ["ROPA202", "ROPA601", "ROPA301"]


def test_github_format(broken: Path) -> None:
    result = runner.invoke(app, ["validate", "record", "-f", "github"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=record/ropa.yaml,line=12,col=17,title=ROPA202::United States (US) is"
        " outside the EU/EEA and processor 'crm' has no transfer mechanism for it",
        "::warning file=record/ropa.yaml,line=19,col=20,title=ROPA601::register 'customers' was"
        " last reviewed on 2024-01-15; a review was due by 2025-01-15 (every 12 months)",
        "::error file=record/ropa.yaml,line=23,col=31,title=ROPA301::purpose 'sales' relies on"
        " legitimate interests; state the interest under 'interest:'",
    ]


def test_warnings_pass_unless_strict(shipped: Path) -> None:
    assert runner.invoke(app, ["validate"]).exit_code == 0
    strict = runner.invoke(app, ["validate", "--strict"])
    assert strict.exit_code == 1
    assert "ROPA601" in strict.stdout


def test_today_option_overrides_the_environment(shipped: Path) -> None:
    result = runner.invoke(app, ["validate", "--today", "2023-06-01"])
    # As of that day no review was due: only the findings that do not depend on the date.
    assert "ROPA601" not in result.stdout
    assert result.exit_code == 0
    assert result.stderr == "0 errors, 28 warnings in 6 files\n"


def test_unreadable_file_exits_2_and_rules_wait_for_a_readable_record(broken: Path) -> None:
    # Cross-file rules on a partial record would report references into the unreadable file
    # as unknown; they run once every file loads and matches the schema.
    (broken / "zz-bad.yaml").write_bytes(b"a: 1\na: 2\n")
    result = runner.invoke(app, ["validate", "record"])
    assert result.exit_code == 2
    assert result.stdout == (
        "record/zz-bad.yaml:2:1 error ROPA003 duplicate key 'a' (first defined on line 1)\n"
    )
    assert result.stderr == "1 error, 0 warnings in 2 files\n"


def test_schema_errors_in_one_file_are_reported_with_load_errors_in_another(broken: Path) -> None:
    (broken / "ropa.yaml").write_text(BROKEN.replace("role: controller", "role: owner"))
    (broken / "zz-bad.yaml").write_bytes(b"a: [1\n")
    result = runner.invoke(app, ["validate", "record"])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "record/ropa.yaml:17:11 error ROPA010 'owner' is not one of: controller, processor",
        "record/zz-bad.yaml:2:1 error ROPA001 while parsing a flow sequence that starts at line 1,"
        " column 4; expected ',' or ']',"
        " but got '<stream end>'",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "nowhere"], "ropa: error: nowhere: no such file or directory\n"),
        (
            ["validate", "--today", "02.11.2022"],
            "ropa: error: --today '02.11.2022' is not a date (YYYY-MM-DD)\n",
        ),
        (["rules", "ROPA999"], "ropa: error: no rule 'ROPA999'; `ropa rules` lists them\n"),
    ],
)
def test_usage_errors_exit_2(
    args: list[str], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr == message
    assert result.stdout == ""


def test_folder_without_yaml_files_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("x")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["validate", "empty"])
    assert result.exit_code == 2
    assert result.stderr == "ropa: error: empty: no .yaml or .yml files found\n"


def test_unknown_format_is_a_usage_error(shipped: Path) -> None:
    result = runner.invoke(app, ["validate", "--format", "xml"])
    assert result.exit_code == 2
    assert "xml" in result.stderr


def test_bad_environment_date_is_a_usage_error(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROPA_TODAY", "tomorrow")
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
    assert result.stderr == "ropa: error: ROPA_TODAY='tomorrow' is not a date (YYYY-MM-DD)\n"


def test_single_file_can_be_validated(broken: Path) -> None:
    result = runner.invoke(app, ["validate", "record/ropa.yaml"])
    assert result.exit_code == 1
    assert result.stdout == TEXT


def test_hidden_folders_are_skipped(broken: Path) -> None:
    (broken / ".cache").mkdir()
    (broken / ".cache" / "junk.yaml").write_text("- not a record\n")
    assert runner.invoke(app, ["validate", "record"]).stdout == TEXT


def test_rules_lists_every_rule_once() -> None:
    from ropa.rules import all_rules

    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in all_rules()]
    # Every rule about the record names the GDPR provision it rests on.
    assert all(r.article for r in all_rules() if r.id >= "ROPA010")
    assert re.match(
        r"^ROPA202  transfer-mechanism-missing +error    Art\. 44, 13\(1\)\(f\) +Data goes to",
        lines[[r.id for r in all_rules()].index("ROPA202")],
    )


def test_rules_shows_one_rule_with_examples() -> None:
    result = runner.invoke(app, ["rules", "transfer-mechanism-missing"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "ROPA202 transfer-mechanism-missing (error, Art. 44, 13(1)(f))\n\n"
        "Data goes to a country outside the EU/EEA without a transfer mechanism.\n"
    )
    assert "Failing:" in result.stdout and "Passing:" in result.stdout


def test_every_rule_documents_a_failing_and_a_passing_example() -> None:
    from ropa.rules import all_rules

    for rule in all_rules():
        assert "\nFailing:\n" in rule.doc and "\nPassing:\n" in rule.doc, rule.id
        assert rule.summary.endswith("."), rule.id


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"ropa {__version__}\n"


def test_every_command_and_option_has_help() -> None:
    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    assert {"validate", "rules"} <= set(commands)
    for name, command in commands.items():
        assert command.help, f"command {name} has no help"
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name} has no help"
    for param in group.params:
        assert getattr(param, "help", None), f"ropa {param.name} has no help"


def _run_module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ropa", *args], capture_output=True, text=True, check=False
    )


def test_python_dash_m_runs_the_cli() -> None:
    result = _run_module("--version")
    assert result.returncode == 0
    assert result.stdout == f"ropa {__version__}\n"


def _modules_loaded_by(*args: str) -> set[str]:
    """The modules a fresh `ropa ARGS` process has imported by the time it exits."""
    probe = (
        "import sys\n"
        f"sys.argv = ['ropa', *{list(args)!r}]\n"
        "import ropa.__main__\n"  # what the entry point imports first, then the command
        "from ropa.cli import run\n"
        "try:\n"
        "    run()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return set(result.stderr.splitlines()[-1].split())


# Libraries that only some commands need.
HEAVY = {
    "jsonschema",  # the reference validator: only when a file breaks the schema
    "referencing",
    "jinja2",  # render, changelog
    "markupsafe",
    "babel",  # render, export
    "openpyxl",  # export --format xlsx
    "rich",  # processors' table, the progress bar
    "pydantic",  # typer 0.29 and later, which ropa does not use
}
COMMAND_MODULES = {
    "ropa.render", "ropa.notice", "ropa.processor_list", "ropa.i18n", "ropa.export", "ropa.dpv",
    "ropa.audit",
    "ropa.diff", "ropa.history", "ropa.changelog", "ropa.scaffold", "ropa.reference",
}  # fmt: skip


def _top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_nothing_heavy() -> None:
    modules = _modules_loaded_by("--help")
    assert _top_level(modules) & (HEAVY | {"yaml", "jsonschema_rs"}) == set()
    assert {m for m in modules if m.startswith("ropa.")} == {"ropa.__main__", "ropa.cli"}


def test_validate_imports_only_what_it_uses() -> None:
    modules = _modules_loaded_by("validate", str(ROOT / "registers"))
    assert _top_level(modules) & HEAVY == set()
    assert {"yaml", "jsonschema_rs"} <= _top_level(modules)
    assert modules & COMMAND_MODULES == set()


def test_validate_imports_the_reference_validator_only_for_a_schema_problem(
    tmp_path: Path,
) -> None:
    (tmp_path / "r.yaml").write_text("controller:\n  nmae: x\n", encoding="utf-8")
    modules = _modules_loaded_by("validate", str(tmp_path / "r.yaml"))
    assert "jsonschema" in _top_level(modules)


def test_a_file_changed_while_it_is_checked_is_an_input_error(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped record has warnings, so ropa reads files again for their line numbers;
    # here a file is edited just before that.
    from ropa import loader

    read_again = loader._OnDisk.__call__

    def edited_first(self: loader._OnDisk) -> str:
        self._path.write_text("# edited\n" + self._path.read_text(encoding="utf-8"))
        return read_again(self)

    monkeypatch.setattr(loader._OnDisk, "__call__", edited_first)
    result = runner.invoke(app, ["validate", "registers"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "ropa: error: registers/processors.yaml: the file changed while it was being checked;"
        " run again\n"
    )


def test_render_refuses_an_overdue_policy_review_unless_allowed(
    shipped: Path, tmp_path: Path
) -> None:
    # The page states the yearly review; the shipped policy was last updated in 2022.
    out = tmp_path / "site"
    refused = runner.invoke(app, ["render", "--out", str(out)])
    assert refused.exit_code == 1
    assert refused.stdout == (
        "registers/controller.yaml:25:19 warning ROPA601 the privacy policy was last updated on"
        " 2022-11-02; a review was due by 2023-11-02 (every 12 months)\n"
    )
    assert refused.stderr == (
        "ropa: the policy's review is overdue and the page states its review interval; review"
        " the policy and update policy.last_updated, or pass --allow-overdue; nothing was"
        " rendered\n"
    )
    assert not out.exists()
    allowed = runner.invoke(app, ["render", "--out", str(out), "--allow-overdue", "--lang", "en"])
    assert allowed.exit_code == 0, allowed.stdout
    assert allowed.stderr.endswith("country data (EU/EEA, adequacy decisions) as of 2026-10-08\n")
    assert (out / "privacy.en.html").is_file()
    # A register's overdue review is a warning for its owner, not a false promise on the page.
    (shipped / "controller.yaml").write_text(
        (shipped / "controller.yaml")
        .read_text()
        .replace("last_updated: 2022-11-02", "last_updated: 2026-11-02")
    )
    assert runner.invoke(app, ["render", "--out", str(out), "--lang", "en"]).exit_code == 0


def test_every_command_warns_once_the_country_data_is_six_months_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The country data is as of 2026-10-08: stale from 2027-04-09 on.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROPA_TODAY", "2027-04-09")
    assert runner.invoke(app, ["init", "--company", "A Ltd", "--lang", "en"]).exit_code == 0
    warning = (
        "ropa: warning: the EU/EEA and adequacy data used to check transfers is as of"
        " 2026-10-08, more than 6 months ago; update ropa or check the Commission's adequacy"
        " decisions\n"
    )
    for args in (
        ["render", "--out", "site"],
        ["export", "--format", "json", "--out", "ropa.json"],
        ["processors"],
        ["review"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (args, result.stdout + result.stderr)
        assert result.stderr.startswith(warning), args
    # validate reports it once, as a finding with its place, not again on stderr.
    validated = runner.invoke(app, ["validate"])
    assert warning not in validated.stderr
    assert "warning ROPA209 the EU/EEA and adequacy data" in validated.stdout
    monkeypatch.setenv("ROPA_TODAY", "2027-04-08")
    assert warning not in runner.invoke(app, ["processors"]).stderr


def _help_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment without what changes how typer lays help out, UTF-8 output."""
    from ropa.__main__ import _HELP_LAYOUT

    clean = {k: v for k, v in os.environ.items() if k not in _HELP_LAYOUT}
    return {**clean, "PYTHONIOENCODING": "utf-8", **(extra or {})}


def _help_process(env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`ropa --help` as the installed command runs it (argv[0] is `ropa`), into a pipe, with
    the names of the modules it imported on stderr."""
    probe = (
        "import os, sys\n"
        "sys.argv = ['ropa', '--help']\n"
        "from ropa.__main__ import main\n"
        "real_exit = os._exit\n"
        "def leave(code):\n"
        "    sys.stderr.write(' '.join(sorted(sys.modules)) + '\\n')\n"
        "    sys.stderr.flush()\n"
        "    real_exit(code)\n"
        "os._exit = leave\n"
        "main()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        env=_help_env(env),
    )  # fmt: skip


def test_help_into_a_pipe_is_the_stored_text_which_is_what_typer_prints() -> None:
    """`ropa --help` into a pipe prints ropa/data/help.txt without importing typer; the file
    is exactly what typer prints there (ROPA_UPDATE_GOLDEN=1 writes it anew)."""
    from ropa.__main__ import HELP_FILE

    live = subprocess.run(
        [sys.executable, "-c", "import sys\nsys.argv = ['ropa', '--help']\nfrom ropa.cli import"
         " run\ntry:\n    run()\nexcept SystemExit:\n    pass\n"],
        capture_output=True, text=True, check=True, env=_help_env(),
    ).stdout  # fmt: skip
    if os.environ.get("ROPA_UPDATE_GOLDEN"):
        Path(HELP_FILE).write_text(live, encoding="utf-8")
    assert Path(HELP_FILE).read_text(encoding="utf-8") == live
    fast = _help_process()
    assert fast.stdout == live
    assert "typer" not in fast.stderr.split()
    # Where the environment may lay help out otherwise, typer prints it.
    assert "typer" in _help_process({"FORCE_COLOR": "1"}).stderr.split()
    assert "typer" in _help_process({"COLUMNS": "120"}).stderr.split()
