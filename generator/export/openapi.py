"""IR → an OpenAPI 3.1 document, as a plain dict.

One operation per endpoint, with its request body (the task object, or DataForSEO's array of
them), its responses, and Bearer auth. Schemas come from ``jsonschema`` and ``envelope``; the
envelope's layers and each endpoint's task, result and filled envelope are components, referenced
by every operation that uses them.
"""

from __future__ import annotations

from typing import Any

from .. import ir
from . import envelope
from . import jsonschema as js
from .envelope import ENVELOPE

VERSION = "3.1.0"
SECURITY = "bearer"


def schema_ref(name: str) -> str:
    return f"#/components/schemas/{name}"


def document(api: ir.Api, header: str) -> dict[str, Any]:
    return {
        "openapi": VERSION,
        "x-dfsgen-generated": header,
        "info": {"title": api.distribution, "version": api.version, "description": api.description},
        "servers": [{"url": api.base_url}],
        "security": [{SECURITY: []}],
        "paths": {endpoint.path: {endpoint.method.lower(): operation(api, endpoint)} for endpoint in _by_path(api)},
        "components": {
            "securitySchemes": {
                SECURITY: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": f"The gateway's API key, sent as `{api.auth_header}: Bearer <key>` "
                    f"(the client reads it from {api.auth_env_var}).",
                }
            },
            "schemas": components(api),
        },
    }


def _by_path(api: ir.Api) -> list[ir.Endpoint]:
    return sorted(api.endpoints, key=lambda endpoint: endpoint.path)


def components(api: ir.Api) -> dict[str, Any]:
    schemas: dict[str, Any] = envelope.shared(api, schema_ref)
    for endpoint in _by_path(api):
        body = js.body_schema(endpoint)
        if body is not None:
            schemas[body["title"]] = body
        result = str(endpoint.result.model)
        schemas[result] = js.result_schema(endpoint)
        schemas.update(envelope.filled(api, response_name(endpoint), {"$ref": schema_ref(result)}, schema_ref))
    return dict(sorted(schemas.items()))


def operation(api: ir.Api, endpoint: ir.Endpoint) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{endpoint.group}_{endpoint.name}",
        "summary": endpoint.title,
        "description": endpoint.description,
        "tags": [endpoint.group],
        "externalDocs": {"url": endpoint.docs_url},
    }
    if endpoint.path_params:
        op["parameters"] = [path_parameter(param) for param in endpoint.path_params]
    body = js.body_schema(endpoint)
    if body is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": schema_ref(body["title"])}}},
        }
    op["responses"] = responses(api, {"$ref": schema_ref(response_name(endpoint))})
    return op


def path_parameter(param: ir.Param) -> dict[str, Any]:
    """A ``{name}`` segment of the path; its description keeps the rules JSON Schema cannot state."""
    schema = js.param_schema(param)
    description = schema.pop("description")
    if param.type == "string":
        # The client refuses these: each would move the request to another route.
        schema["not"] = {"enum": ["", ".", ".."]}
    return {"name": param.name, "in": "path", "required": True, "description": description, "schema": schema}


def response_name(endpoint: ir.Endpoint) -> str:
    return f"{endpoint.class_prefix}Response"


def responses(api: ir.Api, filled: dict[str, Any]) -> dict[str, Any]:
    """200 with the endpoint's results, and every HTTP status the API documents, each with the
    envelope its body carries."""
    envelope = {"application/json": {"schema": {"$ref": schema_ref(ENVELOPE)}}}
    out: dict[str, Any] = {
        "200": {
            "description": f"The envelope with this endpoint's results; a task the API refused carries "
            f"its own status_code ({api.task_range[0]}-{api.task_range[1]}) and no result.",
            "content": {"application/json": {"schema": filled}},
        }
    }
    for status in api.http_statuses:
        for code in _status_keys(status):
            out[code] = {"description": status.kind.replace("_", " "), "content": envelope}
    return out


def _status_keys(status: ir.HttpStatus) -> list[str]:
    """``5XX`` for a whole class of statuses; OpenAPI cannot spell narrower ranges, so each code."""
    if status.low % 100 == 0 and status.high == status.low + 99:
        return [f"{status.low // 100}XX"]
    return [str(code) for code in range(status.low, status.high + 1)]
