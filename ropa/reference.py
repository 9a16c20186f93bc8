"""Reference documentation generated from the code: fields from the schema, rules from the
rules' docstrings. docs/fields.md and docs/rules.md are these outputs, and a test fails when
they drift."""

from __future__ import annotations

from typing import Any

from ropa import resources


def _resolve(node: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return name, resources.schema()["$defs"][name]
    return None, node


def heading_anchor(title: str) -> str:
    """The anchor GitHub and most Markdown renderers give a heading."""
    return "".join(c for c in title.lower().replace(" ", "-") if c.isalnum() or c in "-_")


def _type(node: dict[str, Any], inline: str | None = None) -> str:
    """A field's type; `inline` is the section that documents an inline object."""
    name, target = _resolve(node)
    if name in ("text", "label", "date", "email", "url", "country", "id", "lang", "phone",
                "internal_note"):  # fmt: skip
        return {"text": "text per language", "label": "name or text per language",
                "internal_note": "text (never published)"}.get(name, name)  # fmt: skip
    if "enum" in target:
        return "one of: " + ", ".join(f"`{v}`" for v in target["enum"])
    if target.get("type") == "array":
        return "list of " + _type(target["items"], inline)
    if name:
        return f"[{name}](#{heading_anchor(name)})"
    if inline is not None and target.get("type") == "object":
        return f"[{inline}](#{heading_anchor(inline)})"
    return str(target.get("type", "value"))


def _describe(node: dict[str, Any]) -> str:
    _, target = _resolve(node)
    text = node.get("description") or target.get("description") or ""
    return " ".join(str(text).split())


def _inline(node: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema written in place (not a $ref) under a field, if any."""
    if "$ref" in node:
        return None
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        return _inline(node["items"])
    return node if node.get("type") == "object" and "properties" in node else None


def _sections(title: str, schema: dict[str, Any]) -> list[str]:
    """A table for `schema`, then a section for each object written in place inside it."""
    required = set(schema.get("required", []))
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    nested: list[tuple[str, dict[str, Any]]] = []
    for key, node in schema.get("properties", {}).items():
        inner = _inline(node)
        child = f"{title}.{key}" if title else key
        if inner is not None:
            nested.append((child, inner))
        kind = _type(node, child if inner is not None else None)
        lines.append(
            f"| `{key}` | {kind} | {'yes' if key in required else ''} | {_describe(node)} |"
        )
    for child, inner in nested:
        lines += ["", f"## {child}", "", _describe(inner), "", *_sections(child, inner)]
    return lines


def fields_markdown() -> str:
    """Every section and object of the record schema as Markdown tables, nested ones too."""
    root = resources.schema()
    out = [
        "# Field reference",
        "",
        "Generated from `schemas/ropa.schema.json` by `ropa schema --markdown`; do not edit.",
        "",
        "## Sections of a record file",
        "",
        *_sections("", root),
    ]
    for name, node in root["$defs"].items():
        if node.get("type") == "object" and "properties" in node:
            out += ["", f"## {name}", "", _describe(node), "", *_sections(name, node)]
    return "\n".join(out) + "\n"


def rules_markdown() -> str:
    """Every rule with its id, severity and documentation, including both examples."""
    from ropa.rules import all_rules

    out = [
        "# Rule reference",
        "",
        "Generated from the rules' documentation by `ropa rules --markdown`; do not edit.",
        "",
        "| id | name | severity | GDPR | what it checks |",
        "|---|---|---|---|---|",
    ]
    rules = all_rules()
    out += [
        f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.severity} | {r.article or '-'}"
        f" | {r.summary} |"
        for r in rules
    ]
    for rule in rules:
        article = f", {rule.article}" if rule.article else ""
        out += ["", f"## {rule.id}", "", f"`{rule.name}`, {rule.severity}{article}", ""]
        for line in rule.doc.splitlines():
            if line.strip() in ("Failing:", "Passing:"):
                out.append(f"**{line.strip()[:-1]}**")
            elif line.startswith("    "):
                out.append(line)
            else:
                out.append(line)
    return "\n".join(out) + "\n"
