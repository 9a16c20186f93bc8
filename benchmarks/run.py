"""Time ropa as whole processes on generated records, next to the floor: a bare Python
process that only loads the same files with PyYAML's libyaml loader.

    python benchmarks/run.py            # N = 10, 100, 1,000, 10,000; 5 runs each
    python benchmarks/run.py --quick    # N = 10, 100; 1 run (a smoke test for CI)
    python benchmarks/run.py --write    # also rewrite the tables in docs/performance.md

Prints medians, the ratio to the floor, the cost per activity and the peak memory (from the
OS, per process) next to the input size.
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

FLOOR = (
    "import pathlib, sys, yaml\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    yaml.load(p.read_bytes(), Loader=yaml.CSafeLoader)\n"
)


def measure(command: list[str], runs: int) -> tuple[float, float]:
    """(median wall seconds, max peak RSS in MB) over `runs` runs of a whole process."""
    times, peaks = [], []
    env = {**os.environ, "ROPA_TODAY": "2026-11-25"}
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            error = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise SystemExit(f"{' '.join(command)} failed with {code}: {error[-500:]}")
        if process.stderr:
            process.stderr.close()
    return statistics.median(times), max(peaks)


def ropa(*args: str) -> list[str]:
    return [sys.executable, "-m", "ropa", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="N = 10, 100 and one run: a smoke test"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args()
    sizes = [10, 100] if args.quick else [int(s) for s in args.sizes.split(",")]
    runs = 1 if args.quick else args.runs
    work = Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    lines = [
        "| N | input | command | median | × floor | per activity | peak RSS | × input |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    try:
        for n in sizes:
            folder = work / f"record-{n}"
            size = generate(n, folder)
            out = work / f"site-{n}"
            commands = {
                "floor: yaml.load(CSafeLoader)": [sys.executable, "-c", FLOOR, str(folder)],
                "ropa validate": ropa("validate", str(folder)),
                "ropa render --lang sv --format html": ropa("render", str(folder), "--out", str(out),
                                                             "--lang", "sv", "--format", "html"),
                "ropa processors --outside-eea --format json": ropa(
                    "processors", str(folder), "--outside-eea", "--format", "json"),
            }  # fmt: skip
            floor = None
            for name, command in commands.items():
                seconds, peak = measure(command, runs)
                floor = floor or seconds
                mb = size / 1e6
                lines.append(
                    f"| {n:,} | {mb:.2f} MB | {name} | {seconds:.3f} s | {seconds / floor:.2f} |"
                    f" {seconds / n * 1e3:.2f} ms | {peak:.0f} MB | {peak / max(mb, 0.001):.0f} |"
                )
                print(lines[-1], flush=True)
        cold = ["", "| cold start (shipped registers) | median | × baseline |", "|---|---:|---:|"]
        python_pass, _ = measure([sys.executable, "-c", "pass"], runs)
        help_time, _ = measure(ropa("--help"), runs)
        validate_time, _ = measure(ropa("validate", str(ROOT / "registers")), runs)
        cold.append(f"| python -c pass | {python_pass:.3f} s | 1.00 |")
        cold.append(f"| ropa --help | {help_time:.3f} s | {help_time / python_pass:.1f} × python |")
        checker = shutil.which("check-jsonschema")
        if checker:
            files = [str(p) for p in sorted((ROOT / "registers").glob("*.yaml"))]
            base, _ = measure(
                [checker, "--schemafile", str(ROOT / "schemas" / "ropa.schema.json"), *files], runs
            )
            cold.append(f"| check-jsonschema on the same files | {base:.3f} s | 1.00 |")
            cold.append(
                f"| ropa validate | {validate_time:.3f} s | {validate_time / base:.2f} × check-jsonschema |"
            )
        else:
            cold.append(
                f"| ropa validate | {validate_time:.3f} s | (check-jsonschema not installed) |"
            )
        for line in cold:
            print(line)
        lines += cold
    finally:
        shutil.rmtree(work, ignore_errors=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\nmachine: {machine}; {runs} run(s) per figure")
    if args.write:
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        start, end = "<!-- results -->", "<!-- /results -->"
        table = "\n".join(
            [start, f"Measured on {machine}, median of {runs} runs.", "", *lines, end]
        )
        head, rest = text.split(start, 1)
        doc.write_text(head + table + rest.split(end, 1)[1], encoding="utf-8")


if __name__ == "__main__":
    main()
