"""Time ropa as whole processes on generated records, next to the floor: a bare Python
process that only loads the same files with PyYAML's libyaml loader.

    python benchmarks/run.py            # N = 10, 100, 1,000, 10,000; median of 5 runs
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
import time
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
    seconds: float  # median wall time
    peak_mb: float  # largest peak RSS of the runs


def measure(command: list[str], runs: int) -> Timing:
    """Median wall time and peak RSS over `runs` runs of a whole process."""
    times, peaks = [], []
    env = {**os.environ, "ROPA_TODAY": TODAY}
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
        assert process.stderr is not None
        error = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited with {code}: {error[-500:]}")
    return Timing(statistics.median(times), max(peaks))


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
    found: dict[str, float] = {}
    found["pass"] = measure([sys.executable, "-c", "pass"], runs).seconds
    found["help"] = measure([sys.executable, "-m", "ropa", "--help"], runs).seconds
    found["validate"] = measure(ropa("validate", str(registers)), runs).seconds
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).with_name("check-jsonschema")
    )
    lines = [
        "| cold start, shipped registers | median | ratio |",
        "|---|---:|---:|",
        f"| `python -c pass` | {found['pass']:.3f} s | 1 |",
        f"| `ropa --help` | {found['help']:.3f} s | {found['help'] / found['pass']:.1f}× `python -c pass` |",
    ]  # fmt: skip
    if Path(checker).exists():
        schema = str(ROOT / "schemas" / "ropa.schema.json")
        found["check"] = measure([checker, "--schemafile", schema, *files], runs).seconds
        lines.append(f"| `check-jsonschema --schemafile schemas/ropa.schema.json registers/*.yaml` | {found['check']:.3f} s | 1 |")  # fmt: skip
        lines.append(f"| `ropa validate registers` | {found['validate']:.3f} s | {found['validate'] / found['check']:.2f}× check-jsonschema |")  # fmt: skip
    else:
        lines.append(f"| `ropa validate registers` | {found['validate']:.3f} s | (check-jsonschema not installed) |")  # fmt: skip
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
        floor = results[top]["floor"].seconds
        add(f"`ropa validate` ≤ 1.0× the floor at N = {top:,}", results[top]["validate"].seconds / floor, 1.0)  # fmt: skip
        add(f"`ropa render` ≤ 1.5× the floor at N = {top:,}", results[top]["render"].seconds / floor, 1.5)  # fmt: skip
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
        add("`ropa validate` cold start ≤ 0.5× check-jsonschema", cold["validate"] / cold["check"], 0.5)  # fmt: skip
    add("`ropa --help` ≤ 10× `python -c pass`", cold["help"] / cold["pass"], 10.0)
    return lines


def marginal(results: dict[int, dict[str, Timing]], n: int, name: str) -> float:
    """Seconds per activity added since the next smaller N (start-up cost cancels out)."""
    smaller = max(m for m in results if m < n)
    return (results[n][name].seconds - results[smaller][name].seconds) / (n - smaller)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 10, 100, one run: a smoke test")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--sizes", default="10,100,1000,10000", help="comma-separated N")
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args()
    sizes = [10, 100] if args.quick else sorted(int(s) for s in args.sizes.split(","))
    runs = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    results: dict[int, dict[str, Timing]] = {}
    input_sizes: dict[int, int] = {}
    table = [
        "| N | input | command | median | × floor | per activity | marginal per activity | peak RSS | RSS ÷ input |",
        "|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    try:
        for n in sizes:
            folder = work / f"record-{n}"
            input_sizes[n] = generate(n, folder)
            mb = input_sizes[n] / 1e6
            results[n] = {}
            for name, command in commands(folder, work / f"site-{n}").items():
                results[n][name] = timing = measure(command, runs)
                ratio = timing.seconds / results[n]["floor"].seconds
                step = (
                    f"{marginal(results, n, name) * 1e3:.3f} ms"
                    if any(m < n for m in results)
                    else "–"
                )
                table.append(
                    f"| {n:,} | {mb:.2f} MB | {LABELS[name]} | {timing.seconds:.3f} s | {ratio:.2f} |"
                    f" {timing.seconds / n * 1e3:.3f} ms | {step} | {timing.peak_mb:.0f} MB |"
                    f" {timing.peak_mb / mb:.1f} |"
                )
                print(table[-1], flush=True)
        cold_lines, cold = cold_start(runs)
        print("\n" + "\n".join(cold_lines))
        targets = verdicts(results, input_sizes, cold)
        print("\n" + "\n".join(targets))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    described = machine()
    print(f"\n{described}; median of {runs} run(s)")
    if args.write:
        if args.quick:
            raise SystemExit("--write needs the full run, not --quick")
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        start, end = "<!-- results -->", "<!-- /results -->"
        block = [start, "", f"Measured on {described}. Median of {runs} runs per figure.", "",
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
