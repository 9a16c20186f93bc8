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


def _type(node: dict[str, Any]) -> str:
    name, target = _resolve(node)
    if name in ("text", "label", "date", "email", "url", "country", "id", "lang", "phone"):
        return {"text": "text per language", "label": "name or text per language"}.get(name, name)
    if "enum" in target:
        return "one of: " + ", ".join(f"`{v}`" for v in target["enum"])
    if target.get("type") == "array":
        return "list of " + _type(target["items"])
    if name:
        return f"[{name}](#{name.replace('_', '-')})"
    return str(target.get("type", "value"))


def _describe(node: dict[str, Any]) -> str:
    _, target = _resolve(node)
    text = node.get("description") or target.get("description") or ""
    return " ".join(str(text).split())


def _table(schema: dict[str, Any]) -> list[str]:
    required = set(schema.get("required", []))
    lines = ["| field | type | required | description |", "|---|---|---|---|"]
    for key, node in schema.get("properties", {}).items():
        lines.append(
            f"| `{key}` | {_type(node)} | {'yes' if key in required else ''} | {_describe(node)} |"
        )
    return lines


def fields_markdown() -> str:
    """Every section and object of the record schema as Markdown tables."""
    root = resources.schema()
    out = [
        "# Field reference",
        "",
        "Generated from `schemas/ropa.schema.json` by `ropa schema --markdown`; do not edit.",
        "",
        "## Sections of a record file",
        "",
        *_table(root),
    ]
    sections = {
        "controller": root["properties"]["controller"],
        "processors": root["properties"]["processors"]["items"],
        "recipients": root["properties"]["recipients"]["items"],
        "sources": root["properties"]["sources"]["items"],
        "data_categories": root["properties"]["data_categories"]["items"],
        "registers": root["properties"]["registers"]["items"],
    }
    for name, node in sections.items():
        out += ["", f"## {name}", "", _describe(node) or "", "", *_table(node)]
    for name, node in root["$defs"].items():
        if node.get("type") == "object" and "properties" in node:
            out += ["", f"## {name}", "", _describe(node), "", *_table(node)]
    return "\n".join(out) + "\n"


def rules_markdown() -> str:
    """Every rule with its id, severity and documentation, including both examples."""
    from ropa.rules import all_rules

    out = [
        "# Rule reference",
        "",
        "Generated from the rules' documentation by `ropa rules --markdown`; do not edit.",
        "",
        "| id | name | severity | what it checks |",
        "|---|---|---|---|",
    ]
    rules = all_rules()
    out += [f"| [{r.id}](#{r.id.lower()}) | {r.name} | {r.severity} | {r.summary} |" for r in rules]
    for rule in rules:
        out += ["", f"## {rule.id}", "", f"`{rule.name}`, {rule.severity}", ""]
        for line in rule.doc.splitlines():
            if line.strip() in ("Failing:", "Passing:"):
                out.append(f"**{line.strip()[:-1]}**")
            elif line.startswith("    "):
                out.append(line)
            else:
                out.append(line)
    return "\n".join(out) + "\n"
