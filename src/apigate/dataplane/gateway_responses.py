"""Turn a ``GatewayError`` into the stage's gateway response (status, headers, body).

Resolution, as AWS documents it: the API's customised response for the error's type, else the
customised DEFAULT_4XX / DEFAULT_5XX (chosen by the type's own status class), else the built-in
default. The chosen customisation is used whole (its templates and parameters; the built-in body
when it has no template), except for the status code: a customised DEFAULT_4XX/5XX status code also
becomes the status of every type of its class that has no status code of its own, as AWS documents.

Gateway response templates are not VTL: AWS substitutes ``$context.*``, ``$stageVariables.*`` and
``$method.request.*`` references and nothing else. ``responseParameters`` map
``gatewayresponse.header.X`` from ``'static'``, ``method.request.*``, ``stageVariables.*`` or
``context.*``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson

from apigate.dataplane.context import Headers, MethodResponse

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext
    from apigate.dataplane.errors import GatewayError

JSON = "application/json"
_REFERENCE = re.compile(
    r"\$(?:\{(?P<braced>[^}]+)\}"
    r"|(?P<plain>(?:context|stageVariables|method\.request)(?:\.[A-Za-z0-9_\-]+)+))"
)
_HEADER_PREFIX = "gatewayresponse.header."


def render(ctx: InvocationContext, err: GatewayError) -> None:
    """Replace ``ctx.response`` with the gateway response for ``err``; records ``ctx.error``."""
    ctx.error = err
    own_status_class = "DEFAULT_4XX" if err.status < 500 else "DEFAULT_5XX"
    customised = ctx.deployment.gateway_responses
    specific = customised.get(err.response_type) if customised else None
    fallback = customised.get(own_status_class) if customised else None
    doc = specific or fallback
    status = _status(specific, fallback, err.status)
    headers = Headers([("x-amzn-ErrorType", err.error_type)])
    templates = doc.get("responseTemplates") if doc else None
    if templates:
        content_type, template = _select_template(ctx, templates)
        body = substitute(ctx, template).encode()
        headers.items.append(("Content-Type", content_type))
    else:
        body = default_body(err)
        headers.items.append(("Content-Type", JSON))
    if doc and (parameters := doc.get("responseParameters")):
        _apply_parameters(ctx, parameters, headers)
    ctx.response = MethodResponse(status=status, headers=headers, body=body)
    if ctx.test_invoke:
        _trace_failure(ctx, err)


def default_body(err: GatewayError) -> bytes:
    """The built-in body: ``{"message": ...}`` (``Message`` for authorisation failures).

    AWS's 4xx bodies are compact (``{"message":"Missing Authentication Token"}``); its 5xx bodies
    carry a space after the colon (recorded: ``{"message": "Internal server error"}``, 36 bytes).
    """
    separator = b":" if err.status < 500 else b": "
    return b'{"' + err.message_key.encode() + b'"' + separator + orjson.dumps(err.message) + b"}"


def _status(specific: dict[str, Any] | None, fallback: dict[str, Any] | None, default: int) -> int:
    for doc in (specific, fallback):
        if doc and (code := doc.get("statusCode")):
            try:
                return int(code)
            except (TypeError, ValueError):
                continue
    return default


def _select_template(ctx: InvocationContext, templates: dict[str, Any]) -> tuple[str, str]:
    """By the client's Accept (first media type), then application/json, then the first defined."""
    accept = ctx.request.headers.get("accept")
    if accept:
        wanted = accept.split(",", 1)[0].split(";", 1)[0].strip().lower()
        for content_type, template in templates.items():
            if content_type.lower() == wanted and isinstance(template, str):
                return content_type, template
    template = templates.get(JSON)
    if isinstance(template, str):
        return JSON, template
    for content_type, template in templates.items():
        if isinstance(template, str):
            return content_type, template
    return JSON, ""


def substitute(ctx: InvocationContext, template: str) -> str:
    """Replace ``$context.x``, ``$stageVariables.x``, ``$method.request.x`` (and ``${...}`` forms)."""
    if "$" not in template:
        return template

    def replace(match: re.Match[str]) -> str:
        name = match.group("braced") or match.group("plain")
        value = reference_value(ctx, name)
        if value is None:
            # AWS renders an undefined reference as an empty string; text that is not a reference
            # we know (``${foo}``) is left as written.
            return "" if _is_known_reference(name) else match.group(0)
        return value

    return _REFERENCE.sub(replace, template)


def _is_known_reference(name: str) -> bool:
    return name.startswith(("context.", "stageVariables.", "method.request."))


def reference_value(ctx: InvocationContext, name: str) -> str | None:
    """The value of ``context.x``, ``stageVariables.x`` or ``method.request.{location}.{name}``."""
    if name.startswith("context."):
        return context_variable(ctx, name[8:])
    if name.startswith("stageVariables."):
        return ctx.stage_variables.get(name[15:])
    if name.startswith("method.request."):
        return method_request_value(ctx, name[15:])
    return None


def expression_value(ctx: InvocationContext, expression: str) -> str | None:
    """A responseParameters value: ``'static'`` or a reference without the ``$``."""
    expression = expression.strip()
    if len(expression) >= 2 and expression[0] == "'" and expression[-1] == "'":
        return expression[1:-1]
    return reference_value(ctx, expression)


def _apply_parameters(ctx: InvocationContext, parameters: dict[str, str], headers: Headers) -> None:
    for target, expression in parameters.items():
        if not target.startswith(_HEADER_PREFIX) or not isinstance(expression, str):
            continue
        value = expression_value(ctx, expression)
        if value is not None:
            headers.set(target[len(_HEADER_PREFIX):], value)


def method_request_value(ctx: InvocationContext, name: str) -> str | None:
    location, _, key = name.partition(".")
    request = ctx.request
    if location == "header":
        return request.headers.get(key)
    if location == "multivalueheader":
        values = request.headers.get_all(key)
        return ",".join(values) if values else None
    if location in ("querystring", "multivaluequerystring"):
        found = [v for k, v in request.query if k == key]
        if not found:
            return None
        # Single-value maps keep the last value of a repeated name, as in the proxy event.
        return found[-1] if location == "querystring" else ",".join(found)
    if location == "path":
        return ctx.path_parameters.get(key)
    return None


def _error_variable(ctx: InvocationContext, name: str) -> str | None:
    err = ctx.error
    if err is None:
        return None
    if name == "message":
        return err.message or ""
    if name == "messageString":
        return orjson.dumps(err.message).decode()
    if name == "responseType":
        return err.response_type
    if name == "validationErrorString":
        return getattr(err, "validation_error", None) or ""
    return None


def context_variable(ctx: InvocationContext, name: str) -> str | None:
    """``$context.<name>``: ``error.*`` from the error being rendered, the rest exactly as mapping
    templates and parameter mappings see them (one definition, ``apigate.vtl.context``)."""
    if name.startswith("error."):
        return _error_variable(ctx, name[6:])
    from apigate.vtl.context import context_variables, lookup

    value = lookup(context_variables(ctx), name)
    if value is None or isinstance(value, dict):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Reasons that are whole execution-log lines of AWS's already (a timeout, a Lambda function error).
_WHOLE_LINES = ("Execution failed due to", "Lambda execution failed", "Lambda invocation failed")


def _trace_failure(ctx: InvocationContext, err: GatewayError) -> None:
    reason = err.log or err.message or err.response_type
    if err.status >= 500:
        whole = reason.startswith(_WHOLE_LINES)
        ctx.trace(reason if whole else f"Execution failed due to configuration error: {reason}")
    else:
        ctx.trace(f"Gateway response type: {err.response_type} with status code: {ctx.response.status}")
        if err.log:
            ctx.trace(err.log)
