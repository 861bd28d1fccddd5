"""The API as data for other tools: ``openapi.json`` (OpenAPI 3.1) and one JSON Schema per request
body and per response under ``schemas/``, made from the same IR as the client.

``export_files`` joins the pipeline's file map beside the rendered package, so ``generate`` writes
these files and ``check`` reports their drift. JSON has no comments: the dfsgen header that names
the spec files is a ``$comment`` (``x-dfsgen-generated`` in the OpenAPI document, whose top level
takes only extensions). The text is deterministic: keys in IR order, two-space indent, a final
newline.
"""

from __future__ import annotations

import json
from typing import Any

from .. import ir
from ..render import HEADER_MARK, module_name
from . import envelope, openapi
from . import jsonschema as js

OPENAPI_FILE = "openapi.json"
SCHEMA_DIR = "schemas"


def export_files(api: ir.Api) -> dict[str, str]:
    """{relative path: JSON text} for the OpenAPI document and every request and response schema."""
    every = [api.spec_file] + [endpoint.spec_file for endpoint in api.endpoints]
    files = {OPENAPI_FILE: dump(openapi.document(api, header(every)))}
    for endpoint in api.endpoints:
        sources = header([api.spec_file, endpoint.spec_file])
        base = f"{SCHEMA_DIR}/{module_name(endpoint)}"
        body = js.body_schema(endpoint)
        if body is not None:
            files[f"{base}.request.json"] = dump({"$schema": js.DIALECT, "$comment": sources, **body})
        files[f"{base}.response.json"] = dump(response_document(api, endpoint, sources))
    return dict(sorted(files.items()))


def response_document(api: ir.Api, endpoint: ir.Endpoint, comment: str) -> dict[str, Any]:
    """A whole response of ``endpoint`` as a standalone schema: the envelope with its results."""
    name, result = openapi.response_name(endpoint), str(endpoint.result.model)
    layers = envelope.filled(api, name, {"$ref": _def(result)}, _def)
    top = layers.pop(name)
    return {
        "$schema": js.DIALECT,
        "$comment": comment,
        "title": name,
        "description": f"{endpoint.title}: the response body of {endpoint.method} {endpoint.path}.",
        **top,
        "$defs": {**envelope.bases(api), **layers, result: js.result_schema(endpoint)},
    }


def _def(name: str) -> str:
    return f"#/$defs/{name}"


def header(sources: list[str]) -> str:
    """The same sentence the rendered files start with, so tools find it in either kind of file."""
    return f"{HEADER_MARK} from {', '.join(sources)}. Do not edit: change the spec or the template and regenerate."


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
