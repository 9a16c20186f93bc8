"""Time ropa's git-history commands, as whole processes, on a generated repository: a record of
N activities in `registers/` and a first-parent line of small, realistic edits to it.

    python benchmarks/history.py              # 1,000 activities, 1,000 commits, median of 5
    python benchmarks/history.py --quick      # 100 activities, 100 commits (short: 10), 1 round
    python benchmarks/history.py --json       # the numbers as one JSON object on stdout

It times `ropa changelog registers --out <tmp> --lang en`, `ropa diff HEAD~1 HEAD --path
registers` and the reference `git log -p --first-parent -- registers > /dev/null`, all in the
repository with ROPA_TODAY=2026-11-25; prints the changelog's time over git log's (the median of
the per-round ratios); and the changelog's seconds per commit on a repository of `--short`
(100) commits and one of `--commits` (the short one is the start of the long one), with their
ratio: flat (≈ 1) means each commit costs the same however long the history. Nothing is
asserted: it is a benchmark.

The repository is built with `git fast-import` (a second or two for 1,000 commits), in a
temporary folder removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import GROUPS, WORDS, generate, text, vendors  # noqa: E402

TODAY = "2026-11-25"
FOLDER = "registers"
NAME, EMAIL = "Ropa Benchmark", "bench@example.com"
START = 1_704_099_600  # 2024-01-01 09:00 UTC: the first commit; every date lies before TODAY
STEP = 12 * 3600  # between first-parent commits: 1,000 commits span about 500 days
MERGE_EVERY = 100  # commit 50, 150, 250... is a merge of a one-commit side branch (--no-ff)
PERIODS = (6, 12, 18, 24, 36, 48, 60)  # months; the schema allows 1 to 1,200
TEXT_LINE = re.compile(r"^( +)(sv|fi|en): (SV|FI|EN) ([a-z ]+)$", re.MULTILINE)
PERIOD_LINE = re.compile(r"^      - period: (\d+)$", re.MULTILINE)
PURPOSE_ID = re.compile(r"^      - id: purpose-(\d+)$", re.MULTILINE)
PROCESSOR_USE = re.compile(r"^      - processor: (vendor-\d+)$", re.MULTILINE)
VENDOR_ID = re.compile(r"^  - id: (vendor-\d+)$", re.MULTILINE)


# --- the repository ------------------------------------------------------------------------
#
# How the edits keep every commit's record valid (the generated record is clean under
# `ropa validate --strict`, and each edit keeps it so):
# - retention: only the number of `period:` changes, to another whole number of months within
#   the schema's 1..1,200, and the retention note's "after N months" follows it;
# - text: one word of a per-language text is swapped for another plain lowercase word, so the
#   YAML stays a plain scalar and every language is still there (ROPA501);
# - processor use: a register starts using a vendor that the catalogue defines (ROPA101) and it
#   does not use yet, so a register never lists a processor twice;
# - new vendor: an entry made by generate.vendors() (the same shape as the generated ones:
#   mechanism, verification date or TIA, signed and dated DPA), with a fresh id (ROPA103),
#   added together with a register's use of it, so that no processor is unused (ROPA102);
# - new purpose: a fresh id, a group from the catalogue, every language, and a contract basis,
#   which needs nothing more (no interest, withdrawal or law; no `added:` date, ROPA312).
# The last commit is checked with `ropa validate --strict registers`, and the changelog's stderr
# with "skipped" would name any commit whose record could not be read.


@dataclass
class Record:
    """The record's files (name -> text) as the edits go, and what they need to know."""

    files: dict[str, str]
    next_vendor: int
    vendors: list[str] = field(default_factory=list)

    @classmethod
    def generated(cls, activities: int, scratch: Path) -> Record:
        generate(activities, scratch)
        files = {p.name: p.read_text(encoding="utf-8") for p in sorted(scratch.glob("*.yaml"))}
        known = [v for name, body in files.items() if name.startswith("vendors-")
                 for v in VENDOR_ID.findall(body)]  # fmt: skip
        return cls(files, len(known), known)

    def registers(self) -> list[str]:
        return [name for name in self.files if name.startswith("register-")]


@dataclass(frozen=True)
class Edit:
    subject: str
    files: dict[str, str]  # name -> new text


def retention(record: Record, rng: random.Random) -> Edit:
    name = rng.choice(record.registers())
    body = record.files[name]
    old = PERIOD_LINE.search(body)
    assert old is not None
    period = rng.choice([p for p in PERIODS if p != int(old.group(1))])
    body = PERIOD_LINE.sub(f"      - period: {period}", body, count=1)
    body = re.sub(r"after \d+ months", f"after {period} months", body)
    return Edit(f"{name[:-5]}: keep data {period} months", {name: body})


def reword(record: Record, rng: random.Random) -> Edit:
    name = rng.choice([*record.registers(), "controller.yaml"])
    body = record.files[name]
    lines = [m for m in TEXT_LINE.finditer(body) if set(m.group(4).split()) <= set(WORDS)]
    line = rng.choice(lines)
    words = line.group(4).split()
    at = rng.randrange(len(words))
    words[at] = rng.choice([w for w in WORDS if w != words[at]])
    new = f"{line.group(1)}{line.group(2)}: {line.group(3)} {' '.join(words)}"
    body = body[: line.start()] + new + body[line.end() :]
    return Edit(f"{name[:-5]}: reword a text ({line.group(2)})", {name: body})


def _use(body: str, vendor: str, rng: random.Random) -> str:
    block = f"      - processor: {vendor}\n        purpose:\n{text(rng, 10, 3)}\n"
    return body.replace("    retention:\n", block + "    retention:\n", 1)


def processor_use(record: Record, rng: random.Random) -> Edit:
    name = rng.choice(record.registers())
    body = record.files[name]
    used = set(PROCESSOR_USE.findall(body))
    vendor = rng.choice([v for v in record.vendors if v not in used])
    return Edit(f"{name[:-5]}: now uses {vendor}", {name: _use(body, vendor, rng)})


def new_vendor(record: Record, rng: random.Random) -> Edit:
    number = record.next_vendor
    record.next_vendor += 1
    vendor = f"vendor-{number}"
    record.vendors.append(vendor)
    catalogue = max(name for name in record.files if name.startswith("vendors-"))
    entry = vendors(rng, number, 1).split("\n", 1)[1]  # without its "processors:" line
    name = rng.choice(record.registers())
    return Edit(
        f"New processor {vendor} for {name[:-5]}",
        {catalogue: record.files[catalogue] + entry, name: _use(record.files[name], vendor, rng)},
    )


def new_purpose(record: Record, rng: random.Random) -> Edit:
    name = rng.choice(record.registers())
    body = record.files[name]
    purpose = f"purpose-{max(int(n) for n in PURPOSE_ID.findall(body)) + 1}"
    block = "\n".join([f"      - id: {purpose}", f"        group: {rng.choice(GROUPS)}",
                       "        name:", text(rng, 10, 4), "        description:",
                       text(rng, 10, 32), "        legal_bases:", "          - basis: contract"])  # fmt: skip
    body = body.replace("    data_subjects:\n", block + "\n    data_subjects:\n", 1)
    return Edit(f"{name[:-5]}: new purpose {purpose}", {name: body})


# Mostly editorial or small material changes, now and then a new processor or purpose, so
# that the change log has entries of every common kind.
EDITS: tuple[tuple[Callable[[Record, random.Random], Edit], int], ...] = (
    (retention, 45),
    (reword, 35),
    (processor_use, 8),
    (new_vendor, 5),
    (new_purpose, 7),
)


def edits(record: Record, seed: int) -> Iterator[Edit]:
    """An endless, deterministic series of edits, each applied to `record` as it is made."""
    rng = random.Random(seed)  # noqa: S311 - seeded for a reproducible history, not secrets
    kinds = [kind for kind, _ in EDITS]
    weights = [weight for _, weight in EDITS]
    while True:
        edit = rng.choices(kinds, weights)[0](record, rng)
        record.files.update(edit.files)
        yield edit


def _data(blob: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(blob), blob)


def _commit(branch: str, mark: int, when: int, subject: str, files: dict[str, str],
            parent: int | None, merge: int | None = None) -> bytes:  # fmt: skip
    # fast-import takes the author and committer dates from the stream: these lines play the
    # part of GIT_AUTHOR_DATE and GIT_COMMITTER_DATE, fixed and increasing per commit.
    person = f"{NAME} <{EMAIL}> {when} +0000".encode()
    out = [b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark),
           b"author %s\ncommitter %s\n" % (person, person), _data(subject.encode())]  # fmt: skip
    if parent is not None:
        out.append(b"from :%d\n" % parent)
    if merge is not None:
        out.append(b"merge :%d\n" % merge)
    for name, body in sorted(files.items()):
        path = name if name == "README.md" else f"{FOLDER}/{name}"
        out.append(b"M 100644 inline %s\n%s" % (path.encode(), _data(body.encode())))
    return b"".join(out) + b"\n"


def stream(activities: int, commits: int, scratch: Path, seed: int) -> bytes:
    """The fast-import stream of the history: the generated record, then one edit a commit."""
    record = Record.generated(activities, scratch)
    readme = "# Benchmark record\n\nGenerated by benchmarks/history.py.\n"
    chunks = [_commit("main", 1, START, "Record of processing activities",
                      {"README.md": readme, **record.files}, None)]  # fmt: skip
    head, mark = 1, 1
    series = edits(record, seed)
    for number in range(1, commits + 1):
        edit = next(series)
        when = START + number * STEP
        mark += 1
        if number % MERGE_EVERY == MERGE_EVERY // 2:
            # A side branch of one commit, merged with --no-ff: the merge's first-parent diff
            # is the side commit's edit.
            branch = f"side-{number}"
            chunks.append(_commit(branch, mark, when - STEP // 2, edit.subject, edit.files, head))
            chunks.append(_commit("main", mark + 1, when, f"Merge branch '{branch}'",
                                  edit.files, head, merge=mark))  # fmt: skip
            mark += 1
        else:
            chunks.append(_commit("main", mark, when, edit.subject, edit.files, head))
        head = mark
    return b"".join(chunks) + b"done\n"


def git(*args: str, cwd: Path, data: bytes | None = None) -> str:
    done = subprocess.run(["git", "-c", f"user.name={NAME}", "-c", f"user.email={EMAIL}", *args],
                          cwd=cwd, input=data, capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"git {args[0]} failed: {done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout.decode()


@dataclass(frozen=True)
class Repository:
    path: Path
    first_parent: int  # commits on the first-parent line, the initial one included
    touching: int  # first-parent commits that change registers/: what the changelog walks
    build_seconds: float


def build(where: Path, activities: int, commits: int, seed: int) -> Repository:
    """A repository of the generated record and `commits` edits after the initial commit."""
    started = time.perf_counter()
    where.mkdir(parents=True)
    data = stream(activities, commits, where.with_name(where.name + "-generated"), seed)
    git("init", "-q", "-b", "main", cwd=where)
    git("fast-import", "--quiet", "--done", cwd=where, data=data)
    git("reset", "-q", "--hard", "main", cwd=where)  # the last commit in the work tree
    seconds = time.perf_counter() - started
    first = int(git("rev-list", "--count", "--first-parent", "HEAD", cwd=where))
    touching = int(git("rev-list", "--count", "--first-parent", "HEAD", "--", FOLDER, cwd=where))
    return Repository(where, first, touching, seconds)


# --- timing --------------------------------------------------------------------------------


def ropa_command() -> list[str]:
    installed = Path(sys.executable).parent / "ropa"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "ropa"]


def run(command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,)) -> tuple[float, str]:
    """Wall seconds of one whole process, and its stderr."""
    env = {**os.environ, "ROPA_TODAY": TODAY}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=False)  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode not in allowed:
        raise SystemExit(f"{' '.join(command)} exited with {done.returncode}: {done.stderr[-800:]}")
    return seconds, done.stderr


def check_valid(repository: Repository) -> None:
    """The last commit's record is clean, warnings included."""
    done = subprocess.run([*ropa_command(), "validate", "--strict", FOLDER], cwd=repository.path,
                          env={**os.environ, "ROPA_TODAY": TODAY}, capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the record of {repository.path} is not clean:\n{done.stdout[:2000]}")


def measure(
    commands: dict[str, tuple[list[str], Repository, tuple[int, ...]]], rounds: int
) -> dict[str, list[float]]:
    """Every command once per round, in turn, so that a slow spell of the machine falls on all
    of them alike; ratios are then taken within a round."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(rounds):
        for name, (command, repository, allowed) in commands.items():
            seconds, stderr = run(command, repository.path, allowed)
            if "skipped" in stderr:
                raise SystemExit(f"{name}: a commit's record could not be read:\n{stderr}")
            times[name].append(seconds)
            sys.stderr.write(f"round {round_ + 1}/{rounds}: {name} {seconds:.3f} s\n")
    return times


def summarise(
    times: dict[str, list[float]], long: Repository, short: Repository, settings: dict[str, int]
) -> dict[str, Any]:
    median = {name: statistics.median(values) for name, values in times.items()}
    over_git = statistics.median(c / g for c, g in zip(times["changelog"], times["git log"], strict=True))  # fmt: skip
    per_long = median["changelog"] / long.touching
    per_short = median["changelog short"] / short.touching
    # The commits added from the short history to the long one: start-up cancels out.
    added = long.touching - short.touching
    marginal = statistics.median(
        (a - b) / added for a, b in zip(times["changelog"], times["changelog short"], strict=True)
    ) if added > 0 else None  # fmt: skip
    return {
        "settings": {**settings, "today": TODAY},
        "repository": {"first_parent_commits": long.first_parent,
                       "commits_changing_record": long.touching,
                       "build_seconds": round(long.build_seconds, 3)},
        "seconds": {name: round(value, 4) for name, value in median.items()},
        "changelog_over_git_log": round(over_git, 2),
        "changelog_seconds_per_commit": {
            "short": {"commits": short.touching, "seconds": round(per_short, 5)},
            "long": {"commits": long.touching, "seconds": round(per_long, 5)},
            "long_over_short": round(per_long / per_short, 2),
            "marginal": None if marginal is None else round(marginal, 5),
        },
    }  # fmt: skip


def table(result: dict[str, Any]) -> list[str]:
    settings, repository, seconds = result["settings"], result["repository"], result["seconds"]
    per = result["changelog_seconds_per_commit"]
    lines = [
        f"{settings['activities']:,} activities; {repository['first_parent_commits']:,} first-parent"
        f" commits ({repository['commits_changing_record']:,} change {FOLDER}/), built in"
        f" {repository['build_seconds']:.1f} s; median of {settings['rounds']} round(s)",
        "",
        f"{'ropa changelog registers --out <tmp> --lang en':<48} {seconds['changelog']:>9.3f} s"
        f"  {result['changelog_over_git_log']:.1f}× git log",
        f"{'ropa diff HEAD~1 HEAD --path registers':<48} {seconds['diff']:>9.3f} s",
        f"{'git log -p --first-parent -- registers':<48} {seconds['git log']:>9.3f} s  1",
        "",
        "changelog cost per commit (whole process ÷ commits walked)",
    ]  # fmt: skip
    for key, name in (("short", "changelog short"), ("long", "changelog")):
        lines.append(f"{per[key]['commits']:>6,} commits  {seconds[name]:>9.3f} s"
                     f"  {per[key]['seconds'] * 1e3:>8.2f} ms/commit")  # fmt: skip
    lines.append(f"ratio {per['long_over_short']:.2f} (flat ≈ 1)")
    if per["marginal"] is not None:
        lines.append(f"marginal cost of the commits added: {per['marginal'] * 1e3:.2f} ms/commit")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=1000, help="size of the record")
    parser.add_argument("--commits", type=int, default=1000, help="edits after the first commit")
    parser.add_argument("--short", type=int, default=100, help="edits in the short repository")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per figure (median)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the edits")
    parser.add_argument("--quick", action="store_true",
                        help="100 activities, 100 commits (short: 10), 1 round: a smoke test")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the repositories")
    args = parser.parse_args()
    if args.quick:
        args.activities, args.commits, args.short, args.rounds = 100, 100, 10, 1
    work = Path(tempfile.mkdtemp(prefix="ropa-history-"))
    try:
        long = build(work / "long", args.activities, args.commits, args.seed)
        short = build(work / "short", args.activities, args.short, args.seed)
        sys.stderr.write(f"built {long.path} in {long.build_seconds:.1f} s\n")
        check_valid(long)
        check_valid(short)
        ropa = ropa_command()
        commands = {
            "changelog": ([*ropa, "changelog", FOLDER, "--out", str(work / "site"), "--lang", "en"], long, (0,)),
            "diff": ([*ropa, "diff", "HEAD~1", "HEAD", "--path", FOLDER], long, (0, 1)),
            "git log": (["git", "log", "-p", "--first-parent", "--", FOLDER], long, (0,)),
            "changelog short": ([*ropa, "changelog", FOLDER, "--out", str(work / "site-short"), "--lang", "en"], short, (0,)),
        }  # fmt: skip
        times = measure(commands, args.rounds)
    finally:
        if args.keep:
            sys.stderr.write(f"kept {work}\n")
        else:
            shutil.rmtree(work, ignore_errors=True)
    settings = {"activities": args.activities, "commits": args.commits, "short": args.short,
                "rounds": args.rounds, "seed": args.seed}  # fmt: skip
    result = summarise(times, long, short, settings)
    print(json.dumps(result, indent=2) if args.json else "\n".join(table(result)))


if __name__ == "__main__":
    main()
