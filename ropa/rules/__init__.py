"""Cross-reference and legal rules. Each rule has a stable id, a docstring with a failing and
a passing example, and a check that yields findings; `ropa rules` lists them from here."""

from __future__ import annotations

import datetime
import functools
import inspect
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from ropa.countries import CountryData
from ropa.locate import position
from ropa.problem import Problem, Severity
from ropa.record import Place, Record


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a place and a message; the engine adds file, line and rule."""

    place: Place
    message: str
    at_key: bool = False


@dataclass(frozen=True)
class Context:
    """What rules may look at."""

    record: Record
    countries: CountryData
    today: datetime.date


Check = Callable[[Context], Iterable[Finding]]
_T = TypeVar("_T")


def per_context(function: Callable[[Context], _T]) -> Callable[[Context], _T]:
    """`function` of a context, computed once for the context at hand, for what several
    rules read: each rule then walks a large record only for its own checks. The value is
    let go with the context."""
    last: list[Any] = [None, None]

    def forget(_: Any) -> None:
        last[:] = [None, None]

    @functools.wraps(function)
    def cached(context: Context) -> _T:
        known, value = last
        if known is None or known() is not context:
            value = function(context)
            last[:] = [weakref.ref(context, forget), value]
        return value

    return cached


@dataclass(frozen=True)
class Rule:
    """A documented check with a stable id."""

    id: str
    name: str
    severity: Severity
    check: Check
    # "record" rules run here; "load" and "schema" rules are reported by the loader and the
    # schema check, and are registered only so that they are documented in one list.
    stage: str = "record"
    # The GDPR provisions the rule rests on ("Art. 28(3)"); empty for rules about the files'
    # form (YAML syntax, characters), which no article governs.
    article: str = ""

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.check.__doc__ or "")

    @property
    def summary(self) -> str:
        return self.doc.split("\n", 1)[0]


REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    name: str,
    severity: Severity = Severity.ERROR,
    stage: str = "record",
    *,
    article: str,
) -> Callable[[Check], Check]:
    """Register a check under a stable id, with the GDPR article it rests on ("" for none)."""

    def register(check: Check) -> Check:
        if rule_id in REGISTRY:
            raise ValueError(f"rule id {rule_id} used twice")
        REGISTRY[rule_id] = Rule(rule_id, name, severity, check, stage, article)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, sorted by id."""
    # The rule modules register themselves on import.
    from ropa.rules import (  # noqa: F401
        builtin,
        languages,
        legal,
        notice,
        references,
        review,
        transfers,
    )

    return [REGISTRY[key] for key in sorted(REGISTRY)]


# The rules are shared among processes on a large record (`run`) by module: the rules of a
# module, and of the modules that share the readings of `facts`, run in one process, so that
# each reading is made once. The weights are each group's share of the rules' time on the
# benchmark's record of 10,000 activities (benchmarks/generate.py); they only balance the
# processes, whatever a record's shape.
_GROUPS = {"languages": "languages", "legal": "facts", "notice": "facts",
           "references": "references", "transfers": "transfers"}  # fmt: skip
_WEIGHTS = {"languages": 66, "facts": 75, "references": 57, "transfers": 45, "other": 6}


def run(context: Context, processes: int = 1) -> list[Problem]:
    """Every rule's findings as located problems, rule by rule in id order. With `processes`
    over one, groups of rules run in that many processes at once (`ropa.parallel`; the
    caller decides, as for reading the files); the problems are the same."""
    from ropa import parallel

    groups: dict[str, list[Rule]] = {}
    for current in all_rules():
        if current.stage == "record":
            module = current.check.__module__.rsplit(".", 1)[-1]
            groups.setdefault(_GROUPS.get(module, "other"), []).append(current)
    names = list(groups)
    tasks = [functools.partial(_problems, context, groups[name]) for name in names]
    found = parallel.run(tasks, [_WEIGHTS.get(name, 1) for name in names], processes)
    by_rule: dict[str, list[Problem]] = {}
    for problems in found:
        for problem in problems:
            by_rule.setdefault(problem.rule, []).append(problem)
    return [p for current in all_rules() for p in by_rule.get(current.id, ())]


def _problems(context: Context, chosen: list[Rule]) -> list[Problem]:
    """The findings of these rules, located, in order."""
    found = []
    for current in chosen:
        for finding in current.check(context):
            line, column = position(finding.place.doc.root, finding.place.path, finding.at_key)
            found.append(
                Problem(
                    finding.place.doc.name,
                    line,
                    column,
                    current.severity,
                    current.id,
                    finding.message,
                    finding.place.path,
                )
            )
    return found
