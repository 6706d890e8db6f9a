"""Validation of Integration and IntegrationResponse documents, with AWS's messages.

PutIntegration and UpdateIntegration (and their response counterparts) build or patch a whole
document and then run the same checks here, so configuration is validated when it is written and
the data plane can trust it.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from apigate.control import common
from apigate.control.common import SerializationException, enum_violation
from apigate.control.errors import BadRequestException

# The enum orders AWS prints in its ValidationException messages.
INTEGRATION_TYPES = ("HTTP", "MOCK", "AWS_PROXY", "HTTP_PROXY", "AWS")
CONNECTION_TYPES = ("INTERNET", "VPC_LINK")
CONTENT_HANDLING = ("CONVERT_TO_BINARY", "CONVERT_TO_TEXT")
RESPONSE_TRANSFER_MODES = ("BUFFERED", "STREAM")
PASSTHROUGH_BEHAVIORS = ("WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER")
MIN_TIMEOUT_MS, MAX_TIMEOUT_MS = 50, 29000
# Types that call a backend and so need the backend verb (``httpMethod`` on the wire).
_NEEDS_HTTP_METHOD = ("HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY")

_INTEGRATION_PARAMETER_RE = re.compile(
    r"integration\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)"
)
_METHOD_PARAMETER_RE = re.compile(
    r"method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.(.+)"
)
_RESPONSE_HEADER_RE = re.compile(r"method\.response\.header\.(.+)")
_RESPONSE_SOURCE_RE = re.compile(
    r"integration\.response\.(header|multivalueheader)\..+|integration\.response\.body(\..+)?"
)
_COMMON_SOURCE_RE = re.compile(r"'.*'|context\..+|stageVariables\..+", re.DOTALL)
_CONTENT_TYPE_RE = re.compile(r"[^/\s]+/[^/\s]+")
_LAMBDA_PATH_RE = re.compile(r"path/\d{4}-\d{2}-\d{2}/functions/(.+)/invocations")
_AWS_PROXY_MESSAGE = (
    "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream "
    "invocations."
)
# A parameter location and its multi-value twin name the same parameter of the method request.
_FAMILY = {"multivaluequerystring": "querystring", "multivalueheader": "header"}


def front_end_violations(params: dict[str, Any], input_name: str) -> list[str]:
    """AWS's enum checks (ValidationException), answered before any lookup."""
    checks = (
        ("type", INTEGRATION_TYPES),
        ("connectionType", CONNECTION_TYPES),
        ("contentHandling", CONTENT_HANDLING),
        ("responseTransferMode", RESPONSE_TRANSFER_MODES),
    )
    return [
        enum_violation(params[member], f"{input_name}.{member}", allowed)
        for member, allowed in checks
        if params.get(member) is not None and params[member] not in allowed
    ]


def _string_value(value: Any) -> None:
    """Map values must be JSON strings (AWS's deserializer names the Java class it got)."""
    if isinstance(value, bool):
        raise SerializationException("class java.lang.Boolean can not be converted to an String")
    if isinstance(value, int | float):
        raise SerializationException(
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
        )


def check_templates(templates: dict[str, Any] | None) -> dict[str, Any] | None:
    """Content-type keys; an empty template is stored as null (AWS echoes ``null``)."""
    if templates is None:
        return None
    checked: dict[str, Any] = {}
    for content_type, template in templates.items():
        if not _CONTENT_TYPE_RE.fullmatch(str(content_type)):
            raise BadRequestException(
                f"Validation Result: warnings : [], errors : [Invalid content type specified: {content_type}]"
            )
        _string_value(template)
        checked[str(content_type)] = template if template else None
    return checked


def _declared(method: dict[str, Any]) -> set[tuple[str, str]]:
    found = set()
    for key in method.get("requestParameters") or {}:
        match = _METHOD_PARAMETER_RE.fullmatch(key)
        if match:
            found.add((_FAMILY.get(match[1], match[1]), match[2]))
    return found


def check_request_parameters(parameters: dict[str, Any] | None, method: dict[str, Any]) -> None:
    """``integration.request.{location}.{name}`` ← a method-request parameter the method declares,
    ``method.request.body[.path]``, ``context.*``, ``stageVariables.*`` or a ``'literal'``."""
    declared = _declared(method)
    for key, value in (parameters or {}).items():
        _string_value(value)
        if not _INTEGRATION_PARAMETER_RE.fullmatch(str(key)):
            raise common.mapping_error(key)
        source = str(value or "")
        if source == "method.request.body" or source.startswith("method.request.body."):
            continue
        match = _METHOD_PARAMETER_RE.fullmatch(source)
        if match:
            if (_FAMILY.get(match[1], match[1]), match[2]) not in declared:
                raise common.mapping_parameter_error(source)
        elif not _COMMON_SOURCE_RE.fullmatch(source):
            raise common.mapping_error(source)


def check_uri(integration_type: str, uri: str | None) -> None:
    if integration_type in ("HTTP", "HTTP_PROXY"):
        parts = urlsplit(uri or "")
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in (uri or ""):
            raise BadRequestException("Invalid HTTP endpoint specified for URI")
    elif integration_type in ("AWS", "AWS_PROXY"):
        fields = (uri or "").split(":", 5)
        if len(fields) < 6 or fields[0] != "arn":
            raise BadRequestException("Invalid ARN specified in the request")
        service, resource = fields[2], fields[5]
        if service != "apigateway" or not resource.startswith(("path/", "action/")):
            raise BadRequestException("AWS ARN for integration must contain path or action")
        if integration_type == "AWS_PROXY" and not _proxy_target_ok(fields[4], resource):
            raise BadRequestException(_AWS_PROXY_MESSAGE)


def _proxy_target_ok(subservice: str, resource: str) -> bool:
    """AWS_PROXY reaches a Lambda function (``lambda:path/2015-03-31/functions/{arn}/invocations``)
    or a Firehose stream (``firehose:action/PutRecord``), nothing else."""
    if subservice == "lambda":
        match = _LAMBDA_PATH_RE.fullmatch(resource)
        target = match[1] if match else ""
        return (target.startswith("arn:") and ":function:" in target) or "${stageVariables." in target
    if subservice == "firehose":
        return resource in ("action/PutRecord", "action/PutRecordBatch")
    return False


def check_integration(integration: dict[str, Any], method: dict[str, Any]) -> dict[str, Any]:
    """Whole-document checks of an Integration (after Put or after a patch), in AWS's order."""
    kind = integration.get("type")
    if kind not in INTEGRATION_TYPES:
        raise BadRequestException(
            "Invalid integration type specified. Valid options are " + ",".join(INTEGRATION_TYPES)
        )
    if integration.get("httpMethod"):
        integration["httpMethod"] = common.check_http_method(integration["httpMethod"])
    elif kind in _NEEDS_HTTP_METHOD:
        raise BadRequestException("Enumeration value for HttpMethod must be non-empty")
    else:
        integration.pop("httpMethod", None)
    check_uri(kind, integration.get("uri"))
    timeout = integration.get("timeoutInMillis")
    if not isinstance(timeout, int) or not MIN_TIMEOUT_MS <= timeout <= MAX_TIMEOUT_MS:
        raise BadRequestException(f"Timeout should be between {MIN_TIMEOUT_MS} ms and {MAX_TIMEOUT_MS} ms")
    if integration.get("passthroughBehavior") not in PASSTHROUGH_BEHAVIORS:
        raise BadRequestException("Invalid passthrough behavior specified")
    if integration.get("contentHandling") not in (None, *CONTENT_HANDLING):
        raise BadRequestException("Invalid content handling specified")
    if integration.get("connectionType") not in (None, *CONNECTION_TYPES):
        raise BadRequestException("Invalid connection type specified")
    check_request_parameters(integration.get("requestParameters"), method)
    templates = check_templates(integration.get("requestTemplates"))
    if templates is not None:
        integration["requestTemplates"] = templates
    for parameter in integration.get("cacheKeyParameters") or []:
        _string_value(parameter)
    return integration


def check_integration_response(response: dict[str, Any], method: dict[str, Any]) -> dict[str, Any]:
    """``method.response.header.X`` targets must be declared by the MethodResponse of the same
    status code; sources are integration response headers/body, context, stage variables or
    literals; templates keyed by content type."""
    status = response["statusCode"]
    declared = ((method.get("methodResponses") or {}).get(status) or {}).get("responseParameters") or {}
    for key, value in (response.get("responseParameters") or {}).items():
        _string_value(value)
        if not _RESPONSE_HEADER_RE.fullmatch(str(key)):
            raise common.mapping_error(key)
        if key not in declared:
            raise common.mapping_parameter_error(key)
        source = str(value or "")
        if not (_RESPONSE_SOURCE_RE.fullmatch(source) or _COMMON_SOURCE_RE.fullmatch(source)):
            raise common.mapping_error(source)
    templates = check_templates(response.get("responseTemplates"))
    if templates is not None:
        response["responseTemplates"] = templates
    if response.get("contentHandling") not in (None, *CONTENT_HANDLING):
        raise BadRequestException("Invalid content handling specified")
    # selectionPattern is a Java regex; Python's ``re`` is not a judge of it (``\p{Alpha}``), so it
    # is stored as given and the data plane's compile step decides what it can match.
    return response
