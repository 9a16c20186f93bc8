"""Properties that must hold for any input, not just the examples."""

from __future__ import annotations

import re
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from yaml.nodes import ScalarNode

from ropa.loader import COMPOSERS, LoadError, load_bytes
from ropa.locate import nodes_at
from ropa.text import NEVER

_NEVER = re.compile(f"[{NEVER}]")
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_-", min_size=1, max_size=8)
SCALARS = st.one_of(
    st.text(
        # The characters a record may hold (ROPA002 refuses ropa.text.NEVER).
        alphabet=st.characters(
            codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp", "Cf"]
        ).filter(lambda char: not _NEVER.match(char)),
        max_size=20,
    ),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.booleans(),
    st.none(),
    st.sampled_from(["NO", "on", "yes", "00100", "2022-11-02", "9:00", "1.5", "+358"]),
)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda children: (
            st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4)
        ),
        max_leaves=20,
    ),
    min_size=1,
    max_size=5,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    found = [(prefix, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.sampled_from(sorted(COMPOSERS)), st.booleans())
def test_dumped_documents_round_trip_and_every_path_resolves(
    data: dict[str, Any], composer: str, flow: bool
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    doc = load_bytes(text.encode("utf-8"), "f.yaml", composer)
    assert doc.data == data
    for path, value in _paths(data):
        _, node = nodes_at(doc.root, path)
        if isinstance(value, (dict, list)):
            assert not isinstance(node, ScalarNode)
        else:
            assert isinstance(node, ScalarNode)
            if isinstance(value, str):
                assert node.value == value


@settings(max_examples=300)
@given(st.binary(max_size=200), st.sampled_from(sorted(COMPOSERS)))
def test_any_bytes_load_or_fail_with_a_located_error(raw: bytes, composer: str) -> None:
    try:
        load_bytes(raw, "f.yaml", composer)
    except LoadError as exc:
        problem = exc.problem
        assert problem.line >= 1 and problem.column >= 1
        assert problem.rule in {"ROPA001", "ROPA002", "ROPA003", "ROPA004", "ROPA005"}


YAMLISH = st.text(alphabet=list("ab: -[]{},&*!|>'\"#\n\t?%@`\\0NOyes~"), max_size=80)


def _answer(text: str, composer: str) -> tuple[str, Any]:
    try:
        return "ok", load_bytes(text.encode(), "f.yaml", composer).data
    except LoadError as exc:
        return "error", exc.problem.format()


@settings(max_examples=400)
@given(YAMLISH)
def test_both_parsers_agree_on_data_and_on_every_libyaml_error(text: str) -> None:
    # libyaml (in every PyYAML wheel) accepts a few inputs the pure scanner rejects, such as a
    # comment straight after a block scalar indicator ('>#'); where libyaml accepts, its answer
    # stands. Where both accept, the data must be equal; where libyaml rejects, the message
    # and position must be the pure parser's.
    c_answer, py_answer = _answer(text, "c"), _answer(text, "python")
    if c_answer[0] == "error" or py_answer[0] == "ok":
        assert c_answer == py_answer
