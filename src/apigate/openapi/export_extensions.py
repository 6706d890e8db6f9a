"""The ``x-amazon-apigateway-*`` objects of an export, built from a deployment snapshot.

Each builder writes what the importer reads back, in AWS's exported form: lower-case integration
``type`` and ``passthroughBehavior``, integration responses keyed by their ``selectionPattern``
(``default`` without one), and AWS's defaults left out (29000 ms timeout, INTERNET connection, the
resource id as cache namespace, HEADER api key source, EDGE endpoint) as the recorded exports show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from apigate.control.common import parse_policy

INTEGRATION = "x-amazon-apigateway-integration"
ANY_METHOD = "x-amazon-apigateway-any-method"
AUTHTYPE = "x-amazon-apigateway-authtype"
AUTHORIZER = "x-amazon-apigateway-authorizer"
REQUEST_VALIDATOR = "x-amazon-apigateway-request-validator"
REQUEST_VALIDATORS = "x-amazon-apigateway-request-validators"
GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"
BINARY_MEDIA_TYPES = "x-amazon-apigateway-binary-media-types"
API_KEY_SOURCE = "x-amazon-apigateway-api-key-source"
MINIMUM_COMPRESSION_SIZE = "x-amazon-apigateway-minimum-compression-size"
ENDPOINT_CONFIGURATION = "x-amazon-apigateway-endpoint-configuration"
POLICY = "x-amazon-apigateway-policy"
DOCUMENTATION = "x-amazon-apigateway-documentation"

DEFAULT_TIMEOUT_MS = 29000
# The security schemes AWS names for API keys and IAM (SigV4) authorization.
API_KEY_SCHEME = "api_key"
SIGV4_SCHEME = "sigv4"

Doc = dict[str, Any]


def _put(target: Doc, key: str, value: Any) -> None:
    """Set ``key`` unless ``value`` is empty (None, "", {} or []): AWS leaves such members out."""
    if value is not None and value != "" and value != {} and value != []:
        target[key] = value


# --- x-amazon-apigateway-integration -----------------------------------------------------------


def integration(source: Mapping[str, Any], resource_id: str) -> Doc:
    """The ``x-amazon-apigateway-integration`` of a Method's ``methodIntegration``."""
    out: Doc = {"type": str(source.get("type", "MOCK")).lower()}
    _put(out, "httpMethod", source.get("httpMethod"))
    _put(out, "uri", source.get("uri"))
    _put(out, "credentials", source.get("credentials"))
    if source.get("connectionType") == "VPC_LINK":
        out["connectionType"] = "VPC_LINK"
        _put(out, "connectionId", source.get("connectionId"))
    _put(out, "responses", integration_responses(source.get("integrationResponses") or {}))
    _put(out, "requestParameters", source.get("requestParameters"))
    _put(out, "requestTemplates", source.get("requestTemplates"))
    _put(out, "passthroughBehavior", str(source.get("passthroughBehavior") or "").lower())
    _put(out, "contentHandling", source.get("contentHandling"))
    timeout = source.get("timeoutInMillis")
    if timeout is not None and int(timeout) != DEFAULT_TIMEOUT_MS:
        out["timeoutInMillis"] = int(timeout)
    if source.get("cacheNamespace") not in (None, "", resource_id):
        out["cacheNamespace"] = source["cacheNamespace"]
    _put(out, "cacheKeyParameters", list(source.get("cacheKeyParameters") or []))
    _put(out, "tlsConfig", source.get("tlsConfig"))
    return out


def integration_responses(responses: Mapping[str, Mapping[str, Any]]) -> Doc:
    """``{selectionPattern | "default": {statusCode, responseParameters, responseTemplates,
    contentHandling}}``. Two responses can't share a key in the document: the first (by status
    code) keeps it, as the selection would pick it first anyway."""
    out: Doc = {}
    for status_code in sorted(responses):
        response = responses[status_code]
        key = response.get("selectionPattern") or "default"
        if key in out:
            continue
        entry: Doc = {"statusCode": str(response.get("statusCode") or status_code)}
        _put(entry, "responseParameters", response.get("responseParameters"))
        _put(entry, "responseTemplates", response.get("responseTemplates"))
        _put(entry, "contentHandling", response.get("contentHandling"))
        out[key] = entry
    return out


# --- authorizers -------------------------------------------------------------------------------

_HEADER_SOURCE = re.compile(r"method\.request\.header\.([^,\s]+)")


def auth_type(authorizer: Mapping[str, Any]) -> str:
    """``x-amazon-apigateway-authtype``: the authorizer's free-text ``authType``, else AWS's own."""
    if authorizer.get("authType"):
        return str(authorizer["authType"])
    return "cognito_user_pools" if authorizer.get("type") == "COGNITO_USER_POOLS" else "custom"


def scheme_header(authorizer: Mapping[str, Any]) -> str:
    """The header a security scheme names: a TOKEN or Cognito authorizer's identity header; a
    REQUEST authorizer reads several sources, and AWS then writes ``Unused``."""
    match = _HEADER_SOURCE.fullmatch(str(authorizer.get("identitySource") or "").strip())
    if authorizer.get("type") == "REQUEST" or match is None:
        return "Unused"
    return match.group(1)


def authorizer_object(authorizer: Mapping[str, Any]) -> Doc:
    """``x-amazon-apigateway-authorizer``: type in lower case, then the members the importer reads."""
    out: Doc = {"type": str(authorizer.get("type", "TOKEN")).lower()}
    for member in (
        "authorizerUri",
        "authorizerCredentials",
        "identitySource",
        "identityValidationExpression",
        "authorizerResultTtlInSeconds",
        "providerARNs",
    ):
        _put(out, member, authorizer.get(member))
    return out


def security_scheme(authorizer: Mapping[str, Any], with_extensions: bool) -> Doc:
    """One authorizer as an ``apiKey`` security scheme (the same shape in Swagger 2.0 and OAS 3.0)."""
    scheme: Doc = {"type": "apiKey", "name": scheme_header(authorizer), "in": "header"}
    if with_extensions:
        scheme[AUTHTYPE] = auth_type(authorizer)
        scheme[AUTHORIZER] = authorizer_object(authorizer)
    return scheme


def builtin_scheme(name: str) -> Doc:
    """AWS's ``api_key`` (the ``x-api-key`` header) and ``sigv4`` (IAM) security schemes."""
    if name == API_KEY_SCHEME:
        return {"type": "apiKey", "name": "x-api-key", "in": "header"}
    return {"type": "apiKey", "name": "Authorization", "in": "header", AUTHTYPE: "awsSigv4"}


# --- API-level extensions ----------------------------------------------------------------------


def gateway_responses(customised: Mapping[str, Mapping[str, Any]]) -> Doc:
    """``{responseType: {statusCode, responseParameters, responseTemplates}}`` of the customised ones."""
    out: Doc = {}
    for response_type in sorted(customised):
        response = customised[response_type]
        entry: Doc = {}
        _put(entry, "statusCode", response.get("statusCode"))
        _put(entry, "responseParameters", response.get("responseParameters"))
        _put(entry, "responseTemplates", response.get("responseTemplates"))
        out[response_type] = entry
    return out


def request_validators(validators: list[Mapping[str, Any]]) -> Doc:
    return {
        str(v.get("name") or v.get("id")): {
            "validateRequestBody": bool(v.get("validateRequestBody", False)),
            "validateRequestParameters": bool(v.get("validateRequestParameters", False)),
        }
        for v in validators
    }


def policy(text: str | None, api_id: str) -> Doc | None:
    """The resource policy as a JSON object, with this API's own ARNs back in the shorthand
    ``execute-api:/stage/VERB/path`` form, so that a re-import under a new id still applies it."""
    document = parse_policy(text)
    if document is None:
        return None
    own = re.compile(rf"arn:[^:]+:execute-api:[^:]*:[^:]*:{re.escape(api_id)}(/.*)?")

    def shorten(resource: Any) -> Any:
        match = own.fullmatch(resource) if isinstance(resource, str) else None
        return f"execute-api:{match.group(1) or '/*'}" if match else resource

    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict) and "Resource" in statement:
            resource = statement["Resource"]
            statement["Resource"] = (
                [shorten(r) for r in resource] if isinstance(resource, list) else shorten(resource)
            )
    return document


def endpoint_configuration(rest_api: Mapping[str, Any]) -> Doc | None:
    """What ``x-amazon-apigateway-endpoint-configuration`` can say: VPC endpoints and a disabled
    execute-api endpoint (the endpoint *type* travels as an import parameter, not in the document)."""
    config = rest_api.get("endpointConfiguration") or {}
    out: Doc = {}
    _put(out, "vpcEndpointIds", list(config.get("vpcEndpointIds") or []))
    if rest_api.get("disableExecuteApiEndpoint"):
        out["disableExecuteApiEndpoint"] = True
    return out or None


def documentation(version: str | None, parts: Sequence[Mapping[str, Any]]) -> Doc | None:
    """``{version, documentationParts: [{location, properties}]}`` (properties as JSON objects)."""
    if not parts:
        return None
    out: Doc = {}
    _put(out, "version", version)
    out["documentationParts"] = [
        {"location": dict(part.get("location") or {}), "properties": _properties(part.get("properties"))}
        for part in parts
    ]
    return out


def _properties(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def api_extensions(
    snapshot: Mapping[str, Any], docs_version: str | None, doc_parts: Sequence[Mapping[str, Any]]
) -> Doc:
    """Every API-level extension of the ``apigateway`` set, the empty ones left out."""
    rest_api = snapshot["restApi"]
    out: Doc = {}
    _put(out, GATEWAY_RESPONSES, gateway_responses(snapshot.get("gatewayResponses") or {}))
    _put(out, REQUEST_VALIDATORS, request_validators(snapshot.get("requestValidators") or []))
    _put(out, BINARY_MEDIA_TYPES, list(rest_api.get("binaryMediaTypes") or []))
    if rest_api.get("apiKeySource") not in (None, "HEADER"):
        out[API_KEY_SOURCE] = rest_api["apiKeySource"]
    if rest_api.get("minimumCompressionSize") is not None:
        out[MINIMUM_COMPRESSION_SIZE] = int(rest_api["minimumCompressionSize"])
    _put(out, ENDPOINT_CONFIGURATION, endpoint_configuration(rest_api))
    _put(out, POLICY, policy(rest_api.get("policy"), str(rest_api.get("id", ""))))
    _put(out, DOCUMENTATION, documentation(docs_version, doc_parts))
    return out
