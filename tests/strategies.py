"""Hypothesis strategies for complete, valid records, generated from the JSON Schema.

`records()` walks `schemas/ropa.schema.json` (properties, items, `$ref`, enum, const,
anyOf/oneOf, allOf with if/then/else, `not`, required, dependentRequired, minItems,
uniqueItems, patterns and formats), so a field another engineer adds to the schema is
generated without a change here. Optional fields are present or absent, enums take every
value, lists have 0..3 items, and every text is given in exactly the controller's languages.

The schema cannot say everything the rules (ropa/rules/*.py) require, so three small,
data-driven additions make a generated record pass `ropa validate` with no errors:

- `RULE_CONSTRAINTS`: what a rule requires of one object, written as JSON Schema and merged
  into the schema before walking it (e.g. a consent basis needs `withdrawal:`);
- `REFERENCES`: the fields that hold the id of another entry (mirroring
  `ropa.rules.references._references`); they are drawn from the ids generated so far, and
  lists of them name each id once, so references resolve and no register lists a processor
  twice;
- `fix_up()`: what spans several objects: transfers that match the countries outside the
  EU/EEA with a mechanism the rules accept, and an Art. 9 condition (and no
  `special_category_data: false`) where special category data is held.

Leaf values come from small fixed pools (texts with markup, YAML 1.1 look-alikes and
non-ASCII; a few e-mail addresses, URLs and ids; every country code the rules know), so an
example is a couple of hundred draws and shrinks to readable values.

A reference field missing from `REFERENCES` gets a fresh id; if a new rule checks it,
`test_generated_records.py::test_validate` fails and names the rule.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import assume
from hypothesis import strategies as st

from ropa import countries, i18n, resources
from ropa.record import CATALOGUES
from ropa.text import NEVER

InstancePath = tuple[str, ...]  # keys, with "*" for any list element

MAX_ITEMS = 3

# What the rules require of single objects, as JSON Schema merged into the schema at the
# JSON pointer given (appended to the object's allOf).
RULE_CONSTRAINTS: dict[str, list[dict[str, Any]]] = {
    # ROPA104 and ROPA110: a controller and at least one processing activity.
    "": [{"required": ["controller", "registers"]}],
    "/$defs/legal_basis": [
        # ROPA301: legitimate interests need the interest stated.
        {
            "if": {
                "properties": {"basis": {"const": "legitimate_interests"}},
                "required": ["basis"],
            },
            "then": {"required": ["interest"]},
        },
        # ROPA302: consent needs a way to withdraw it.
        {
            "if": {"properties": {"basis": {"const": "consent"}}, "required": ["basis"]},
            "then": {"required": ["withdrawal"]},
        },
    ],
    # ROPA309: solely automated decisions name their Art. 22(2) exception and safeguards.
    "/properties/registers/items/properties/automated_decisions": [
        {
            "if": {"properties": {"used": {"const": True}}, "required": ["used"]},
            "then": {"required": ["exception", "safeguards"]},
        },
        {
            "if": {"properties": {"exception": {"const": "law"}}, "required": ["exception"]},
            "then": {"required": ["law"]},
        },
    ],
    # ROPA217: a transfer on compelling legitimate interests records its assessment.
    "/$defs/transfer": [
        {
            "if": {
                "properties": {"mechanism": {"const": "art49_compelling_legitimate_interests"}},
                "required": ["mechanism"],
            },
            "then": {"required": ["condition"]},
        }
    ],
    # ROPA401: a retention rule needs an event or a period.
    "/$defs/retention": [{"anyOf": [{"required": ["until"]}, {"required": ["period"]}]}],
    # ROPA110: a record has at least one processing activity.
    "/properties/registers": [{"minItems": 1}],
    # ROPA401: a controller register says how long data is kept.
    "/properties/registers/items": [
        {
            "if": {"properties": {"role": {"const": "controller"}}, "required": ["role"]},
            "then": {"required": ["retention"], "properties": {"retention": {"minItems": 1}}},
        }
    ],
}


def _catalogue(name: str) -> Callable[[_Context], list[str]]:
    return lambda ctx: ctx.catalogues.get(name, [])


def _ids_in(owner: InstancePath, *keys: str) -> Callable[[_Context], list[str]]:
    """The ids of the entries under `keys` of the object being built at `owner`."""

    def ids(ctx: _Context) -> list[str]:
        found: Any = ctx.ancestor(owner)
        for key in keys:
            found = found.get(key) or {} if isinstance(found, dict) else {}
        entries = found if isinstance(found, list) else []
        return [e["id"] for e in entries if isinstance(e, dict) and "id" in e]

    return ids


# Fields that hold the id of another entry, and where the ids they may name come from
# (ropa.rules.references._references and ROPA101's retention check).
REFERENCES: dict[InstancePath, Callable[[_Context], list[str]]] = {
    ("registers", "*", "sources", "*"): _catalogue("sources"),
    ("registers", "*", "recipients", "*"): _catalogue("recipients"),
    ("registers", "*", "processors", "*", "processor"): _catalogue("processors"),
    ("registers", "*", "purposes", "*", "group"): _catalogue("purpose_groups"),
    ("registers", "*", "personal_data", "*", "category"): _catalogue("data_categories"),
    ("registers", "*", "personal_data", "*", "sources", "*"): _catalogue("sources"),
    ("registers", "*", "retention", "*", "data", "*"): _ids_in(("registers", "*"), "personal_data"),
    ("registers", "*", "joint_controllers", "*"): _ids_in((), "controller", "joint_controllers"),
    ("controller", "cookies", "recipients", "*"): _catalogue("recipients"),
}

# References each entry of a list names at most once: lists of ids (uniqueItems), and the
# processors a register uses (ROPA103). Others, such as a data item's category, may repeat.
UNIQUE_REFERENCES = {path for path in REFERENCES if path[-1] == "*"} | {
    ("registers", "*", "processors", "*", "processor"),
}

# Entries that have countries and transfers (ropa.rules.transfers._holders).
TRANSFER_HOLDERS = ("processors", "recipients")

# ---------------------------------------------------------------------------------------
# Leaf values
# ---------------------------------------------------------------------------------------

# Words for texts: markup that must be escaped, strings YAML 1.1 would read as something else
# (the strict loader must keep them strings), non-ASCII and astral characters. Nothing here
# can form "None", "Traceback", "{{", "{%" or a trailing ":", which the tests look for in the
# output. Texts come from fixed pools of these words and phrases made of them: two draws
# per text keep an example cheap (Hypothesis spends about 0.1 ms per draw).
VOCAB = (
    "Askele", "kund", "asiakas", "customer", "Åland", "smörgås", "Größe", "naïve", "中文",
    "😀", "NO", "no", "on", "yes", "off", "null", "~", "00100", "2022-11-02", "1.5", "0x1F",
    "+358", "-", "*", "**bold**", "_x_", "`code`", "#", "##", "1.", "|", "a|b", "[x](y)",
    "<b>", "</p>", "&amp;", "&", "<script>", "'", '"', "\\", "%", "%(name)s", "%s", "=1+2",
    "@user", "=", ">", "...", "data", "Oy", "Ab", "e-mail", "x",
)  # fmt: skip


def _phrases(count: int = 300) -> list[str]:
    """`count` phrases of 2-4 words (seeded: the same every run)."""
    rng = random.Random(30)
    phrases = []
    for _ in range(count):
        words = rng.choices(VOCAB, k=rng.randint(2, 4))
        phrases.append(rng.choice([" ", " ", "\n", " - "]).join(words))
    return phrases


# A third of the texts are one word, a third phrases, and a third the odd values that most
# often break a page: a blank text (valid: the schema asks only for one character) and
# single markup characters.
SINGLES = ("x", *VOCAB)
PHRASES = _phrases()
ODD = (" ", "-", "#", "1.", "*", "|", "\\", "&", "<b>", "%s")


@functools.cache
def texts(
    min_size: int = 1, max_size: int = 10_000, pattern: str | None = None
) -> st.SearchStrategy[str]:
    """A short text (lines may break) of the given length and pattern: two draws, from
    fixed pools of words, phrases and odd values (a generated pattern if none fits)."""

    def fits(text: str) -> bool:
        return min_size <= len(text) <= max_size and not (pattern and not re.search(pattern, text))

    pools = [[t for t in pool if fits(t)] for pool in (SINGLES, PHRASES, ODD)]
    if not any(pools):
        return _matching(pattern or ".", min_size, max_size)
    return st.one_of([st.sampled_from(pool) for pool in pools if pool])


def _text_limits(node: Any) -> tuple[int, int, str | None]:
    """(minLength, maxLength, pattern) of a string schema."""
    node = node if isinstance(node, dict) else {}
    return node.get("minLength", 1), node.get("maxLength", 10_000), node.get("pattern")


DOMAINS = st.sampled_from(["example.com", "example.fi", "xn--smrgs-pra.se", "a.eu", "ä.fi"])
URLS = st.builds(
    lambda domain, path: f"https://{domain}{path}",
    DOMAINS,
    st.sampled_from(["", "/", "/privacy", "/a?b=1&c=2", "/ä/ö", "/x#y", "/it's", "/(1)"]),
)
EMAILS = st.builds(
    lambda local, domain: f"{local}@{domain}",
    st.sampled_from(["privacy", "dpo", "a", "first.last", "x+tag", "o'brien"]),
    DOMAINS,
)
DATES = st.dates(datetime.date(1995, 1, 1), datetime.date(2035, 12, 31)).map(
    datetime.date.isoformat
)
# Ids: a few shapes the pattern allows, made unique with a numeric suffix.
ID_BASES = st.sampled_from(["a", "crm", "customers", "x-1", "b_2", "visma-netvisor", "z9"])
# For patterns the generator does not know by name: printable characters only, since the
# strict loader refuses control and invisible characters, and none of the characters ropa.text.NEVER names either: some are letters by category (the
# Hangul fillers, U+115F and U+3164, are Lo) but invisible, and refused as ROPA002.
_NEVER = re.compile(f"[{NEVER}]")
PATTERN_ALPHABET = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"),
    exclude_characters="".join(
        chr(code) for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and _NEVER.match(chr(code))
    ),
)  # fmt: skip


@functools.cache
def _integers(low: int, high: int) -> st.SearchStrategy[int]:
    # Strategies built once and reused: building one costs more than drawing from it.
    return st.integers(low, high)


@functools.cache
def _choice(values: tuple[Any, ...]) -> st.SearchStrategy[Any]:
    return st.sampled_from(values)


@functools.cache
def _matching(pattern: str, low: int, high: int) -> st.SearchStrategy[str]:
    strategy = st.from_regex(pattern, fullmatch=True, alphabet=PATTERN_ALPHABET)
    return strategy.filter(lambda s: low <= len(s) <= high)


@functools.cache
def country_codes() -> tuple[list[str], list[str]]:
    """(codes people write often, every code the rules know: ISO, regions and aliases)."""
    data = countries.load()
    every = sorted({*data.names, *data.regions, *data.aliases})
    common = ["EU", "EEA", "FI", "SE", "AX", "NO", "US", "GB", "UK", "CH", "JP", "IN", "AU",
              "CN", "EL", "CA", "BR"]  # fmt: skip
    return [c for c in common if data.is_known(c)], every


@functools.cache
def _countries() -> st.SearchStrategy[str]:
    common, every = country_codes()
    return st.one_of(st.sampled_from(common), st.sampled_from(every))


# ---------------------------------------------------------------------------------------
# The schema walker
# ---------------------------------------------------------------------------------------


class _Skip(Exception):
    """Nothing valid can be generated here (e.g. a reference to an empty catalogue)."""


@functools.cache
def patched_schema() -> dict[str, Any]:
    """The shipped schema with RULE_CONSTRAINTS merged in."""
    schema = copy.deepcopy(resources.schema())
    for pointer, constraints in RULE_CONSTRAINTS.items():
        node = schema
        for part in pointer.split("/")[1:]:
            node = node[part]
        node.setdefault("allOf", []).extend(copy.deepcopy(constraints))
    return schema


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Both schemas at once, for the keywords the walker reads (a conjunction, roughly)."""
    merged = dict(base)
    for key, value in extra.items():
        if key == "required":
            merged[key] = [
                *merged.get(key, []),
                *[v for v in value if v not in merged.get(key, [])],
            ]
        elif key == "properties":
            props = dict(merged.get(key, {}))
            for name, sub in value.items():
                props[name] = _merge(props[name], sub) if name in props else sub
            merged[key] = props
        elif key in ("allOf", "anyOf", "oneOf") and key in merged:
            merged[key] = [*merged[key], *value] if key == "allOf" else value
        else:
            merged[key] = value
    return merged


@functools.cache
def _validator_for(key: str) -> Any:
    from jsonschema import Draft202012Validator

    node = json.loads(key)
    return Draft202012Validator({**node, "$defs": patched_schema().get("$defs", {})})


def _matches(node: dict[str, Any], value: Any) -> bool:
    return bool(_validator_for(json.dumps(node, sort_keys=True)).is_valid(value))


@dataclass
class _Context:
    draw: Any
    languages: list[str]
    schema: dict[str, Any]
    catalogues: dict[str, list[str]] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)
    # The objects being built, innermost last, and the references used in each open list.
    ancestors: list[tuple[InstancePath, dict[str, Any]]] = field(default_factory=list)
    list_refs: list[set[str]] = field(default_factory=list)

    def ancestor(self, path: InstancePath) -> dict[str, Any]:
        for where, value in reversed(self.ancestors):
            if where == path:
                return value
        return {}

    # Leaf generators for $defs the walker knows by name; the rest is walked.
    def defined(self, name: str, node: dict[str, Any]) -> Any:
        draw = self.draw
        if name == "text":
            # One draw; each language's text is told apart by a suffix (one draw per
            # language would triple the cost of a record).
            text = draw(texts(*_text_limits(node.get("additionalProperties"))))
            first, *others = self.languages
            return {first: text, **{lang: f"{text} ({lang})" for lang in others}}
        if name == "label":
            # A name is one string for every language, or a text per language.
            if draw(st.booleans()):
                strings = [b for b in node.get("anyOf", []) if b.get("type") == "string"]
                return draw(texts(*_text_limits(strings[0] if strings else {})))
            return self.defined("text", self.schema["$defs"]["text"])
        if name == "lang":
            return draw(_choice(tuple(self.languages)))
        if name == "id":
            return self.new_id(node)
        if name == "date":
            return draw(DATES)
        if name == "email":
            return draw(EMAILS)
        if name == "url":
            return draw(URLS)
        if name == "country":
            return draw(_countries())
        raise KeyError(name)

    def new_id(self, node: dict[str, Any]) -> str:
        """An id unique in the whole record (the rules need less: unique per catalogue, or
        within a register)."""
        pattern = node.get("pattern", "")
        value = self.draw(ID_BASES)
        if value in self.used_ids:
            value = f"{value}-{len(self.used_ids)}"
        if pattern and not re.search(pattern, value):  # the schema changed: follow it
            value = self.draw(st.from_regex(pattern, fullmatch=True).filter(
                lambda v: v not in self.used_ids))  # fmt: skip
        self.used_ids.add(value)
        return value


KNOWN_DEFS = ("text", "label", "lang", "id", "date", "email", "url", "country")


def _generate(ctx: _Context, node: Any, path: InstancePath) -> Any:
    """A value valid against `node` at instance `path`; raises _Skip if there is none."""
    if node is True or node == {}:
        return ctx.draw(texts())
    if node is False:
        raise _Skip(path)
    if path in REFERENCES:
        return _reference(ctx, REFERENCES[path](ctx), path)
    if path == ("controller", "languages"):
        return list(ctx.languages)
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name in KNOWN_DEFS:
            return ctx.defined(name, ctx.schema["$defs"][name])
        rest = {k: v for k, v in node.items() if k != "$ref"}
        return _generate(ctx, _merge(ctx.schema["$defs"][name], rest), path)
    if _never(node):
        raise _Skip(path)
    if "const" in node:
        return node["const"]
    if "enum" in node:
        return ctx.draw(_choice(tuple(node["enum"])))
    kind = node.get("type")
    if isinstance(kind, list):
        kind = ctx.draw(_choice(tuple(kind)))
    if kind is None and ("properties" in node or "required" in node):
        kind = "object"
    if kind is None and "items" in node:
        kind = "array"
    for choice in ("anyOf", "oneOf"):
        if choice in node and kind != "object":
            branches = node[choice]
            index = ctx.draw(_integers(0, len(branches) - 1))
            rest = {k: v for k, v in node.items() if k != choice}
            value = _generate(ctx, _merge(rest, branches[index]), path)
            if choice == "oneOf":
                assume(sum(_matches(b, value) for b in branches) == 1)
            return value
    if kind == "object":
        return _object(ctx, node, path)
    if kind == "array":
        return _array(ctx, node, path)
    if kind == "string":
        return _string(ctx, node)
    if kind == "integer":
        return ctx.draw(_integers(node.get("minimum", 0), node.get("maximum", 1000)))
    if kind == "number":
        return ctx.draw(_integers(int(node.get("minimum", 0)), int(node.get("maximum", 1000))))
    if kind == "boolean":
        return ctx.draw(st.booleans())
    if kind == "null":
        return None
    return ctx.draw(texts())


def _reference(ctx: _Context, ids: list[str], path: InstancePath) -> str:
    unique = path in UNIQUE_REFERENCES and ctx.list_refs
    used = ctx.list_refs[-1] if unique else set()
    available = [i for i in ids if i not in used]
    if not available:
        raise _Skip(path)
    value = ctx.draw(_choice(tuple(available)))
    used.add(value)
    return str(value)


def _string(ctx: _Context, node: dict[str, Any]) -> str:
    low, high = node.get("minLength", 1), node.get("maxLength", 200)
    if node.get("format") == "date":
        return str(ctx.draw(DATES))
    if node.get("format") == "email":
        return str(ctx.draw(EMAILS))
    if "pattern" in node:
        return str(ctx.draw(_matching(node["pattern"], low, high)))
    return str(ctx.draw(texts(low, high)))


def _flatten(node: dict[str, Any], ctx: _Context) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The object schema with allOf merged in and one branch of each anyOf/oneOf chosen;
    if/then/else blocks are returned apart, to be decided once their keys have values."""
    conditionals: list[dict[str, Any]] = []
    pending = [node]
    merged: dict[str, Any] = {}
    while pending:
        part = pending.pop(0)
        if "$ref" in part:
            name = part["$ref"].rsplit("/", 1)[-1]
            part = _merge(ctx.schema["$defs"][name], {k: v for k, v in part.items() if k != "$ref"})
        if "if" in part:
            conditionals.append(part)
        for choice in ("anyOf", "oneOf"):
            if choice in part:
                branches = part[choice]
                index = ctx.draw(_integers(0, len(branches) - 1))
                pending.append(branches[index])
        pending.extend(part.get("allOf", []))
        own = {k: v for k, v in part.items() if k not in ("allOf", "anyOf", "oneOf", "if",
                                                          "then", "else")}  # fmt: skip
        merged = _merge(merged, own)
    return merged, conditionals


# Generated before other keys: the catalogues and the controller (its joint controllers), so
# that references from the registers can name their ids.
_FIRST: dict[InstancePath, tuple[str, ...]] = {(): (*CATALOGUES, "controller")}


def _object(ctx: _Context, node: dict[str, Any], path: InstancePath) -> dict[str, Any]:
    schema, conditionals = _flatten(node, ctx)
    base: dict[str, Any] = schema.get("properties", {})
    properties = dict(base)
    required = [k for k in schema.get("required", []) if k in properties]
    dependent: dict[str, list[str]] = schema.get("dependentRequired", {})
    present = set(required) | _some(ctx, [k for k in properties if k not in required])
    forbidden = {k for k, sub in properties.items() if _never(sub)}
    # Keys an if-condition reads get their values first, so the then/else parts can apply.
    decided = {k for c in conditionals for k in c["if"].get("properties", {})}
    value: dict[str, Any] = {}
    ctx.ancestors.append((path, value))
    try:
        applied: list[int] = []
        while True:
            present = _closure(present | set(required), forbidden, dependent)
            for key in [k for k in properties if k in decided & present and k not in value]:
                _set(ctx, value, key, properties[key], path, key in required)
            parts: list[dict[str, Any]] = [
                (c.get("then") if _matches(c["if"], value) else c.get("else")) or {}
                for c in conditionals
            ]
            matched = [i for i, part in enumerate(parts) if part]
            if matched == applied:
                break
            # Start again from the schema's own properties with every matching part applied.
            applied, properties = matched, dict(base)
            required = [k for k in schema.get("required", []) if k in properties]
            for part in (parts[i] for i in matched):
                for key, sub in part.get("properties", {}).items():
                    if _never(sub):
                        forbidden.add(key)
                    elif key in properties:
                        properties[key] = _merge(properties[key], sub)
                required += [k for k in part.get("required", []) if k in properties]
        first = [k for k in _FIRST.get(path, ()) if k in properties]
        order = first + [k for k in properties if k not in first]
        for key in order:
            if key in present and key not in value:
                _set(ctx, value, key, properties[key], path, key in required)
        # A key whose dependencies could not be generated goes too.
        for key in [k for k in value if not set(dependent.get(k, [])) <= set(value)]:
            if key in required:
                raise _Skip(path)
            del value[key]
        while len(value) < schema.get("minProperties", 0):
            missing = [k for k in order if k not in value and k not in forbidden]
            if not missing:
                raise _Skip(path)
            _set(ctx, value, missing[0], properties[missing[0]], path, True)
    finally:
        ctx.ancestors.pop()
    # Keep the schema's key order, as a person would write the file.
    return {k: value[k] for k in properties if k in value}


def _some(ctx: _Context, keys: list[str]) -> set[str]:
    """Each key with probability 1/2: a bit of a drawn byte each, one draw per eight keys
    instead of one per key (Hypothesis favours small numbers, so wider masks would
    rarely set their high bits)."""
    chosen = set()
    for start in range(0, len(keys), 8):
        chunk = keys[start : start + 8]
        mask = ctx.draw(_integers(0, 2 ** len(chunk) - 1))
        chosen |= {k for i, k in enumerate(chunk) if mask >> i & 1}
    return chosen


def _never(node: Any) -> bool:
    """Whether a schema admits no value at all (false, or not: {})."""
    return node is False or (isinstance(node, dict) and node.get("not") in ({}, True))


def _closure(present: set[str], forbidden: set[str], dependent: dict[str, list[str]]) -> set[str]:
    """`present` without forbidden keys, with every dependentRequired key added (a key
    whose dependency is forbidden goes)."""
    present = present - forbidden
    changed = True
    while changed:
        changed = False
        for key in sorted(present):
            needs = set(dependent.get(key, []))
            if needs & forbidden:
                present.discard(key)
                changed = True
            elif not needs <= present:
                present |= needs
                changed = True
    return present


def _set(
    ctx: _Context, value: dict[str, Any], key: str, node: Any, path: InstancePath, required: bool
) -> None:
    try:
        value[key] = _generate(ctx, node, (*path, key))
        if path == () and key in CATALOGUES:
            ctx.catalogues[key] = [i["id"] for i in value[key] if isinstance(i, dict)]
    except _Skip:
        if required:
            raise


def _array(ctx: _Context, node: dict[str, Any], path: InstancePath) -> list[Any]:
    low = max([node.get("minItems", 0)] + [p.get("minItems", 0) for p in node.get("allOf", [])])
    high = max(low, min(node.get("maxItems", MAX_ITEMS), MAX_ITEMS))
    size = ctx.draw(_integers(low, high))
    items: list[Any] = []
    seen: set[str] = set()
    ctx.list_refs.append(set())
    try:
        for _ in range(size):
            try:
                item = _generate(ctx, node.get("items", {}), (*path, "*"))
            except _Skip:
                break  # e.g. every catalogue entry is already referred to
            key = json.dumps(item, sort_keys=True)
            if node.get("uniqueItems") and key in seen:
                continue  # a shorter list rather than a filter
            seen.add(key)
            items.append(item)
    finally:
        ctx.list_refs.pop()
    if len(items) < low:
        raise _Skip(path)
    return items


# ---------------------------------------------------------------------------------------
# Fix-ups across objects
# ---------------------------------------------------------------------------------------


def _mechanisms(schema: dict[str, Any], code: str) -> list[str]:
    """The mechanisms the rules accept for a transfer to `code` (ROPA203, ROPA204)."""
    data = countries.load()
    canonical = data.canonical(code)
    allowed = schema["$defs"]["transfer"]["properties"]["mechanism"]["enum"]
    return [
        m
        for m in allowed
        if (m != "adequacy" or (canonical in data.adequacy and canonical != "US"))
        and (m != "dpf" or canonical == "US")
    ]


def _fix_transfers(
    draw: Any, schema: dict[str, Any], holder: dict[str, Any], languages: list[str]
) -> None:
    """One transfer for each listed country outside the EU/EEA (ROPA202, ROPA205, ROPA206),
    keeping the optional fields (tia, verified, note...) the walker generated; a transfer on
    compelling legitimate interests records its assessment (ROPA217), and a verification
    date is never before the decision it checks (ROPA212)."""
    data = countries.load()
    needed: dict[str, str] = {}
    for code in holder.get("countries") or []:
        if data.in_eea(code):
            continue
        needed.setdefault(data.canonical(code) or code, code)
    generated = holder.get("transfers") or []
    transfers = []
    for index, code in enumerate(needed.values()):
        extra = generated[index] if index < len(generated) else {}
        mechanism = draw(_choice(tuple(_mechanisms(schema, code))))
        rest = {k: v for k, v in extra.items() if k not in ("country", "mechanism")}
        if mechanism == "art49_compelling_legitimate_interests" and "condition" not in rest:
            rest["condition"] = {
                lang: "One file, once; assessed and encrypted." for lang in languages
            }
        decision = data.adequacy.get(data.canonical(code) or code)
        if (
            mechanism in ("adequacy", "dpf")
            and decision is not None
            and isinstance(rest.get("verified"), str)
            and rest["verified"] < decision.date
        ):
            rest["verified"] = decision.date
        transfers.append({"country": code, "mechanism": mechanism, **rest})
    if transfers or "transfers" in holder:
        holder["transfers"] = transfers


def _fix_rights(schema: dict[str, Any], record: dict[str, Any]) -> None:
    """The policy lists every right the schema knows, so any that ROPA308 requires."""
    rights = (record.get("controller") or {}).get("rights")
    known = schema["properties"]["controller"]["properties"]["rights"]["properties"]
    if isinstance(rights, dict):
        listed = list(rights.get("available") or [])
        for right in known["available"]["items"]["enum"]:
            if right not in listed and right not in (rights.get("where_applicable") or []):
                listed.append(right)
        rights["available"] = listed


def _fix_special_categories(draw: Any, schema: dict[str, Any], record: dict[str, Any]) -> None:
    """A register with special category data names an Art. 9 condition, and one with
    criminal-offence data an Art. 10 ground (ROPA303), each on a purpose of its own; a
    register without enough purposes loses the special marks instead. Where special
    category data is held, `special_category_data: false` goes (ROPA304)."""
    kinds = {
        c["id"]: c["special_category"]
        for c in record.get("data_categories") or []
        if c.get("special_category")
    }
    conditions = schema["$defs"]["purpose"]["properties"]["special_category_condition"]["enum"]
    art10 = tuple(c for c in conditions if c.endswith("_art10"))
    art9 = tuple(c for c in conditions if not c.endswith("_art10"))

    def kind(item: dict[str, Any]) -> str | None:
        return item.get("special_category") or kinds.get(item.get("category") or "")

    def unmark(item: dict[str, Any]) -> None:
        item.pop("special_category", None)
        if item.get("category") in kinds:
            del item["category"]

    published_special = False
    for register in record.get("registers") or []:
        items = register.get("personal_data") or []
        found = {kind(i) for i in items} - {None}
        purposes = register.get("purposes") or []
        for purpose in purposes:
            purpose.pop("special_category_condition", None)
        criminal = "criminal_convictions" in found
        other = bool(found - {"criminal_convictions"})
        if (criminal and other and len(purposes) < 2) or not purposes:
            for item in items:
                if kind(item) == "criminal_convictions" or not purposes:
                    unmark(item)
            criminal = False
            other = other and bool(purposes)
        if other:
            purposes[0]["special_category_condition"] = draw(_choice(art9))
        if criminal:
            purposes[-1]["special_category_condition"] = draw(_choice(art10))
        if not (criminal or other):
            continue
        if register.get("special_category_data") is False:
            del register["special_category_data"]
        published_special = published_special or register.get("publish", True) is not False
    controller = record.get("controller") or {}
    if published_special and controller.get("special_category_data") is False:
        del controller["special_category_data"]


def fix_up(draw: Any, schema: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    """Make the rules that span several objects hold; see the module docstring."""
    languages = (record.get("controller") or {}).get("languages") or []
    for name in TRANSFER_HOLDERS:
        for holder in record.get(name) or []:
            _fix_transfers(draw, schema, holder, languages)
    _fix_special_categories(draw, schema, record)
    _fix_rights(schema, record)
    return record


# ---------------------------------------------------------------------------------------
# Public strategies and helpers
# ---------------------------------------------------------------------------------------


def languages() -> st.SearchStrategy[list[str]]:
    """1-3 distinct languages that have a boilerplate catalog, in any order."""
    available = i18n.available_languages()
    return st.lists(st.sampled_from(available), min_size=1, max_size=min(3, len(available)),
                    unique=True)  # fmt: skip


@st.composite
def records(draw: Any) -> dict[str, Any]:
    """A complete record (controller, catalogues, registers) that validates without errors."""
    schema = patched_schema()
    ctx = _Context(draw, draw(languages()), schema)
    record = _generate(ctx, schema, ())
    return fix_up(draw, schema, record)


LAYOUTS = ("one-file", "per-section", "per-register")


def record_files(record: dict[str, Any], layout: str = "one-file") -> dict[str, dict[str, Any]]:
    """How a record is split into files: one file, a file per section, or the controller
    and catalogues in one file and each register in its own."""
    if layout == "one-file":
        return {"record.yaml": record}
    if layout == "per-section":
        return {f"{key}.yaml": {key: value} for key, value in record.items()}
    files: dict[str, dict[str, Any]] = {
        "controller.yaml": {k: v for k, v in record.items() if k != "registers"}
    }
    for index, register in enumerate(record.get("registers") or []):
        files[f"registers/{index:02d}.yaml"] = {"registers": [register]}
    return files


# yaml.safe_dump with libyaml's emitter when PyYAML has it: the same representer and the
# same quoting decisions (made by the resolver), four times faster.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(data: dict[str, Any]) -> str:
    """YAML that ropa's strict loader reads back as exactly `data`: safe_dump quotes every
    string YAML 1.1 would read as another type (NO, on, 00100, 2022-11-02, 1.5, null), and
    test_generated_records.py::test_validate checks that the files read back unchanged."""
    return yaml.dump(data, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)


def write_record(record: dict[str, Any], folder: Path, layout: str = "one-file") -> Path:
    """Write the record's files under `folder`; returns the folder."""
    for name, data in record_files(record, layout).items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dump(data), encoding="utf-8")
    return folder
