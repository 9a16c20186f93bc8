"""Rules about translations: every published language needs every text."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from ropa import resources
from ropa.record import Place
from ropa.rules import Context, Finding, rule

# A pattern is a path in a document with "*" for any list index; the flag says whether the
# text may also be a plain string (a name used unchanged in every language).
Pattern = tuple[tuple[str, ...], bool]


@functools.cache
def text_patterns() -> tuple[Pattern, ...]:
    """Every place the schema allows a per-language text, derived from the schema itself."""
    schema = resources.schema()
    found: list[Pattern] = []

    def resolve(node: Any) -> tuple[str | None, Any]:
        if isinstance(node, dict) and "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            return name, schema["$defs"][name]
        return None, node

    def walk(node: Any, path: tuple[str, ...]) -> None:
        name, node = resolve(node)
        if name == "text":
            found.append((path, False))
            return
        if name == "label":
            found.append((path, True))
            return
        if not isinstance(node, dict):
            return
        for key, sub in node.get("properties", {}).items():
            walk(sub, (*path, key))
        if "items" in node:
            walk(node["items"], (*path, "*"))

    walk(schema, ())
    return tuple(found)


@functools.cache
def _pattern_tree() -> dict[Any, Any]:
    """The text patterns as a tree of path steps, so one walk of a document finds them all;
    the key None marks where a text is."""
    tree: dict[Any, Any] = {}
    for path, _ in text_patterns():
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        node[None] = True
    return tree


def _texts(
    value: Any, tree: dict[Any, Any], path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if None in tree:
        yield path, value
    if isinstance(value, dict):
        for key, sub in tree.items():
            if key is not None and key != "*" and key in value:
                yield from _texts(value[key], sub, (*path, key))
    elif isinstance(value, list) and "*" in tree:
        sub = tree["*"]
        for index, item in enumerate(value):
            yield from _texts(item, sub, (*path, index))


@rule("ROPA501", "translation-missing")
def translation_missing(context: Context) -> Iterator[Finding]:
    """A text lacks a language the controller publishes in.

    Every language in `controller.languages` gets a complete policy, so every text of the
    record needs that language; names may instead be a single string used in all languages.

    Failing:

        controller:
          languages: [sv, en]
        ...
        name:
          sv: Fakturering

    Passing:

        name:
          sv: Fakturering
          en: Invoicing
    """
    languages = context.record.languages
    if not languages:
        return
    for doc in context.record.documents:
        for path, value in _texts(doc.data, _pattern_tree(), ()):
            # A plain string is a name used unchanged in every language.
            if not isinstance(value, dict):
                continue
            missing = [lang for lang in languages if lang not in value]
            if missing:
                yield Finding(
                    Place(doc, path),
                    f"no {', '.join(repr(m) for m in missing)} text; the controller"
                    f" publishes in {', '.join(languages)}",
                    at_key=True,
                )
