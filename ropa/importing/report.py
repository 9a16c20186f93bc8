"""The import report: every source cell read, and where it went or why it went nowhere.

Each cell gets one entry with how it was taken:

- `copied`: the value as it stands (a ropa workbook's record sheet, a name, a date);
- `recognised`: a term read as one of the record's codes ("berättigat intresse" ->
  `legitimate_interests`, "USA" -> `US`, "24 months after the last activity" -> a period);
- `guessed`: a reading that may be wrong (a vendor's legal entity split from "System,
  Entity", a measure's kind from its words); the YAML says so in a comment;
- `kept as text`: not understood as a code, kept word for word where the record has a text
  for it (and commented in the YAML), so nothing the workbook said is lost;
- `not understood`: left out of the record; the entry says why;
- `ignored`: a cell ropa writes but does not read back (a ropa workbook's Article 30
  sheets, which are made from its record sheet).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ropa.text import one_line

HOWS = ("copied", "recognised", "guessed", "kept as text", "not understood", "ignored")
# How much of a value the text report shows.
SHOWN_CHARS = 120


@dataclass(frozen=True)
class Entry:
    """One source cell (or a whole sheet, with `cell` its name) and what became of it."""

    cell: str
    value: str
    how: str
    field: str = ""  # where it went in the record, as a field path
    note: str = ""  # why, or what it was read as


@dataclass
class Report:
    """What one import did, for people (`text`) and scripts (`as_json`)."""

    source: str
    layout: str
    language: str
    entries: list[Entry] = field(default_factory=list)
    sheets: list[Entry] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)

    def add(self, cell: str, value: Any, how: str, where: str = "", note: str = "") -> None:
        assert how in HOWS, how
        self.entries.append(Entry(cell, value if isinstance(value, str) else str(value), how,
                                  where, note))  # fmt: skip

    def counts(self) -> dict[str, int]:
        found = Counter(entry.how for entry in self.entries)
        return {how: found[how] for how in HOWS if found[how]}

    @property
    def not_understood(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.how == "not understood"]

    def summary(self) -> str:
        """A few lines: what was read and how; every cell left out, with why."""
        counts = ", ".join(f"{n:,} {how}" for how, n in self.counts().items()) or "no cells"
        lines = [f"{one_line(self.source)}: {self.layout} ({self.language}); {counts}"]
        lines += [f"sheet {one_line(s.cell)}: {one_line(s.note)}" for s in self.sheets]
        lines += [_line(entry) for entry in self.entries if _shown(entry)]
        return "".join(line + "\n" for line in lines)

    def text(self) -> str:
        """The whole report as text: the summary, then every cell by how it was taken."""
        out = [self.summary()]
        for how in HOWS:
            entries = [entry for entry in self.entries if entry.how == how]
            if not entries or how == "not understood":
                continue
            out.append(f"\n{how} ({len(entries):,}):\n")
            out += [_line(entry) + "\n" for entry in entries]
        if self.findings:
            out.append(f"\nvalidation ({len(self.findings):,} findings):\n")
            out += [
                one_line(f"{f['file']}:{f['line']}:{f['column']} {f['severity']} {f['rule']}"
                         f" {f['message']}") + "\n"
                for f in self.findings
            ]  # fmt: skip
        return "".join(out)

    def as_json(self) -> str:
        """The report as JSON: its parts indented, each cell and finding on a line of its own
        (json's indentation would take its pure-Python encoder: seconds for 100,000 cells)."""
        head = {
            "version": 1,
            "source": self.source,
            "layout": self.layout,
            "language": self.language,
            "summary": self.counts(),
            "sheets": [_entry(sheet) for sheet in self.sheets],
            "files": self.files,
        }
        parts = [f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
                 for key, value in head.items()]  # fmt: skip
        for key, items in (
            ("cells", [_entry(e) for e in self.entries]),
            ("findings", self.findings),
        ):
            lines = ",\n".join(f"    {json.dumps(item, ensure_ascii=False)}" for item in items)
            parts.append(f"  {json.dumps(key)}: [\n{lines}\n  ]" if items else f'  "{key}": []')
        return "{\n" + ",\n".join(parts) + "\n}\n"


def _shown(entry: Entry) -> bool:
    """Whether the summary names the entry: a cell left out, or one that may be an edit the
    import does not take."""
    return entry.how == "not understood" or (
        entry.how == "ignored" and entry.note.startswith("differs from")
    )


def _entry(entry: Entry) -> dict[str, str]:
    # Not dataclasses.asdict, which copies each value deeply: a report has an entry a cell.
    return {"cell": entry.cell, "value": entry.value, "how": entry.how, "field": entry.field,
            "note": entry.note}  # fmt: skip


def _line(entry: Entry) -> str:
    value = entry.value if len(entry.value) <= SHOWN_CHARS else entry.value[:SHOWN_CHARS] + "…"
    parts = [f"{entry.cell} {entry.how}", f"{value!r}" if value else ""]
    if entry.field:
        parts.append(f"-> {entry.field}")
    if entry.note:
        parts.append(f"({entry.note})")
    return one_line(" ".join(part for part in parts if part))
