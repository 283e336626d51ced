"""The published tool schemas: same meaning as pydantic's, fewer tokens, faster to validate."""

from __future__ import annotations

import re
from typing import Any

import anyio
import jsonschema
import pytest

from server.app import build_server, described
from server.config import ServerSettings
from server.schemas import compact, published_input


def test_a_nullable_type_becomes_a_type_list() -> None:
    prop = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}], "title": "Ticket Id"}
    assert compact(prop, top=False) == {"type": ["integer", "null"], "minimum": 1}


def test_nested_any_of_is_flattened_and_its_description_lifted() -> None:
    prop = {
        "anyOf": [
            {"anyOf": [{"type": "integer", "enum": [1, 2]}, {"type": "string", "enum": ["low", "high"]}],
             "description": "Priority (number or name)."},
            {"type": "null"},
        ],
        "default": None,
    }  # fmt: skip
    assert compact(prop, top=False) == {
        "default": None,
        "description": "Priority (number or name).",
        "anyOf": [
            {"type": "integer", "enum": [1, 2]},
            {"type": "string", "enum": ["low", "high"]},
            {"type": "null"},
        ],
    }


def test_input_schemas_refuse_unknown_arguments() -> None:
    assert published_input({"type": "object", "properties": {}})["additionalProperties"] is False


def published_tools() -> list[Any]:
    server = build_server(ServerSettings(base_url="http://127.0.0.1:9", api_key="k"))
    return anyio.run(server.list_tools)


@pytest.mark.parametrize("tool", published_tools(), ids=lambda t: t.name)
def test_published_schemas_are_valid_json_schema_without_derived_titles(tool: Any) -> None:
    jsonschema.Draft202012Validator.check_schema(tool.input_schema)
    jsonschema.Draft202012Validator.check_schema(tool.output_schema)
    assert all("title" not in prop for prop in tool.input_schema["properties"].values())


@pytest.mark.parametrize("tool", published_tools(), ids=lambda t: t.name)
def test_a_tool_description_carries_no_source_indentation_or_wrapping(tool: Any) -> None:
    # Clients hand the text to the model as it is: a newline is a new paragraph, never wrapping.
    assert tool.description
    assert not re.search(r"\n[ \t]", tool.description)
    assert all("\n" not in paragraph for paragraph in tool.description.split("\n\n")), (
        tool.description
    )


def test_a_docstring_keeps_its_paragraphs_and_loses_its_wrapping() -> None:
    doc = """First line
        wrapped here.

        Second paragraph,
        also wrapped.
    """
    assert described(doc) == "First line wrapped here.\n\nSecond paragraph, also wrapped."
