"""The OpenAPI 3.1 document, generated from the declared operations and their models."""

from __future__ import annotations

import re
from typing import Any

from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.view import view_config

from mobilizon import __version__
from mobilizon.api.operations import OPERATIONS, Operation
from mobilizon.errors import CODES

REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        }
    },
}


def _schema_ref(model: Any, components: dict[str, Any]) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template=REF_TEMPLATE)
    for name, definition in schema.pop("$defs", {}).items():
        components[name] = definition
    name = schema.get("title", model.__name__)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    components[name] = schema
    return {"$ref": REF_TEMPLATE.format(model=name)}


def _parameters(pattern: str, op: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    params = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"{(\w+)(?::[^}]*)?}", pattern)
    ]
    if op.query is not None:
        schema = op.query.model_json_schema(ref_template=REF_TEMPLATE)
        required = set(schema.get("required", []))
        for name, prop in schema.get("properties", {}).items():
            params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return params


def build_document(request: Request) -> dict[str, Any]:
    mapper = request.registry.getUtility(IRoutesMapper)
    routes = {route.name: route.pattern for route in mapper.get_routes()}
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        pattern = routes.get(op.route_name)
        if pattern is None:
            continue
        path = re.sub(r"{(\w+):[^}]*}", r"{\1}", pattern)
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method.lower()}_{op.route_name}",
            "parameters": _parameters(pattern, op, components),
            "responses": {},
        }
        if op.description:
            entry["description"] = op.description
        if op.tags:
            entry["tags"] = list(op.tags)
        if op.auth is True:
            entry["security"] = [{"bearer": []}]
        elif op.auth == "optional":
            entry["security"] = [{}, {"bearer": []}]
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": _schema_ref(op.body, components)}},
            }
        success: dict[str, Any] = {"description": "OK" if op.status < 300 else "Done"}
        if op.response is not None and op.status != 204:
            success["content"] = {"application/json": {"schema": _schema_ref(op.response, components)}}
        entry["responses"][str(op.status)] = success
        errors = (
            set(op.errors)
            | ({400, 422} if op.body or op.query else set())
            | ({401} if op.auth is True else set())
        )
        for code in sorted(errors):
            entry["responses"][str(code)] = {
                "description": CODES.get(code, "error"),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{request.instance.name} API",
            "version": __version__,
            "description": "The JSON API of a mobilizon-py instance. Errors are "
            '{"error": {"code", "message", "fields"}}; lists take ?page= and ?per_page= (max 100).',
        },
        "servers": [{"url": request.registry.settings["mobilizon.base_url"]}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


@view_config(route_name="api_openapi", renderer="json", request_method="GET")
def openapi(request: Request) -> dict[str, Any]:
    return build_document(request)
