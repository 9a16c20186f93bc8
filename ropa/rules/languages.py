"""Rules about translations: every published language is one CLDR knows, with a complete
boilerplate catalog, and every text is given in it."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ropa import resources
from ropa.problem import Severity
from ropa.record import Place, Record
from ropa.rules import Context, Finding, per_context, rule

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


def _texts(value: Any, tree: dict[Any, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """The per-language texts (mappings) below `value` where `tree` has them, with their
    paths, in document order."""
    stack: list[tuple[Any, dict[Any, Any], tuple[str | int, ...]]] = [(value, tree, ())]
    while stack:
        value, tree, path = stack.pop()
        if None in tree and isinstance(value, dict):
            yield path, value
        if isinstance(value, dict):
            below = [(value[key], sub, (*path, key)) for key, sub in tree.items()
                     if key is not None and key != "*" and key in value]  # fmt: skip
            stack.extend(reversed(below))
        elif isinstance(value, list) and "*" in tree:
            sub = tree["*"]
            stack.extend((value[i], sub, (*path, i)) for i in range(len(value) - 1, -1, -1))


@per_context
def _translations(context: Context) -> list[tuple[Place, dict[Any, Any]]]:
    """Every per-language text of the record (a mapping of language to text), with its
    place; a plain string (a name used unchanged in every language) is not one."""
    tree = _pattern_tree()
    return [(Place(doc, path), value) for doc in context.record.documents
            for path, value in _texts(doc.data, tree)]  # fmt: skip


@rule("ROPA501", "translation-missing", article="Art. 12(1)")
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
    wanted = set(languages)
    for place, value in _translations(context):
        if wanted.issubset(value.keys()):
            continue
        missing = [lang for lang in languages if lang not in value]
        if missing:
            yield Finding(
                place,
                f"no {', '.join(repr(m) for m in missing)} text; the controller"
                f" publishes in {', '.join(languages)}",
                at_key=True,
            )


@rule("ROPA504", "translation-unpublished-language", Severity.WARNING, article="Art. 12(1)")
def translation_unpublished_language(context: Context) -> Iterator[Finding]:
    """A text is given in a language the controller does not publish in, so no page shows it.

    Usually a slip: `se` (Northern Sami, and Sweden's country code) for Swedish `sv`, `dk`
    for Danish `da`. Texts prepared for a language you will add later are fine: they get one
    warning per file, which goes away when the language is added to `controller.languages`.

    Failing:

        controller:
          languages: [sv, en]
        ...
        name:
          se: Fakturering
          en: Invoicing

    Passing:

        name:
          sv: Fakturering
          en: Invoicing
    """
    import difflib

    languages = context.record.languages
    if not languages:
        return
    # One finding per language and file, at its first text: a language kept ready for later
    # is one decision, not one per text.
    found: dict[tuple[str, str], tuple[Place, int]] = {}
    published = set(languages)
    for place, value in _translations(context):
        if published.issuperset(value.keys()):
            continue
        for key in value:
            if isinstance(key, str) and key not in published:
                first, count = found.get(
                    (place.doc.name, key), (Place(place.doc, (*place.path, key)), 0)
                )
                found[(place.doc.name, key)] = (first, count + 1)
    for (_, key), (place, count) in found.items():
        meant = _official_language(key)
        if meant and meant[0] in languages:
            hint = f"; if you meant {meant[1]}, write {meant[0]!r}"
        elif localedata_exists(key):
            hint = f"; add {key!r} to controller.languages to publish it"
        else:
            close = difflib.get_close_matches(key, languages, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
        texts = "this text" if count == 1 else f"its {count} texts in this file"
        yield Finding(
            place,
            f"{key!r} is not a published language (the controller publishes in"
            f" {', '.join(languages)}), so no page shows {texts}{hint}",
            at_key=True,
        )


# How many msgids an incomplete catalog's message quotes.
SHOWN = 3


@rule("ROPA502", "language-unknown", article="Art. 12(1)")
def language_unknown(context: Context) -> Iterator[Finding]:
    """A published language is not a language code that CLDR (Babel's locale data) knows.

    Dates, lists and country names on the pages come from CLDR, so the code must be one of
    its languages. A country code in its place gets a hint: the country's main language.

    Failing:

        controller:
          languages: [en, dk]

    Passing:

        controller:
          languages: [en, fi]
    """
    return _unknown(context.record)


@rule("ROPA503", "language-catalog", article="Art. 12(1)")
def language_catalog(context: Context) -> Iterator[Finding]:
    """A published language has no complete boilerplate catalog.

    The headings and sentences around the record's texts come from a message catalog. ropa
    ships en, fi and sv; for another language the record brings its own catalog as
    `locale/<lang>/LC_MESSAGES/ropa.po` beside its YAML files, translating every message of
    ropa's template (a missing, empty or fuzzy translation counts as missing). A record's
    catalog for a shipped language may override some of its messages. Without a catalog
    the page would be English boilerplate under another language's name.

    Failing:

        controller:
          languages: [sv, de]     # and no locale/de/LC_MESSAGES/ropa.po

    Passing:

        controller:
          languages: [sv, de]     # with a complete locale/de/LC_MESSAGES/ropa.po
    """
    return _uncatalogued(context.record)


def _unknown(record: Record) -> Iterator[Finding]:
    for place, code in _languages(record):
        message = None if _settled(code, record.catalogs) else unknown_language(code)
        if message:
            yield Finding(place, message)


def _uncatalogued(record: Record) -> Iterator[Finding]:
    for place, code in _languages(record):
        if not _settled(code, record.catalogs) and unknown_language(code) is None:
            for message in catalog_problems(code, record.catalogs):
                yield Finding(place, message)


def _languages(record: Record) -> Iterator[tuple[Place, str]]:
    controller = record.controller
    # A record read from git has not met the schema: look only at a list of plain codes
    # (a code names a folder of catalogs).
    if controller is not None and isinstance(controller.get("languages"), list):
        for place, code in controller.items("languages"):
            if isinstance(code, str) and code.isascii() and code.isalpha():
                yield place, code


def _settled(code: str, catalogs: Path | None) -> bool:
    """A shipped language the record has no catalog of its own for: known and complete.

    Decided from the file layout alone (that of `ropa.i18n.catalog_file`), so that
    validating a record in the shipped languages loads neither Babel nor ropa.i18n.
    """
    parts = (code, "LC_MESSAGES", "ropa.po")
    if not resources.package_file("locale", *parts).is_file():
        return False
    return catalogs is None or not catalogs.joinpath(*parts).is_file()


def localedata_exists(code: str) -> bool:
    """Whether CLDR (Babel's locale data) knows `code` as a language."""
    from babel import localedata

    return bool(localedata.exists(code))


def unknown_language(code: str) -> str | None:
    """Why `code` is not a language CLDR knows, with a hint where one is found; None if it is."""
    from babel import localedata

    if localedata.exists(code):
        return None
    retired = _retired(code)
    if retired:
        return f"{code!r} is a retired language code; {retired}"
    hint = _country_language(code)
    if hint:
        return f"{code!r} is not a language code; {hint}"
    return f"{code!r} is not a language code that CLDR knows"


def language_hint(code: str) -> str | None:
    """What to say about a code ropa ships no catalog for, beyond the list of those it does
    (`ropa init --lang dk`): as ROPA502/ROPA503 say it; None when there is nothing to add."""
    unknown = unknown_language(code)
    if unknown:
        return unknown
    meant = _country_language(code)
    if meant:
        return f"{code!r} is {_english_name(code) or code}; if you meant the country, {meant}"
    return None


def _retired(code: str) -> str | None:
    """ "Hebrew is 'he'" for a retired code such as 'iw'."""
    from babel.core import get_global

    alias = get_global("language_aliases").get(code)
    lang = str(alias).split("_")[0] if alias else None
    name = _english_name(lang) if lang else None
    return f"{name} is {lang!r}" if name else None


def _official_language(code: str) -> tuple[str, str] | None:
    """(language code, its English name) when `code` is a country's code (DK, SE) rather
    than its language's: ("da", "Danish")."""
    from babel.languages import get_official_languages

    official = get_official_languages(code.upper(), de_facto=True)
    lang = str(official[0]).split("_")[0] if official else None
    name = _english_name(lang) if lang and lang != code else None
    return (lang, name) if lang and name else None


def _country_language(code: str) -> str | None:
    """ "Danish is 'da'" when `code` is a country's code (DK) rather than its language's."""
    found = _official_language(code)
    return f"{found[1]} is {found[0]!r}" if found else None


def _english_name(lang: str) -> str | None:
    from babel import Locale

    name = Locale("en").languages.get(lang)
    return str(name) if name else None


def catalog_problems(code: str, catalogs: Path | None) -> list[str]:
    """Why `code` (a language CLDR knows) has no complete catalog; empty if it has one.

    `catalogs` is the record's own catalog folder (`Record.catalogs`), or None.
    """
    from ropa import i18n

    shipped = i18n.available_languages()
    try:
        found = i18n.gaps(code, catalogs)
    except i18n.CatalogError as exc:
        line = f":{exc.line}" if exc.line else ""
        return [f"cannot read the catalog for {code!r}: {_shown(exc.path)}{line}: {exc.reason}"]
    if found is None:
        if code in shipped:
            return []
        where = (
            _shown(catalogs / code / "LC_MESSAGES" / f"{i18n.DOMAIN}.po")
            if catalogs is not None
            else f"locale/{code}/LC_MESSAGES/{i18n.DOMAIN}.po beside the record's files"
        )
        meant = _country_language(code)
        aside = f" ({_english_name(code) or code}; if you meant the country, {meant})"
        return [
            f"no catalog for {code!r}{aside if meant else ''}: ropa ships {', '.join(shipped)};"
            f" add one as {where} (docs/languages.md)"
        ]
    where = _shown(i18n.catalog_file(code, catalogs))
    problems = []
    if found.missing:
        problems.append(
            f"the catalog for {code!r} ({where}) lacks {len(found.missing)} of the"
            f" {found.total} messages of ropa.pot (missing, empty or fuzzy):"
            f" {_quoted(found.missing)}"
        )
    if found.broken:
        problems.append(
            f"the catalog for {code!r} ({where}) has {len(found.broken)} translation"
            f"{'s' * (len(found.broken) != 1)} with a placeholder the msgid lacks, or a"
            f" lone % (write %%): {_quoted(found.broken)}"
        )
    return problems


def _shown(path: Any) -> str:
    from ropa.validate import display_name

    return display_name(path) if isinstance(path, Path) else str(path)


def _quoted(msgids: tuple[str, ...]) -> str:
    shown = [repr(m if len(m) <= 60 else m[:57] + "...") for m in msgids[:SHOWN]]
    return ", ".join(shown) + (", ..." if len(msgids) > SHOWN else "")
