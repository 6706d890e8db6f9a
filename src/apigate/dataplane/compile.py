"""Compile a deployment snapshot once into the immutable objects the request path uses.

Every mapping template is compiled here (``apigate.vtl.compile_template``), every integration
response's ``selectionPattern`` becomes a compiled regex, and the router is built, so a request never
parses configuration.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apigate.dataplane.compiled import (
    CompiledDeployment,
    CompiledIntegration,
    CompiledIntegrationResponse,
    CompiledMethod,
    CompiledResource,
)
from apigate.dataplane.errors import API_CONFIGURATION_ERROR
from apigate.dataplane.router import Router

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext
    from apigate.vtl import Template

log = logging.getLogger(__name__)

TemplateCompiler = Callable[[str], Any]

DEFAULT_TIMEOUT_MS = 29000  # PutIntegration's default timeoutInMillis


class BrokenTemplate:
    """Stands in for a template that does not compile.

    AWS accepts any text as a mapping template when it is written and fails the invocation that
    uses it (500, "Internal server error"), so a bad template must not stop the deployment from
    compiling: it raises API_CONFIGURATION_ERROR when rendered.
    """

    __slots__ = ("is_empty", "reason", "source")

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        self.is_empty = False  # Template's attribute: an empty template means "pass through"

    def render(self, ctx: InvocationContext, body: bytes | str, *, response: bool = False) -> str:
        raise API_CONFIGURATION_ERROR(log=f"Unable to parse mapping template: {self.reason}")


def _compile_vtl(source: str) -> Template:
    # Imported here, not at module level: the VTL environment is a separate piece with a heavy
    # engine behind it, and a deployment without templates must compile without loading it.
    from apigate.vtl import compile_template

    return compile_template(source)


def compile_selection_pattern(pattern: str | None) -> re.Pattern[str] | None:
    """A selectionPattern as a regex to use with ``fullmatch`` (AWS matches the whole string).

    Java's ``.`` does not cross line terminators and neither does Python's without DOTALL, so the
    pattern is used as written. A pattern Python cannot compile never matches (and is logged):
    AWS would not select it either, it would fall to the default response.
    """
    if not pattern:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        log.warning("selectionPattern %r does not compile (%s); it will never match", pattern, exc)
        return re.compile(r"(?!)")


def _templates(templates: dict[str, str] | None, compile_template: TemplateCompiler) -> dict[str, Template]:
    compiled: dict[str, Any] = {}  # Template, or BrokenTemplate (same render signature)
    for content_type, source in (templates or {}).items():
        try:
            compiled[content_type] = compile_template(source or "")
        except ImportError:
            raise
        except Exception as exc:
            compiled[content_type] = BrokenTemplate(source, str(exc))
    return compiled


def _status_number(status_code: str) -> int | None:
    """None when not a number: the request path then fails on it as ``int()`` does."""
    return int(status_code) if status_code.isdecimal() else None


def _status_key(status_code: str) -> tuple[int, str]:
    return (int(status_code), status_code) if status_code.isdigit() else (10**6, status_code)


def _integration_responses(
    docs: dict[str, dict[str, Any]], compile_template: TemplateCompiler
) -> tuple[tuple[CompiledIntegrationResponse, ...], CompiledIntegrationResponse | None]:
    """Responses with a selectionPattern in status-code order, and the default one.

    AWS tries the patterns and, when none matches, uses the response that has no pattern. The
    order among patterns is not documented; status-code order is deterministic and is what a
    reader of GetIntegration (which lists them by status code) expects. With several responses
    without a pattern, the lowest status code is the default.
    """
    patterned: list[CompiledIntegrationResponse] = []
    default: CompiledIntegrationResponse | None = None
    for status_code in sorted(docs, key=_status_key):
        doc = docs[status_code]
        templates = _templates(doc.get("responseTemplates"), compile_template)
        response = CompiledIntegrationResponse(
            status_code=str(doc.get("statusCode") or status_code),
            selection_pattern=compile_selection_pattern(doc.get("selectionPattern")),
            response_parameters=dict(doc.get("responseParameters") or {}),
            response_templates=templates,
            content_handling=doc.get("contentHandling"),
            status=_status_number(str(doc.get("statusCode") or status_code)),
            only_template=next(iter(templates.items())) if len(templates) == 1 else None,
        )
        if response.selection_pattern is not None:
            patterned.append(response)
        elif default is None:
            default = response
    ordered = (*patterned, default) if default is not None else tuple(patterned)
    return ordered, default


def _lambda_target(kind: str, uri: str | None) -> Any:
    if kind not in ("AWS", "AWS_PROXY"):
        return None
    from apigate.integrations import lambda_target  # AWS types only: most deployments have none

    return lambda_target.parse(uri)


def compile_integration(doc: dict[str, Any], compile_template: TemplateCompiler) -> CompiledIntegration:
    responses, default = _integration_responses(doc.get("integrationResponses") or {}, compile_template)
    timeout = doc.get("timeoutInMillis")
    backend_method = str(doc.get("httpMethod") or "").upper()
    kind = str(doc.get("type") or "MOCK").upper()
    return CompiledIntegration(
        type=kind,
        http_method=doc.get("httpMethod"),
        uri=doc.get("uri"),
        request_parameters=dict(doc.get("requestParameters") or {}),
        request_templates=_templates(doc.get("requestTemplates"), compile_template),
        passthrough_behavior=doc.get("passthroughBehavior") or "WHEN_NO_MATCH",
        content_handling=doc.get("contentHandling"),
        timeout_ms=int(timeout) if timeout else DEFAULT_TIMEOUT_MS,
        cache_namespace=doc.get("cacheNamespace"),
        cache_key_parameters=tuple(doc.get("cacheKeyParameters") or ()),
        integration_responses=responses,
        default_response=default,
        connection_type=doc.get("connectionType") or "INTERNET",
        connection_id=doc.get("connectionId"),
        credentials=doc.get("credentials"),
        raw=doc,
        backend_method=backend_method if backend_method not in ("", "ANY") else None,
        has_selection_patterns=default is None or len(responses) > 1,
        lambda_target=_lambda_target(kind, doc.get("uri")),
    )


def compile_method(
    resource: dict[str, Any], verb: str, doc: dict[str, Any], compile_template: TemplateCompiler
) -> CompiledMethod:
    integration = doc.get("methodIntegration")
    return CompiledMethod(
        http_method=str(doc.get("httpMethod") or verb).upper(),
        resource_id=resource["id"],
        resource_path=resource.get("path") or "/",
        authorization_type=doc.get("authorizationType") or "NONE",
        authorizer_id=doc.get("authorizerId"),
        api_key_required=bool(doc.get("apiKeyRequired")),
        request_parameters=dict(doc.get("requestParameters") or {}),
        request_models=dict(doc.get("requestModels") or {}),
        request_validator_id=doc.get("requestValidatorId"),
        method_responses=dict(doc.get("methodResponses") or {}),
        integration=compile_integration(integration, compile_template) if integration else None,
        raw=doc,
    )


def compile_resource(doc: dict[str, Any], compile_template: TemplateCompiler) -> CompiledResource:
    methods = {
        verb.upper(): compile_method(doc, verb, method, compile_template)
        for verb, method in (doc.get("resourceMethods") or {}).items()
    }
    return CompiledResource(id=doc["id"], path=doc.get("path") or "/", path_part=doc.get("pathPart"),
                            methods=methods)


def _customised_gateway_responses(docs: dict[str, Any] | list[Any] | None) -> dict[str, dict[str, Any]]:
    """Only responses the API changed: an entry with ``defaultResponse: true`` is AWS's own default."""
    items = docs.values() if isinstance(docs, dict) else (docs or [])
    return {
        doc["responseType"]: doc
        for doc in items
        if isinstance(doc, dict) and doc.get("responseType") and not doc.get("defaultResponse")
    }


def _by(items: list[dict[str, Any]] | None, key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items or () if key in item}


def compile_deployment(
    api_id: str,
    deployment_id: str,
    snapshot: dict[str, Any],
    *,
    compile_template: TemplateCompiler | None = None,
) -> CompiledDeployment:
    """Turn a deployment snapshot (``control/snapshot.py``'s shape) into a ``CompiledDeployment``."""
    compiler = compile_template or _compile_vtl
    rest_api = snapshot.get("restApi") or {}
    resources = {doc["id"]: compile_resource(doc, compiler) for doc in snapshot.get("resources") or ()}
    return CompiledDeployment(
        deployment_id=deployment_id,
        api_id=api_id,
        rest_api=rest_api,
        resources=resources,
        router=Router(resources.values()),
        gateway_responses=_customised_gateway_responses(snapshot.get("gatewayResponses")),
        binary_media_types=tuple(rest_api.get("binaryMediaTypes") or ()),
        models=_by(snapshot.get("models"), "name"),
        request_validators=_by(snapshot.get("requestValidators"), "id"),
        authorizers=_by(snapshot.get("authorizers"), "id"),
    )


def empty_deployment(api_id: str = "") -> CompiledDeployment:
    """A deployment with no resources: every route misses (unknown stage -> Missing Authentication Token)."""
    return compile_deployment(api_id, "", {}, compile_template=str)
