"""The checks made while reading files and against the schema, documented like the rules."""

from __future__ import annotations

from collections.abc import Iterator

from ropa.rules import Context, Finding, rule


@rule("ROPA001", "yaml-syntax", stage="load", article="")
def yaml_syntax(context: Context) -> Iterator[Finding]:
    """The file is not valid YAML.

    Failing:

        name: Visma: Netvisor

    Passing:

        name: "Visma: Netvisor"
    """
    return iter(())


@rule("ROPA002", "characters", stage="load", article="")
def characters(context: Context) -> Iterator[Finding]:
    """The file has invalid UTF-8, tabs, or control, bidi, invisible or non-characters.

    Tabs change meaning between YAML parsers, so tabs may appear only inside quoted
    strings. Refused anywhere, escapes included: control characters (they act on terminals
    and CI logs), U+2028/U+2029, Unicode's default-ignorable characters, which show as
    nothing (bidi controls and marks, zero-width spaces, the soft hyphen, Hangul fillers,
    tag characters, a BOM inside the text), noncharacters (U+FFFE, U+FFFF, ...; XML
    forbids them) and unpaired surrogates: text must read as it is stored, and two names
    that look the same must be the same. Kept are the joiners U+200C/U+200D, variation
    selectors and Mongolian variation selectors, which scripts and emoji need. A byte order
    mark at the very start is allowed (YAML 1.2; Windows editors write one). A record's
    own `.po` catalogs are held to the same characters. A file over the size limit
    (`ROPA_MAX_FILE_BYTES`, 16 MiB by default; docs/cli.md) is refused under this id too,
    before it is read.

    Failing:

        system:<TAB>Visma Netvisor

    Passing:

        system: Visma Netvisor
    """
    return iter(())


@rule("ROPA003", "duplicate-key", stage="load", article="")
def duplicate_key(context: Context) -> Iterator[Finding]:
    """A mapping has the same key twice.

    Most YAML loaders silently keep the last value, so a second `countries:` would quietly
    replace the first; ropa refuses the file instead.

    Failing:

        countries: [US]
        countries: [FI]

    Passing:

        countries: [US, FI]
    """
    return iter(())


@rule("ROPA004", "unsupported-construct", stage="load", article="")
def unsupported_construct(context: Context) -> Iterator[Finding]:
    """The file uses a YAML feature a record does not need.

    Tags, merge keys, non-string keys, recursive aliases, aliases that expand to more than
    10,000 nodes and nesting deeper than 64 levels are refused: they either change meaning
    between tools or let a small file exhaust memory.

    Failing:

        dpa: !!python/object/apply:os.system [ls]

    Passing:

        dpa: {signed: true}
    """
    return iter(())


@rule("ROPA005", "document-shape", stage="load", article="")
def document_shape(context: Context) -> Iterator[Finding]:
    """The file is empty, holds several YAML documents, or is not a mapping at the top.

    Failing:

        - processors

    Passing:

        processors: []
    """
    return iter(())


@rule("ROPA010", "schema", stage="schema", article="Art. 30(1), 30(2)")
def schema(context: Context) -> Iterator[Finding]:
    """A value does not match the record schema.

    An unknown or missing key, a wrong type, or an invalid id, date, e-mail address or code.
    Only `true`/`false` are booleans and dates are written YYYY-MM-DD.

    Failing:

        last_reviewed: 2.11.2022

    Passing:

        last_reviewed: 2022-11-02
    """
    return iter(())
