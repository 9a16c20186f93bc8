"""Time `ropa import` of a workbook against `ropa export` of the same record, as processes.

A record of N activities (benchmarks/generate.py) is exported to a workbook once; then, in
each round, `ropa export --format xlsx` writes it again and `ropa import` reads it back into
a new folder. Printed: the median wall time and peak memory of each, and the median of the
per-round ratio import ÷ export (the machines are noisy; a ratio within a round is steadier
than two medians).

    python benchmarks/importing.py               # N = 10,000, 5 rounds
    python benchmarks/importing.py --quick       # N = 100, 1 round (a smoke test)
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402
from run import run_once  # noqa: E402


def ropa(*args: str) -> list[str]:
    return [sys.executable, "-m", "ropa", "--quiet", *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="100 activities, 1 round")
    args = parser.parse_args()
    if args.quick:
        args.activities, args.rounds = 100, 1
    work = Path(tempfile.mkdtemp(prefix="ropa-import-"))
    try:
        record = work / "registers"
        generate(args.activities, record)
        workbook = work / "record.xlsx"
        run_once(ropa("export", str(record), "--out", str(workbook)))
        size = workbook.stat().st_size
        times: dict[str, list[float]] = {"export": [], "import": []}
        peaks: dict[str, float] = {"export": 0.0, "import": 0.0}
        for number in range(args.rounds):
            again = work / f"again-{number}.xlsx"
            imported = work / f"imported-{number}"
            for name, command in (
                ("export", ropa("export", str(record), "--out", str(again))),
                ("import", ropa("import", str(workbook), "--out", str(imported))),
            ):
                seconds, peak = run_once(command)
                times[name].append(seconds)
                peaks[name] = max(peaks[name], peak)
            shutil.rmtree(imported)
            again.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = statistics.median(i / e for i, e in zip(times["import"], times["export"], strict=True))
    print(f"N = {args.activities:,} activities, workbook {size / 2**20:.1f} MiB, "
          f"{args.rounds} rounds\n")  # fmt: skip
    print("| command | median | peak memory |")
    print("|---|---:|---:|")
    for name, label in (("export", "`ropa export --format xlsx`"), ("import", "`ropa import`")):
        print(f"| {label} | {statistics.median(times[name]):.1f} s | {peaks[name]:.0f} MB |")
    print(f"\nimport ÷ export, median of the rounds' ratios: {ratio:.2f}")


if __name__ == "__main__":
    main()
