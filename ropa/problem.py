"""The one result type: a problem found in a file, at a line and column."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ropa.text import one_line


class Severity(str, enum.Enum):
    """How bad a problem is; errors always fail, warnings fail with --strict."""

    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


Path = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """A finding, located at a 1-based line and column of a file."""

    file: str
    line: int
    column: int
    severity: Severity = field(compare=False)
    rule: str
    message: str
    path: Path = field(default=(), compare=False)

    def format(self) -> str:
        """`file:line:col severity rule message` on one line: line breaks and control
        characters from file names and data shown escaped (`ropa.text.one_line`)."""
        return (
            f"{one_line(self.file)}:{self.line}:{self.column} {self.severity} {self.rule}"
            f" {one_line(self.message)}"
        )


def json_path(path: Path) -> str:
    """Render a document path as `$.registers[0].purposes[1]`."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
