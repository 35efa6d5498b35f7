"""The OpenAPI schema, assembled from what each resource module declares in `openapi_paths`.

Modules describe their operations with the small helpers here, so the schema stays next to the
routes it documents and is complete enough (parameters, bodies, responses) to fuzz from.
"""

from __future__ import annotations

from typing import Any

JSONAPI = "application/vnd.api+json"
FORM = "application/x-www-form-urlencoded"

ERROR_DOCUMENT: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "source": {"type": "object"},
                },
            },
        },
        "detail": {"type": "string"},
    },
}

TIMESTAMP: dict[str, Any] = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$",
    "example": "2026-11-26 18:00:00",
}


def string(**extra: Any) -> dict[str, Any]:
    """A string schema."""
    return {"type": "string", **extra}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def obj(
    properties: dict[str, Any], required: tuple[str, ...] = (), closed: bool = False
) -> dict[str, Any]:
    """An object schema; a `closed` one refuses members it does not list."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if closed:
        schema["additionalProperties"] = False
    if required:
        schema["required"] = list(required)
    return schema


def identifier_schema(type_name: str) -> dict[str, Any]:
    """A {type, id} resource identifier."""
    return obj({"type": string(enum=[type_name]), "id": string()}, ("type", "id"))


def document_schema(
    type_name: str,
    attributes: dict[str, Any],
    required: tuple[str, ...] = (),
    relationships: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A request document {data: {type, attributes, relationships}}."""
    data = {
        "type": string(enum=[type_name]),
        "id": string(),
        "attributes": obj(attributes, required, closed=True),
        "relationships": obj(
            {name: obj({"data": link}, ("data",)) for name, link in (relationships or {}).items()},
            closed=True,
        ),
    }
    return obj({"data": obj(data, ("type", "attributes"))}, ("data",))


def query(name: str, schema: dict[str, Any] | None = None, description: str = "") -> dict[str, Any]:
    """A query parameter."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema or string(),
        "description": description,
    }


def path_param(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": schema or string()}


PAGE_PARAMETERS = [
    query("page[offset]", {"type": "integer", "minimum": 0}),
    query("page[limit]", {"type": "integer", "minimum": 0}),
]

# what every write with a JSON:API document may answer besides its success (and its 404)
WRITE_ERRORS = {
    400: "the body is not JSON",
    401: "not authenticated",
    409: "another type or id",
    413: "body too large",
    415: "not a JSON document",
    422: "invalid document (the source names the field)",
}


def operation(
    summary: str,
    responses: dict[int, str],
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
    form: dict[str, Any] | None = None,
    auth: bool = False,
) -> dict[str, Any]:
    """One operation: its parameters, its JSON:API or form body, and every status it answers."""
    op: dict[str, Any] = {
        "summary": summary,
        "parameters": parameters or [],
        "responses": {
            str(status): {
                "description": text,
                "content": {JSONAPI: {"schema": ERROR_DOCUMENT if status >= 400 else {}}},
            }
            if status != 204
            else {"description": text}
            for status, text in responses.items()
        },
    }
    if body is not None:
        op["requestBody"] = {"required": True, "content": {JSONAPI: {"schema": body}}}
    if form is not None:
        op["requestBody"] = {"required": True, "content": {FORM: {"schema": form}}}
    if auth:
        op["security"] = [{"bearer": []}]
    return op


def html_operation(
    summary: str, body: dict[str, Any], parameters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """An authenticated operation that takes a JSON:API document and answers an HTML page."""
    op = operation(
        summary,
        {200: "the page", 400: "bad parameter", 404: "unknown id", **WRITE_ERRORS},
        parameters=parameters,
        body=body,
        auth=True,
    )
    op["responses"]["200"]["content"] = {"text/html": {"schema": {"type": "string"}}}
    return op


def record_paths(
    base: str,
    noun: str,
    plural: str,
    new: dict[str, Any],
    change: dict[str, Any],
    *,
    change_summary: str,
    delete_summary: str,
    in_use: str,
) -> dict[str, Any]:
    """The OpenAPI paths of a record that anyone lists and reads and staff write: its list and
    create at `base`, and its read, change and delete at `base`/{id}."""
    one = [path_param("id")]
    return {
        base: {
            "get": operation(
                f"List {plural}, by name (anonymous: without remarks)",
                {200: f"the {plural}", 400: "bad page parameter", 401: "bad token"},
                parameters=PAGE_PARAMETERS,
            ),
            "post": operation(
                f"Add a {noun}", {201: "created", **WRITE_ERRORS}, auth=True, body=new
            ),
        },
        f"{base}/{{id}}": {
            "get": operation(
                f"One {noun}",
                {200: f"the {noun}", 401: "bad token", 404: "unknown"},
                parameters=one,
            ),
            "patch": operation(
                change_summary,
                {200: "changed", 404: "unknown", **WRITE_ERRORS},
                parameters=one,
                auth=True,
                body=change,
            ),
            "delete": operation(
                delete_summary,
                {204: "deleted", 401: "not authenticated", 404: "unknown", 409: in_use},
                parameters=one,
                auth=True,
            ),
        },
    }


def build(modules: tuple[Any, ...]) -> dict[str, Any]:
    """The whole OpenAPI 3.1 document of the v1 API."""
    paths: dict[str, Any] = {}
    for module in modules:
        for path, operations in module.openapi_paths.items():
            paths.setdefault(path, {}).update(operations)
    return {
        "openapi": "3.1.0",
        "info": {"title": "kwai API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
