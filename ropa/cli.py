"""The `ropa` command line: parses options, calls the core, picks a reporter, sets the exit code.

Nothing heavy is imported at module level so that `ropa --help` starts quickly.
"""

from __future__ import annotations

import datetime
import enum
import gc
import io
import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ropa import __version__

if TYPE_CHECKING:
    from ropa.progress import Progress
    from ropa.validate import Loaded, Result

app = typer.Typer(
    name="ropa",
    help="Keep a GDPR Article 30 record of processing activities as YAML: validate it, "
    "render the privacy policy, and audit processors and transfers.",
    no_args_is_help=True,
    add_completion=True,
    # Records hold personal data: a traceback must never print local variables.
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# A day: beyond it a limit on a page is no limit (and the timer cannot hold much more).
MAX_TEMPLATE_SECONDS = 86_400
# Each command's exit codes: what 0 and 1 mean for it (2 is always a usage or input error:
# an unknown option, a path that is not there, a file that is not strict YAML...). The
# commands' help and docs/cli.md say the same; tests/test_exit_codes.py holds them to it.
EXIT_CODES: dict[str, tuple[str, str]] = {
    "validate": ("no errors (warnings allowed)", "errors, or warnings with --strict"),
    "render": (
        "pages written, or up to date with --check",
        "the record has errors, the policy's review is overdue (without --allow-overdue),"
        " or pages are out of date with --check",
    ),
    "processors": (
        "the list printed",
        "the record's files or schema have errors (rule errors are printed on stderr, not"
        " fatal), or a transfer lacks its safeguard with --fail-on-missing-safeguard",
    ),
    "export": ("the file written", "the record has errors"),
    "diff": ("no material change", "material changes"),
    "review": ("nothing overdue", "a review is overdue, or the record has errors"),
    "changelog": ("the change log written", "the record at HEAD has errors"),
    "init": ("the record written", "-"),
    "import": (
        "the record written and valid, every cell understood",
        "the record written, with findings to fix or cells not understood",
    ),
    "schema": ("the schema printed", "-"),
    "rules": ("the rules printed", "-"),
}


def _exit_codes(command: str) -> str:
    """The help's last paragraph: the command's exit codes."""
    ok, problems = EXIT_CODES[command]
    found = f", 1 {problems}" if problems != "-" else ""
    return f"Exit codes: 0 {ok}{found}, 2 usage or input error."


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ropa {__version__}")
        raise typer.Exit()


_STATE: dict[str, Any] = {"quiet": False, "verbose": False, "record": None}


def _info(message: str) -> None:
    """A diagnostic on stderr (summaries, files written), unless --quiet."""
    if not _STATE["quiet"]:
        sys.stderr.write(message)


@app.callback()
def main_options(
    context: typer.Context,
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer reads the annotation at runtime on 3.10
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only results: no summaries or file lists.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also say which files were read.")
    ] = False,
) -> None:
    """Keep a GDPR Article 30 record of processing activities as code."""
    _STATE["quiet"] = quiet
    _STATE["verbose"] = verbose and not quiet
    # `validate` reports the same as finding ROPA209, with its place in the record.
    if context.invoked_subcommand not in (None, "validate"):
        _warn_stale_country_data()


def _warn_stale_country_data() -> None:
    """Warn, from every command, once the country data is over 6 months old."""
    from ropa import countries
    from ropa.errors import UsageError
    from ropa.validate import today

    try:
        warning = countries.load().age_warning(today())
    except UsageError:
        return  # a bad ROPA_TODAY is reported by the command itself
    if warning is not None:
        sys.stderr.write(f"ropa: warning: {warning}\n")


def _country_data_notice() -> None:
    """Say which date the EU/EEA and adequacy data behind a command's output is from."""
    from ropa import countries

    _info(f"country data (EU/EEA, adequacy decisions) as of {countries.load().as_of}\n")


def _machine(text: str) -> None:
    """Write a machine format (JSON, SARIF, CSV, Markdown, annotations) to stdout as UTF-8,
    whatever the console's encoding: a redirected Windows console (cp1252) would otherwise
    fail on the first "Ł", and a reader of the file expects UTF-8."""
    _machine_bytes(text.encode("utf-8", "backslashreplace"))


def _machine_bytes(content: bytes) -> None:
    """Bytes of a machine format to standard output, as they are."""
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


def _fail(message: str) -> typer.Exit:
    from ropa.text import one_line

    sys.stderr.write(f"ropa: error: {one_line(message)}\n")
    return typer.Exit(2)


def _parse_date(value: str | None) -> datetime.date | None:
    from ropa.dates import given_day
    from ropa.errors import UsageError

    if value is None:
        return None
    try:
        return given_day(value, f"--today {value!r}")
    except UsageError as exc:
        raise _fail(str(exc)) from None


@app.command(epilog=_exit_codes("validate"))
def validate(
    path: Annotated[
        Path,
        typer.Argument(
            help="The record: a folder of YAML files (searched recursively) or one file."
        ),
    ] = Path("registers"),
    output_format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text: file:line:col severity rule message; json; github: workflow "
            "annotations; sarif: SARIF 2.1.0 for code scanning.",
        ),
    ] = Format.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Judge review dates as of this day (default: today, or $ROPA_TODAY).",
        ),
    ] = None,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Check the record as staged for the next commit (the git index), not the"
            " files on disk: what a pre-commit hook should check.",
        ),
    ] = False,
) -> None:
    """Check a record against the schema and the cross-reference and legal rules."""
    from ropa import reporters
    from ropa.errors import UsageError

    on = _parse_date(today)
    try:
        result = _validated(path, on, staged)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    report = reporters.FORMATS[output_format.value](result)
    if output_format is Format.text:
        sys.stdout.write(report)
    else:
        _machine(report)
    if output_format is Format.text:
        errors, warnings = result.errors, result.warnings
        _info(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            f" in {len(result.files)} file{'s' * (len(result.files) != 1)}\n"
        )
    raise typer.Exit(result.exit_code(strict))


def _files_read(result: Result | Loaded) -> None:
    """Under --verbose, name every file read and every file left out of the record."""
    from ropa.text import one_line

    if _STATE["verbose"]:
        _info("".join(f"read {one_line(name)}\n" for name in result.files))
        _info(
            "".join(f"skipped {one_line(name)}: {one_line(why)}\n" for name, why in result.skipped)
        )


def _progress() -> Progress:
    """A progress bar on stderr for a large record on a terminal (not with --quiet)."""
    from ropa.progress import for_terminal

    return for_terminal(_STATE["quiet"])


def _check(path: Path, on: datetime.date | None, staged: bool, progress: Progress) -> Result:
    """Validate the record at `path` in the work tree, or with `staged` as the git index
    holds it (what the next commit will hold)."""
    from ropa.validate import validate as run_validation

    if not staged:
        result = run_validation(path, on, progress=progress)
    else:
        from ropa.history import Repository
        from ropa.validate import catalog_folder, check

        result = check(Repository.find(path).staged(), catalog_folder(path), on, progress)
    # The command ends the process at once (os._exit, ropa.__main__): the record is left for
    # the exit to drop whole, not freed object by object as the command returns (0.1 s at
    # 30,000 activities). One slot: where one process runs many commands (tests), the next
    # replaces it.
    _STATE["record"] = result
    return result


def _validated(path: Path, on: datetime.date | None = None, staged: bool = False) -> Result:
    """Validate with the progress bar, which is gone before anything is printed; with
    `staged`, the record as the git index holds it."""

    progress = _progress()
    try:
        result = _check(path, on, staged, progress)
    finally:
        progress.close()
    _files_read(result)
    return result


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _nothing(check: bool) -> str:
    return "the pages were not checked" if check else "nothing was rendered"


def _differs(path: Path, content: bytes) -> bool:
    """Whether the page at `path` says something other than `content`. Line endings do not
    count: git may check text out with CRLF (core.autocrlf) or store it with LF."""
    try:
        written = path.read_bytes()
    except OSError:
        return True
    return written != content and written.replace(b"\r\n", b"\n") != content.replace(b"\r\n", b"\n")


@app.command(epilog=_exit_codes("render"))
def render(
    path: Annotated[
        Path,
        typer.Argument(help="The record: a folder of YAML files or one file."),
    ] = Path("registers"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the pages to (created if missing).")
    ] = Path("site"),
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang", help="Comma-separated languages, e.g. sv,fi (default: every published one)."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="Comma-separated page formats: html, md.")
    ] = "html,md",
    templates: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--templates",
            help="A folder of templates that override the shipped ones by file name.",
        ),
    ] = None,
    template_time_limit: Annotated[
        float,
        typer.Option(
            "--template-time-limit",
            metavar="SECONDS",
            help="With --templates: stop with exit 2 when a page takes longer (0: no limit).",
        ),
    ] = 20.0,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", metavar="YYYY-MM-DD", help="Judge review dates as of this day."),
    ] = None,
    with_changelog: Annotated[
        bool,
        typer.Option(
            "--changelog",
            help="Also write the change log from git history and link it from the policy page.",
        ),
    ] = False,
    last_updated_from_git: Annotated[
        bool,
        typer.Option(
            "--last-updated-from-git",
            help="Date the policy by its last material change in git, when that is later.",
        ),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 if the files in --out differ from a fresh render.",
        ),
    ] = False,
    staged: Annotated[
        bool,
        typer.Option(
            "--staged",
            help="Render the record as staged for the next commit (the git index), not the"
            " files on disk: what the ropa-render-check pre-commit hook checks.",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help=(
                "Write the audit view instead (privacy.sv.explain.html...): every statement"
                " followed by the file, line and field it comes from."
            ),
        ),
    ] = False,
    allow_overdue: Annotated[
        bool,
        typer.Option(
            "--allow-overdue",
            help=(
                "Render even though the policy's review is overdue (the page states the review"
                " interval, a promise the record shows was not kept)."
            ),
        ),
    ] = False,
) -> None:
    """Render the privacy policy, processor list and transfer table for each language.

    The record is validated first; a record with errors is not rendered (exit 1) and the
    problems are printed as by `ropa validate`. Nor is one whose policy review is overdue
    (ROPA601 on `policy.last_updated`), unless --allow-overdue is given.
    """
    from ropa import render as rendering
    from ropa import reporters
    from ropa.errors import UsageError
    from ropa.record import Record
    from ropa.writer import write_all

    on = _parse_date(today)
    formats = _split(output_format) or []
    unknown = [f for f in formats if f not in rendering.FORMATS]
    if unknown or not formats:
        raise _fail(f"--format {output_format!r}: choose from {', '.join(rendering.FORMATS)}")
    if templates is not None and not templates.is_dir():
        raise _fail(f"--templates {templates}: not a folder")
    if not 0 <= template_time_limit <= MAX_TEMPLATE_SECONDS:  # NaN fails here too
        raise _fail(
            f"--template-time-limit {template_time_limit:g}: give seconds from 0 (no limit) to"
            f" {MAX_TEMPLATE_SECONDS:,}"
        )
    progress = _progress()
    try:
        result = _check(path, on, staged, progress)
        _files_read(result)
        if result.errors or result.unreadable:
            progress.close()
            sys.stdout.write(reporters.text(result))
            sys.stderr.write(f"ropa: the record has errors; {_nothing(check)}\n")
            raise typer.Exit(result.exit_code())
        rendering.check_out_dir(out, path)
        documents = list(result.documents)
        record = Record.assemble(documents)
        record.catalogs = result.catalogs
        last_updated = None
        extra: list[rendering.Output] = []
        if with_changelog or last_updated_from_git:
            from ropa import changelog as log
            from ropa.history import Repository

            repository = Repository.find(path)
            found = log.history(repository)
            latest = log.last_material_change(found)
            policy_date = (
                record.controller.data["policy"]["last_updated"] if record.controller else ""
            )
            if last_updated_from_git and latest is not None and latest.isoformat() > policy_date:
                last_updated = latest.isoformat()
            if with_changelog:
                for language in _split(lang) or record.languages:
                    context = {"page": log.page(record, found, language),
                               "self_name": f"changelog.{language}.html"}  # fmt: skip
                    for fmt in formats:
                        text = rendering.render_page(
                            f"changelog.{fmt}.j2", language, context, fmt, templates,
                            record.catalogs, template_time_limit or None,
                        )  # fmt: skip
                        extra.append(
                            rendering.Output(f"changelog.{language}.{fmt}", text.encode("utf-8"))
                        )
                    feed = log.atom(record, found, language, None)
                    extra.append(rendering.Output(f"changelog.{language}.xml", feed))
        # The page states the review interval: a review the record shows was missed would
        # make it a false promise (judged on the date the page will carry).
        overdue = [
            p for p in result.problems
            if p.rule == "ROPA601" and p.path[-2:] == ("policy", "last_updated")
        ]  # fmt: skip
        if overdue and last_updated is not None and record.controller is not None:
            from ropa.dates import add_months

            months = record.controller.data["policy"]["review_interval_months"]
            due = add_months(datetime.date.fromisoformat(last_updated), months)
            overdue = overdue if due < result.today else []
        if overdue and not allow_overdue:
            progress.close()
            sys.stdout.write("".join(p.format() + "\n" for p in overdue))
            sys.stderr.write(
                "ropa: the policy's review is overdue and the page states its review interval;"
                " review the policy and update policy.last_updated, or pass --allow-overdue;"
                f" {_nothing(check)}\n"
            )
            raise typer.Exit(1)
        progress.stage("Rendering the pages")
        outputs = rendering.render(
            record,
            _split(lang),
            formats,
            templates,
            with_changelog,
            last_updated,
            explain,
            template_time_limit or None,
        )
        progress.close()
        if check:
            stale = [o.name for o in outputs + extra if _differs(out / o.name, o.content)]
            for name in stale:
                state = "out of date" if (out / name).exists() else "missing"
                sys.stderr.write(f"ropa: {out / name} is {state}\n")
            if stale:
                sys.stderr.write("ropa: run ropa render to update the pages\n")
                raise typer.Exit(1)
            _info(f"{len(outputs + extra)} files in {out} are up to date\n")
            return
        written = write_all(outputs + extra, out)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or out}: {exc.strerror}") from None
    finally:
        progress.close()
    for target in written:
        _info(f"wrote {target}\n")
    _country_data_notice()


class ListFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"
    md = "md"


@app.command(epilog=_exit_codes("processors"))
def processors(
    path: Annotated[
        Path, typer.Argument(help="The record: a folder of YAML files or one file.")
    ] = Path("registers"),
    outside_eea: Annotated[
        bool,
        typer.Option(
            "--outside-eea",
            help="One row per processor and country outside the EU/EEA, with its safeguard.",
        ),
    ] = False,
    register: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--register", metavar="ID", help="Only processors this register uses."),
    ] = None,
    country: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--country", metavar="CC", help="Only processors with data in this country."),
    ] = None,
    mechanism: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--mechanism", metavar="ID", help="Only transfers on this mechanism, e.g. scc_m2."
        ),
    ] = None,
    output_format: Annotated[
        ListFormat,
        typer.Option("--format", "-f", help="table (for people), csv, json or md."),
    ] = ListFormat.table,
    fail_on_missing_safeguard: Annotated[
        bool,
        typer.Option(
            "--fail-on-missing-safeguard",
            help="Exit 1 when a transfer outside the EU/EEA has no valid mechanism.",
        ),
    ] = False,
) -> None:
    """List processors, or with --outside-eea each transfer outside the EU/EEA, for audits."""
    from ropa import audit, countries
    from ropa.errors import UsageError
    from ropa.problem import Severity
    from ropa.record import Record

    data = countries.load()
    if country is not None and not data.is_known(country.upper()):
        raise _fail(f"--country {country!r} is not an ISO 3166-1 alpha-2 code or EU/EEA")
    if mechanism is not None and mechanism not in data.mechanisms:
        raise _fail(f"--mechanism {mechanism!r}: choose from {', '.join(data.mechanisms)}")
    try:
        result = _validated(path)
        # Rule findings (such as a missing safeguard) are what this command reports on; only
        # files that cannot be read or that break the schema stop it.
        blocking = [p for p in result.problems if p.rule < "ROPA100"]
        if blocking:
            sys.stderr.write("".join(p.format() + "\n" for p in blocking))
            sys.stderr.write("ropa: the record cannot be read; fix the problems above\n")
            raise typer.Exit(result.exit_code())
        # The list shows the record as it is; its rule errors are printed (on stderr, so a
        # CSV or JSON list stays clean), not fatal.
        errors = [p for p in result.problems if p.severity is Severity.ERROR]
        if errors:
            sys.stderr.write("".join(p.format() + "\n" for p in errors))
            sys.stderr.write(
                f"ropa: warning: the record has {len(errors)} error{'s' * (len(errors) != 1)}"
                " (above); the list shows it as it is\n"
            )
        documents = list(result.documents)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    record = Record.assemble(documents)
    code = country.upper() if country else None
    if register is not None and register not in {r.id for r in record.registers}:
        raise _fail(f"--register {register!r}: no register has this id")
    on = result.today
    # The transfer view covers everyone who takes data out of the EU/EEA: processors and
    # the recipients that are not processors (an authority, a partner).
    rows = audit.processor_rows(record, data, on, register, code, mechanism, outside_eea)
    canonical = data.canonical(code) if code else None
    pairs = audit.transfer_rows(rows, canonical, mechanism) if outside_eea else None
    as_of = data.as_of.isoformat()
    _country_data_notice()
    if output_format is ListFormat.json:
        _machine(audit.as_json(rows, pairs, as_of))
    elif output_format is ListFormat.csv:
        _machine(audit.as_csv(rows, pairs))
    elif output_format is ListFormat.md:
        _machine(audit.as_markdown(rows, pairs))
    else:
        from rich.console import Console

        audit.print_table(rows, pairs, Console(highlight=False, soft_wrap=False))
    missing = [
        (row, t)
        for row in audit.processor_rows(record, data, on, recipients=True)
        for t in row.transfers
        if not t.valid
    ]
    if fail_on_missing_safeguard and missing:
        from ropa.text import one_line

        for row, t in missing:
            place = f"{t.country_name} ({t.country})"
            where = "" if t.problem and place in t.problem else f"{place}: "
            sys.stderr.write(f"ropa: {one_line(row.id)}: {one_line(f'{where}{t.problem}')}\n")
        raise typer.Exit(1)


class ExportFormat(str, enum.Enum):
    xlsx = "xlsx"
    csv = "csv"
    json = "json"
    jsonld = "jsonld"


@app.command(epilog=_exit_codes("export"))
def export(
    path: Annotated[
        Path, typer.Argument(help="The record: a folder of YAML files or one file.")
    ] = Path("registers"),
    output_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            help="xlsx (controller, processor, processors and transfers sheets), csv (the"
            " controller sheet), json (the normalised record) or jsonld (W3C DPV terms).",
        ),
    ] = ExportFormat.xlsx,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out",
            "-o",
            help="The file to write, or - for standard output (default: ropa-record.<format>).",
        ),
    ] = None,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang", help="Language of the sheets and texts (default: the first published)."
        ),
    ] = None,
    bom: Annotated[
        bool, typer.Option("--bom", help="Start the CSV with a byte order mark, for Excel.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing file even if it holds another format."),
    ] = False,
    record_sheet: Annotated[
        bool,
        typer.Option(
            "--record-sheet/--no-record-sheet",
            help="xlsx: add the record sheet, every value of the record a row, which ropa"
            " import reads back (internal notes are never written).",
        ),
    ] = True,
    base_iri: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--base-iri",
            metavar="IRI",
            help="jsonld: the base of the record's node IRIs (default: <website>/ropa/).",
        ),
    ] = None,
) -> None:
    """Export the Article 30 record for an auditor or a supervisory authority.

    `--out -` (or /dev/stdout) writes to standard output: any format into a pipe or a file,
    the text formats to a terminal. An existing file that holds another format (a workbook
    where JSON would go) is not replaced without --force.
    """
    from ropa import countries, reporters
    from ropa import export as exporting
    from ropa.errors import UsageError
    from ropa.record import Record
    from ropa.writer import Output, write_all

    try:
        result = _validated(path)
        if result.errors or result.unreadable:
            sys.stdout.write(reporters.text(result))
            sys.stderr.write("ropa: the record has errors; nothing was exported\n")
            raise typer.Exit(result.exit_code())
        documents = list(result.documents)
        record = Record.assemble(documents)
        record.catalogs = result.catalogs
        language = lang or record.languages[0]
        if language not in record.languages:
            raise UsageError(
                f"the record is not published in {language!r}; controller.languages lists"
                f" {', '.join(record.languages)}"
            )
        data = countries.load()
        if output_format is ExportFormat.json:
            content = exporting.to_json(record, data)
        elif output_format is ExportFormat.jsonld:
            from ropa import dpv

            content = dpv.to_jsonld(record, data, _checked_iri(base_iri))
        else:
            tables = exporting.Export(record, data, language, result.today)
            if output_format is ExportFormat.csv:
                content = exporting.to_csv(tables.controller_sheet(), bom)
            else:
                sheets = tables.workbook_sheets(record_sheet)
                content = exporting.to_xlsx(sheets, exporting.created(record))
        if out is None:
            out = Path(f"ropa-record.{output_format.value}")
        if _is_stdout(out):
            if output_format is ExportFormat.xlsx and sys.stdout.isatty():
                raise UsageError(
                    f"--out {out}: a workbook is binary; send standard output to a file or a"
                    " pipe (ropa export -o - > record.xlsx)"
                )
            _machine_bytes(content)
            _country_data_notice()
            return
        if out.suffix in (".yaml", ".yml") or (out.exists() and out.is_dir()):
            raise UsageError(f"--out {out}: choose a file name that is not YAML or a folder")
        held = _export_kind(out)
        if held is not None and held != output_format.value and not force:
            raise UsageError(
                f"--out {out}: the file holds {_KIND_NAMES[held]}, not {output_format.value};"
                " choose another name, or pass --force to replace it"
            )
        written = write_all([Output(out.name, content)], out.parent)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or out}: {exc.strerror}") from None
    _info(f"wrote {written[0]}\n")
    _country_data_notice()


def _checked_iri(value: str | None) -> str | None:
    """--base-iri as given, when it is an absolute IRI without a query or spaces."""
    import re

    from ropa.errors import UsageError

    if value is None:
        return None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`?]+$", value):
        raise UsageError(
            f"--base-iri {value!r}: give an absolute IRI without spaces or a query, such as"
            " https://example.com/ropa/"
        )
    return value


_KIND_NAMES = {
    "xlsx": "a workbook (xlsx) or another zip file",
    "json": "JSON",
    "jsonld": "JSON-LD",
    "csv": "text (CSV or other)",
    "pdf": "a PDF document",
    "markup": "HTML or XML",
    "binary": "binary data",
}


def _export_kind(path: Path) -> str | None:
    """What an existing file holds, named as `_KIND_NAMES` does: only a file holding what the
    export writes (xlsx, json, jsonld, csv for text) is replaced without --force. None when
    there is no regular file, or it is empty."""
    try:
        if not path.is_file():
            return None
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    if not head:
        return None
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in head:
        return "binary"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not only a character cut at the 4 KiB mark
            return "binary"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"["):
        return "jsonld" if b'"@context"' in head else "json"
    if text[:1] == b"<":
        return "markup"
    return "csv"


def _is_stdout(path: Path) -> bool:
    """`-`, or a path that is standard output itself (/dev/stdout, /dev/fd/1)."""
    if str(path) == "-":
        return True
    try:
        target, stdout = path.stat(), os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return False
    return (target.st_dev, target.st_ino) == (stdout.st_dev, stdout.st_ino) and not (
        path.is_file() and not path.is_symlink()
    )


class DiffFormat(str, enum.Enum):
    text = "text"
    md = "md"
    json = "json"


def _side(value: str, folder: Path, repository: object) -> tuple[str, object]:
    """A record from a directory, or from a git revision of the repository."""
    from ropa import schema
    from ropa.errors import UsageError
    from ropa.history import Repository
    from ropa.record import Record
    from ropa.validate import read

    if Path(value).exists():  # a folder or a one-file record
        loaded = read(Path(value))
        label = value
    else:
        assert isinstance(repository, Repository)
        commit, loaded = repository.load(value)
        label = f"{value} ({commit[:12]})"
    _files_read(loaded)
    problems = list(loaded.problems)
    for doc in loaded.documents:
        problems.extend(schema.check(doc))
    if problems:
        sys.stderr.write("".join(p.format() + "\n" for p in sorted(problems)))
        raise UsageError(f"the record at {label} cannot be read; fix the problems above")
    return label, Record.assemble(loaded.documents)


@app.command(epilog=_exit_codes("diff"))
def diff(
    old: Annotated[str, typer.Argument(help="The old version: a git revision or a folder.")],
    new: Annotated[str, typer.Argument(help="The new version: a git revision or a folder.")],
    path: Annotated[
        Path,
        typer.Option(
            "--path",
            help="The record's folder (relative to the current folder), for revisions.",
        ),
    ] = Path("registers"),
    output_format: Annotated[
        DiffFormat, typer.Option("--format", "-f", help="text, md or json.")
    ] = DiffFormat.text,
) -> None:
    """Compare two versions of a record in its own terms, material changes first in mind.

    Revisions are read through git (`git show REV:path`); the work tree is not touched.
    """
    import json

    from ropa import countries
    from ropa import diff as differ
    from ropa.errors import UsageError
    from ropa.history import Repository

    try:
        repository = None
        revisions = [side for side in (old, new) if not Path(side).exists()]
        if revisions:
            try:
                repository = Repository.find(path)
            except UsageError as exc:
                if len(revisions) == 2:
                    raise  # two revisions asked for: the repository is what is missing
                # One side is a record on disk, the other neither that nor readable from git:
                # most likely a mistyped folder, so name it.
                raise UsageError(
                    f"{revisions[0]!r}: no such file or folder, and no git revision can be read:"
                    f" {exc}"
                ) from None
        old_label, old_record = _side(old, path, repository)
        new_label, new_record = _side(new, path, repository)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    changes = differ.diff(old_record, new_record, countries.load())  # type: ignore[arg-type]
    material = [c for c in changes if c.material]
    if output_format is DiffFormat.json:
        document = {
            "old": old_label,
            "new": new_label,
            "material": bool(material),
            "changes": [
                {
                    "class": c.kind,
                    "rule": c.rule,
                    "subject": c.subject,
                    "description": c.description,
                }
                for c in changes
            ],
        }
        _machine(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif output_format is DiffFormat.md:
        from ropa.render import md_escape

        lines = [f"# Changes from {md_escape(old_label)} to {md_escape(new_label)}", ""]
        editorial = [c for c in changes if not c.material]
        for title, group in (("Material changes", material), ("Editorial changes", editorial)):
            lines += [f"## {title}", ""]
            lines += [f"- {md_escape(c.subject)}: {md_escape(c.description)}" for c in group] or [
                "- none"
            ]
            lines.append("")
        _machine("\n".join(lines))
    else:
        sys.stdout.write("".join(c.format() + "\n" for c in changes))
        _info(
            f"{len(material)} material, {len(changes) - len(material)} editorial"
            f" change{'s' * (len(changes) != 1)} from {old_label} to {new_label}\n"
        )
    raise typer.Exit(1 if material else 0)


@app.command(epilog=_exit_codes("review"))
def review(
    path: Annotated[
        Path, typer.Argument(help="The record: a folder of YAML files or one file.")
    ] = Path("registers"),
    within: Annotated[
        int,
        typer.Option(
            "--within",
            metavar="DAYS",
            min=0,
            max=36_500,
            help="Also list reviews due within this many days (0 to 36,500: 100 years).",
        ),
    ] = 30,
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", metavar="YYYY-MM-DD", help="Judge review dates as of this day."),
    ] = None,
) -> None:
    """List the policy and the registers whose review is due or overdue, by due date.

    The record is validated first: a register whose dates cannot be read would otherwise be
    left out of the list without a word, so a record with errors gets its problems printed
    instead (exit 1).
    """
    import datetime

    from ropa import countries, reporters, rules
    from ropa.errors import UsageError
    from ropa.record import Record
    from ropa.rules.review import reviews
    from ropa.text import one_line

    try:
        result = _validated(path, _parse_date(today))
    except UsageError as exc:
        raise _fail(str(exc)) from None
    if result.errors or result.unreadable:
        sys.stdout.write(reporters.text(result))
        sys.stderr.write("ropa: the record has errors; fix them, then list the reviews\n")
        raise typer.Exit(result.exit_code())
    on = result.today
    record = Record.assemble(list(result.documents))
    context = rules.Context(record, countries.load(), on)
    owners = {r.id: str(r.get("owner")) for r in record.registers}
    rows = []
    for item in reviews(context):
        if item.due <= on + datetime.timedelta(days=within):
            status = "overdue" if item.due < on else "due"
            owner = (
                owners.get(item.register or "", "")
                if item.register
                else str((record.controller.get("email") if record.controller else "") or "")
            )
            rows.append((item.due, status, item.what, item.last.isoformat(), owner))
    rows.sort(key=lambda row: (row[0], row[2]))
    for due, status, what, last, owner in rows:
        sys.stdout.write(
            f"{due.isoformat()}  {status:<7}  {one_line(what):<24}  last {last}"
            f"  owner {one_line(owner)}\n"
        )
    overdue = sum(1 for row in rows if row[1] == "overdue")
    _info(
        f"{len(rows)} review{'s' * (len(rows) != 1)} due or overdue as of {on.isoformat()}"
        f" ({overdue} overdue)\n"
    )
    raise typer.Exit(1 if overdue else 0)


@app.command(epilog=_exit_codes("changelog"))
def changelog(
    path: Annotated[
        Path, typer.Argument(help="The record's folder in the current git repository.")
    ] = Path("registers"),
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write the change log to.")
    ] = Path("site"),
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lang", help="Comma-separated languages (default: every published one)."),
    ] = None,
    base_url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the pages are published (https://...), for feed links.",
        ),
    ] = None,
) -> None:
    """Write the dated list of material changes from git history, and an Atom feed."""
    from ropa import changelog as log
    from ropa import render as rendering
    from ropa import reporters
    from ropa.errors import UsageError
    from ropa.history import Repository
    from ropa.record import Record
    from ropa.validate import catalog_folder, check
    from ropa.writer import Output, write_all

    if base_url is not None and (
        not base_url.startswith("https://") or any(c in base_url for c in "?# \t\n")
    ):
        raise _fail(
            f"--base-url {base_url!r} must be an https:// address of the folder the pages are"
            " published in, without ? or #"
        )
    try:
        repository = Repository.find(path)
        # The history first: the record at HEAD is then read from what it has read.
        found = log.history(repository)
        _, loaded = repository.load("HEAD")
        _files_read(loaded)
        # The record at HEAD is what the pages speak for: validated as render validates.
        result = check(loaded, catalog_folder(path))
        record = Record.assemble(list(result.documents))
        record.catalogs = catalog_folder(path)
        languages = _split(lang) or record.languages
        for language in languages:
            if record.controller is not None and language not in record.languages:
                raise UsageError(f"the record is not published in {language!r}")
        if result.errors or result.unreadable:
            sys.stdout.write(reporters.text(result))
            sys.stderr.write("ropa: the record at HEAD has errors; nothing was written\n")
            raise typer.Exit(result.exit_code())
        outputs = []
        for language in languages:
            context = {
                "page": log.page(record, found, language),
                "self_name": f"changelog.{language}.html",
            }
            for fmt in ("html", "md"):
                text = rendering.render_page(
                    f"changelog.{fmt}.j2", language, context, fmt, catalogs=record.catalogs
                )
                outputs.append(Output(f"changelog.{language}.{fmt}", text.encode("utf-8")))
            outputs.append(
                Output(f"changelog.{language}.xml", log.atom(record, found, language, base_url))
            )
        rendering.check_out_dir(out, path)
        written = write_all(outputs, out)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    for target in written:
        _info(f"wrote {target}\n")


@app.command(epilog=_exit_codes("init"))
def init(
    folder: Annotated[
        Path, typer.Argument(help="Where to create the record (default: the current folder).")
    ] = Path(),
    company: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--company", help="Your organisation's registered name."),
    ] = None,
    country: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--country", metavar="CC", help="Country of your main establishment (ISO code)."
        ),
    ] = None,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--lang", help="Comma-separated languages of your policy, from sv, fi, en."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite record files an earlier ropa init wrote (never other files, nor"
            " an existing .pre-commit-config.yaml).",
        ),
    ] = False,
) -> None:
    """Create a minimal, valid, commented record: controller, one register, one processor.

    Asks for what is missing when run in a terminal; otherwise uses the options (defaults:
    --country FI --lang en; --company is required).
    """
    from ropa import countries, i18n, scaffold
    from ropa.writer import Output, write_all

    interactive = sys.stdin.isatty()
    if company is None:
        if not interactive:
            raise _fail("--company is required when ropa init does not run in a terminal")
        company = typer.prompt("Organisation's registered name")
    if country is None:
        country = (
            typer.prompt("Country of main establishment (ISO code)", default="FI")
            if interactive
            else "FI"
        )
    if lang is None:
        lang = typer.prompt("Languages of the policy", default="en") if interactive else "en"
    country = country.strip().upper()
    if countries.load().canonical(country) is None:
        raise _fail(f"--country {country!r} is not an ISO 3166-1 alpha-2 code")
    languages = _split(lang) or []
    shipped = i18n.available_languages()
    unknown = [code for code in languages if code not in shipped]
    if unknown or not languages:
        from ropa.rules.languages import language_hint

        # The same hints as validate's ROPA502/ROPA503, e.g. "Danish is 'da'" for dk.
        hints = [hint for code in unknown if (hint := language_hint(code))]
        aside = f" ({'; '.join(hints)})" if hints else ""
        raise _fail(f"--lang {lang!r}: choose from {', '.join(shipped)}{aside}")
    if not company.strip():
        raise _fail("--company must not be empty")
    from ropa.validate import today as default_today

    # The same "today" as validate (ROPA_TODAY fixes it), so a new record is never "reviewed
    # in the future" by a pinned clock.
    files = scaffold.record_files(company.strip(), country, languages, default_today().isoformat())
    existing = [name for name in files if (folder / name).exists()]
    foreign = [
        name for name in existing if not scaffold.written_by_init(folder / name, files[name])
    ]
    if foreign:
        raise _fail(
            f"{', '.join(str(folder / n) for n in foreign)}: not written by ropa init, or edited"
            " since; ropa init never replaces such a file, not even with --force: move it away"
            " first"
        )
    if existing and not force:
        raise _fail(
            f"{', '.join(str(folder / n) for n in existing)} already exist;"
            " use --force to overwrite"
        )
    from ropa.errors import UsageError
    from ropa.workspace import repository_root

    # The record's files as one set: all written, or (a full disk, a file in the way) none.
    outputs = [Output(name, content.encode("utf-8")) for name, content in files.items()]
    # The hook belongs where pre-commit reads it: the repository's root (or the new folder,
    # which may become one), naming the record from there. An existing configuration is the
    # user's own and is never replaced.
    record = (folder / "registers").absolute()
    top = repository_root(folder.absolute()) or folder.absolute()
    config = top / ".pre-commit-config.yaml"
    try:
        written = write_all(outputs, folder)
        if config.exists():
            kept = f"left {config} as it is; to check the record before each commit, see docs/ci.md"
        else:
            relative = os.path.relpath(record, top).replace(os.sep, "/")
            hook = scaffold.precommit_config(relative)
            written += write_all([Output(config.name, hook.encode("utf-8"))], config.parent)
            kept = ""
    except UsageError as exc:
        raise _fail(str(exc)) from None
    for target in written:
        _info(f"wrote {target}\n")
    if kept:
        _info(f"{kept}\n")
    _info(f"next: ropa validate {shlex.quote(str(folder / 'registers'))}\n")


# The report `ropa import` writes beside the record's files (ropa reads only .yaml files).
IMPORT_REPORT = "import-report"


@app.command(name="import", epilog=_exit_codes("import"))
def import_record(
    source: Annotated[
        Path,
        typer.Argument(
            help="The spreadsheet: a workbook (.xlsx) from ropa export, the ICO's or the"
            " CNIL's template, or any workbook or CSV file with a --mapping."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The folder to write the record's YAML files into."),
    ] = Path("registers"),
    mapping: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--mapping",
            "-m",
            help="A YAML file naming the field each column holds (--print-mapping drafts one).",
        ),
    ] = None,
    print_mapping: Annotated[
        bool,
        typer.Option(
            "--print-mapping",
            help="Print a draft mapping for the source's columns, and write nothing.",
        ),
    ] = False,
    lang: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--lang",
            help="The language of the source's texts (default: the language of its headers).",
        ),
    ] = None,
    encoding: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--encoding", help="A CSV file's encoding (default: UTF-8)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the files an earlier ropa import wrote in --out (never a file of"
            " your own), and remove those this import does not write.",
        ),
    ] = False,
) -> None:
    """Import a record of processing activities kept in a spreadsheet.

    Writes the record's YAML files into --out with a comment on every value that was
    guessed or kept as text, naming its cell, and import-report.txt and .json listing every
    cell and where it went; then validates the record and prints what remains to fill in.
    """
    from ropa import reporters
    from ropa.errors import UsageError
    from ropa.importing import tables
    from ropa.importing.core import import_source, write_yaml
    from ropa.importing.yamlout import WriteError
    from ropa.text import one_line
    from ropa.validate import Loaded, catalog_folder, check, display_name
    from ropa.writer import Output, write_all

    if lang is not None and not _language_code(lang):
        raise _fail(f"--lang {lang!r}: not a language code (such as en, sv, fi, fr)")
    progress = _progress()
    try:
        plan = tables.read_mapping(mapping) if mapping is not None else None
        if print_mapping:
            progress.close()
            _machine(tables.draft_mapping(source, encoding, lang))
            return
        try:
            imported = import_source(source, encoding, plan, lang, progress)
        finally:
            progress.close()
        header = [
            f"Imported from {one_line(source.name)} by ropa import; {IMPORT_REPORT}.txt lists every"
            " cell and where it went."
        ]  # the first line is how --force knows the file (importing.core.written_by_import)
        try:
            texts = write_yaml(imported, header, lambda name: display_name(out / name))
        except WriteError as exc:  # a bug, never a traceback: nothing is written
            raise UsageError(f"internal error, please report it: {exc}") from None
        names = [name for name, _text, _doc in texts]
        stale = _check_import_folder(out, names, force)
        # Validated as written (write_yaml read each file back with the record's loader).
        loaded = Loaded(names=[doc.name for _n, _t, doc in texts],
                        documents=[doc for _n, _t, doc in texts])  # fmt: skip
        result = check(loaded, catalog_folder(out))
        report = imported.report
        if imported.exact and not result.errors and report.language in _shipped_languages():
            from ropa.importing.core import edited_cells

            edited_cells(source, loaded.documents, report.language, result.today, report)
        report.files = names
        report.findings = [
            {"file": p.file, "line": p.line, "column": p.column, "severity": str(p.severity),
             "rule": p.rule, "message": p.message}
            for p in result.problems
        ]  # fmt: skip
        outputs = [Output(name, text.encode("utf-8")) for name, text, _doc in texts]
        outputs += [
            Output(f"{IMPORT_REPORT}.txt", report.text().encode("utf-8")),
            Output(f"{IMPORT_REPORT}.json", report.as_json().encode("utf-8")),
        ]
        written = write_all(outputs, out)
        for old in stale:  # an earlier import's files this one does not write (--force)
            old.unlink()
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename}: {exc.strerror}") from None
    sys.stdout.write(report.summary())
    sys.stdout.write(reporters.text(result))
    _info(f"wrote {len(written)} files to {out}\n")
    _info("".join(f"removed {old}, written by an earlier import\n" for old in stale))
    errors, warnings = result.errors, result.warnings
    counts = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    folder = shlex.quote(str(out))
    if errors:
        _info(f"{counts} in the imported record; next: fill in what is missing, then ropa"
              f" validate {folder}\n")  # fmt: skip
    else:
        _info(f"{counts} in the imported record; next: review the comments, then ropa render"
              f" {folder}\n")  # fmt: skip
    raise typer.Exit(1 if errors or report.not_understood else 0)


def _shipped_languages() -> list[str]:
    from ropa import i18n

    return i18n.available_languages()


def _language_code(value: str) -> bool:
    """Whether `value` is a language CLDR knows (en, sv, fi, fr, de...)."""
    import re

    from babel import Locale, UnknownLocaleError

    if not re.fullmatch(r"[a-z]{2,3}", value):
        return False
    try:
        Locale.parse(value)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _check_import_folder(out: Path, names: list[str], force: bool) -> list[Path]:
    """Refuse a folder that holds a record of its own: YAML files that no import wrote (the
    two records would be read as one), or, without --force, files an earlier import wrote.
    With --force, returns the earlier import's files this import does not write (a register
    renamed since), to remove once the new files are in place."""
    from ropa.errors import UsageError
    from ropa.importing.core import written_by_import

    if not out.exists():
        return []
    if not out.is_dir():
        raise UsageError(f"--out {out}: not a folder")
    present = sorted(
        p for p in out.iterdir() if p.suffix.lower() in (".yaml", ".yml") and p.is_file()
    )
    foreign = [p.name for p in present if not written_by_import(p)]
    if foreign:
        raise UsageError(
            f"--out {out}: holds {', '.join(foreign)}, which no import wrote; import into a new"
            " folder (ropa import never replaces a file of your own, not even with --force)"
        )
    if present and not force:
        raise UsageError(
            f"--out {out}: {', '.join(p.name for p in present)} already exist (an earlier"
            " import); use --force to replace them"
        )
    return [p for p in present if p.name not in names]


@app.command(epilog=_exit_codes("schema"))
def schema(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the field reference as Markdown instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of record files (editors use it to complete and check fields)."""
    from ropa import resources

    if markdown:
        from ropa.reference import fields_markdown

        _machine(fields_markdown())
    else:
        _machine((resources.shipped("schemas") / "ropa.schema.json").read_text(encoding="utf-8"))


@app.command(name="rules", epilog=_exit_codes("rules"))
def list_rules(
    rule_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(metavar="[RULE]", help="Show one rule in full, with its examples."),
    ] = None,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the full rule reference as Markdown.")
    ] = False,
) -> None:
    """List the checks `ropa validate` makes, with their ids and severities."""
    from ropa.rules import REGISTRY, all_rules

    if markdown:
        from ropa.reference import rules_markdown

        _machine(rules_markdown())
        return

    rules = all_rules()
    if rule_id is not None:
        found = REGISTRY.get(rule_id.upper()) or next((r for r in rules if r.name == rule_id), None)
        if found is None:
            raise _fail(f"no rule {rule_id!r}; `ropa rules` lists them")
        article = f", {found.article}" if found.article else ""
        sys.stdout.write(f"{found.id} {found.name} ({found.severity}{article})\n\n{found.doc}\n")
        return
    width = max(len(r.name) for r in rules)
    articles = max(len(r.article) for r in rules)
    for r in rules:
        sys.stdout.write(
            f"{r.id}  {r.name:<{width}}  {r.severity!s:<7}  {r.article or '-':<{articles}}"
            f"  {r.summary}\n"
        )


def run() -> None:
    """Run the command line (entry point: `ropa.__main__.main`, which handles signals)."""
    # Human-readable text follows the console's encoding; a character it cannot show is
    # written as an escape, never a traceback. Machine formats are UTF-8 (`_machine`).
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    # A one-shot command that builds no reference cycles: the cyclic garbage collector would
    # only walk the loaded record again and again as it grows (a fifth of validate's time at
    # 10,000 activities). Memory is still freed by reference counting.
    gc.disable()
    app()
