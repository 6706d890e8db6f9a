"""Parameter mapping: ``requestParameters`` / ``responseParameters`` expressions, ``${stageVariables.x}``.

Integration request mapping (``Integration.requestParameters``), digest §2.4::

    integration.request.{path|querystring|header|multivaluequerystring|multivalueheader}.NAME
        <- method.request.{path|querystring|multivaluequerystring|header|multivalueheader}.NAME
         | method.request.body | method.request.body.JSONPATH
         | context.VAR | stageVariables.NAME | 'static'

Integration response mapping (``IntegrationResponse.responseParameters``), digest §2.5::

    method.response.header.NAME
        <- integration.response.header.NAME | integration.response.multivalueheader.NAME
         | integration.response.body | integration.response.body.JSONPATH
         | context.VAR | stageVariables.NAME | 'static'

Expressions are parsed once and cached by their text (``compile_request_parameters`` /
``compile_response_parameters`` warm the cache and let the compile step validate a deployment), so
a request only evaluates. A source with no value (an absent header, a JSONPath that matches
nothing) leaves the destination unset, as AWS does.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from apigate.vtl.context import context_variables, lookup
from apigate.vtl.jsonpath import JsonPathError, query

if TYPE_CHECKING:
    from apigate.dataplane.context import Headers, InvocationContext

log = logging.getLogger(__name__)

Value = str | list[str] | None

REQUEST_LOCATIONS = frozenset({"path", "querystring", "header", "multivaluequerystring", "multivalueheader"})
_STAGE_VARIABLE = re.compile(r"\$\{stageVariables\.([A-Za-z0-9_.:/?#&=,-]+)\}")


@dataclass(frozen=True, slots=True)
class Source:
    """A parsed mapping expression: ``kind`` names where the value comes from, ``name`` which one."""

    kind: str  # static | context | stage | path | querystring | ... | body | body_path | header ...
    name: str = ""


@dataclass(frozen=True, slots=True)
class RequestMapping:
    location: str  # path | querystring | header | multivaluequerystring | multivalueheader
    name: str
    source: Source


@dataclass(frozen=True, slots=True)
class ResponseMapping:
    header: str
    source: Source


_MAX_CACHED = 4096
_compiled_requests: dict[tuple[tuple[str, str], ...], tuple[RequestMapping, ...]] = {}
_compiled_responses: dict[tuple[tuple[str, str], ...], tuple[ResponseMapping, ...]] = {}


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> Any:
    if len(cache) >= _MAX_CACHED:  # bounded: a long-lived process sees many deployments
        cache.clear()
    cache[key] = value
    return value


def _common_source(expression: str) -> Source | None:
    if len(expression) >= 2 and expression[0] == "'" and expression[-1] == "'":
        return Source("static", expression[1:-1])
    if expression.startswith("context.") and len(expression) > 8:
        return Source("context", expression[8:])
    if expression.startswith("stageVariables.") and len(expression) > 15:
        return Source("stage", expression[15:])
    return None


def _body_source(rest: str) -> Source | None:
    """``body`` or ``body.JSONPATH`` (the path is written without its leading ``$.``)."""
    if rest == "body":
        return Source("body")
    if rest.startswith("body."):
        path = "$." + rest[5:]
        try:
            query({}, path)  # parses (and caches) the JSONPath now
        except JsonPathError:
            return None
        return Source("body_path", path)
    return None


_request_sources: dict[str, Source | None] = {}
_response_sources: dict[str, Source | None] = {}


def parse_request_source(expression: str) -> Source | None:
    """A ``requestParameters`` value; None when it is not a valid expression."""
    expression = expression.strip()
    if expression in _request_sources:
        return _request_sources[expression]
    source = _common_source(expression)
    if source is None and expression.startswith("method.request."):
        rest = expression[15:]
        source = _body_source(rest)
        location, _, name = rest.partition(".")
        if source is None and location in REQUEST_LOCATIONS and name:
            source = Source(location, name)
    return _remember(_request_sources, expression, source)


def parse_response_source(expression: str) -> Source | None:
    """A ``responseParameters`` value; None when it is not a valid expression."""
    expression = expression.strip()
    if expression in _response_sources:
        return _response_sources[expression]
    source = _common_source(expression)
    if source is None and expression.startswith("integration.response."):
        rest = expression[21:]
        source = _body_source(rest)
        location, _, name = rest.partition(".")
        if source is None and location in ("header", "multivalueheader") and name:
            source = Source(location, name)
    return _remember(_response_sources, expression, source)


def compile_request_parameters(parameters: dict[str, str]) -> tuple[RequestMapping, ...]:
    """Parse ``Integration.requestParameters``; invalid entries are logged and left out."""
    mappings: list[RequestMapping] = []
    for destination, expression in parameters.items():
        location, _, name = destination.removeprefix("integration.request.").partition(".")
        source = parse_request_source(expression) if isinstance(expression, str) else None
        if not destination.startswith("integration.request.") or location not in REQUEST_LOCATIONS \
                or not name or source is None:
            log.warning("ignoring invalid request parameter mapping %r <- %r", destination, expression)
            continue
        mappings.append(RequestMapping(location, name, source))
    return tuple(mappings)


def compile_response_parameters(parameters: dict[str, str]) -> tuple[ResponseMapping, ...]:
    """Parse ``IntegrationResponse.responseParameters``; invalid entries are logged and left out."""
    mappings: list[ResponseMapping] = []
    for destination, expression in parameters.items():
        header = destination.removeprefix("method.response.header.")
        source = parse_response_source(expression) if isinstance(expression, str) else None
        if header == destination or not header or source is None:
            log.warning("ignoring invalid response parameter mapping %r <- %r", destination, expression)
            continue
        mappings.append(ResponseMapping(header, source))
    return tuple(mappings)


def request_mappings(parameters: dict[str, str]) -> tuple[RequestMapping, ...]:
    """``compile_request_parameters`` memoised on the mapping's content."""
    key = tuple(parameters.items())
    found = _compiled_requests.get(key)
    if found is None:
        found = _remember(_compiled_requests, key, compile_request_parameters(parameters))
    return found


def response_mappings(parameters: dict[str, str]) -> tuple[ResponseMapping, ...]:
    """``compile_response_parameters`` memoised on the mapping's content."""
    key = tuple(parameters.items())
    found = _compiled_responses.get(key)
    if found is None:
        found = _remember(_compiled_responses, key, compile_response_parameters(parameters))
    return found


# --- evaluation -------------------------------------------------------------------------------


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


def _body_value(source: Source, body: bytes) -> Value:
    if source.kind == "body":
        return body.decode("utf-8", "replace")
    try:
        document = orjson.loads(body) if body.strip() else {}
    except orjson.JSONDecodeError:
        return None
    return _json_text(query(document, source.name))


class _Lazy:
    """Per-evaluation state computed only when an expression needs it ($context is a dict build)."""

    __slots__ = ("_context", "ctx")

    def __init__(self, ctx: InvocationContext) -> None:
        self.ctx = ctx
        self._context: dict[str, Any] | None = None

    def common(self, source: Source) -> Value:
        if source.kind == "static":
            return source.name
        if source.kind == "stage":
            return self.ctx.stage_variables.get(source.name)
        if self._context is None:
            self._context = context_variables(self.ctx)
        value = lookup(self._context, source.name)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dict, list)):
            return _json_text(value)
        return str(value)


def _method_request_value(ctx: InvocationContext, source: Source) -> Value:
    request = ctx.request
    kind, name = source.kind, source.name
    if kind == "path":
        return ctx.path_parameters.get(name)
    if kind in ("querystring", "multivaluequerystring"):
        values = [v for k, v in request.query if k == name]
        if not values:
            return None
        # Single-value sources keep the last value of a repeated name, as the proxy event does.
        return values[-1] if kind == "querystring" else values
    if kind in ("header", "multivalueheader"):
        values = request.headers.get_all(name)
        if not values:
            return None
        return values[-1] if kind == "header" else values
    return _body_value(source, request.body)


def evaluate_request_source(ctx: InvocationContext, source: Source, lazy: _Lazy | None = None) -> Value:
    """The value of a ``requestParameters`` source for this request."""
    if source.kind in ("static", "stage", "context"):
        return (lazy or _Lazy(ctx)).common(source)
    return _method_request_value(ctx, source)


def evaluate_response_source(
    ctx: InvocationContext, source: Source, headers: Headers, body: bytes, lazy: _Lazy | None = None
) -> Value:
    """The value of a ``responseParameters`` source against the integration's response."""
    if source.kind in ("static", "stage", "context"):
        return (lazy or _Lazy(ctx)).common(source)
    if source.kind == "header":
        values = headers.get_all(source.name)
        return values[-1] if values else None
    if source.kind == "multivalueheader":
        values = headers.get_all(source.name)
        return values or None
    return _body_value(source, body)


def map_request(ctx: InvocationContext, parameters: dict[str, str]) -> dict[str, dict[str, list[str]]]:
    """Evaluate ``requestParameters``: ``{location: {name: [values]}}`` for the five locations.

    A multi-value source mapped to a single-value destination is joined with commas (AWS's rule for
    multi-value parameters); a single value mapped to a multi-value destination is a one-item list.
    """
    mapped: dict[str, dict[str, list[str]]] = {}
    if not parameters:
        return mapped
    lazy = _Lazy(ctx)
    for mapping in request_mappings(parameters):
        value = evaluate_request_source(ctx, mapping.source, lazy)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        if not mapping.location.startswith("multivalue"):
            values = [",".join(values)]
        mapped.setdefault(mapping.location, {})[mapping.name] = values
    return mapped


def map_response(
    ctx: InvocationContext, parameters: dict[str, str], headers: Headers, body: bytes
) -> list[tuple[str, str]]:
    """Evaluate ``responseParameters`` into method response headers (multi-values joined by commas)."""
    mapped: list[tuple[str, str]] = []
    if not parameters:
        return mapped
    lazy = _Lazy(ctx)
    for mapping in response_mappings(parameters):
        value = evaluate_response_source(ctx, mapping.source, headers, body, lazy)
        if value is None:
            continue
        mapped.append((mapping.header, ",".join(value) if isinstance(value, list) else value))
    return mapped


def stage_variable_names(text: str) -> tuple[str, ...]:
    """The names ``${stageVariables.name}`` references in ``text``, each once, in order."""
    return tuple(dict.fromkeys(_STAGE_VARIABLE.findall(text)))


def substitute_stage_variables(text: str, stage_variables: dict[str, str]) -> str:
    """Replace ``${stageVariables.name}`` (URIs, credentials, connection ids); undefined -> empty."""
    if "${stageVariables." not in text:
        return text
    return _STAGE_VARIABLE.sub(lambda m: stage_variables.get(m.group(1), ""), text)

