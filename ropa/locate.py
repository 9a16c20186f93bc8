"""Map a path in the loaded data back to the line and column of the YAML node it came from."""

from __future__ import annotations

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ropa.problem import Path


def nodes_at(root: Node, path: Path) -> tuple[Node | None, Node]:
    """The key node (if the last step was a mapping key) and value node at `path`.

    Stops at the deepest node that exists, so a path into a missing key still lands on its
    parent.
    """
    key_node: Node | None = None
    node: Node = root
    for part in path:
        if isinstance(part, str) and isinstance(node, MappingNode):
            for k, v in node.value:
                if isinstance(k, ScalarNode) and k.value == part:
                    key_node, node = k, v
                    break
            else:
                break
        elif (
            isinstance(part, int) and isinstance(node, SequenceNode) and 0 <= part < len(node.value)
        ):
            key_node, node = None, node.value[part]
        else:
            break
    return key_node, node


def position(root: Node, path: Path, at_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) for `path`.

    Points at a scalar value itself, and at the key that introduces a list or mapping (the
    value of a block collection starts on a later line). `at_key` always points at the key.
    """
    key_node, node = nodes_at(root, path)
    target = node
    if key_node is not None and (at_key or not isinstance(node, ScalarNode)):
        target = key_node
    return target.start_mark.line + 1, target.start_mark.column + 1
