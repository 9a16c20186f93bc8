"""Output formats for problems: text, json, github (workflow commands) and sarif (2.1.0)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ropa import __version__
from ropa.problem import Severity, json_path
from ropa.validate import Result

INFORMATION_URI = "https://github.com/ropa-record/ropa"


def text(result: Result) -> str:
    """One `file:line:col severity rule message` line per problem."""
    return "".join(p.format() + "\n" for p in result.problems)


def as_json(result: Result) -> str:
    """A stable JSON document for scripts."""
    document = {
        "version": 1,
        "files": list(result.files),
        "summary": {"errors": result.errors, "warnings": result.warnings},
        "problems": [
            {
                "file": p.file,
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


def github(result: Result) -> str:
    """GitHub Actions workflow commands, shown as annotations on the pull request."""
    lines = []
    for p in result.problems:
        level = "error" if p.severity is Severity.ERROR else "warning"
        props = ",".join(
            (
                f"file={_escape_property(p.file)}",
                f"line={p.line}",
                f"col={p.column}",
                f"title={_escape_property(p.rule)}",
            )
        )
        lines.append(f"::{level} {props}::{_escape_data(p.message)}\n")
    return "".join(lines)


def sarif(result: Result) -> str:
    """SARIF 2.1.0, for code-scanning tools."""
    from ropa.rules import all_rules

    descriptors = all_rules()
    index = {d.id: i for i, d in enumerate(descriptors)}
    results: list[dict[str, Any]] = []
    for p in result.problems:
        results.append(
            {
                "ruleId": p.rule,
                "ruleIndex": index[p.rule],
                "level": "error" if p.severity is Severity.ERROR else "warning",
                "message": {"text": p.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": p.file, "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": p.line, "startColumn": p.column},
                        }
                    }
                ],
            }
        )
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
                        "rules": [
                            {
                                "id": d.id,
                                "name": d.name,
                                "shortDescription": {"text": d.summary},
                                "fullDescription": {"text": d.doc},
                                "defaultConfiguration": {
                                    "level": "error" if d.severity is Severity.ERROR else "warning"
                                },
                            }
                            for d in descriptors
                        ],
                    }
                },
                "artifacts": [
                    {"location": {"uri": name, "uriBaseId": "%SRCROOT%"}} for name in result.files
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
