"""``$input``: the payload and the method request's parameters, as a mapping template sees them.

In a request template the payload is the method request body; in a response template it is the
integration response body, while ``params`` stay the method request's (AWS's behaviour). The body is
parsed as JSON at most once per render, and only when ``json``/``path`` ask for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from apigate.vtl.jsonpath import query
from apigate.vtl.values import VtlMap, to_json, to_vtl

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_UNPARSED: Any = object()


class BodyNotJson(ValueError):
    """``$input.json``/``$input.path`` on a payload that is not JSON."""


class HeaderMap(VtlMap):
    """``$input.params().header``: keeps the names as received, finds them whatever their case.

    HTTP header names are case-insensitive, and an ASGI server hands them over lower-cased, so
    ``.header.get('Content-Type')`` must not depend on the casing that reached the gateway.
    """

    __slots__ = ()

    def __missing__(self, key: Any) -> Any:
        if isinstance(key, str):
            lowered = key.lower()
            for name, value in dict.items(self):
                if name.lower() == lowered:
                    return value
        raise KeyError(key)

    def get(self, key: Any, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def containsKey(self, key: Any) -> bool:
        return self.get(key) is not None


def method_request_params(ctx: InvocationContext) -> VtlMap:
    """``$input.params()``: ``{path: {...}, querystring: {...}, header: {...}}``.

    Single-value maps keep the last value of a repeated query-string name or header, as the
    single-value maps of the proxy event do; header names keep the client's casing.
    """
    request = ctx.request
    querystring = VtlMap()
    for name, value in request.query:
        querystring[name] = value
    header = HeaderMap()
    for name, value in request.headers.items:
        header[name] = value
    return VtlMap(path=VtlMap(ctx.path_parameters), querystring=querystring, header=header)


class VtlInput:
    """The object bound to ``$input``."""

    __slots__ = ("_ctx", "_doc", "_params", "_text")

    def __init__(self, ctx: InvocationContext, body: bytes | str) -> None:
        self._ctx = ctx
        self._text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        self._doc: Any = _UNPARSED
        self._params: VtlMap | None = None

    @property
    def body(self) -> str:
        # AWS-validated: an empty payload renders as "{}".
        return self._text or "{}"

    def _document(self) -> Any:
        if self._doc is _UNPARSED:
            text = self._text
            if not text.strip():
                self._doc = {}
            else:
                try:
                    self._doc = orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    raise BodyNotJson(str(exc)) from None
        return self._doc

    def json(self, path: str | None = "$") -> str:
        """The JSONPath result serialised as JSON (strings come quoted).

        A path that matches nothing gives ``null``: JSON that stays valid inside a template, as
        ``{"name": $input.json('$.name')}`` is usually written.
        """
        return to_json(query(self._document(), path or "$"))

    def path(self, path: str | None = "$") -> Any:
        """The JSONPath result as an object (maps print ``{k=v}``, lists print as JSON)."""
        return to_vtl(query(self._document(), path or "$"))

    def params(self, name: Any = None) -> Any:
        """All parameters, or one searched in path, then query string, then header."""
        if self._params is None:
            self._params = method_request_params(self._ctx)
        if name is None:
            return self._params
        key = str(name)
        for location in ("path", "querystring"):
            value = self._params[location].get(key)
            if value is not None:
                return value
        value = self._params["header"].get(key)
        return "" if value is None else value

    def __repr__(self) -> str:
        return "$input"
