"""Time ropa as whole processes on generated records, next to the floor: a bare Python
process that only loads the same files with PyYAML's libyaml loader.

    python benchmarks/run.py            # small N = 10 ... 10,000, large N = 30,000; 5 rounds
    python benchmarks/run.py --quick    # small N = 10, 100; one round (a smoke test for CI)
    python benchmarks/run.py --write    # also rewrite the results in docs/performance.md
    python benchmarks/run.py --here     # time `python -m ropa` of this interpreter instead

ropa is timed as a user runs it: installed from this folder (`pip install .`, byte-code
compiled) into a new virtual environment, started by its `ropa` command. The floor runs on
that environment's Python, twice: with the cyclic garbage collector on (as any program runs)
and off (`gc.disable()`, as ropa's command runs); ratios are judged against the GC-off one.

Records come in two shapes (benchmarks/generate.py): `small`, many files of 50 activities,
and `large`, few files of 2,000 activities with 2,000 shared vendors and long texts. For each
N it prints the median wall time, the ratio to each floor, the cost per activity (the whole
process divided by N, and the marginal cost of the activities added since the previous N),
and the peak resident memory of the process (from the OS) next to the input size. Then the
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

FLOOR = (
    "import gc, pathlib, sys, yaml\n"
    "if sys.argv[2] == 'off':\n"
    "    gc.disable()\n"
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.yaml')):\n"
    "    with open(p, 'rb') as f:\n"
    "        yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
TODAY = "2026-11-25"
SMALL_TARGET = 10_000  # where the targets are judged on the small shape
LARGE_TARGET = 30_000  # and on the large one
# A privacy notice of 30,000 long activities is over the default page limit (20,000,000
# characters); the benchmark renders it anyway.
PAGE_CHARS = "1000000000"


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
    env = {**os.environ, "ROPA_TODAY": TODAY, "ROPA_MAX_PAGE_CHARS": PAGE_CHARS}
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


@dataclass(frozen=True)
class Installed:
    """The Python and the `ropa` command timed."""

    python: str
    command: list[str]


def install(work: Path, here: bool) -> Installed:
    """ropa installed from this folder into a new virtual environment (`pip install .`,
    which compiles its byte-code), or with `here` this interpreter's `python -m ropa`."""
    if here:
        return Installed(sys.executable, [sys.executable, "-m", "ropa"])
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    done = subprocess.run([python, "-m", "pip", "install", "--quiet", str(ROOT)],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"pip install . failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    # Byte-code for everything the environment holds, as a user's second run finds it.
    subprocess.run([python, "-m", "compileall", "-q", str(venv / "lib")], check=False,
                   capture_output=True)  # fmt: skip
    return Installed(python, [str(venv / "bin" / "ropa")])


# The commands timed at every size; HEAVY ones only at the sizes where targets are judged.
LIGHT = ("floor", "floor with GC", "validate", "render", "processors")
HEAVY = ("render all", "export xlsx")


def commands(ropa: Installed, folder: Path, out: Path, heavy: bool) -> dict[str, list[str]]:
    def run(*args: str) -> list[str]:
        return [*ropa.command, "--quiet", *args]

    found = {
        "floor": [ropa.python, "-c", FLOOR, str(folder), "off"],
        "floor with GC": [ropa.python, "-c", FLOOR, str(folder), "on"],
        "validate": run("validate", str(folder)),
        "render": run("render", str(folder), "--out", str(out), "--lang", "sv",
                      "--format", "html"),
        "processors": run("processors", str(folder), "--outside-eea", "--format", "json"),
        "render all": run("render", str(folder), "--out", str(out) + "-all"),
        "export xlsx": run("export", str(folder), "--format", "xlsx", "--out",
                           str(out) + ".xlsx", "--force"),
    }  # fmt: skip
    return {name: command for name, command in found.items() if heavy or name in LIGHT}


LABELS = {
    "floor": "floor: `yaml.load(f, Loader=yaml.CSafeLoader)` per file, GC off",
    "floor with GC": "floor with the cyclic GC on",
    "validate": "`ropa validate`",
    "render": "`ropa render --lang sv --format html`",
    "processors": "`ropa processors --outside-eea --format json`",
    "render all": "`ropa render` (every language, HTML and Markdown)",
    "export xlsx": "`ropa export --format xlsx`",
}


def machine(python: str) -> str:
    """The processor, system, and the versions `python` (the one timed) has."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    names = ("PyYAML", "jsonschema-rs", "jsonschema", "Jinja2", "typer", "openpyxl")
    asked = (
        "import platform, sys\nfrom importlib import metadata\n"
        f"print('Python', platform.python_version() + '; ' + ', '.join(n + ' ' + metadata.version(n) for n in {names!r}))"
    )  # fmt: skip
    versions = subprocess.run([python, "-c", asked], capture_output=True, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {versions}"


def cold_start(ropa: Installed, runs: int) -> tuple[list[str], dict[str, float]]:
    registers = ROOT / "registers"
    files = [str(p) for p in sorted(registers.glob("*.yaml"))]
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).with_name("check-jsonschema")
    )
    commands = {
        "pass": [ropa.python, "-c", "pass"],
        "help": [*ropa.command, "--help"],
        "validate": [*ropa.command, "--quiet", "validate", str(registers)],
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


# (command, most × the GC-off floor) judged at SMALL_TARGET and LARGE_TARGET.
SPEED_TARGETS = (("validate", 0.75), ("render", 1.0), ("render all", 2.0), ("export xlsx", 2.0))


def verdicts(
    results: dict[tuple[str, int], dict[str, Timing]],
    sizes: dict[tuple[str, int], int],
    cold: dict[str, float],
) -> list[str]:
    """Each target of docs/performance.md, measured, with met / NOT MET.

    A size target is judged only where its size was run; a run without them (--quick)
    judges the cold start alone.
    """
    lines = ["| target | measured | verdict |", "|---|---:|---|"]

    def add(target: str, value: float, limit: float, unit: str = "×") -> None:
        verdict = "met" if value <= limit else "**NOT MET**"
        lines.append(f"| {target} | {value:.2f}{unit} | {verdict} |")

    for key in (("small", SMALL_TARGET), ("large", LARGE_TARGET)):
        if key not in results:
            continue
        shape, n = key
        timed, mb = results[key], sizes[key] / 1e6
        where = f"at N = {n:,}, {shape} files ({mb:.0f} MB)"
        for name, limit in SPEED_TARGETS:
            if name in timed:
                add(f"{LABELS[name]} ≤ {limit}× the floor (GC off) {where}", timed[name].over(timed["floor"]), limit)  # fmt: skip
        for name in ("validate", "render", "processors", "export xlsx"):
            if name in timed:
                add(f"{LABELS[name]} peak memory ≤ 10× the input {where}", timed[name].peak_mb / mb, 10.0)  # fmt: skip
    small = {n: timed for (shape, n), timed in results.items() if shape == "small"}
    if SMALL_TARGET in small:
        # The marginal cost of the activities added from 100 to 1,000 and from 1,000 to
        # 10,000: start-up cancels out, and the steps are long enough to rise above noise.
        # A step may cost less than the first (a large record is read on several
        # processors); none may cost more than twice as much.
        steps = [n for n in sorted(small) if n > 100 and max(m for m in small if m < n) >= 100]
        for name in ("validate", "render", "processors"):
            if len(steps) >= 2:
                costs = [marginal(small, n, name) for n in steps]
                growth = max(costs) / costs[0] if costs[0] > 0 else float("inf")
                add(f"{LABELS[name]}: cost per added activity does not grow from N = 100 to {SMALL_TARGET:,} (largest step ÷ the first ≤ 2)", growth, 2.0)  # fmt: skip
    if "check" in cold:
        add("`ropa validate` cold start ≤ 0.5× check-jsonschema", cold["validate ratio"], 0.5)
    add("`ropa --help` ≤ 5× `python -c pass`", cold["help ratio"], 5.0)
    return lines


def marginal(results: dict[int, dict[str, Timing]], n: int, name: str) -> float:
    """Seconds per activity added since the next smaller N (start-up cost cancels out);
    the median over the rounds, each round's pair of runs taken together."""
    smaller = max(m for m in results if m < n)
    pairs = zip(results[n][name].times, results[smaller][name].times, strict=True)
    return statistics.median((big - small) / (n - smaller) for big, small in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small N = 10, 100, one round")
    parser.add_argument("--runs", type=int, default=5, help="rounds per figure (median)")
    parser.add_argument("--cold-runs", type=int, default=15, help="rounds of the cold start")
    parser.add_argument("--sizes", default="10,100,1000,10000", help="small shape's N, comma-separated")  # fmt: skip
    parser.add_argument("--large", default="30000", help="large shape's N, comma-separated ('' for none)")  # fmt: skip
    parser.add_argument("--here", action="store_true", help="time this interpreter's `python -m ropa`")  # fmt: skip
    parser.add_argument("--write", action="store_true", help="rewrite docs/performance.md")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    cold_runs = 1 if args.quick else args.cold_runs
    plan = [("small", n) for n in ([10, 100] if args.quick else sorted(int(s) for s in args.sizes.split(",") if s))]  # fmt: skip
    if not args.quick:
        plan += [("large", int(n)) for n in args.large.split(",") if n]
    work = Path(tempfile.mkdtemp(prefix="ropa-bench-"))
    results: dict[tuple[str, int], dict[str, Timing]] = {}
    input_sizes: dict[tuple[str, int], int] = {}
    table = [
        "| shape | N | input | command | × floor (GC off) | × floor (GC on) | median | per activity | marginal per activity | RSS ÷ input | peak RSS |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    try:
        ropa = install(work, args.here)
        every: dict[str, list[str]] = {}
        for shape, n in plan:
            folder = work / f"record-{shape}-{n}"
            input_sizes[(shape, n)] = generate(n, folder, shape=shape)
            clean = subprocess.run([*ropa.command, "validate", "--strict", str(folder)], capture_output=True, text=True, env={**os.environ, "ROPA_TODAY": TODAY})  # fmt: skip
            if clean.returncode != 0:
                raise SystemExit(f"the generated record of {n} is not clean:\n{clean.stdout[:2000]}")  # fmt: skip
            heavy = n in (SMALL_TARGET, LARGE_TARGET)
            for name, command in commands(ropa, folder, work / f"site-{shape}-{n}", heavy).items():
                every[f"{shape} {n} {name}"] = command
        # All sizes and commands in every round, so that sizes compare like with like.
        timed = measure(every, runs)
        for key, timing in timed.items():
            shape, n, name = key.split(" ", 2)
            results.setdefault((shape, int(n)), {})[name] = timing
        for (shape, n), found in results.items():
            mb = input_sizes[(shape, n)] / 1e6
            same = {m: t for (s, m), t in results.items() if s == shape}
            for name, timing in found.items():
                step = (
                    f"{marginal(same, n, name) * 1e3:.3f} ms"
                    if any(m < n and name in same[m] for m in same)
                    else "–"
                )
                table.append(
                    f"| {shape} | {n:,} | {mb:.2f} MB | {LABELS[name]} | {timing.over(found['floor']):.2f} |"
                    f" {timing.over(found['floor with GC']):.2f} | {timing.seconds:.3f} s |"
                    f" {timing.seconds / n * 1e3:.3f} ms | {step} | {timing.peak_mb / mb:.1f} |"
                    f" {timing.peak_mb:.0f} MB |"
                )
                print(table[-1], flush=True)
        cold_lines, cold = cold_start(ropa, cold_runs)
        print("\n" + "\n".join(cold_lines))
        targets = verdicts(results, input_sizes, cold)
        print("\n" + "\n".join(targets))
        versions = machine(ropa.python)  # before the environment is removed
    finally:
        shutil.rmtree(work, ignore_errors=True)
    how = "`python -m ropa` in a development environment" if args.here else "the `ropa` command installed with `pip install .` into a new virtual environment, byte-code compiled"  # fmt: skip
    described = f"{versions}; {how}"
    print(f"\n{described}; median of {runs} round(s), cold start {cold_runs}")
    if args.write:
        if args.quick:
            raise SystemExit("--write needs the full run, not --quick")
        doc = ROOT / "docs" / "performance.md"
        text = doc.read_text(encoding="utf-8")
        start, end = "<!-- results -->", "<!-- /results -->"
        block = [start, "", f"Measured on {described}. Median of {runs} rounds ({cold_runs} for the cold start); in each round every command runs once, in turn, and ratios are taken within the round.", "",
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
