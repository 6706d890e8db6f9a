"""GetExport ``swagger``: a Swagger 2.0 document of a deployment snapshot, shaped as AWS exports it.

Key order follows the recorded exports (``swagger, info, host, basePath, schemes, paths,
securityDefinitions, definitions``, then the API-level extensions). Swagger 2.0 carries one body
schema and one response schema per operation; ``consumes`` / ``produces`` still list every content
type of the method's models and templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from apigate.openapi import export_shared as shared
from apigate.openapi.export_shared import Doc, ExportSource, Extensions

REF = "#/definitions/"


def document(source: ExportSource, extensions: Extensions) -> Doc:
    rest_api = source.rest_api
    info: Doc = {}
    if rest_api.get("description"):
        info["description"] = rest_api["description"]
    info["version"] = source.version()
    info["title"] = rest_api.get("name", "")
    doc: Doc = {
        "swagger": "2.0",
        "info": info,
        "host": source.host,
        "basePath": f"/{source.stage_name}",
        "schemes": ["https"],
        "paths": shared.paths(source.snapshot, extensions, _request, _response),
    }
    schemes = shared.security_schemes(source.snapshot, extensions)
    if schemes:
        doc["securityDefinitions"] = schemes
    definitions = shared.model_schemas(source.snapshot.get("models") or [], REF)
    if definitions:
        doc["definitions"] = definitions
    doc.update(shared.api_extensions(source, extensions))
    return doc


def _request(method: Mapping[str, Any]) -> Doc:
    """``consumes``, ``produces`` and ``parameters``, the one body model among them."""
    out: Doc = {}
    consumes, produces = shared.consumes(method), shared.produces(method)
    if consumes:
        out["consumes"] = consumes
    if produces:
        out["produces"] = produces
    parameters = [_parameter(p) for p in shared.parameters(method)]
    body = shared.one_model(method.get("requestModels") or {})
    if body is not None:
        schema = shared.model_ref(body, REF)
        parameters.append({"in": "body", "name": body, "required": True, "schema": schema})
    if parameters:
        out["parameters"] = parameters
    return out


def _parameter(parameter: shared.Parameter) -> Doc:
    out: Doc = {"name": parameter.name, "in": parameter.location, "required": parameter.required}
    if parameter.multi:
        out.update(type="array", items={"type": "string"})
    else:
        out["type"] = "string"
    return out


def _response(status_code: str, response: Mapping[str, Any]) -> Doc:
    out: Doc = {"description": f"{status_code} response"}
    model = shared.one_model(response.get("responseModels") or {})
    if model is not None:
        out["schema"] = shared.model_ref(model, REF)
    headers = shared.response_headers(response)
    if headers:
        out["headers"] = {name: {"type": "string"} for name in headers}
    return out
