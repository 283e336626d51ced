"""Checks on one tool call the property suite made, and the reasons a tool error may give.

A check is a plain function `check(call, context) -> str | None`: None when the property holds,
else a message with what was expected and what came. Checks are registered by name, one
registry for calls with valid arguments and one for calls with a mutated (invalid) argument set,
so a report names the property that failed.

A tool error on valid arguments must be *explained*: by the data (a 404 naming an id that is not
a record the suite knows to exist), by a refusal naming an argument or field, or by a refusal the
tools document. `EXPLANATIONS` is that allow-list; anything else fails the call.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from contracts.generation import Mutation, Pools, pool_name

Json = Any


@dataclasses.dataclass(frozen=True)
class Call:
    """One tool call and what came of it, including the fake's journal entries it caused."""

    tool: str
    arguments: Mapping[str, Json]
    is_error: bool = False
    text: str = ""
    structured: Json = None
    protocol_error: str | None = None
    requests: tuple[Mapping[str, Json], ...] = ()

    def __str__(self) -> str:
        shown = self.protocol_error or self.text
        kind = "protocol error" if self.protocol_error else "tool error" if self.is_error else "ok"
        arguments = repr(dict(self.arguments))
        if len(arguments) > 600:
            arguments = arguments[:600] + "…"
        return f"{self.tool}({arguments}) -> {kind}: {shown[:400]}"


@dataclasses.dataclass(frozen=True)
class Context:
    """What a check may compare with: the tool as listed, the pools, the mutation if any."""

    tool: Mapping[str, Json]
    pools: Pools
    mutation: Mutation | None = None


Check = Callable[[Call, Context], str | None]
VALID_CHECKS: dict[str, Check] = {}
INVALID_CHECKS: dict[str, Check] = {}


def check(registry: dict[str, Check]) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        registry[function.__name__] = function
        return function

    return register


def failures(registry: Mapping[str, Check], call: Call, context: Context) -> list[str]:
    """`name: message` for each check in the registry that fails on the call."""
    found = []
    for name, function in registry.items():
        message = function(call, context)
        if message is not None:
            found.append(f"{name}: {message}")
    return found


# -- Calls with valid arguments -------------------------------------------------------------------


@check(VALID_CHECKS)
def no_protocol_error(call: Call, context: Context) -> str | None:
    if call.protocol_error is None:
        return None
    return f"expected a result or a tool error, got a protocol error: {call.protocol_error}"


@check(VALID_CHECKS)
def structured_content_conforms(call: Call, context: Context) -> str | None:
    if call.protocol_error is not None or call.is_error:
        return None
    schema = context.tool.get("outputSchema")
    if schema is None:
        return None
    if not isinstance(call.structured, dict):
        return f"expected structuredContent matching the output schema, got {call.structured!r}"
    error = best_match(Draft202012Validator(schema).iter_errors(call.structured))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"structuredContent at {where} does not match the output schema: {error.message}"


@check(VALID_CHECKS)
def error_is_explained(call: Call, context: Context) -> str | None:
    if call.protocol_error is not None or not call.is_error:
        return None
    if explain(call, context) is not None:
        return None
    return (
        "expected a tool error explained by the data (404 naming a missing id), naming an "
        f"argument or field, or a documented refusal; got: {call.text[:400]!r}"
    )


# -- Calls with one invalid argument --------------------------------------------------------------


@check(INVALID_CHECKS)
def refused_without_protocol_error(call: Call, context: Context) -> str | None:
    if call.protocol_error is not None:
        return f"expected a tool error (isError), got a protocol error: {call.protocol_error}"
    if not call.is_error:
        return f"expected a tool error (isError), got a result: {call.text[:200]!r}"
    return None


@check(INVALID_CHECKS)
def refusal_names_the_argument(call: Call, context: Context) -> str | None:
    if context.mutation is None or not call.is_error:
        return None
    if names(call.text, context.mutation.argument):
        return None
    return f"expected the error to name {context.mutation.argument!r}, got: {call.text[:300]!r}"


@check(INVALID_CHECKS)
def nothing_malformed_reached_the_fake(call: Call, context: Context) -> str | None:
    refused = [r for r in call.requests if r.get("status") == 400]
    if not refused:
        return None
    shown = ", ".join(f"{r.get('method')} {r.get('path')}?{r.get('query')}" for r in refused)
    return f"expected the server to refuse before sending; the fake answered 400 to: {shown}"


# -- Explanations of a tool error on valid arguments ----------------------------------------------

NOT_FOUND = re.compile(r"(?i)\bnot found\b|\bdoes not exist\b|\bno such\b|\b404\b")
# Failures no data explains: the server, the fake or the key went wrong, or a Python exception
# leaked into the text (a `KeyError: 'ticket_id'` names an argument, but explains nothing).
UNEXPLAINABLE = re.compile(
    r"(?i:internal error|traceback|exception|(?:\(|answered |status |HTTP )(?:401|403|429|5\d\d)\b"
    r"|could not be reached|not its JSON|rate limit)|\b[A-Z][a-z]+(?:[A-Z][a-z]+)*Error\b"
)
# Refusals the tools document that need not repeat an argument's name.
DOCUMENTED_REFUSALS = (
    re.compile(r"(?i)give at least one field"),
    re.compile(r"(?i)give the requester"),
    re.compile(r"(?i)\bnot both\b"),
    re.compile(r"(?i)cannot be combined"),
)

Explanation = Callable[[Call, Context], bool]
EXPLANATIONS: dict[str, Explanation] = {}


def explanation(function: Explanation) -> Explanation:
    EXPLANATIONS[function.__name__] = function
    return function


def explain(call: Call, context: Context) -> str | None:
    """The name of the first explanation that fits the call's tool error, or None."""
    if UNEXPLAINABLE.search(call.text) or existing_record_not_found(call, context.pools):
        return None
    for name, fits in EXPLANATIONS.items():
        if fits(call, context):
            return name
    return None


def existing_record_not_found(call: Call, pools: Pools) -> bool:
    """A 404 where every id the text shows is a record the suite knows to exist: never
    explained (a server that loses records, or sends the wrong id)."""
    shown = list(_named_ids(call))
    return (
        NOT_FOUND.search(call.text) is not None
        and bool(shown)
        and all(pool is not None and value in pools.of(pool) for _, value, pool in shown)
    )


@explanation
def missing_record(call: Call, context: Context) -> bool:
    """A 404 naming an id given in the arguments that is not a record the suite knows."""
    return NOT_FOUND.search(call.text) is not None and any(
        pool is None or value not in context.pools.of(pool) for _, value, pool in _named_ids(call)
    )


def _named_ids(call: Call) -> Iterator[tuple[str, Json, str | None]]:
    """(argument, value, pool) for each id-like argument value the error text shows."""
    for argument, value in _scalars(call.arguments):
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value):
            continue
        if re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w])", call.text):
            yield argument, value, pool_name(call.tool, argument)


@explanation
def names_an_argument(call: Call, context: Context) -> bool:
    """A refusal naming one of the tool's arguments, or a field inside one given (a form's
    field, a type field, a custom field)."""
    schema = context.tool.get("inputSchema", {})
    known = [*schema.get("properties", {}), *_names(call.arguments)]
    return any(names(call.text, name) for name in known)


# Freshservice's field errors (`field: message (code)`), which the tools pass on: they may name a
# field of the record that is no argument (a service item's form field, say).
FIELD_REFUSED = re.compile(
    r"\b[A-Za-z][\w.]*: [^;]*\((?:missing_field|invalid_value|datatype_mismatch|invalid_field"
    r"|incompatible_field|duplicate_value)\)"
)


@explanation
def freshservice_names_a_field(call: Call, context: Context) -> bool:
    """Freshservice refused a field, and the tool passed on its `field: message (code)`."""
    return FIELD_REFUSED.search(call.text) is not None


@explanation
def documented_refusal(call: Call, context: Context) -> bool:
    """A refusal the tool descriptions and docs/architecture.md §7 promise
    (`DOCUMENTED_REFUSALS`)."""
    return any(p.search(call.text) for p in DOCUMENTED_REFUSALS)


def names(text: str, name: str) -> bool:
    """Does the text name the argument (as a whole word: `email` is not in `user_email`)?"""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text) is not None


def _names(arguments: Mapping[str, Json]) -> Iterator[str]:
    for name, value in arguments.items():
        yield name
        if isinstance(value, Mapping):
            yield from (str(k) for k in value)


def _scalars(arguments: Mapping[str, Json]) -> Iterator[tuple[str, Json]]:
    for name, value in arguments.items():
        if isinstance(value, list):
            yield from ((name, v) for v in value)
        else:
            yield name, value
