"""Checking a loaded file against the JSON Schema, with messages written for people.

jsonschema's own messages embed `repr()` of the whole offending instance (megabytes for a
crafted file) and speak of "additionalProperties"; these are rebuilt from the error's
keyword, the schema's titles and a shortened repr of the value.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import os
import re
import reprlib
from collections.abc import Iterator
from typing import Any

from ropa import resources
from ropa.dates import EARLIEST, LATEST, in_range
from ropa.errors import UsageError
from ropa.loader import Document
from ropa.locate import position
from ropa.problem import Path, Problem, Severity

RULE_SCHEMA = "ROPA010"

_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EMAIL_RE = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = 4
_short.maxdict = 4


def _shorten(value: Any) -> str:
    return _short.repr(value)


def _is_date(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        return in_range(datetime.date.fromisoformat(value))
    except ValueError:
        return False


def _calendar_date(value: object) -> bool:
    """A YYYY-MM-DD string that names a real day, whatever its year."""
    try:
        return (
            isinstance(value, str)
            and bool(_DATE_RE.match(value))
            and bool(datetime.date.fromisoformat(value))
        )
    except ValueError:
        return False


def _is_date_format(value: object) -> bool:
    return not isinstance(value, str) or _is_date(value)


def _is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(_EMAIL_RE.match(value))


@functools.cache
def _validator() -> Any:
    # Imported here: jsonschema costs ~100 ms to import, and `ropa --help` needs none of it.
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry

    checker = FormatChecker(formats=())
    checker.checks("date")(_is_date_format)
    checker.checks("email")(_is_email)
    # An empty registry: a `$ref` to anything outside the schema fails instead of fetching it.
    return Draft202012Validator(resources.schema(), format_checker=checker, registry=Registry())


ENGINE_VARIABLE = "ROPA_SCHEMA_ENGINE"


@functools.cache
def _fast_validator() -> Any | None:
    """jsonschema-rs, compiled from the same schema with the same format checks, or None.

    It only answers "valid or not": a file it accepts has no problems; a file it rejects goes
    to the reference validator, which finds and explains every problem. The result is the
    reference's either way, as long as jsonschema-rs never accepts what jsonschema rejects
    (tests/test_schema_engines.py checks that on every example file and on mutations of them).
    ROPA_SCHEMA_ENGINE=python turns the fast path off; `fast` (the default) keeps it.
    """
    engine = os.environ.get(ENGINE_VARIABLE, "").strip().lower()
    if engine == "python":
        return None
    if engine not in ("", "fast"):
        raise UsageError(
            f"{ENGINE_VARIABLE}={os.environ[ENGINE_VARIABLE]!r}: use 'python' for jsonschema"
            " alone or 'fast' (the default)"
        )
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel: the reference serves
        return None
    return jsonschema_rs.Draft202012Validator(
        resources.schema(),
        formats={"date": _is_date_format, "email": _is_email},
        validate_formats=True,
        offline=True,
    )


def is_valid(data: Any) -> bool | None:
    """The fast path's verdict on one file's data, or None when it cannot give one."""
    fast = _fast_validator()
    if fast is None:
        return None
    try:
        return bool(fast.is_valid(data))
    except Exception:  # any failure of the fast path defers to the reference
        return None


def check(doc: Document) -> Iterator[Problem]:
    """Yield a Problem for every schema violation in the document, at the offending node."""
    if is_valid(doc.data):
        return
    seen: set[tuple[int, int, str]] = set()
    for error in _validator().iter_errors(doc.data):
        for path, at_key, message in _explain(error):
            line, column = position(doc.root, path, at_key)
            if (line, column, message) in seen:
                continue
            seen.add((line, column, message))
            yield Problem(doc.name, line, column, Severity.ERROR, RULE_SCHEMA, message, path)


_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
    "null": "nothing",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_shorten(value)}"
    if isinstance(value, dict):
        return "a mapping"
    return "a list"


def _title(schema: Any) -> str:
    if isinstance(schema, dict) and isinstance(schema.get("title"), str):
        return str(schema["title"]).lower()
    return "value"


# Keys that an earlier version of the schema had, with what to write instead.
_MOVED = {
    ("profiling", "automated_decisions"): (
        "write 'automated_decisions: {used: false}' (or 'used: true' with 'logic:' and"
        " 'significance:') on the register instead"
    ),
}


# What to write for a key that an earlier version of the schema did not require.
_REQUIRED_HINTS = {
    ("joint_controllers", "id"): (
        "give the joint controller an id and list it under 'joint_controllers:' of the"
        " registers it is joint for"
    ),
    ("retention", "event"): (
        "name the event the period is counted from, e.g. 'event: {en: the end of the care"
        " period}', or use a listed one such as 'after: end_of_employment'"
    ),
}


def _parent_key(path: Path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _hint(value: Any, choices: list[str]) -> str:
    if isinstance(value, str):
        close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        if close:
            return f"; did you mean {close[0]!r}?"
    return ""


def _mechanism_hint(path: Path, value: Any) -> str | None:
    """For a misspelt SCC mechanism, the module that fits the holder, not the nearest
    spelling: a vendor is a processor (module 2), a recipient a controller (module 1)."""
    if not (isinstance(value, str) and value.lower().startswith("scc") and "transfers" in path):
        return None
    if path and path[0] == "processors":
        return (
            "; for a processor, use 'scc_m2' (module 2, controller to processor), or 'scc_m3'"
            " (module 3) where you are yourself a processor"
        )
    if path and path[0] == "recipients":
        return (
            "; for a recipient that decides for itself, use 'scc_m1' (module 1, controller to"
            " controller)"
        )
    return None


def _choices(values: list[Any]) -> str:
    shown = ", ".join(str(v) for v in values[:12])
    return shown + (", ..." if len(values) > 12 else "")


def _explain(error: Any) -> Iterator[tuple[Path, bool, str]]:
    """(path, point at key?, message) for one jsonschema error; some errors yield several."""
    path: Path = tuple(error.absolute_path)
    keyword = error.validator
    value = error.instance
    schema = error.schema
    expected = error.validator_value

    if keyword == "required":
        match = re.match(r"^'(.+)' is a required property$", error.message)
        missing = match.group(1) if match else _choices([k for k in expected if k not in value])
        hint = _REQUIRED_HINTS.get((_parent_key(path), missing))
        yield path, False, f"missing required key '{missing}'" + (f"; {hint}" if hint else "")
    elif keyword == "additionalProperties":
        known = list(schema.get("properties", {}))
        for key in sorted(k for k in value if k not in known):
            moved = _MOVED.get((_parent_key(path), key))
            if moved:
                yield (*path, key), True, f"{key!r} has moved: {moved}"
            else:
                yield (*path, key), True, f"unknown key {key!r}{_hint(key, known)}"
    elif keyword is None or keyword is False or (keyword == "not" and expected == {}):
        # A `false` subschema: the key is not allowed in this context (e.g. role-specific keys).
        key = path[-1] if path else "value"
        why = schema.get("description", "") if isinstance(schema, dict) else ""
        yield path, True, f"{key!r} is not allowed here" + (f": {why}" if why else "")
    elif keyword == "enum":
        yield (
            path,
            False,
            f"{_shorten(value)} is not one of: {_choices(expected)}"
            + (_mechanism_hint(path, value) or _hint(value, expected)),
        )
    elif keyword == "const":
        yield path, False, f"must be {expected!r}, not {_shorten(value)}"
    elif keyword == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        names = " or ".join(_TYPE_NAMES.get(t, str(t)) for t in wanted)
        yield path, False, f"expected {names}, found {_describe(value)}"
    elif keyword == "pattern" and "propertyNames" in error.schema_path:
        yield (
            (*path, value),
            True,
            (f"{_shorten(value)} is not a language code (two or three lower-case letters)"),
        )
    elif keyword == "pattern" and expected == "\\S":
        yield path, False, "blank text; write the text or leave the key out"
    elif keyword == "pattern":
        description = schema.get("description", "") if isinstance(schema, dict) else ""
        tail = f": {description}" if description else ""
        yield path, False, f"{_shorten(value)} is not a valid {_title(schema)}{tail}"
    elif keyword == "format":
        if expected == "date" and _calendar_date(value):
            yield (
                path,
                False,
                f"{_shorten(value)} is outside the dates a record may hold"
                f" ({EARLIEST.isoformat()} to {LATEST.isoformat()})",
            )
        elif expected == "date":
            yield path, False, f"{_shorten(value)} is not a valid date; write YYYY-MM-DD"
        else:
            yield path, False, f"{_shorten(value)} is not a valid {_title(schema)}"
    elif keyword in ("anyOf", "oneOf"):
        yield from _explain_union(error, path)
    elif keyword == "dependentRequired":
        for key, needs in expected.items():
            if key in value:
                missing = [n for n in needs if n not in value]
                if missing:
                    yield (
                        (*path, key),
                        True,
                        (f"{key!r} needs {' and '.join(repr(m) for m in missing)} as well"),
                    )
    elif keyword == "minItems":
        yield (
            path,
            False,
            ("must not be empty" if expected == 1 else f"must have at least {expected} items"),
        )
    elif keyword == "uniqueItems":
        duplicates = sorted({repr(v) for v in value if value.count(v) > 1})
        yield path, False, f"lists {', '.join(duplicates)} more than once"
    elif keyword in ("minLength", "minProperties"):
        yield path, False, "must not be empty"
    elif keyword == "maxLength":
        yield path, False, f"is longer than {expected} characters"
    elif keyword == "minimum":
        yield path, False, f"must be at least {expected}, found {_shorten(value)}"
    elif keyword == "maximum":
        yield path, False, f"must be at most {expected}, found {_shorten(value)}"
    else:  # keywords the schema does not use today; keep jsonschema's text, shortened
        yield path, False, _shorten(error.message)


def _explain_union(error: Any, path: Path) -> Iterator[tuple[Path, bool, str]]:
    """For a name that may be a string or a per-language mapping, explain the branch that
    matches the value's type, so `{sv: 5}` reports the 5 rather than "not a string"."""
    value = error.instance
    branch_type = (
        "object" if isinstance(value, dict) else "string" if isinstance(value, str) else None
    )
    if branch_type is not None:
        for sub in error.context or ():
            sub_schema = error.schema[error.validator][sub.schema_path[0]]
            resolved = _resolve(sub_schema)
            if resolved.get("type") == branch_type:
                yield from _explain(sub)
                return
    yield (
        path,
        False,
        (
            f"expected a {_title(error.schema)}: a string, or a mapping from language code to text;"
            f" found {_describe(value)}"
        ),
    )


def _resolve(schema: Any) -> dict[str, Any]:
    if isinstance(schema, dict) and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        resolved: dict[str, Any] = resources.schema()["$defs"][name]
        return resolved
    return schema if isinstance(schema, dict) else {}
