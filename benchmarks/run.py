"""Time ropa as whole processes on generated records, next to the floor: a bare Python
process that only loads the same files with PyYAML's libyaml loader.

    python benchmarks/run.py            # N = 10, 100, 1,000, 10,000; median of 7 rounds
    python benchmarks/run.py --quick    # N = 10, 100; one run (a smoke test for CI)
    python benchmarks/run.py --write    # also rewrite the results in docs/performance.md

For each N it prints the median wall time, the ratio to the floor, the cost per activity (the
whole process divided by N, and the marginal cost of the activities added since the previous
N), and the peak resident memory of the process (from the OS) next to the input size. Then the
cold start on the shipped registers: `ropa --help` against `python -c pass`, and `ropa
validate` against check-jsonschema on the same files (pip install check-jsonschema, or
'.[bench]'). Last, each target of docs/performance.md with its verdict.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

FLOOR = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    with open(p, 'rb') as f:\n"
    "        yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
TODAY = "2026-11-25"
TARGET_N = 10_000  # where the speed and memory targets are judged


@dataclass(frozen=True)
class Timing:
    times: tuple[float, ...]  # wall seconds of each round
    peak_mb: float  # largest peak RSS of the runs

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    def over(self, baseline: Timing) -> float:
        """Median, over the rounds, of this time ÷ the baseline's in the same round."""
        return statistics.median(t / b for t, b in zip(self.times, baseline.times, strict=True))


# Each command is started by this small launcher, which times it and reads its peak memory.
# A child's peak RSS counts whatever its parent held when it was forked, and this script holds
# the generated records; the launcher holds only an interpreter (~11 MB, less than any
# process measured here).
LAUNCHER = """\
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
error = child.stderr.read()
_, status, usage = os.wait4(child.pid, 0)
seconds = time.perf_counter() - started
sys.stderr.buffer.write(error[-2000:])
print(seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def run_once(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one whole process."""
    env = {**os.environ, "ROPA_TODAY": TODAY}
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(f"the launcher failed: {done.stderr[-500:]}")
    seconds, peak_kib, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited with {code}: {done.stderr[-500:]}")
    return float(seconds), int(peak_kib) / 1024  # KiB on Linux


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, Timing]:
    """Run the commands in turn, `runs` rounds, so that a slow spell of the machine falls on
    all of them alike (ratios are then taken within each round: Timing.over)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            seconds, peak = run_once(command)
            times[name].append(seconds)
            peaks[name].append(peak)
    return {name: Timing(tuple(times[name]), max(peaks[name])) for name in commands}


def ropa(*args: str) -> list[str]:
    return [sys.executable, "-m", "ropa", "--quiet", *args]


def commands(folder: Path, out: Path) -> dict[str, list[str]]:
    return {
        "floor": [sys.executable, "-c", FLOOR, str(folder)],
        "validate": ropa("validate", str(folder)),
        "render": ropa("render", str(folder), "--out", str(out), "--lang", "sv",
                       "--format", "html"),
        "processors": ropa("processors", str(folder), "--outside-eea", "--format", "json"),
    }  # fmt: skip


LABELS = {
    "floor": "floor: `yaml.load(f, Loader=yaml.CSafeLoader)` per file",
    "validate": "`ropa validate`",
    "render": "`ropa render --lang sv --format html`",
    "processors": "`ropa processors --outside-eea --format json`",
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("PyYAML", "jsonschema-rs", "jsonschema", "Jinja2", "typer")
    )
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}"
    )


def cold_start(runs: int) -> tuple[list[str], dict[str, float]]:
    registers = ROOT / "registers"
    files = [str(p) for p in sorted(registers.glob("*.yaml"))]
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).with_name("check-jsonschema")
    )
    commands = {
        "pass": [sys.executable, "-c", "pass"],
        "help": [sys.executable, "-m", "ropa", "--help"],
        "validate": ropa("validate", str(registers)),
    }
    if Path(checker).exists():
        schema = str(ROOT / "schemas" / "ropa.schema.json")
        commands["check"] = [checker, "--schemafile", schema, *files]
    timed = measure(commands, runs)
    found = {name: timing.seconds for name, timing in timed.items()}
    found["help ratio"] = timed["help"].over(timed["pass"])
    lines = [
        "| cold start, shipped registers | ratio | median |",
        "|---|---:|---:|",
        f"| `python -c pass` | 1 | {found['pass']:.3f} s |",
        f"| `ropa --help` | {found['help ratio']:.1f}× `python -c pass` | {found['help']:.3f} s |",
    ]  # fmt: skip
    if "check" in timed:
        found["validate ratio"] = timed["validate"].over(timed["check"])
        lines.append(f"| `check-jsonschema --schemafile schemas/ropa.schema.json registers/*.yaml` | 1 | {found['check']:.3f} s |")  # fmt: skip
        lines.append(f"| `ropa validate registers` | {found['validate ratio']:.2f}× check-jsonschema | {found['validate']:.3f} s |")  # fmt: skip
    else:
        lines.append(f"| `ropa validate registers` | (check-jsonschema not installed) | {found['validate']:.3f} s |")  # fmt: skip
    return lines, found


def verdicts(
    results: dict[int, dict[str, Timing]], sizes: dict[int, int], cold: dict[str, float]
) -> list[str]:
    """Each target of the performance issue, measured, with met / NOT MET.

    The size targets are judged at N = 10,000 only; a run without it (--quick) judges the
    cold start alone.
    """
    lines = ["| target | measured | verdict |", "|---|---:|---|"]

    def add(target: str, value: float, limit: float, unit: str = "×") -> None:
        verdict = "met" if value <= limit else "**NOT MET**"
        lines.append(f"| {target} | {value:.2f}{unit} | {verdict} |")

    top = TARGET_N
    if top in results:
        floor = results[top]["floor"]
        add(f"`ropa validate` ≤ 1.0× the floor at N = {top:,}", results[top]["validate"].over(floor), 1.0)  # fmt: skip
        add(f"`ropa render` ≤ 1.5× the floor at N = {top:,}", results[top]["render"].over(floor), 1.5)  # fmt: skip
        # The marginal cost of the activities added from 100 to 1,000 and from 1,000 to
        # 10,000: start-up cancels out, and the steps are long enough to rise above noise.
        steps = [n for n in sorted(results) if n > 100 and max(m for m in results if m < n) >= 100]
        for name in ("validate", "render", "processors"):
            if len(steps) >= 2:
                costs = [marginal(results, n, name) for n in steps]
                spread = max(costs) / min(costs) if min(costs) > 0 else float("inf")
                add(f"`ropa {name}`: cost per added activity flat from N = 100 to {top:,} (largest ÷ smallest step ≤ 2)", spread, 2.0)  # fmt: skip
        mb = sizes[top] / 1e6
        for name in ("validate", "render", "processors"):
            add(f"`ropa {name}` peak memory ≤ 10× the input ({mb:.1f} MB) at N = {top:,}", results[top][name].peak_mb / mb, 10.0)  # fmt: skip
    if "check" in cold:
        add("`ropa validate` cold start ≤ 0.5× check-jsonschema", cold["validate ratio"], 0.5)
    add("`ropa --help` ≤ 10× `python -c pass`", cold["help ratio"], 10.0)
    return lines


def marginal(results: dict[int, dict[str, Timing]], n: int, name: str) -> float:
    """Seconds per activity added since the next smaller N (start-up cost cancels out);
    the median over the rounds, each round's pair of runs taken together."""
    smaller = max(m for m in results if m < n)
    pairs = zip(results[n][name].times, results[smaller][name].times, strict=True)
    return statistics.median((big - small) / (n - smaller) for big, small in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 10, 100, one run: a smoke test")
    parser.add_argument("--runs", type=int, default=7, help="rounds per figure (median)")
    parser.add_argument("--sizes", default="10,100,1000,10000", help="comma-separated N")
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args()
    sizes = [10, 100] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    runs = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    results: dict[int, dict[str, Timing]] = {}
    input_sizes: dict[int, int] = {}
    table = [
        "| N | input | command | × floor | median | per activity | marginal per activity | RSS ÷ input | peak RSS |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    try:
        every: dict[str, list[str]] = {}
        for n in sizes:
            folder = work / f"record-{n}"
            input_sizes[n] = generate(n, folder)
            clean = subprocess.run(ropa("validate", "--strict", str(folder)), capture_output=True, text=True, env={**os.environ, "ROPA_TODAY": TODAY})  # fmt: skip
            if clean.returncode != 0:
                raise SystemExit(
                    f"the generated record of {n} is not clean:\n{clean.stdout[:2000]}"
                )
            for name, command in commands(folder, work / f"site-{n}").items():
                every[f"{n} {name}"] = command
        # All sizes and commands in every round, so that sizes compare like with like.
        timed = measure(every, runs)
        for key, timing in timed.items():
            n, name = key.split(" ", 1)
            results.setdefault(int(n), {})[name] = timing
        for n in sizes:
            mb = input_sizes[n] / 1e6
            for name, timing in results[n].items():
                ratio = timing.over(results[n]["floor"])
                step = (
                    f"{marginal(results, n, name) * 1e3:.3f} ms"
                    if any(m < n for m in results)
                    else "–"
                )
                table.append(
                    f"| {n:,} | {mb:.2f} MB | {LABELS[name]} | {ratio:.2f} | {timing.seconds:.3f} s |"
                    f" {timing.seconds / n * 1e3:.3f} ms | {step} | {timing.peak_mb / mb:.1f} |"
                    f" {timing.peak_mb:.0f} MB |"
                )
                print(table[-1], flush=True)
        cold_lines, cold = cold_start(runs)
        print("\n" + "\n".join(cold_lines))
        targets = verdicts(results, input_sizes, cold)
        print("\n" + "\n".join(targets))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    described = machine()
    print(f"\n{described}; median of {runs} round(s)")
    if args.write:
        if args.quick:
            raise SystemExit("--write needs the full run, not --quick")
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        start, end = "<!-- results -->", "<!-- /results -->"
        block = [start, "", f"Measured on {described}. Median of {runs} rounds; in each round every command runs once, in turn, and ratios are taken within the round.", "",
                 "### Targets", "", *targets, "", "### Whole-process timings", "", *table, "",
                 "### Cold start", "", *cold_lines, "", end]  # fmt: skip
        head, rest = text.split(start, 1)
        updated = head + "\n".join(block) + rest.split(end, 1)[1]
        temporary = doc.with_suffix(".md.tmp")
        temporary.write_text(updated, encoding="utf-8")
        temporary.replace(doc)
        print(f"wrote {doc}")


if __name__ == "__main__":
    main()
