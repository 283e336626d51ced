"""The declared resources in the fake's OpenAPI document: paths, parameters, request and answer
schemas, and the links schemathesis follows from a create to the record it made."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from mock_freshservice.resources.declaration import Resource
from mock_freshservice.resources.engine import Owner, base_path, id_name, owners
from mock_freshservice.resources.fields import Field

Json = dict[str, Any]
_ERRORS = {
    "400": {"$ref": "#/components/responses/ValidationFailed"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/Forbidden"},
    "429": {"$ref": "#/components/responses/RateLimited"},
}
# A body that is not a JSON object (invalid_json) or an empty update (missing_params) is a 400 in
# another shape than a validation failure.
_WRITE_ERRORS = {**_ERRORS, "400": {"$ref": "#/components/responses/BadRequest"}}
_NOT_FOUND = {"404": {"$ref": "#/components/responses/NotFound"}}
_NOT_ALLOWED = {"405": {"$ref": "#/components/responses/MethodNotAllowed"}}
_CONFLICT = {"409": {"$ref": "#/components/responses/Conflict"}}


def _camel(*words: str) -> str:
    parts = [p for word in words for p in word.split("_") if p]
    return parts[0] + "".join(p[0].upper() + p[1:] for p in parts[1:])


def _pascal(name: str) -> str:
    return "".join(word.capitalize() for word in name.split("_"))


def _schema_name(resource: Resource, by_name: Mapping[str, Owner]) -> str:
    """`Problem`, `ProblemNote`, `ProblemTimeEntry`."""
    owner = by_name[resource.parent.resource].singular if resource.parent else ""
    return "".join(w.capitalize() for part in (owner, resource.singular) for w in part.split("_"))


def _operation(resource: Resource, by_name: Mapping[str, Owner], verb: str) -> str:
    """`listProblems`, `viewProblem`, `createProblemNote`, `listProblemTimeEntries`."""
    owner = by_name[resource.parent.resource].singular if resource.parent else ""
    noun = resource.name if verb == "list" else resource.singular
    return _camel(verb, owner, noun) if owner else _camel(verb, noun)


def _path(rule: str) -> str:
    return re.sub(r"<int:([a-z_]+)>", r"{\1}", rule)


def _path_parameters(rule: str) -> list[Json]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
        for name in re.findall(r"<int:([a-z_]+)>", rule)
    ]


def _envelope(key: str, schema: Json) -> Json:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [key],
        "properties": {key: schema},
    }


def _json(description: str, schema: Json, **more: Any) -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}},
            **more}  # fmt: skip


def document(resources: Sequence[Resource]) -> tuple[Json, Json]:
    """(paths, component schemas) of every declared resource."""
    by_name = owners(resources)
    paths: Json = {}
    schemas: Json = {}
    for resource in resources:
        _add(resource, by_name, paths, schemas)
    if any(resource.form_fields is not None for resource in resources):
        schemas[FORM_FIELD] = _FORM_FIELD_SCHEMA
    return paths, schemas


# A field of a declared resource's form (`forms.py`), as `/problem_form_fields` and the like list.
FORM_FIELD = "ResourceFormField"
_NULLABLE_INTEGER = {"type": ["integer", "null"]}
_FORM_FIELD_SCHEMA: Json = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "created_at", "updated_at", "name", "label", "description", "field_type",
        "required", "required_for_closure", "position", "default_field", "choices",
        "nested_fields", "workspace_id",
    ],
    "properties": {
        "id": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "name": {"type": "string"},
        "label": {"type": "string"},
        "description": {"type": "string"},
        "field_type": {"type": "string"},
        "required": {"type": "boolean"},
        "required_for_closure": {"type": "boolean"},
        "position": {"type": "integer"},
        "default_field": {"type": "boolean"},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["id", "value"],
                "properties": {"id": {"type": ["integer", "string"]}, "value": {"type": "string"}},
            },
        },
        "nested_fields": {"type": "array", "items": {"type": "object"}},
        "workspace_id": _NULLABLE_INTEGER,
    },
}  # fmt: skip


def _add(resource: Resource, by_name: Mapping[str, Owner], paths: Json, schemas: Json) -> None:
    name = _schema_name(resource, by_name)
    ref = {"$ref": f"#/components/schemas/{name}"}
    list_ref = {"$ref": f"#/components/schemas/{name}ListItem"}
    answered = [f for f in resource.fields if f.answered]
    schemas[name] = _object(answered)
    schemas[f"{name}ListItem"] = _object([f for f in answered if f.in_list])
    view_ref = ref
    if resource.includes:
        # A view with `include` adds keys the other answers never have.
        view = _object(answered)
        view["properties"] = {
            **view["properties"],
            **{key: dict(found.schema) for key, found in resource.includes.items()},
        }
        schemas[f"{name}View"] = view
        view_ref = {"$ref": f"#/components/schemas/{name}View"}
    writable = [f for f in resource.fields if f.writable]
    schemas[f"{name}Create"] = {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in writable if f.required and not f.alternatives],
        "properties": {f.name: create_property(f) for f in writable},
        **_one_of_required(writable),
    }
    schemas[f"{name}Update"] = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {f.name: f.request_schema() for f in writable if f.updatable},
    }
    collection = base_path(resource, by_name)
    one = f"{collection}/<int:{id_name(resource)}>"
    tag = [resource.tag]
    record_links = {
        verb.capitalize() + _schema_name(resource, by_name): {
            "operationId": _operation(resource, by_name, verb),
            "parameters": {
                id_name(resource): f"$response.body#/{resource.singular}/id",
                **{p["name"]: f"$request.path.{p['name']}" for p in _path_parameters(collection)},
            },
        }
        for verb in ("view", "update", "delete")
        if verb in resource.operations
    }
    operations = resource.operations
    collection_item: Json = {}
    if "list" in operations:
        collection_item["get"] = {
            "operationId": _operation(resource, by_name, "list"),
            "tags": tag,
            "summary": f"List {resource.description or resource.name}",
            "parameters": [*_path_parameters(collection), *_list_parameters(resource)],
            "responses": {
                "200": _json(
                    f"A page of {resource.name}",
                    _envelope(resource.name, {"type": "array", "items": list_ref}),
                    headers={"Link": {"$ref": "#/components/headers/Link"}},
                ),
                **_ERRORS,
                **(_NOT_FOUND if resource.parent else {}),
            },
        }
    if "create" in operations:
        collection_item["post"] = {
            "operationId": _operation(resource, by_name, "create"),
            "tags": tag,
            "summary": f"Create a {resource.singular.replace('_', ' ')}",
            "parameters": _path_parameters(collection),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}Create"}}
                },
            },
            "responses": {
                "201": _json(
                    f"The {resource.singular.replace('_', ' ')} created",
                    _envelope(resource.singular, ref),
                    headers={"Location": {"$ref": "#/components/headers/Location"}},
                    links=record_links,
                ),
                **_WRITE_ERRORS,
                **(_CONFLICT if resource.unique else {}),
                **(_NOT_FOUND if resource.parent else {}),
                **(_NOT_ALLOWED if "create" in resource.may_refuse else {}),
            },
        }
    if collection_item:
        paths[_path(collection)] = collection_item
    one_item: Json = {}
    if "view" in operations:
        one_item["get"] = {
            "operationId": _operation(resource, by_name, "view"),
            "tags": tag,
            "summary": f"View a {resource.singular.replace('_', ' ')}",
            "parameters": [*_path_parameters(one), *_include_parameter(resource)],
            "responses": {
                "200": _json(f"The {resource.singular}", _envelope(resource.singular, view_ref)),
                **_ERRORS,
                **_NOT_FOUND,
            },
        }
    if "update" in operations:
        one_item["put"] = {
            "operationId": _operation(resource, by_name, "update"),
            "tags": tag,
            "summary": f"Update a {resource.singular.replace('_', ' ')}",
            "parameters": _path_parameters(one),
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}Update"}}
                },
            },
            "responses": {
                "200": _json(f"The {resource.singular} updated", _envelope(resource.singular, ref)),
                **_WRITE_ERRORS,
                **(_CONFLICT if resource.unique else {}),
                **_NOT_FOUND,
                **(_NOT_ALLOWED if resource.soft_delete or "update" in resource.may_refuse else {}),
            },
        }
    if "delete" in operations:
        one_item["delete"] = {
            "operationId": _operation(resource, by_name, "delete"),
            "tags": tag,
            "summary": f"Delete a {resource.singular.replace('_', ' ')}",
            "parameters": _path_parameters(one),
            "responses": {
                str(resource.delete_status): {"description": "Deleted"},
                **_ERRORS,
                **_NOT_FOUND,
                **(_NOT_ALLOWED if "delete" in resource.may_refuse else {}),
            },
        }
    if one_item:
        paths[_path(one)] = one_item
    for alias in resource.item_aliases:
        at = "At" + _pascal(alias)
        paths[_path(f"/{alias}/<int:{id_name(resource)}>")] = {
            verb: {
                **operation,
                "operationId": operation["operationId"] + at,
                "summary": f"{operation.get('summary', '')} (at /{alias}/{{id}})",
            }
            for verb, operation in one_item.items()
        }
    if resource.listed_under is not None and "list" in operations:
        under = resource.listed_under
        owner = by_name[under.resource]
        rule = f"{base_path(owner, by_name)}/<int:{id_name(owner)}>/{under.segment}"
        listed = collection_item["get"]
        paths[_path(rule)] = {
            "get": {
                **listed,
                "operationId": listed["operationId"] + "Of" + _pascal(owner.singular),
                "summary": f"{listed['summary']} of one {owner.singular.replace('_', ' ')}",
                "parameters": [*_path_parameters(rule), *listed["parameters"]],
                "responses": {**listed["responses"], **_NOT_FOUND},
            }
        }
    _add_actions(resource, by_name, one=one, tag=tag, ref=ref, paths=paths)
    if resource.form_fields is not None:
        form = resource.form_fields
        paths[f"/{form.path}"] = {
            "get": {
                "operationId": _camel("list", form.path),
                "tags": tag,
                "summary": f"The fields of the {resource.singular} form",
                "responses": {
                    "200": _json(
                        "The form's fields",
                        _envelope(
                            form.key,
                            {
                                "type": "array",
                                "items": dict(form.item_schema)
                                if form.item_schema is not None
                                else {"$ref": f"#/components/schemas/{FORM_FIELD}"},
                            },
                        ),
                    ),
                    "401": _ERRORS["401"],
                    "403": _ERRORS["403"],
                    "429": _ERRORS["429"],
                },
            }
        }


def _add_actions(
    resource: Resource,
    by_name: Mapping[str, Owner],
    *,
    one: str,
    tag: list[str],
    ref: Json,
    paths: Json,
) -> None:
    """`PUT /{name}/{id}/{segment}` and the like: one path per `Resource.actions` entry."""
    for action in resource.actions:
        answer: Json = (
            _json(action.description, _envelope(resource.singular, ref))
            if action.answers_record
            else {"description": action.description}
        )
        operation: Json = {
            "operationId": _camel(action.segment) + _schema_name(resource, by_name),
            "tags": tag,
            "summary": action.description,
            "parameters": _path_parameters(one),
            "responses": {
                str(action.status): answer,
                **(_WRITE_ERRORS if action.fields else _ERRORS),
                **_NOT_FOUND,
                **_NOT_ALLOWED,
            },
        }
        if action.fields:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [f.name for f in action.fields if f.required],
                    "properties": {f.name: create_property(f) for f in action.fields},
                }}},
            }  # fmt: skip
        paths[_path(f"{one}/{action.segment}")] = {action.method.lower(): operation}


def create_property(field: Field) -> Json:
    """A create's property: a required one may not be null."""
    found = field.request_schema()
    if field.required and isinstance(found.get("type"), list):
        found["type"] = [t for t in found["type"] if t != "null"]
        if len(found["type"]) == 1:
            found["type"] = found["type"][0]
        if "enum" in found:
            found["enum"] = [v for v in found["enum"] if v is not None]
    return found


def _one_of_required(fields: Sequence[Field]) -> Json:
    """A field another may stand in for (requester_id or email) is required as either."""
    groups = [(f.name, *f.alternatives) for f in fields if f.required and f.alternatives]
    if not groups:
        return {}
    choices = [{"anyOf": [{"required": [name]} for name in group]} for group in groups]
    return {"allOf": choices} if len(choices) > 1 else choices[0]


def _object(fields: Sequence[Any]) -> Json:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields],
        "properties": {f.name: f.schema() for f in fields},
    }


def _include_parameter(resource: Resource) -> list[Json]:
    if not resource.includes:
        return []
    described = "; ".join(f"{k}: {v.description}" for k, v in resource.includes.items())
    return [
        {"name": "include", "in": "query", "description": described,
         "schema": {"type": "string", "enum": list(resource.includes)}}
    ]  # fmt: skip


def _list_parameters(resource: Resource) -> list[Json]:
    found: list[Json] = [
        {"$ref": "#/components/parameters/Page"},
        {"$ref": "#/components/parameters/PerPage"},
    ]
    if resource.updated_since:
        found.append(
            {"name": "updated_since", "in": "query",
             "schema": {"type": "string", "format": "date-time"}}
        )  # fmt: skip
    if resource.workspace:
        found.append({"$ref": "#/components/parameters/WorkspaceQuery"})
    if resource.sortable:
        found.append(
            {"name": "order_by", "in": "query",
             "schema": {"type": "string", "enum": list(resource.sortable)}}
        )  # fmt: skip
        found.append(
            {"name": "order_type", "in": "query",
             "schema": {"type": "string", "enum": ["asc", "desc"]}}
        )  # fmt: skip
    kinds: Mapping[str, Json] = {
        "id": {"type": "integer", "minimum": 1},
        "integer": {"type": "integer", "minimum": 1},
        "boolean": {"type": "boolean"},
        "string": {"type": "string"},
        "datetime": {"type": "string", "format": "date-time"},
        "query": {"type": "string", "maxLength": 514},  # 512 inside the double quotes
    }
    for flt in resource.filters:
        schema = (
            {"type": "string", "enum": list(flt.choices)}
            if flt.kind == "choice"
            else kinds[flt.kind]
        )
        found.append({"name": flt.name, "in": "query", "schema": schema,
                      "description": flt.description})  # fmt: skip
    return found
