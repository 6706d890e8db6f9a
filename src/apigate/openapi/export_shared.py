"""What the Swagger 2.0 and OpenAPI 3.0 exporters share: the request, the walk over the snapshot's
methods and the operation objects' common members (``paths``), method request parameters, model
schemas with local ``$ref``s, and security.

An export reads only the deployment snapshot of the stage (plus the stage's documentation), as AWS
exports what a stage serves rather than the API being edited.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from apigate.openapi import export_extensions as ext

Doc = dict[str, Any]
# A format's own members of an operation (from the method), and its response object (status code,
# method response).
RequestMembers = Callable[[Mapping[str, Any]], Doc]
ResponseObject = Callable[[str, Mapping[str, Any]], Doc]

# The order operations appear in under a path (OpenAPI's own order), ANY last.
VERB_ORDER = ("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "ANY")
_MODEL_URL = re.compile(r"https?://[^#]*/restapis/[^/]+/models/([^/?#]+)")
_REQUEST_PARAMETER = re.compile(
    r"method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)"
)
_LOCATIONS = {
    "path": ("path", False),
    "querystring": ("query", False),
    "header": ("header", False),
    "multivaluequerystring": ("query", True),
    "multivalueheader": ("header", True),
}


@dataclass(frozen=True, slots=True)
class Extensions:
    """The ``extensions`` export parameter: a comma-separated list (``integrations,authorizers``)."""

    integrations: bool = False
    authorizers: bool = False
    apigateway: bool = False
    postman: bool = False

    @classmethod
    def parse(cls, value: str | None) -> Extensions:
        # The AWS CLI's documented form is ``extensions='apigateway'``: quotes may reach us.
        names = {part.strip().strip("'\"").lower() for part in (value or "").split(",")}
        return cls(
            integrations="integrations" in names,
            authorizers="authorizers" in names,
            apigateway="apigateway" in names,
            postman="postman" in names,
        )

    @property
    def integration(self) -> bool:
        """``x-amazon-apigateway-integration`` (``integrations`` or the whole ``apigateway`` set)."""
        return self.integrations or self.apigateway

    @property
    def authorizer(self) -> bool:
        """``x-amazon-apigateway-authtype`` / ``-authorizer`` on the security schemes."""
        return self.authorizers or self.apigateway


@dataclass(frozen=True, slots=True)
class ExportSource:
    """Everything an export reads: the stage's deployment snapshot and a little around it."""

    snapshot: Mapping[str, Any]
    stage_name: str
    region: str
    deployment_created: int  # epoch seconds
    documentation_version: str | None = None
    documentation_parts: Sequence[Mapping[str, Any]] = ()

    @property
    def rest_api(self) -> Mapping[str, Any]:
        rest_api: Mapping[str, Any] = self.snapshot["restApi"]
        return rest_api

    @property
    def host(self) -> str:
        # AWS's default endpoint. apigate answers it too (Host ``{id}.execute-api.{anything}``),
        # and importers ignore it by default (basepath=ignore), so a re-import works anywhere.
        return f"{self.rest_api['id']}.execute-api.{self.region}.amazonaws.com"

    def version(self) -> str:
        """``info.version``: the API's ``version``, else the deployment's creation time (AWS)."""
        if self.rest_api.get("version"):
            return str(self.rest_api["version"])
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.deployment_created))


class Operation(NamedTuple):
    path: str
    key: str  # "get", "post", ... or x-amazon-apigateway-any-method
    resource_id: str
    method: Mapping[str, Any]


def operations(snapshot: Mapping[str, Any]) -> Iterator[Operation]:
    """Every method of the snapshot in path order; resources without methods are not exported."""
    for resource in snapshot["resources"]:
        methods = resource.get("resourceMethods") or {}
        for verb in sorted(methods, key=lambda v: (VERB_ORDER.index(v) if v in VERB_ORDER else 99, v)):
            key = ext.ANY_METHOD if verb == "ANY" else verb.lower()
            yield Operation(resource.get("path", "/"), key, str(resource.get("id", "")), methods[verb])


class Parameter(NamedTuple):
    location: str  # OpenAPI's "in": path, query, header
    name: str
    required: bool
    multi: bool  # multivaluequerystring / multivalueheader: an array of strings


def parameters(method: Mapping[str, Any]) -> list[Parameter]:
    """The method's request parameters (``method.request.{location}.{name}: required``), in order."""
    out = []
    for key, required in (method.get("requestParameters") or {}).items():
        match = _REQUEST_PARAMETER.fullmatch(key)
        if match is not None:
            location, multi = _LOCATIONS[match.group(1)]
            out.append(Parameter(location, match.group(2), bool(required), multi))
    return out


# --- models ------------------------------------------------------------------------------------


def local_refs(value: Any, prefix: str) -> Any:
    """``value`` with every model URL ``$ref`` (``https://apigateway.amazonaws.com/restapis/{id}/models/X``)
    made local (``{prefix}X``), as AWS exports them."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                match = _MODEL_URL.fullmatch(item)
                out[key] = f"{prefix}{match.group(1)}" if match else item
            else:
                out[key] = local_refs(item, prefix)
        return out
    if isinstance(value, list):
        return [local_refs(item, prefix) for item in value]
    return value


def model_schemas(models: list[Mapping[str, Any]], prefix: str) -> Doc:
    """``{name: schema}`` of every model; ``$schema`` goes (not an OpenAPI keyword), as on AWS."""
    out: Doc = {}
    for model in models:
        try:
            schema = json.loads(model.get("schema") or "{}")
        except ValueError:
            schema = {}
        if isinstance(schema, dict):
            schema.pop("$schema", None)
        out[str(model["name"])] = local_refs(schema, prefix)
    return out


def model_ref(name: str, prefix: str) -> Doc:
    return {"$ref": f"{prefix}{name}"}


# --- content types -----------------------------------------------------------------------------


def consumes(method: Mapping[str, Any]) -> list[str]:
    """Request content types: the request models' and the integration's request templates'."""
    integration = method.get("methodIntegration") or {}
    types = [*(method.get("requestModels") or {}), *(integration.get("requestTemplates") or {})]
    return list(dict.fromkeys(types))


def produces(method: Mapping[str, Any]) -> list[str]:
    """Response content types: the method responses' models and integration responses' templates."""
    types: list[str] = []
    for response in (method.get("methodResponses") or {}).values():
        types.extend(response.get("responseModels") or {})
    integration = method.get("methodIntegration") or {}
    for response in (integration.get("integrationResponses") or {}).values():
        types.extend(response.get("responseTemplates") or {})
    return list(dict.fromkeys(types))


def response_headers(response: Mapping[str, Any]) -> list[str]:
    """The header names of a method response's ``method.response.header.X`` parameters."""
    prefix = "method.response.header."
    return [key[len(prefix) :] for key in response.get("responseParameters") or {} if key.startswith(prefix)]


def one_model(models: Mapping[str, Any]) -> str | None:
    """The one model (of ``requestModels`` / ``responseModels``) Swagger 2.0 can carry: the JSON
    one, else the first."""
    if not models:
        return None
    return str(models.get("application/json") or next(iter(models.values())))


# --- security ----------------------------------------------------------------------------------


def security(method: Mapping[str, Any], authorizers: Mapping[str, Mapping[str, Any]]) -> list[Doc]:
    """The method's security requirements, one object each (AWS's form): the authorizer (or
    ``sigv4`` for AWS_IAM) and ``api_key`` when an API key is required."""
    requirements: list[Doc] = []
    kind = method.get("authorizationType", "NONE")
    if kind == "AWS_IAM":
        requirements.append({ext.SIGV4_SCHEME: []})
    elif kind in ("CUSTOM", "COGNITO_USER_POOLS"):
        authorizer = authorizers.get(str(method.get("authorizerId")))
        if authorizer is not None:
            scopes = list(method.get("authorizationScopes") or []) if kind == "COGNITO_USER_POOLS" else []
            requirements.append({str(authorizer["name"]): scopes})
    if method.get("apiKeyRequired"):
        requirements.append({ext.API_KEY_SCHEME: []})
    return requirements


def security_schemes(snapshot: Mapping[str, Any], extensions: Extensions) -> Doc:
    """``api_key`` / ``sigv4`` when a method uses them, then every authorizer of the API."""
    schemes: Doc = {}
    used = {name for op in operations(snapshot) for req in security(op.method, {}) for name in req}
    for name in (ext.API_KEY_SCHEME, ext.SIGV4_SCHEME):
        if name in used:
            schemes[name] = ext.builtin_scheme(name)
    for authorizer in snapshot.get("authorizers") or []:
        schemes[str(authorizer["name"])] = ext.security_scheme(authorizer, extensions.authorizer)
    return schemes


def authorizers_by_id(snapshot: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(a["id"]): a for a in snapshot.get("authorizers") or [] if "id" in a and "name" in a}


def validator_names(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {str(v["id"]): str(v.get("name") or v["id"]) for v in snapshot.get("requestValidators") or []}


def operation_extensions(op: Operation, validators: Mapping[str, str], extensions: Extensions) -> Doc:
    """The per-operation extensions: the request validator (``apigateway``) and the integration."""
    out: Doc = {}
    validator = validators.get(str(op.method.get("requestValidatorId")))
    if extensions.apigateway and validator is not None:
        out[ext.REQUEST_VALIDATOR] = validator
    integration = op.method.get("methodIntegration")
    if extensions.integration and integration:
        out[ext.INTEGRATION] = ext.integration(integration, op.resource_id)
    return out


def api_extensions(source: ExportSource, extensions: Extensions) -> Doc:
    if not extensions.apigateway:
        return {}
    return ext.api_extensions(source.snapshot, source.documentation_version, source.documentation_parts)


# --- paths -------------------------------------------------------------------------------------


def paths(
    snapshot: Mapping[str, Any], extensions: Extensions, request: RequestMembers, response: ResponseObject
) -> Doc:
    """The ``paths`` object. Each operation in AWS's key order: ``operationId``, the format's
    ``request`` members (parameters, body), ``responses`` (``response`` each, by status code),
    ``security``, then the per-operation extensions."""
    authorizers = authorizers_by_id(snapshot)
    validators = validator_names(snapshot)
    out: Doc = {}
    for op in operations(snapshot):
        method = op.method
        operation: Doc = {}
        if method.get("operationName"):
            operation["operationId"] = method["operationName"]
        operation.update(request(method))
        responses = method.get("methodResponses") or {}
        operation["responses"] = {code: response(code, responses[code]) for code in sorted(responses)}
        requirements = security(method, authorizers)
        if requirements:
            operation["security"] = requirements
        operation.update(operation_extensions(op, validators, extensions))
        out.setdefault(op.path, {})[op.key] = operation
    return out
