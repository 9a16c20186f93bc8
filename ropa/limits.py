"""The size limits that protect a run from input too large to handle, each settable by an
environment variable.

A limit is checked before the work it guards (a file's size before it is read, a page's
estimated size before it is rendered, a workbook's inflated size before it is opened) and
the message that refuses names the limit and its variable. docs/cli.md ("Limits") lists them
with their reasons; limits that are rules of the record itself (nesting depth, aliases, digits,
dates, text lengths) are fixed and reported as findings instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ropa.errors import UsageError

MIB = 1024 * 1024


def setting(variable: str, ceiling: int, unit: str = "") -> int | None:
    """The whole number from 1 to `ceiling` that the environment variable holds, None when it
    is unset or empty. Raises UsageError (exit 2) for any other value, naming the range
    (`unit`, e.g. "bytes ", says in what)."""
    given = os.environ.get(variable)
    if not given:
        return None
    try:
        number = int(given)
    except ValueError:
        number = 0
    if not 1 <= number <= ceiling:
        raise UsageError(
            f"{variable}={given!r}: give a whole number {'of ' + unit if unit else ''}from 1 to"
            f" {ceiling:,}"
        )
    return number


@dataclass(frozen=True)
class Limit:
    """A size limit: `default` unless the environment variable `variable` holds a whole
    number from 1 to `ceiling`, in `unit`s."""

    variable: str
    default: int
    ceiling: int
    unit: str  # "bytes", "characters", "entries"
    what: str  # what it limits, for messages: "a record file"

    def value(self) -> int:
        """The limit in force. Raises UsageError (exit 2) for a setting that is not a whole
        number from 1 to the ceiling."""
        found = setting(self.variable, self.ceiling, f"{self.unit} ")
        return self.default if found is None else found

    def over(self, size: int, limit: int, advice: str = "") -> str:
        """The message for `size` over `limit`: what, how much, and how to set another."""
        return (
            f"{self.what} is {size:,} {self.unit}; the limit is {limit:,} {self.unit}"
            f" (set {self.variable} to raise it{', ' + advice if advice else ''})"
        )


# The strict parser holds a file's nodes in memory, about 20 times its size.
FILE_BYTES = Limit("ROPA_MAX_FILE_BYTES", 16 * MIB, 1024 * MIB, "bytes", "file")
# A page beyond it is no page a visitor can read.
PAGE_CHARS = Limit("ROPA_MAX_PAGE_CHARS", 20_000_000, 1_000_000_000, "characters", "page")
# What `ropa import` reads whole: a workbook inflated, a CSV file.
IMPORT_BYTES = Limit("ROPA_MAX_IMPORT_BYTES", 1024 * MIB, 4096 * MIB, "bytes", "source")
# A workbook holds a few dozen entries; a zip of many tiny ones is an attack on memory.
IMPORT_ENTRIES = Limit("ROPA_MAX_IMPORT_ENTRIES", 10_000, 1_000_000, "entries", "zip")
# A template is a page's pattern, not its content.
TEMPLATE_BYTES = Limit("ROPA_MAX_TEMPLATE_BYTES", MIB, 64 * MIB, "bytes", "template")

LIMITS = (FILE_BYTES, PAGE_CHARS, IMPORT_BYTES, IMPORT_ENTRIES, TEMPLATE_BYTES)
