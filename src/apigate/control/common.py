"""Helpers shared by the REST API handlers and the deployment handlers.

Loading a RestApi / Resource / Method / Integration and raising the NotFoundException AWS raises,
the management ARNs, AWS's front-end constraint errors (``ValidationException``), and small helpers
around P1's patch engine.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from apigate.control.errors import BadRequestException, NotFoundException, ValidationException

if TYPE_CHECKING:
    from apigate.control.registry import ControlContext
    from apigate.store.base import Transaction

KIND_RESTAPI = "restapi"
KIND_RESOURCE = "resource"
KIND_MODEL = "model"
KIND_DEPLOYMENT = "deployment"
KIND_SNAPSHOT = "snapshot"
KIND_STAGE = "stage"
# Kinds of later issues; keyed ``{restApiId}/{id}`` like the others so DeleteRestApi reaches them.
KIND_AUTHORIZER = "authorizer"
KIND_REQUEST_VALIDATOR = "requestvalidator"
KIND_GATEWAY_RESPONSE = "gatewayresponse"
KIND_DOCUMENTATION_PART = "documentationpart"
KIND_DOCUMENTATION_VERSION = "documentationversion"

# Every kind whose keys start with ``{restApiId}/``: DeleteRestApi removes them all by prefix.
API_KINDS: tuple[str, ...] = (
    KIND_RESOURCE,
    KIND_MODEL,
    KIND_DEPLOYMENT,
    KIND_SNAPSHOT,
    KIND_STAGE,
    KIND_AUTHORIZER,
    KIND_REQUEST_VALIDATOR,
    KIND_GATEWAY_RESPONSE,
    KIND_DOCUMENTATION_PART,
    KIND_DOCUMENTATION_VERSION,
)

__all__ = ["ValidationException"]  # re-exported: handlers raise it for AWS's front-end checks

HTTP_METHODS: tuple[str, ...] = ("GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY")
PATCH_OPS: tuple[str, ...] = ("add", "remove", "move", "test", "replace", "copy")
_STATUS_CODE_RE = re.compile(r"[1-5]\d\d")


class SerializationException(BadRequestException):
    """A body member of the wrong JSON type (AWS: ``class java.lang.Boolean can not be ...``)."""

    code = "SerializationException"


# --- documents ---------------------------------------------------------------------------------


def now() -> int:
    """Timestamps are stored and returned as int epoch seconds (the v1 wire form)."""
    return int(time.time())


def public(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The document without internal ``_`` fields, as a handler returns it."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}


def rest_api_arn(region: str, api_id: str) -> str:
    """The management ARN of a RestApi (the account field is empty in API Gateway ARNs)."""
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}"


def stage_arn(region: str, api_id: str, stage_name: str) -> str:
    return f"arn:aws:apigateway:{region}::/restapis/{api_id}/stages/{stage_name}"


def api_not_found(ctx: ControlContext, rest_api_id: str) -> NotFoundException:
    return NotFoundException(f"Invalid API identifier specified {ctx.account_id}:{rest_api_id}")


async def get_rest_api(tx: Transaction, ctx: ControlContext, rest_api_id: str) -> dict[str, Any]:
    """The RestApi document of the caller's region, or AWS's NotFoundException."""
    doc = await tx.get(KIND_RESTAPI, rest_api_id)
    if doc is None or doc.get("_region", ctx.region) != ctx.region:
        raise api_not_found(ctx, rest_api_id)
    return doc


async def get_api_document(
    tx: Transaction, ctx: ControlContext, kind: str, rest_api_id: str, doc_id: str, not_found: str
) -> dict[str, Any]:
    """A ``{restApiId}/{id}`` document (Stage, Deployment, ...) of an API of the caller's region.

    AWS checks the API first: an unknown API answers ``Invalid API identifier specified``, an unknown
    document ``not_found``.
    """
    await get_rest_api(tx, ctx, rest_api_id)
    doc = await tx.get(kind, f"{rest_api_id}/{doc_id}")
    if doc is None:
        raise NotFoundException(not_found)
    return doc


async def get_resource(
    tx: Transaction, ctx: ControlContext, rest_api_id: str, resource_id: str
) -> dict[str, Any]:
    """The Resource document (with its methods).

    AWS answers ``Invalid Resource identifier specified`` also when the API itself is unknown
    (PutMethod / GetIntegration / PutIntegrationResponse on a wrong restApiId).
    """
    doc = await tx.get(KIND_RESOURCE, f"{rest_api_id}/{resource_id}")
    api = await tx.get(KIND_RESTAPI, rest_api_id) if doc is not None else None
    if doc is None or api is None or api.get("_region", ctx.region) != ctx.region:
        raise NotFoundException("Invalid Resource identifier specified")
    return doc


async def list_resources(tx: Transaction, rest_api_id: str) -> list[dict[str, Any]]:
    return [doc for _, doc in await tx.list(KIND_RESOURCE, f"{rest_api_id}/")]


async def put_resource(tx: Transaction, rest_api_id: str, resource: dict[str, Any]) -> None:
    await tx.put(KIND_RESOURCE, f"{rest_api_id}/{resource['id']}", resource)


def find_method(resource: Mapping[str, Any], http_method: str) -> dict[str, Any]:
    method = (resource.get("resourceMethods") or {}).get(http_method.upper())
    if method is None:
        raise NotFoundException("Invalid Method identifier specified")
    return method


def find_integration(method: Mapping[str, Any]) -> dict[str, Any]:
    integration = method.get("methodIntegration")
    if integration is None:
        raise NotFoundException("Invalid Integration identifier specified")
    return integration


async def load_method(
    tx: Transaction, ctx: ControlContext, params: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Resource document and its Method (AWS's NotFound messages, resource first)."""
    resource = await get_resource(tx, ctx, params["restApiId"], params["resourceId"])
    return resource, find_method(resource, params["httpMethod"])


def find_response(parent: Mapping[str, Any], member: str, status_code: str) -> dict[str, Any]:
    """The MethodResponse / IntegrationResponse ``status_code`` in ``parent[member]``."""
    response = (parent.get(member) or {}).get(status_code)
    if response is None:
        raise NotFoundException("Invalid Response status code specified")
    return response


def store_entry(doc: dict[str, Any], member: str, key: str, value: dict[str, Any] | None) -> None:
    """Set ``doc[member][key]`` to ``value`` (None: remove it) on a copy of the map; a map left
    empty is dropped, as AWS omits ``resourceMethods`` / ``methodResponses`` /
    ``integrationResponses`` once the last entry is deleted."""
    entries = dict(doc.get(member) or {})
    if value is None:
        entries.pop(key, None)
    else:
        entries[key] = value
    if entries:
        doc[member] = entries
    else:
        doc.pop(member, None)


# --- AWS front-end validation (ValidationException) -------------------------------------------


def enum_violation(value: object, where: str, allowed: Iterable[str]) -> str:
    return (
        f"Value '{value}' at '{where}' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(allowed)}]"
    )


def raise_validation(errors: list[str]) -> None:
    """Raise one ValidationException listing ``errors`` (AWS's wording), if there are any."""
    if not errors:
        return
    count = len(errors)
    noun = "error" if count == 1 else "errors"
    raise ValidationException(f"{count} validation {noun} detected: " + "; ".join(errors))


def patch_op_violations(input_name: str, operations: list[dict[str, Any]] | None) -> list[str]:
    """AWS checks every op against the PatchOperation enum before anything else (1-based index)."""
    return [
        enum_violation(op.get("op"), f"{input_name}.patchOperations.{index}.member.op", PATCH_OPS)
        for index, op in enumerate(operations or [], start=1)
        if op.get("op") not in PATCH_OPS
    ]


def patch_operations(
    params: Mapping[str, Any], input_name: str, more_violations: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The request's ``patchOperations`` (``[]`` when absent), after AWS's front-end check: every op
    against the PatchOperation enum, then ``more_violations``, all in one ValidationException."""
    operations: list[dict[str, Any]] = params.get("patchOperations") or []
    raise_validation(patch_op_violations(input_name, operations) + list(more_violations))
    return operations


def status_code_violations(status_code: str) -> list[str]:
    if _STATUS_CODE_RE.fullmatch(status_code or ""):
        return []
    return [
        f"Value '{status_code}' at 'statusCode' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [1-5]\\d\\d"
    ]


def check_http_method(http_method: str | None) -> str:
    """The upper-cased verb, or AWS's BadRequestException listing the valid ones."""
    verb = (http_method or "").upper()
    if verb not in HTTP_METHODS:
        raise BadRequestException(
            "Invalid HttpMethod specified. Valid options are " + ",".join(HTTP_METHODS)
        )
    return verb


def mapping_error(expression: object) -> BadRequestException:
    """A malformed parameter-mapping key or value (AWS reports it in its validator's words)."""
    return BadRequestException(
        "Invalid mapping expression specified: Validation Result: warnings : [], "
        f"errors : [Invalid mapping expression specified: {expression}]"
    )


def mapping_parameter_error(expression: object) -> BadRequestException:
    """A mapping that references a parameter the method (response) does not declare."""
    return BadRequestException(
        "Invalid mapping expression specified: Validation Result: warnings : [], "
        f"errors : [Invalid mapping expression parameter specified: {expression}]"
    )


# --- patch operations ---------------------------------------------------------------------------


def touched_fields(operations: list[dict[str, Any]] | None) -> set[str]:
    """The top-level members the ops address (``/requestModels/application~1json`` -> requestModels)."""
    return {
        str(op.get("path", "")).split("/")[1]
        for op in operations or []
        if isinstance(op.get("path"), str) and op["path"].count("/") >= 1
    }


def prune_emptied(doc: dict[str, Any], operations: list[dict[str, Any]] | None, *fields: str) -> None:
    """Drop maps a patch left empty: AWS omits ``requestParameters`` once its last entry is removed
    (while a map sent empty with Put* is echoed as ``{}``)."""
    for field in touched_fields(operations).intersection(fields):
        if doc.get(field) in ({}, []):
            doc.pop(field)


def parse_policy(policy: str | None) -> dict[str, Any] | None:
    """A RestApi ``policy`` as a dict: AWS stores it JSON-escaped (``{\\"Version\\":...}``)."""
    if not policy:
        return None
    for text in (policy, policy.replace('\\"', '"')):
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None
