"""Which changes between two sets of tools break their clients (`freshservice-harness diff-tools`).

    freshservice-harness diff-tools OLD NEW

OLD and NEW are each a folder of tool snapshots (`<toolName>.json`, as in `contracts/toolsnaps/`)
or one JSON file holding a list of tools (a `tools/list` result, `{"tools": [...]}`, and a single
tool are accepted too). Every difference is one line, `BREAKING tool.field: what` or
`compatible tool.field: what`; the command exits 1 if any change is breaking, 0 if none is, and 2
on input it cannot read.

A client *sends* inputs, so an input schema that accepts less breaks it; a client *reads*
outputs, so an output that may now hold something the old schema ruled out breaks it.

Breaking:
- a tool removed (reported as "renamed?" when an added tool has a similar schema);
- a required input added, or an optional one made required; an input removed;
- an input narrowed: a type no longer accepted (integer where any number was), a minimum raised
  or maximum lowered, a length or item count bound tightened, a pattern or format added or
  changed, an enum value removed, an enum or const imposed, unknown keys refused;
- an output field removed, retyped (it may now be of a type it could not be), or no longer
  always present; output values widened (a bound loosened, a pattern dropped, an enum value
  added); the output schema removed;
- a read-only tool made writing (readOnlyHint true → false), a tool made destructive
  (destructiveHint false → true) or no longer idempotent (idempotentHint true → false).

Compatible: a tool added; an optional input added; an input widened (the reverse of each
narrowing); an output field added or narrowed; titles, descriptions, defaults and examples.

Schemas are compared through `$ref`/`$defs` (local references), `anyOf`/`oneOf` and type lists,
type by type, into nested properties, array items and map values. A keyword this module does not
know that changes is reported as breaking ("unclassified"), to be looked at by a person.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

Tool = Mapping[str, Any]
Side = Literal["input", "output"]
Direction = Literal["narrower", "wider", "changed"]

# Keywords that document a schema and never change what it accepts.
_DOCS = frozenset(
    {"description", "title", "default", "examples", "deprecated", "$comment", "readOnly",
     "writeOnly", "$schema", "$id", "$defs", "definitions"}
)  # fmt: skip
# Keywords compared for what they accept (after `$ref` and a one-member `allOf` are resolved).
_COMPARED = frozenset(
    {"type", "anyOf", "oneOf", "enum", "const", "minimum", "maximum", "exclusiveMinimum",
     "exclusiveMaximum", "multipleOf", "minLength", "maxLength", "pattern", "format", "items",
     "minItems", "maxItems", "uniqueItems", "properties", "required", "additionalProperties",
     "minProperties", "maxProperties"}
)  # fmt: skip
# The annotations MCP defines, with the value a client assumes when one is left out.
_HINT_DEFAULTS = {
    "readOnlyHint": False,
    "destructiveHint": True,
    "idempotentHint": False,
    "openWorldHint": True,
}
_ANY = "any"  # a schema with no type: every JSON value
RENAME_SIMILARITY = 0.6  # share of schema shape an added tool must have to be called a rename


class ToolsInputError(Exception):
    """OLD or NEW could not be read as tools; the message names the file and the problem."""


@dataclasses.dataclass(frozen=True)
class Change:
    """One difference between the old and the new tools."""

    tool: str
    field: str  # "" for the tool itself; else a property path: `a.b`, `items[]`, `map.*`
    what: str
    breaking: bool

    def __str__(self) -> str:
        where = f"{self.tool}.{self.field}" if self.field else self.tool
        return f"{'BREAKING' if self.breaking else 'compatible'} {where}: {self.what}"


# -- Reading OLD and NEW --------------------------------------------------------------------------


def load_tools(path: Path) -> dict[str, dict[str, Any]]:
    """The tools in a folder of snapshots or in one JSON file, by name."""
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise ToolsInputError(f"{path}: no tool snapshots (*.json) in this folder")
        tools: dict[str, dict[str, Any]] = {}
        for file in files:
            tool = _checked_tool(_read_json(file), str(file))
            if tool["name"] != file.stem:
                raise ToolsInputError(f"{file}: holds tool {tool['name']!r}, not {file.stem!r}")
            tools[tool["name"]] = tool
        return tools
    data = _read_json(path)
    if isinstance(data, dict) and isinstance(data.get("tools"), list):
        data = data["tools"]
    elif isinstance(data, dict) and "name" in data:
        data = [data]
    if not isinstance(data, list):
        raise ToolsInputError(
            f"{path}: expected a list of tools, a tools/list result or one tool, "
            f"not a JSON {type(data).__name__}"
        )
    found: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(data):
        tool = _checked_tool(item, f"{path}: tool {index}")
        if tool["name"] in found:
            raise ToolsInputError(f"{path}: tool {tool['name']!r} appears twice")
        found[tool["name"]] = tool
    return found


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ToolsInputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolsInputError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None


def _checked_tool(item: Any, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise ToolsInputError(f"{where}: a tool is a JSON object")
    if not isinstance(item.get("name"), str) or not item["name"]:
        raise ToolsInputError(f"{where}: a tool needs a name (a non-empty string)")
    for key in ("inputSchema", "outputSchema", "annotations"):
        if item.get(key) is not None and not isinstance(item[key], dict):
            raise ToolsInputError(f"{where}: {item['name']}'s {key} is not a JSON object")
    return item


# -- Comparing ------------------------------------------------------------------------------------


def compare_tools(old: Mapping[str, Tool], new: Mapping[str, Tool]) -> list[Change]:
    """Every change from `old` to `new`, tool by tool in name order."""
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    renamed = _renames(removed, added, old, new)
    changes: list[Change] = []
    for name in sorted(set(old) | set(new)):
        if name in renamed:
            changes.append(
                Change(
                    name,
                    "",
                    f"tool removed (renamed? to {renamed[name]}, which has a similar schema)",
                    breaking=True,
                )
            )
        elif name in removed:
            changes.append(Change(name, "", "tool removed", breaking=True))
        elif name in added:
            if name not in renamed.values():
                changes.append(Change(name, "", "tool added", breaking=False))
        else:
            changes += compare_tool(name, old[name], new[name])
    return changes


def compare_tool(name: str, old: Tool, new: Tool) -> list[Change]:
    """Every change between two versions of one tool."""
    changes: list[Change] = []
    for key in ("title", "description"):
        if old.get(key) != new.get(key):
            changes.append(Change(name, "", f"{key} changed", breaking=False))
    changes += _compare_annotations(
        name, old.get("annotations") or {}, new.get("annotations") or {}
    )
    old_input = old.get("inputSchema") or {"type": "object"}
    new_input = new.get("inputSchema") or {"type": "object"}
    changes += _SchemaDiff(name, "input", old_input, new_input).run()
    old_output, new_output = old.get("outputSchema"), new.get("outputSchema")
    if old_output is not None and new_output is None:
        changes.append(Change(name, "", "output schema removed", breaking=True))
    elif old_output is None and new_output is not None:
        changes.append(Change(name, "", "output schema added", breaking=False))
    elif old_output is not None and new_output is not None:
        changes += _SchemaDiff(name, "output", old_output, new_output).run()
    known = {"name", "title", "description", "annotations", "inputSchema", "outputSchema"}
    for key in sorted((set(old) | set(new)) - known):
        if old.get(key) != new.get(key):
            changes.append(Change(name, "", f"{key} changed", breaking=False))
    return changes


def _compare_annotations(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    def hint(annotations: Mapping[str, Any], key: str) -> bool:
        value = annotations.get(key)
        return _HINT_DEFAULTS[key] if value is None else bool(value)

    changes: list[Change] = []
    old_read_only, new_read_only = hint(old, "readOnlyHint"), hint(new, "readOnlyHint")
    if old_read_only and not new_read_only:
        changes.append(
            Change(name, "", "read-only tool made writing (readOnlyHint true → false)", True)
        )
    elif new_read_only and not old_read_only:
        changes.append(Change(name, "", "tool made read-only (readOnlyHint false → true)", False))
    if not new_read_only:
        # A read-only tool destroys nothing and may be retried, whatever its other hints say.
        old_destructive = hint(old, "destructiveHint") and not old_read_only
        old_idempotent = hint(old, "idempotentHint") or old_read_only
        new_destructive, new_idempotent = hint(new, "destructiveHint"), hint(new, "idempotentHint")
        if new_destructive and not old_destructive:
            changes.append(
                Change(name, "", "tool made destructive (destructiveHint false → true)", True)
            )
        elif old_destructive and not new_destructive:
            changes.append(Change(name, "", "tool no longer destructive", False))
        if old_idempotent and not new_idempotent:
            changes.append(
                Change(
                    name,
                    "",
                    "tool no longer idempotent (idempotentHint true → false): "
                    "a retry may now repeat its effect",
                    True,
                )
            )
        elif new_idempotent and not old_idempotent:
            changes.append(Change(name, "", "tool made idempotent", False))
    if hint(old, "openWorldHint") != hint(new, "openWorldHint"):
        changes.append(Change(name, "", "openWorldHint changed", False))
    for key in sorted((set(old) | set(new)) - set(_HINT_DEFAULTS)):
        if old.get(key) != new.get(key):
            changes.append(Change(name, "", f"annotation {key} changed", False))
    return changes


class _SchemaDiff:
    """The changes between two versions of one tool's input or output schema."""

    def __init__(self, tool: str, side: Side, old_root: Any, new_root: Any) -> None:
        self.tool, self.side = tool, side
        self.old_root, self.new_root = old_root, new_root
        self.changes: list[Change] = []

    def run(self) -> list[Change]:
        self.node(self.old_root, self.new_root, "", frozenset())
        return self.changes

    # -- reporting

    def note(self, path: str, what: str, *, breaking: bool) -> None:
        self.changes.append(Change(self.tool, path, what, breaking))

    def moved(self, path: str, direction: Direction, detail: str) -> None:
        """An input accepting less, or an output promising more, breaks its clients; a change
        that does both ways (a new pattern) breaks them either way."""
        word = {"narrower": "narrowed", "wider": "widened", "changed": "changed"}[direction]
        breaking = direction in ("changed", "narrower" if self.side == "input" else "wider")
        self.note(path, f"{self.side} {word}: {detail}", breaking=breaking)

    # -- walking

    def node(
        self, old_raw: Any, new_raw: Any, path: str, stack: frozenset[tuple[str, str]]
    ) -> None:
        old, new = _resolve(old_raw, self.old_root), _resolve(new_raw, self.new_root)
        key = (_canonical(old), _canonical(new))
        if key in stack:
            return  # a recursive schema, already being compared further up
        if key[0] == key[1] and '"$ref"' not in key[0]:
            return
        stack = stack | {key}
        self.docs(old, new, path)
        for keyword in sorted((set(old) | set(new)) - _DOCS - _COMPARED):
            if old.get(keyword) != new.get(keyword):
                self.note(
                    path,
                    f"{self.side} schema: unclassified change to {keyword!r}: review it by hand",
                    breaking=True,
                )
        old_types, new_types = _branches(old, self.old_root), _branches(new, self.new_root)
        self.types(set(old_types), set(new_types), path)
        for old_type, new_type in _pairs(set(old_types), set(new_types)):
            self.branch(old_type, old_types[old_type], new_types[new_type], path, stack)

    def docs(self, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        for keyword in ("title", "description", "examples", "deprecated"):
            if old.get(keyword) != new.get(keyword):
                self.note(path, f"{self.side} {keyword} changed", breaking=False)
        if old.get("default") != new.get("default"):
            self.note(
                path,
                f"{self.side} default changed from {_show(old.get('default'))} "
                f"to {_show(new.get('default'))}",
                breaking=False,
            )

    def types(self, old: set[str], new: set[str], path: str) -> None:
        for kind in sorted(old):
            if _accepts(new, kind):
                continue
            if kind == "number" and "integer" in new:
                self.moved(path, "narrower", "integer where any number was allowed")
            elif kind == _ANY:
                self.moved(path, "narrower", f"typed as {' or '.join(sorted(new))} (was any)")
            else:
                self.moved(path, "narrower", f"no longer {_a(kind)}")
        for kind in sorted(new):
            if _accepts(old, kind):
                continue
            if kind == "number" and "integer" in old:
                detail = "any number where an integer was allowed"
            elif kind == _ANY:
                detail = f"any value (was {' or '.join(sorted(old))})"
            else:
                detail = f"may now be {_a(kind)}"
            if self.side == "output":
                self.note(path, f"output field retyped: {detail}", breaking=True)
            else:
                self.moved(path, "wider", detail)

    def branch(
        self,
        kind: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        stack: frozenset[tuple[str, str]],
    ) -> None:
        self.enum(kind, old, new, path)
        if kind in ("integer", "number", _ANY):
            for keyword in ("minimum", "exclusiveMinimum"):
                self.bound(old, new, keyword, path, lower=True)
            for keyword in ("maximum", "exclusiveMaximum"):
                self.bound(old, new, keyword, path, lower=False)
            self.restriction(old, new, "multipleOf", path)
        if kind in ("string", _ANY):
            self.bound(old, new, "minLength", path, lower=True)
            self.bound(old, new, "maxLength", path, lower=False)
            self.restriction(old, new, "pattern", path)
            self.restriction(old, new, "format", path)
        if kind in ("array", _ANY):
            self.bound(old, new, "minItems", path, lower=True)
            self.bound(old, new, "maxItems", path, lower=False)
            if bool(old.get("uniqueItems")) != bool(new.get("uniqueItems")):
                direction: Direction = "narrower" if new.get("uniqueItems") else "wider"
                self.moved(path, direction, "items must be unique" if new.get("uniqueItems")
                           else "items need not be unique")  # fmt: skip
            if "items" in old or "items" in new:
                self.node(old.get("items", True), new.get("items", True), f"{path}[]", stack)
        if kind in ("object", _ANY):
            self.object(old, new, path, stack)

    def enum(self, kind: str, old: Mapping[str, Any], new: Mapping[str, Any], path: str) -> None:
        before, after = _enum_values(old, kind), _enum_values(new, kind)
        if before == after:
            return
        if before is None:
            self.moved(path, "narrower", f"only {_list(after or [])} allowed")
        elif after is None:
            self.moved(path, "wider", f"any {kind} allowed (was only {_list(before)})")
        else:
            gone = [v for v in before if v not in after]
            came = [v for v in after if v not in before]
            if gone:
                self.moved(path, "narrower", f"enum value {_list(gone)} removed")
            if came:
                self.moved(path, "wider", f"enum value {_list(came)} added")

    def bound(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        keyword: str,
        path: str,
        *,
        lower: bool,
    ) -> None:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            return
        if before is None:
            self.moved(path, "narrower", f"{keyword} {_show(after)} added")
        elif after is None:
            self.moved(path, "wider", f"{keyword} {_show(before)} removed")
        elif not (_is_number(before) and _is_number(after)):
            self.moved(path, "changed", f"{keyword} {_show(before)} → {_show(after)}")
        else:
            raised = after > before
            verb = "raised" if raised else "lowered"
            direction: Direction = "narrower" if raised == lower else "wider"
            self.moved(path, direction, f"{keyword} {verb} from {before} to {after}")

    def restriction(
        self, old: Mapping[str, Any], new: Mapping[str, Any], keyword: str, path: str
    ) -> None:
        before, after = old.get(keyword), new.get(keyword)
        if before == after:
            return
        if before is None:
            self.moved(path, "narrower", f"{keyword} {_show(after)} added")
        elif after is None:
            self.moved(path, "wider", f"{keyword} {_show(before)} removed")
        else:
            self.moved(path, "changed", f"{keyword} {_show(before)} → {_show(after)}")

    def object(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        stack: frozenset[tuple[str, str]],
    ) -> None:
        before, after = old.get("properties") or {}, new.get("properties") or {}
        required_before = set(old.get("required") or ())
        required_after = set(new.get("required") or ())
        for name in before:
            field = _join(path, name)
            if name not in after:
                if self.side == "input":
                    self.note(
                        field, "input removed: clients that send it are refused", breaking=True
                    )
                else:
                    self.note(field, "output field removed", breaking=True)
                continue
            self.node(before[name], after[name], field, stack)
            was, now = name in required_before, name in required_after
            if self.side == "input" and now and not was:
                self.note(field, "required input added: it was optional", breaking=True)
            elif self.side == "input" and was and not now:
                self.note(field, "input made optional", breaking=False)
            elif self.side == "output" and was and not now:
                self.note(
                    field, "output field may now be absent (no longer required)", breaking=True
                )
            elif self.side == "output" and now and not was:
                self.note(field, "output field now always present", breaking=False)
        for name in after:
            if name in before:
                continue
            field = _join(path, name)
            if self.side == "output":
                self.note(field, "output field added", breaking=False)
            elif name in required_after:
                self.note(field, "required input added", breaking=True)
            else:
                self.note(field, "optional input added", breaking=False)
        self.additional(old, new, path, stack)
        self.bound(old, new, "minProperties", path, lower=True)
        self.bound(old, new, "maxProperties", path, lower=False)

    def additional(
        self,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        path: str,
        stack: frozenset[tuple[str, str]],
    ) -> None:
        before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
        if before == after:
            return
        if after is False:
            self.moved(path, "narrower", "keys not in the schema are now refused")
        elif before is False:
            # An output that may carry more keys breaks no client that reads the ones it knows.
            if self.side == "output":
                self.note(path, "output may carry keys not in the schema", breaking=False)
            else:
                self.moved(path, "wider", "keys not in the schema are now accepted")
        else:
            self.node(before, after, _join(path, "*"), stack)


# -- Schema helpers -------------------------------------------------------------------------------


def _resolve(node: Any, root: Any) -> dict[str, Any]:
    """The schema with local `$ref`s and a one-member `allOf` followed (siblings win)."""
    if node is True or node is None:
        return {}
    if node is False:
        return {"not": {}}
    if not isinstance(node, dict):
        return {}
    seen: set[str] = set()
    while isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        target = _pointer(root, node["$ref"])
        if not isinstance(target, dict):
            break  # not local, or dangling: the `$ref` stays and is compared as a keyword
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    members = node.get("allOf")
    if isinstance(members, list) and len(members) == 1:
        node = {**_resolve(members[0], root), **{k: v for k, v in node.items() if k != "allOf"}}
    return dict(node)


def _pointer(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        return None
    found = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")  # noqa: PLW2901
        if not isinstance(found, dict) or part not in found:
            return None
        found = found[part]
    return found


def _branches(node: Mapping[str, Any], root: Any) -> dict[str, dict[str, Any]]:
    """Each JSON type the schema accepts, with the schema that applies to values of that type."""
    alternatives = node.get("anyOf", node.get("oneOf"))
    if isinstance(alternatives, list):
        shared = {k: v for k, v in node.items() if k not in _DOCS and k not in ("anyOf", "oneOf")}
        found: dict[str, dict[str, Any]] = {}
        for alternative in alternatives:
            for kind, branch in _branches({**shared, **_resolve(alternative, root)}, root).items():
                found.setdefault(kind, branch)
        return found
    kinds = node.get("type")
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list):
        values = _enum_values(node, _ANY)
        if values is None:
            return {_ANY: dict(node)}
        kinds = sorted({_json_type(v) for v in values})
    return {str(kind): dict(node) for kind in kinds}


def _pairs(old: set[str], new: set[str]) -> list[tuple[str, str]]:
    """Which old type's schema to compare with which new one's (integer with number)."""
    pairs = [(kind, kind) for kind in sorted(old & new)]
    if "integer" in old and "integer" not in new and "number" in new:
        pairs.append(("integer", "number"))
    if "number" in old and "number" not in new and "integer" in new:
        pairs.append(("number", "integer"))
    return pairs


def _accepts(kinds: set[str], kind: str) -> bool:
    return kind in kinds or _ANY in kinds or (kind == "integer" and "number" in kinds)


def _enum_values(node: Mapping[str, Any], kind: str) -> list[Any] | None:
    if "const" in node:
        values = [node["const"]]
    elif isinstance(node.get("enum"), list):
        values = list(node["enum"])
    else:
        return None
    if kind == _ANY:
        return values
    return [v for v in values if _json_type(v) == kind or (kind == "number" and _is_number(v))]


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _canonical(node: Any) -> str:
    return json.dumps(node, sort_keys=True, default=str)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _list(values: Iterable[Any]) -> str:
    return ", ".join(_show(v) for v in values)


def _a(kind: str) -> str:
    return {
        "null": "null",
        "integer": "an integer",
        "array": "an array",
        "object": "an object",
    }.get(kind, f"a {kind}")


# -- Renames --------------------------------------------------------------------------------------


def _renames(
    removed: list[str], added: list[str], old: Mapping[str, Tool], new: Mapping[str, Tool]
) -> dict[str, str]:
    """Removed tool → the added tool that looks like it under a new name."""
    scored = sorted(
        (
            (
                _similarity(_shape(old[gone]), _shape(new[came])),
                _name_likeness(gone, came),
                gone,
                came,
            )
            for gone in removed
            for came in added
        ),
        reverse=True,
    )
    renamed: dict[str, str] = {}
    for similarity, _, gone, came in scored:
        if similarity >= RENAME_SIMILARITY and gone not in renamed and came not in renamed.values():
            renamed[gone] = came
    return renamed


def _similarity(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _name_likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _shape(tool: Tool) -> set[str]:
    """The tool's schemas as a set of `side:path:types` entries, for telling renames apart."""
    shape: set[str] = set()
    for side, key in (("in", "inputSchema"), ("out", "outputSchema")):
        root = tool.get(key)
        if isinstance(root, dict):
            _flatten(root, root, f"{side}:", shape, depth=0)
    return shape


def _flatten(node: Any, root: Any, path: str, into: set[str], depth: int) -> None:
    if depth > 12:
        return
    resolved = _resolve(node, root)
    branches = _branches(resolved, root)
    into.add(f"{path}:{','.join(sorted(branches))}")
    for branch in branches.values():
        for name, sub in (branch.get("properties") or {}).items():
            _flatten(sub, root, f"{path}.{name}", into, depth + 1)
        if "items" in branch:
            _flatten(branch["items"], root, f"{path}[]", into, depth + 1)
