"""The `ropa` command line: parses options, calls the core, picks a reporter, sets the exit code.

Nothing heavy is imported at module level so that `ropa --help` starts quickly.
"""

from __future__ import annotations

import datetime
import enum
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ropa import __version__

app = typer.Typer(
    name="ropa",
    help="Keep a GDPR Article 30 record of processing activities as YAML: validate it, "
    "render the privacy policy, and audit processors and transfers.",
    no_args_is_help=True,
    add_completion=True,
    # Records hold personal data: a traceback must never print local variables.
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

EXIT_CODES_HELP = "Exit codes: 0 no problems, 1 problems found, 2 usage or input error."


class Format(str, enum.Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ropa {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        Optional[bool],  # noqa: UP045 - typer reads the annotation at runtime on 3.10
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = None,
) -> None:
    """Keep a GDPR Article 30 record of processing activities as code."""


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"ropa: error: {message}\n")
    return typer.Exit(2)


def _parse_date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _fail(f"--today {value!r} is not a date (YYYY-MM-DD)") from None


@app.command(epilog=EXIT_CODES_HELP)
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
) -> None:
    """Check a record against the schema and the cross-reference and legal rules."""
    from ropa import reporters
    from ropa.errors import UsageError
    from ropa.validate import validate as run_validation

    on = _parse_date(today)
    try:
        result = run_validation(path, on)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    sys.stdout.write(reporters.FORMATS[output_format.value](result))
    if output_format is Format.text:
        errors, warnings = result.errors, result.warnings
        sys.stderr.write(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
            f" in {len(result.files)} file{'s' * (len(result.files) != 1)}\n"
        )
    raise typer.Exit(result.exit_code(strict))


def _split(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@app.command(epilog=EXIT_CODES_HELP)
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
    today: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--today", metavar="YYYY-MM-DD", help="Judge review dates as of this day."),
    ] = None,
) -> None:
    """Render the privacy policy, processor list and transfer table for each language.

    The record is validated first; a record with errors is not rendered (exit 1) and the
    problems are printed as by `ropa validate`.
    """
    from ropa import render as rendering
    from ropa import reporters
    from ropa.errors import UsageError
    from ropa.record import Record
    from ropa.validate import load_record
    from ropa.validate import validate as run_validation

    on = _parse_date(today)
    formats = _split(output_format) or []
    unknown = [f for f in formats if f not in rendering.FORMATS]
    if unknown or not formats:
        raise _fail(f"--format {output_format!r}: choose from {', '.join(rendering.FORMATS)}")
    if templates is not None and not templates.is_dir():
        raise _fail(f"--templates {templates}: not a folder")
    try:
        result = run_validation(path, on)
        if result.errors or result.unreadable:
            sys.stdout.write(reporters.text(result))
            sys.stderr.write("ropa: the record has errors; nothing was rendered\n")
            raise typer.Exit(result.exit_code())
        rendering.check_out_dir(out, path)
        _, documents, _ = load_record(path)
        outputs = rendering.render(Record.assemble(documents), _split(lang), formats, templates)
        written = rendering.write_all(outputs, out)
    except UsageError as exc:
        raise _fail(str(exc)) from None
    except OSError as exc:
        raise _fail(f"{exc.filename or out}: {exc.strerror}") from None
    for target in written:
        sys.stderr.write(f"wrote {target}\n")


@app.command(name="rules")
def list_rules(
    rule_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(metavar="[RULE]", help="Show one rule in full, with its examples."),
    ] = None,
) -> None:
    """List the checks `ropa validate` makes, with their ids and severities."""
    from ropa.rules import REGISTRY, all_rules

    rules = all_rules()
    if rule_id is not None:
        found = REGISTRY.get(rule_id.upper()) or next((r for r in rules if r.name == rule_id), None)
        if found is None:
            raise _fail(f"no rule {rule_id!r}; `ropa rules` lists them")
        sys.stdout.write(f"{found.id} {found.name} ({found.severity})\n\n{found.doc}\n")
        return
    width = max(len(r.name) for r in rules)
    for r in rules:
        sys.stdout.write(f"{r.id}  {r.name:<{width}}  {r.severity!s:<7}  {r.summary}\n")


def main() -> None:
    """Entry point of the `ropa` command."""
    app()
