"""Output formats for problems: text, json, github (workflow commands) and sarif (2.1.0)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ropa import __version__
from ropa.files import shown
from ropa.problem import Problem, Severity, json_path
from ropa.validate import Result
from ropa.workspace import root_relative

if TYPE_CHECKING:
    from ropa.rules import Rule

INFORMATION_URI = "https://github.com/ropa-record/ropa"
# docs/rules.md has a `## ROPA101` section for each rule (see ropa.reference.rules_markdown).
RULES_URI = INFORMATION_URI + "/blob/main/docs/rules.md"
# The key of ropa's own fingerprint in `partialFingerprints`; a new version of the recipe
# gets a new key, so that old and new fingerprints are never compared.
FINGERPRINT = "ropaFinding/v1"


def text(result: Result) -> str:
    """One `file:line:col severity rule message` line per problem."""
    return "".join(p.format() + "\n" for p in result.problems)


def as_json(result: Result) -> str:
    """A stable JSON document for scripts."""
    document = {
        "version": 1,
        # A file name that is not UTF-8 as `\xNN`: JSON holds only Unicode text.
        "files": [shown(name) for name in result.files],
        "summary": {"errors": result.errors, "warnings": result.warnings},
        "problems": [
            {
                "file": shown(p.file),
                "line": p.line,
                "column": p.column,
                "severity": str(p.severity),
                "rule": p.rule,
                "message": p.message,
                "path": json_path(p.path),
            }
            for p in result.problems
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _root_names(result: Result) -> dict[str, str]:
    """Each file name in `result` as GitHub names files: relative to the repository's root."""
    names = {*result.files, *(p.file for p in result.problems)}
    return {name: root_relative(name) for name in names}


def github(result: Result) -> str:
    """GitHub Actions workflow commands, shown as annotations on the pull request."""
    # GitHub places an annotation by its path below the workspace, the repository's root.
    names = _root_names(result)
    lines = []
    for p in result.problems:
        level = _level(p.severity)
        props = ",".join(
            (
                f"file={_escape_property(shown(names[p.file]))}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_property(p.rule)}",
            )
        )
        lines.append(f"::{level} {props}::{_escape_data(p.message)}\n")
    return "".join(lines)


def _artifact_location(name: str) -> dict[str, str]:
    """A SARIF artifactLocation for a file named as `root_relative` names it."""
    if Path(name).is_absolute():
        # A file outside the repository (or the working directory): an absolute `file:` URI,
        # which may not carry a base id (SARIF 2.1.0, 3.4.4).
        return {"uri": Path(name).as_uri()}
    # A relative reference (RFC 3986): each segment percent-encoded, so a space or "ä" is
    # valid and a first segment with ":" is not read as a scheme; undecodable bytes of a file
    # name (surrogate escapes) are encoded as the bytes they are.
    segments = (quote(s, safe="", errors="surrogateescape") for s in name.split("/"))
    return {"uri": "/".join(segments), "uriBaseId": "%SRCROOT%"}


# Line and column numbers in a message (a duplicate key's first line, a YAML error's start)
# move with the lines, so the fingerprint leaves them out.
_POSITION = re.compile(r"\b(line|column) \d+")


def _fingerprint(problem: Problem, name: str) -> str:
    """Who found what where, without line numbers, so it survives lines moving."""
    message = _POSITION.sub(r"\1", problem.message)
    key = "\0".join((problem.rule, name, json_path(problem.path), message))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def _prose(doc: str) -> str:
    """A rule's documentation without its examples: the text before `Failing:`/`Passing:`."""
    lines: list[str] = []
    for line in doc.splitlines():
        if line.strip() in ("Failing:", "Passing:"):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _descriptor(rule: Rule) -> dict[str, Any]:
    """A rule as SARIF describes it, with what GitHub code scanning needs to show it."""
    # The anchor GitHub gives the rule's `## ROPA101` heading in docs/rules.md.
    from ropa.reference import heading_anchor

    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        # GitHub shows at most 1024 characters here; the examples go in `help`.
        "fullDescription": {"text": _prose(rule.doc)},
        # The docstring reads as Markdown too: prose, and examples as indented code blocks.
        "help": {"text": rule.doc, "markdown": rule.doc},
        "helpUri": f"{RULES_URI}#{heading_anchor(rule.id)}",
        "defaultConfiguration": {"level": _level(rule.severity)},
    }
    if rule.article:
        # Code scanning filters alerts by tag.
        descriptor["properties"] = {"tags": ["gdpr", f"GDPR {rule.article}"]}
    return descriptor


def sarif(result: Result) -> str:
    """SARIF 2.1.0, for code-scanning tools; files are named relative to the repository's
    root (or the working directory outside a repository), as GitHub code scanning expects."""
    from ropa.rules import all_rules

    descriptors = all_rules()
    index = {d.id: i for i, d in enumerate(descriptors)}
    names = _root_names(result)
    results: list[dict[str, Any]] = []
    for p in result.problems:
        results.append(
            {
                "ruleId": p.rule,
                "ruleIndex": index[p.rule],
                "level": _level(p.severity),
                "message": {"text": p.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact_location(names[p.file]),
                            "region": {"startLine": p.line, "startColumn": p.column},
                        }
                    }
                ],
                # GitHub itself matches alerts by `primaryLocationLineHash`, which its
                # upload-sarif action adds from the file; this one is for other consumers.
                "partialFingerprints": {FINGERPRINT: _fingerprint(p, names[p.file])},
            }
        )
    # No `originalUriBaseIds`: GitHub reads relative paths as relative to the repository's
    # root, and giving %SRCROOT% a value would write this machine's absolute path.
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ropa",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_descriptor(d) for d in descriptors],
                    }
                },
                "artifacts": [
                    {"location": _artifact_location(names[name])} for name in result.files
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Result], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
