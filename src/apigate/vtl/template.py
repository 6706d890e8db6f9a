"""A mapping template compiled once per deployment and rendered per request.

``compile_template`` parses the VTL source with airspeed (``airspeed-ext``, the AWS-flavoured
Velocity engine, which already renders a null reference as an empty string the way AWS does).
``Template.render`` binds ``$input``, ``$util``, ``$context`` and ``$stageVariables`` and writes
what the template ``#set`` into ``$context.requestOverride`` / ``$context.responseOverride`` back
into ``ctx.request_override`` / ``ctx.response_override``. Those survive between the request and the
response template, so a response template can read an override a request template set
(AWS-validated), and a status override set by a request template applies to the response.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import airspeed

from apigate.dataplane.errors import API_CONFIGURATION_ERROR, BAD_REQUEST_BODY
from apigate.vtl import fast, java
from apigate.vtl.context import context_variables
from apigate.vtl.input import BodyNotJson, VtlInput
from apigate.vtl.util import UTIL
from apigate.vtl.values import VtlMap, to_plain, to_vtl

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

log = logging.getLogger(__name__)

java.install()

_REQUEST_OVERRIDE_KEYS = ("header", "querystring", "path")


class Template:
    """A compiled mapping template."""

    __slots__ = ("_compiled", "_plan", "_static", "is_empty", "source", "static_bytes")

    def __init__(self, source: str) -> None:
        self.source = source
        # AWS passes the payload through when the selected template is empty (the documented way
        # to exempt one content type from mapping).
        self.is_empty = not source.strip()
        self._compiled = airspeed.Template(source)
        self._compiled.ensure_compiled()  # syntax errors surface at compile time, not per request
        # Text and simple references are rendered by concatenation (``vtl/fast.py``: ~1 us instead
        # of the engine's ~15 us); text alone (``{"statusCode": 200}``, the most common template
        # there is) renders as itself.
        self._plan = fast.plan(self._compiled)
        self._static = self._plan.static if self._plan is not None else None
        # The UTF-8 output of a template without references (what ``render(...).encode()`` gives).
        self.static_bytes = self._static.encode() if self._static is not None else None

    def render(self, ctx: InvocationContext, body: bytes | str, *, response: bool = False) -> str:
        """Render against ``ctx``; ``body`` is the request payload, or the integration response's
        when ``response`` is true. Raises ``GatewayError`` the way AWS fails the invocation."""
        if self._static is not None:
            return self._static
        if self._plan is not None:
            # A piece that fails (``$input.json`` of a body that is not JSON) falls to the engine,
            # which fails the way AWS does. The plan only reads $context, so overrides stay as set.
            # (try/except rather than contextlib.suppress: entering a context manager costs ~0.3 us.)
            try:
                return self._plan.render(ctx, body)
            except Exception:
                pass
        return self._merge(ctx, body, response)

    def _merge(self, ctx: InvocationContext, body: bytes | str, response: bool) -> str:
        """Render with the engine (any template; the fast path's reference)."""
        context = context_variables(ctx)
        request_override = _request_override(ctx.request_override)
        response_override = _response_override(ctx.response_override)
        context["requestOverride"] = request_override
        context["responseOverride"] = response_override
        namespace: dict[str, Any] = {
            "input": VtlInput(ctx, body),
            "util": UTIL,
            "context": context,
            "stageVariables": VtlMap(ctx.stage_variables),
        }
        try:
            output = self._compiled.merge(namespace)
        except airspeed.TemplateError as exc:
            raise _render_failure(exc, response) from None
        ctx.request_override = _plain_request_override(request_override)
        ctx.response_override = to_plain(response_override)
        return output


def _request_override(current: dict[str, dict[str, str]]) -> VtlMap:
    return VtlMap((key, VtlMap(current.get(key) or {})) for key in _REQUEST_OVERRIDE_KEYS)


def _response_override(current: dict[str, Any]) -> VtlMap:
    override = to_vtl(current)
    override["header"] = to_vtl(current.get("header") or {})
    return override


def _plain_request_override(override: dict[str, Any]) -> dict[str, dict[str, str]]:
    plain: dict[str, dict[str, str]] = {}
    for key in _REQUEST_OVERRIDE_KEYS:
        values = override.get(key)
        if isinstance(values, dict) and values:
            plain[key] = {str(name): java.to_string(value) for name, value in dict.items(values)}
    return plain


def _render_failure(exc: airspeed.TemplateError, response: bool) -> Exception:
    cause = exc.__cause__
    if isinstance(cause, BodyNotJson):
        if not response:
            # AWS answers a request template that reads a non-JSON body as JSON with a 400.
            return BAD_REQUEST_BODY(f"Could not parse request body into json: {cause}")
        return API_CONFIGURATION_ERROR(log=f"Unable to transform response: {cause}")
    log.debug("mapping template failed: %s", exc)
    which = "response" if response else "request"
    return API_CONFIGURATION_ERROR(log=f"Unable to transform {which}: {exc}")


def compile_template(source: str) -> Template:
    """Parse a mapping template once (raises ``airspeed.TemplateSyntaxError`` if it is not VTL)."""
    return Template(source)
