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
        "paths": _paths(source.snapshot, extensions),
    }
    schemes = shared.security_schemes(source.snapshot, extensions)
    if schemes:
        doc["securityDefinitions"] = schemes
    definitions = shared.model_schemas(source.snapshot.get("models") or [], REF)
    if definitions:
        doc["definitions"] = definitions
    doc.update(shared.api_extensions(source, extensions))
    return doc


def _paths(snapshot: Mapping[str, Any], extensions: Extensions) -> Doc:
    authorizers = shared.authorizers_by_id(snapshot)
    validators = shared.validator_names(snapshot)
    paths: Doc = {}
    for op in shared.operations(snapshot):
        paths.setdefault(op.path, {})[op.key] = _operation(op, authorizers, validators, extensions)
    return paths


def _operation(
    op: shared.Operation,
    authorizers: Mapping[str, Mapping[str, Any]],
    validators: Mapping[str, str],
    extensions: Extensions,
) -> Doc:
    method = op.method
    out: Doc = {}
    if method.get("operationName"):
        out["operationId"] = method["operationName"]
    consumes, produces = shared.consumes(method), shared.produces(method)
    if consumes:
        out["consumes"] = consumes
    if produces:
        out["produces"] = produces
    parameters = [_parameter(p) for p in shared.parameters(method)]
    body = shared.request_body_model(method)
    if body is not None:
        schema = shared.model_ref(body, REF)
        parameters.append({"in": "body", "name": body, "required": True, "schema": schema})
    if parameters:
        out["parameters"] = parameters
    responses = method.get("methodResponses") or {}
    out["responses"] = {code: _response(code, responses[code]) for code in sorted(responses)}
    security = shared.security(method, authorizers)
    if security:
        out["security"] = security
    out.update(shared.operation_extensions(op, validators, extensions))
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
    models = response.get("responseModels") or {}
    if models:
        name = models.get("application/json") or next(iter(models.values()))
        out["schema"] = shared.model_ref(str(name), REF)
    headers = shared.response_headers(response)
    if headers:
        out["headers"] = {name: {"type": "string"} for name in headers}
    return out
