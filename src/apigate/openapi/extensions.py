"""The document-level ``x-amazon-apigateway-*`` extensions and ``info``.

- ``info.title`` / ``description`` / ``version`` -> the RestApi's name, description and version (a
  version written as a number is its text: ``version: 1`` -> ``"1"``, recorded);
- ``-binary-media-types``, ``-minimum-compression-size``, ``-api-key-source``, ``-policy`` (an object
  or its JSON text), ``-endpoint-configuration`` (``vpcEndpointIds``, ``disableExecuteApiEndpoint``)
  -> the RestApi's members of the same names;
- ``-request-validators`` -> RequestValidators (``-request-validator`` names the default one);
- ``-gateway-responses`` -> customised GatewayResponses (stored as PutGatewayResponse stores them);
- ``-documentation`` -> DocumentationParts (not with ``ignore=documentation``).
"""

from __future__ import annotations

import json
from typing import Any

from apigate.control.common import status_code_violations
from apigate.control.documentation_parts import check_location, check_properties
from apigate.control.errors import BadRequestException
from apigate.control.gateway_responses import RESPONSE_TYPES, built_in
from apigate.control.restapis import API_KEY_SOURCES
from apigate.control.validation import AWS_ENUM_ORDER
from apigate.openapi.issues import ImportIssues
from apigate.openapi.spec import Spec

_PART_TYPES = frozenset(AWS_ENUM_ORDER[("apigateway", "DocumentationPartType")])


def rest_api_params(spec: Spec, issues: ImportIssues) -> dict[str, Any]:
    """CreateRestApi-style parameters the document gives (members it does not mention are absent)."""
    info = spec.info
    params: dict[str, Any] = {}
    for member in ("title", "description", "version"):
        value = info.get(member)
        if value is not None and value != "":
            params["name" if member == "title" else member] = _text(value)
    types = spec.extension("binary-media-types")
    if isinstance(types, list):
        params["binaryMediaTypes"] = [str(t) for t in types]
    size = spec.extension("minimum-compression-size")
    if size is not None:
        params["minimumCompressionSize"] = size
    source = spec.extension("api-key-source")
    if source is not None:
        if str(source).upper() not in API_KEY_SOURCES:
            issues.error("Invalid API Key Source specified. Valid options are HEADER,AUTHORIZER")
        params["apiKeySource"] = str(source).upper()
    policy = spec.extension("policy")
    if policy is not None:
        params["policy"] = policy if isinstance(policy, str) else json.dumps(policy)
    endpoint = spec.extension("endpoint-configuration")
    if isinstance(endpoint, dict):
        if isinstance(endpoint.get("vpcEndpointIds"), list):
            params["vpcEndpointIds"] = [str(v) for v in endpoint["vpcEndpointIds"]]
        if isinstance(endpoint.get("disableExecuteApiEndpoint"), bool):
            params["disableExecuteApiEndpoint"] = endpoint["disableExecuteApiEndpoint"]
    return params


def request_validators(spec: Spec, ids: dict[str, str]) -> list[dict[str, Any]]:
    """RequestValidator documents, named as in the document; ``ids`` gives each name its id."""
    validators = spec.extension("request-validators")
    docs = []
    for name, flags in (validators if isinstance(validators, dict) else {}).items():
        flags = flags if isinstance(flags, dict) else {}
        docs.append({
            "id": ids[str(name)],
            "name": str(name),
            "validateRequestBody": flags.get("validateRequestBody") is True,
            "validateRequestParameters": flags.get("validateRequestParameters") is True,
        })
    return docs


def validator_names(spec: Spec) -> list[str]:
    validators = spec.extension("request-validators")
    return [str(name) for name in validators] if isinstance(validators, dict) else []


def gateway_responses(spec: Spec, issues: ImportIssues) -> list[dict[str, Any]]:
    responses = spec.extension("gateway-responses")
    docs = []
    for response_type, raw in (responses if isinstance(responses, dict) else {}).items():
        if response_type not in RESPONSE_TYPES or not isinstance(raw, dict):
            issues.warn(f"Invalid gateway response type '{response_type}': ignored")
            continue
        doc = built_in(response_type)
        doc["defaultResponse"] = False
        if raw.get("statusCode") is not None:
            status = _text(raw["statusCode"])
            if status_code_violations(status):
                issues.error(f"Unable to put gateway response '{response_type}': "
                             f"Invalid status code specified: {status}")
                continue
            doc["statusCode"] = status
        for member in ("responseParameters", "responseTemplates"):
            if isinstance(raw.get(member), dict):
                doc[member] = {str(k): _text(v) for k, v in raw[member].items()}
        docs.append(doc)
    return docs


def documentation_parts(spec: Spec, issues: ImportIssues) -> list[dict[str, Any]]:
    """DocumentationParts (without ids): ``location`` and ``properties`` as CreateDocumentationPart
    stores them; an entry that cannot be read is a warning."""
    extension = spec.extension("documentation")
    parts = extension.get("documentationParts") if isinstance(extension, dict) else None
    docs = []
    for index, part in enumerate(parts if isinstance(parts, list) else []):
        try:
            location = part.get("location") if isinstance(part, dict) else None
            if not isinstance(location, dict) or location.get("type") not in _PART_TYPES:
                shown = json.dumps(location, separators=(", ", ": "))
                raise BadRequestException(f"Invalid documentation part location: {shown}")
            properties = part.get("properties")
            text = properties if isinstance(properties, str) else json.dumps(
                properties or {}, separators=(",", ":")
            )
            docs.append({"location": check_location(location), "properties": check_properties(text)})
        except BadRequestException as exc:
            issues.warn(f"Unable to import documentation part {index}: {exc.message}")
    return docs


def _text(value: Any) -> str:
    """A scalar as AWS reads it into a string member (``1`` -> ``"1"``, ``1.0`` -> ``"1.0"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)
