"""GetExport ``oas30``: an OpenAPI 3.0.1 document of a deployment snapshot, shaped as AWS exports it.

Key order follows the recorded exports (``openapi, info, servers, paths, components``, then the
API-level extensions). The server URL is AWS's, with the stage as the ``basePath`` variable's
default; ``components`` is always present, even empty, as AWS writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apigate.openapi import export_shared as shared
from apigate.openapi.export_shared import Doc, ExportSource, Extensions

REF = "#/components/schemas/"
STRING = {"type": "string"}


def document(source: ExportSource, extensions: Extensions) -> Doc:
    rest_api = source.rest_api
    info: Doc = {"title": rest_api.get("name", "")}
    if rest_api.get("description"):
        info["description"] = rest_api["description"]
    info["version"] = source.version()
    components: Doc = {}
    schemas = shared.model_schemas(source.snapshot.get("models") or [], REF)
    if schemas:
        components["schemas"] = schemas
    schemes = shared.security_schemes(source.snapshot, extensions)
    if schemes:
        components["securitySchemes"] = schemes
    doc: Doc = {
        "openapi": "3.0.1",
        "info": info,
        "servers": [
            {
                "url": f"https://{source.host}/{{basePath}}",
                "variables": {"basePath": {"default": source.stage_name}},
            }
        ],
        "paths": shared.paths(source.snapshot, extensions, _request, _response),
        "components": components,
    }
    doc.update(shared.api_extensions(source, extensions))
    return doc


def _request(method: Mapping[str, Any]) -> Doc:
    """``parameters`` and a ``requestBody`` with every request model."""
    out: Doc = {}
    parameters = [_parameter(p) for p in shared.parameters(method)]
    if parameters:
        out["parameters"] = parameters
    models = method.get("requestModels") or {}
    if models:
        out["requestBody"] = {"content": _content(models), "required": True}
    return out


def _parameter(parameter: shared.Parameter) -> Doc:
    out: Doc = {"name": parameter.name, "in": parameter.location}
    if parameter.required:
        out["required"] = True
    out["schema"] = {"type": "array", "items": dict(STRING)} if parameter.multi else dict(STRING)
    return out


def _content(models: Mapping[str, Any]) -> Doc:
    return {media: {"schema": shared.model_ref(str(name), REF)} for media, name in models.items()}


def _response(status_code: str, response: Mapping[str, Any]) -> Doc:
    out: Doc = {"description": f"{status_code} response"}
    headers = shared.response_headers(response)
    if headers:
        # OpenAPI 3.0 can say a header is always sent (Swagger 2.0 cannot): the method response's
        # ``required`` flag survives a re-import.
        required = response.get("responseParameters") or {}
        out["headers"] = {
            name: {"required": True, "schema": dict(STRING)}
            if required.get(f"method.response.header.{name}")
            else {"schema": dict(STRING)}
            for name in headers
        }
    out["content"] = _content(response.get("responseModels") or {})
    return out
