"""One operation of the document -> one Method (with its responses and integration).

What AWS makes of an operation (recorded, ``test_apigateway_import.snapshot.json``):

- ``operationId`` is the ``operationName``;
- every path variable of the resource is a required path parameter (``method.request.path.petId:
  true``) even when the operation does not declare it; query and header parameters follow their
  ``required`` (``method.request.querystring.page: false``);
- a request body schema that is a reference becomes ``requestModels`` for each of its content types
  (Swagger: the ``consumes``, else ``application/json``);
- each response whose key is a status code becomes a MethodResponse: its headers
  ``method.response.header.X`` (false unless required) and its referenced schemas
  ``responseModels`` (Swagger: by ``produces``); ``default`` has no MethodResponse equivalent;
- security and the request validator come from the operation, else from the document.

The Method document is PutMethod's (``control/methods.py``) with PutMethodResponse's responses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apigate.control.methods import check_request_parameters, check_response_parameters, new_method
from apigate.openapi.integration import build_integration
from apigate.openapi.issues import ImportIssues
from apigate.openapi.models import model_of
from apigate.openapi.security import Security
from apigate.openapi.spec import Operation, Spec
from apigate.openapi.tree import path_variables

_STATUS_CODE = re.compile(r"[1-5]\d\d")
INTEGRATION = "x-amazon-apigateway-integration"
VALIDATOR = "x-amazon-apigateway-request-validator"


@dataclass(slots=True)
class MethodContext:
    """What every operation of one import shares."""

    spec: Spec
    issues: ImportIssues
    security: Security
    model_names: dict[str, str]  # schema name -> Model name
    validators: dict[str, str]  # validator name -> id
    default_validator: str | None  # the document's x-amazon-apigateway-request-validator


def build_method(op: Operation, resource: dict[str, Any], ctx: MethodContext) -> dict[str, Any] | None:
    """The Method of ``op`` on ``resource``, or None if the import must fail (errors recorded)."""
    verb, path = op.verb, resource["path"]
    auth = ctx.security.for_operation(op)
    params: dict[str, Any] = {
        "authorizationType": auth.authorizationType,
        "apiKeyRequired": auth.apiKeyRequired,
        "authorizerId": auth.authorizerId,
        "authorizationScopes": list(auth.authorizationScopes),
        "requestValidatorId": _validator_id(op, ctx),
    }
    if op.node.get("operationId") is not None:
        params["operationName"] = str(op.node["operationId"])
    parameters = _request_parameters(op, path, ctx.spec)
    if parameters:
        params["requestParameters"] = parameters
    models = _models(ctx, ctx.spec.request_schema_refs(op), op)
    if models:
        params["requestModels"] = models
    method = new_method(verb, params)
    errors_before = len(ctx.issues.errors)
    with ctx.issues.unable(f"Unable to put method '{verb}' on resource at path '{path}'"):
        check_request_parameters(method.get("requestParameters"))
        responses = _method_responses(op, ctx)
        for response in responses.values():
            check_response_parameters(response.get("responseParameters"))
        if responses:
            method["methodResponses"] = responses
    if len(ctx.issues.errors) > errors_before:
        return None
    extension = op.node.get(INTEGRATION)
    if isinstance(extension, dict):
        integration = build_integration(extension, method, resource, ctx.issues)
        if integration is None:
            return None
        method["methodIntegration"] = integration
    return method


def _validator_id(op: Operation, ctx: MethodContext) -> str | None:
    name = op.node.get(VALIDATOR, ctx.default_validator)
    if name is None or name == "":
        return None
    validator_id = ctx.validators.get(str(name))
    if validator_id is None:
        ctx.issues.warn(f"Request validator '{name}' used by '{op.label}' is not defined")
    return validator_id


def _request_parameters(op: Operation, path: str, spec: Spec) -> dict[str, bool]:
    variables = path_variables(path)
    found = {f"method.request.path.{name}": True for name in variables}
    for param in spec.parameters(op):
        if param.location == "path":
            continue  # the resource's own variables, all required, are already there
        found[f"method.request.{param.location}.{param.name}"] = param.required
    return found


def _models(ctx: MethodContext, refs: dict[str, str], op: Operation) -> dict[str, str]:
    models: dict[str, str] = {}
    for content_type, ref in refs.items():
        model = model_of(ctx.spec, ctx.model_names, ref)
        if model is None:
            ctx.issues.warn(f"Unable to find model for reference '{ref}' used by '{op.label}'")
        else:
            models[content_type] = model
    return models


def _method_responses(op: Operation, ctx: MethodContext) -> dict[str, dict[str, Any]]:
    responses: dict[str, dict[str, Any]] = {}
    for response in ctx.spec.responses(op):
        if response.status == "default":
            continue
        if not _STATUS_CODE.fullmatch(response.status):
            ctx.issues.warn(f"Response '{response.status}' of '{op.label}' is not a status code: ignored")
            continue
        doc: dict[str, Any] = {"statusCode": response.status}
        if response.headers:
            doc["responseParameters"] = {
                f"method.response.header.{name}": required for name, required in response.headers.items()
            }
        models = _models(ctx, response.schema_refs, op)
        if models:
            doc["responseModels"] = models
        responses[response.status] = doc
    return responses
