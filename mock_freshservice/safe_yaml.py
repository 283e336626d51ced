"""`load_yaml`: YAML that others wrote (scenario texts sent to the admin API, scenario and dataset
files), loaded without the blow-ups YAML allows.

Aliases are allowed, within a budget, rather than refused: an anchor for a shared matcher or
pinned record is legitimate YAML, and refusing it would break files that load today. What makes
aliases dangerous is not their use but their expansion: nine levels of ten aliases each (a
"billion laughs", under 500 bytes) stand for a billion nodes, and every consumer that walks the
document (line mapping, JSON Schema validation, serialising a rule's body) pays for all of them.
So before anything walks the document, the composed node graph's expanded size is counted once,
memoised per node (linear in the nodes written), and a document whose aliases add more than
`MAX_ALIAS_NODES` nodes or `MAX_ALIAS_CHARACTERS` characters of scalars to what is written is
refused with the line of the first node that expands past the budget. Merge keys (`<<: *a`) are
counted the same way: they expand too. An alias inside its own anchor (a cycle) and nesting deeper
than `MAX_DEPTH` are refused as well: nothing the fake reads is cyclic or that deep, and both
would otherwise end in a RecursionError somewhere later.
"""

from __future__ import annotations

import dataclasses

import yaml

MAX_ALIAS_NODES = 100_000
MAX_ALIAS_CHARACTERS = 10_000_000
MAX_DEPTH = 100


class YamlError(ValueError):
    """YAML that cannot be loaded; `line` (1-based) is where, when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclasses.dataclass(frozen=True, slots=True)
class YamlDocument:
    """The loaded value and the node it was built from (None for an empty document)."""

    value: object
    node: yaml.Node | None


def load_yaml(text: str, *, loader: type[yaml.SafeLoader] = yaml.SafeLoader) -> YamlDocument:
    """The single document in `text`, built by `loader` (a SafeLoader) once its size is checked.

    YamlError for text that is not YAML, holds more than one document, or is refused as above.
    """
    try:
        parser = loader(text)  # refuses characters YAML does not allow, before any parsing
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from exc
    try:
        node = parser.get_single_node()
        if node is None:
            return YamlDocument(None, None)
        check_expansion(node)
        return YamlDocument(parser.construct_document(node), node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError(f"not valid YAML: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"not valid YAML: {exc}") from exc
    except RecursionError:
        # PyYAML composes recursively: a few hundred levels of nesting exhaust the stack first.
        raise YamlError(f"nested more than {MAX_DEPTH} levels deep") from None
    finally:
        parser.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _own_characters(node: yaml.Node) -> int:
    return len(node.value) if isinstance(node, yaml.ScalarNode) else 0


def check_expansion(root: yaml.Node) -> None:
    """Refuse a node graph that is cyclic, too deep, or whose aliases expand it past the budget.

    One post-order walk, iterative (a deep document must not exhaust the stack here), computes
    each distinct node's expanded (node count, scalar characters) once.
    """
    expanded: dict[int, tuple[int, int]] = {}
    order: list[yaml.Node] = []  # post-order: a node after everything under it
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node]]] = [(root, _children(root))]
    on_path.add(id(root))
    while stack:
        node, pending = stack[-1]
        if pending:
            child = pending.pop()
            if id(child) in expanded:
                continue
            line = child.start_mark.line + 1
            if id(child) in on_path:
                raise YamlError("an alias refers to a node that contains it (a cycle)", line)
            if len(stack) >= MAX_DEPTH:
                raise YamlError(f"nested more than {MAX_DEPTH} levels deep", line)
            on_path.add(id(child))
            stack.append((child, _children(child)))
            continue
        stack.pop()
        on_path.discard(id(node))
        nodes, characters = 1, _own_characters(node)
        for child in _children(node):
            child_nodes, child_characters = expanded[id(child)]
            nodes += child_nodes
            characters += child_characters
        expanded[id(node)] = (nodes, characters)
        order.append(node)
    written_nodes = len(order)
    written_characters = sum(_own_characters(node) for node in order)
    for node in order:
        nodes, characters = expanded[id(node)]
        if (
            nodes - written_nodes > MAX_ALIAS_NODES
            or characters - written_characters > MAX_ALIAS_CHARACTERS
        ):
            raise YamlError(
                f"aliases expand this to {nodes:,} nodes and {characters:,} characters, more than "
                f"{MAX_ALIAS_NODES:,} nodes or {MAX_ALIAS_CHARACTERS:,} characters beyond what is "
                "written; write it out, or use fewer aliases",
                node.start_mark.line + 1,
            )
