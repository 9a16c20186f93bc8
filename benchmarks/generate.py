"""Generate valid records of N processing activities, deterministically (seeded).

An activity is a purpose of a register; every text is given in Swedish, Finnish and English.
Two shapes:

- `small` (the default): one register of 50 activities per file; vendors about one per five
  activities (2,000 at N = 10,000) in files of 200, ten used by each register; short texts
  in plain ASCII words. 14 MB at N = 10,000.
- `large`: one register of 2,000 activities per file; 2,000 vendors, whatever N, in one
  file, 200 of them used by each register; long texts in words with å, ä, ö and dashes.
  About 40 MB at N = 10,000, 120 MB at 30,000.

    python benchmarks/generate.py 1000 /tmp/record-1000
    python benchmarks/generate.py 30000 /tmp/record-30000 --shape large
"""

from __future__ import annotations

import argparse
import functools
import random
from dataclasses import dataclass
from pathlib import Path

LANGS = ("sv", "fi", "en")


@dataclass(frozen=True)
class Shape:
    per_file: int  # activities per register file
    vendors: int | None  # vendors in all (None: one per five activities)
    vendors_per_file: int
    uses: int  # vendors each register uses
    words: int  # words in a purpose's description, per language
    words_of: dict[str, tuple[str, ...]] | None  # per-language words (None: WORDS for all)


BASES = ("contract", "legitimate_interests", "consent", "legal_obligation")
PLACES = [
    (["EU"], []),
    (["EU", "US"], [("US", "scc_m2")]),
    (["US"], [("US", "dpf")]),
    (["EU", "GB"], [("GB", "adequacy")]),
    (["EU", "IN"], [("IN", "scc_m2")]),
    (["JP"], [("JP", "adequacy")]),
]
WORDS = (
    "customer", "invoice", "support", "analytics", "security", "newsletter", "recruitment",
    "contract", "payment", "training", "survey", "event", "partner", "account", "delivery",
)  # fmt: skip


LOCAL_WORDS = {
    "sv": ("kund", "faktura", "säkerhet", "nyhetsbrev", "rekrytering", "betalning", "utbildning",
           "enkät", "händelse", "leverantör", "tjänst", "överföring", "behörighet", "årlig",
           "–"),
    "fi": ("asiakas", "lasku", "tietoturva", "uutiskirje", "rekrytointi", "maksu", "koulutus",
           "kysely", "tapahtuma", "kumppani", "käsittely", "säilytys", "tilitoimisto", "–"),
    "en": (*WORDS, "–"),
}  # fmt: skip
SHAPES = {
    "small": Shape(per_file=50, vendors=None, vendors_per_file=200, uses=10, words=32,
                   words_of=None),
    "large": Shape(per_file=2000, vendors=2000, vendors_per_file=2000, uses=200, words=110,
                   words_of=LOCAL_WORDS),
}  # fmt: skip


def text(
    rng: random.Random,
    indent: int,
    words: int,
    vocabulary: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """A text in every language of `words` words from `vocabulary` (default: WORDS)."""
    pad = " " * indent
    lines = []
    for lang in LANGS:
        choices = vocabulary[lang] if vocabulary else WORDS
        phrase = " ".join(rng.choice(choices) for _ in range(words))
        lines.append(f"{pad}{lang}: {lang.upper()} {phrase}")
    return "\n".join(lines)


CATEGORIES = ("basic", "usage", "financial", "content", "identity", "location")
SOURCES = (("data-subject", "data_subject"), ("customers", "customer"), ("partners", "partner"))
RECIPIENTS = (("authorities", "public_authority"), ("partners", "partner"),
              ("group", "group_company"))  # fmt: skip
GROUPS = ("purchases", "services", "marketing", "security")
MEASURES = ("access_control", "encryption", "logging", "backup", "training", "contractual")
RETENTION_NOTE = "\n".join(
    f"          {lang}: {lang.upper()} erased when the purpose ends, at the latest after 24 months"
    for lang in LANGS
)


def controller(rng: random.Random, shape: Shape) -> str:
    say = functools.partial(text, rng, vocabulary=shape.words_of)
    out = ["""controller:
  name: {sv: Benchmark Ab, fi: Benchmark Oy, en: Benchmark Oy}
  email: privacy@example.com
  safeguards_copy: {kind: email}
  supervisory_authority: {name: Tietosuojavaltuutetun toimisto, country: FI}
  languages: [sv, fi, en]
  policy: {last_updated: 2026-06-01, review_interval_months: 12}
  rights:
    available: [access, rectification, erasure, restriction, objection, portability, complaint]
purpose_groups:"""]  # fmt: skip
    for group in GROUPS:
        out += [f"  - id: {group}", "    name:", say(6, 3)]
    out.append("data_categories:")
    for category in CATEGORIES:
        out += [f"  - id: {category}", "    name:", say(6, 6)]
    out.append("sources:")
    for source, kind in SOURCES:
        out += [f"  - id: {source}", f"    kind: {kind}", "    name:", say(6, 4)]
    out.append("recipients:")
    for recipient, kind in RECIPIENTS:
        out += [f"  - id: {recipient}", f"    kind: {kind}", "    name:", say(6, 4),
                "    description:", say(6, 16)]  # fmt: skip
    return "\n".join(out) + "\n"


def vendors(rng: random.Random, first: int, count: int) -> str:
    out = ["processors:"]
    for number in range(first, first + count):
        countries, transfers = PLACES[number % len(PLACES)]
        out.append(f"  - id: vendor-{number}")
        out.append(f"    system: System {number}")
        out.append(f"    legal_entity: Vendor {number} Ltd")
        out.append(f"    countries: [{', '.join(countries)}]")
        if transfers:
            out.append("    transfers:")
            for country, mechanism in transfers:
                out.append(f"      - country: {country}")
                out.append(f"        mechanism: {mechanism}")
                if mechanism in ("dpf", "adequacy"):
                    out.append("        verified: 2026-10-01")
                if mechanism.startswith("scc"):
                    out.append(f"        tia: https://intranet.example.com/tia/vendor-{number}")
        out.append("    dpa: {signed: true, date: 2026-01-15}")
    return "\n".join(out) + "\n"


def register(rng: random.Random, number: int, activities: int, vendor_count: int,
             uses: int, shape: Shape) -> str:  # fmt: skip
    say = functools.partial(text, rng, vocabulary=shape.words_of)
    out = [
        "registers:",
        f"  - id: register-{number}",
        "    name:",
        say(6, 2),
        "    role: controller",
        "    description:",
        say(6, 30),
        "    owner: dpo@example.com",
        "    last_reviewed: 2026-06-01",
        "    purposes:",
    ]
    for index in range(activities):
        basis = BASES[(number + index) % len(BASES)]
        out += [f"      - id: purpose-{index}", f"        group: {GROUPS[index % len(GROUPS)]}",
                "        name:", say(10, 4),
                "        description:", say(10, shape.words), "        legal_bases:",
                f"          - basis: {basis}"]  # fmt: skip
        if basis == "legitimate_interests":
            out += ["            interest:", say(14, 6)]
        if basis == "consent":
            out += ["            withdrawal: [{kind: unsubscribe_link}, {kind: email}]"]
        if basis == "legal_obligation":
            out += ["            law:", say(14, 4)]
        if index == 0:
            out += ["        provision: {requirement: contractual}"]
    out.append("    data_subjects:")
    for index in range(rng.randint(2, 3)):
        out += [f"      - id: subjects-{index}", "        name:", say(10, 3)]
    out.append("    personal_data:")
    for index in range(rng.randint(5, 10)):
        out += [f"      - id: data-{index}", f"        category: {rng.choice(CATEGORIES)}",
                "        name:", say(10, 5)]  # fmt: skip
    out.append(f"    sources: [{', '.join(s for s, _ in SOURCES[: rng.randint(1, 3)])}]")
    out.append(f"    recipients: [{', '.join(r for r, _ in RECIPIENTS[: rng.randint(1, 3)])}]")
    out.append("    security_measures:")
    for kind in rng.sample(MEASURES, 2):
        out += [f"      - kind: {kind}", "        description:", say(10, 10)]
    out.append("    processors:")
    # Contiguous blocks of vendors per register: every vendor is used by some register.
    for vendor in sorted({(number * uses + k) % vendor_count for k in range(uses)}):
        out += [f"      - processor: vendor-{vendor}", "        purpose:", say(10, 3)]
    out += ["    retention:", "      - period: 24", "        unit: months",
            "        after: end_of_customer_relationship", "        limit: at_latest",
            "      - until: purpose_fulfilled", "        note:", RETENTION_NOTE]  # fmt: skip
    return "\n".join(out) + "\n"


def generate(activities: int, folder: Path, seed: int = 30, shape: str = "small") -> int:
    """Write a record of `activities` purposes into `folder` in the shape named (SHAPES);
    returns its size in bytes."""
    form = SHAPES[shape]
    rng = random.Random(seed)  # noqa: S311 - seeded for reproducible records, not secrets
    folder.mkdir(parents=True, exist_ok=True)
    vendor_count = form.vendors or max(5, activities // 5)
    files = {"controller.yaml": controller(rng, form)}
    per = form.vendors_per_file
    for first in range(0, vendor_count, per):
        count = min(per, vendor_count - first)
        files[f"vendors-{first // per:03d}.yaml"] = vendors(rng, first, count)
    registers = max(1, -(-activities // form.per_file))
    # Enough uses per register that every vendor is used by one (ROPA102 warns otherwise).
    uses = min(vendor_count, max(form.uses, -(-vendor_count // registers)))
    remaining = activities
    for number in range(registers):
        count = min(form.per_file, remaining)
        remaining -= count
        files[f"register-{number:04d}.yaml"] = register(
            rng, number, count, vendor_count, uses, form
        )
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return sum((folder / name).stat().st_size for name in files)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("activities", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=30)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="small")
    args = parser.parse_args()
    size = generate(args.activities, args.folder, args.seed, args.shape)
    print(f"{args.activities} activities, {size} bytes in {args.folder}")


if __name__ == "__main__":
    main()
