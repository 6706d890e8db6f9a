"""MOCK: no backend; the integration request body decides the status code.

AWS reads ``statusCode`` from the integration request body (the rendered request template, or the
passed-through client body) and selects the integration response with it like a backend status.
The body is parsed leniently, as AWS does: CDK's CORS preflight template is ``{statusCode: 200}``,
which is not JSON but works on AWS. Any integer is accepted (AWS takes negative ones too). A body
without an integer ``statusCode`` fails the request with 500 Internal server error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import orjson

from apigate.dataplane.context import Headers, IntegrationResult
from apigate.dataplane.errors import API_CONFIGURATION_ERROR

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<punct>[{}\[\]:,])
      | "(?P<dq>(?:[^"\\]|\\.)*)"
      | '(?P<sq>(?:[^'\\]|\\.)*)'
      | (?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
      | (?P<word>[A-Za-z_$][\w$-]*)
    )""",
    re.VERBOSE | re.DOTALL,
)
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}


class _Lenient:
    """A small recursive-descent reader for relaxed JSON (unquoted names, single quotes, trailing commas)."""

    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, Any]] = []
        position = 0
        text = text.rstrip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise ValueError(f"unexpected character at {position}")
            kind = match.lastgroup or "punct"
            self.tokens.append((kind, match.group(kind)))
            position = match.end()
        self.index = 0

    def next(self) -> tuple[str, Any]:
        if self.index >= len(self.tokens):
            raise ValueError("unexpected end of input")
        token = self.tokens[self.index]
        self.index += 1
        return token

    def value(self) -> Any:
        kind, text = self.next()
        if kind == "punct" and text == "{":
            return self.members("}", pairs=True)
        if kind == "punct" and text == "[":
            return self.members("]", pairs=False)
        if kind in ("dq", "sq"):
            return text
        if kind == "number":
            return float(text) if any(c in text for c in ".eE") else int(text)
        if kind == "word":
            return _WORDS.get(text, text)
        raise ValueError(f"unexpected {text!r}")

    def members(self, closing: str, *, pairs: bool) -> Any:
        result: Any = {} if pairs else []
        while True:
            kind, text = self.tokens[self.index] if self.index < len(self.tokens) else ("", "")
            if kind == "punct" and text == closing:
                self.index += 1
                return result
            if pairs:
                key = self.value()
                if self.next() != ("punct", ":"):
                    raise ValueError("expected ':'")
                result[str(key)] = self.value()
            else:
                result.append(self.value())
            kind, text = self.next()
            if kind == "punct" and text == closing:
                return result
            if (kind, text) != ("punct", ","):
                raise ValueError("expected ','")


def parse_lenient(text: str) -> Any:
    """Strict JSON when it is JSON, else the relaxed reading above (raises ValueError)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    reader = _Lenient(text)
    value = reader.value()
    if reader.index != len(reader.tokens):
        raise ValueError("trailing characters")
    return value


# Body -> status code, for bodies that had one: a MOCK's request template usually renders the same
# few bodies, and parsing one (decode, JSON, checks) costs ~1.5 us against ~0.1 us for a lookup.
_known: dict[bytes, int] = {}
_MAX_KNOWN = 256
_MAX_KNOWN_BODY = 1024  # a passed-through client body may be megabytes: never kept


def status_code_of(body: bytes) -> int:
    """The integer ``statusCode`` of a MOCK integration request body; API_CONFIGURATION_ERROR if none."""
    status = _known.get(body)
    if status is None:
        status = _parse_status_code(body)
        if len(body) <= _MAX_KNOWN_BODY:
            if len(_known) >= _MAX_KNOWN:
                _known.clear()
            _known[body] = status
    return status


def _parse_status_code(body: bytes) -> int:
    try:
        document = parse_lenient(body.decode("utf-8", "replace"))
    except ValueError as exc:
        raise API_CONFIGURATION_ERROR(log=f"Unable to parse statusCode from MOCK body: {exc}") from None
    status = document.get("statusCode") if isinstance(document, dict) else None
    if isinstance(status, bool) or not isinstance(status, int):
        if isinstance(status, str) and status.strip().lstrip("-").isdigit():
            return int(status)
        raise API_CONFIGURATION_ERROR(log="Unable to parse statusCode from MOCK integration body")
    return status


class MockIntegration:
    """Answers with the status code of the integration request body, an empty body and no headers."""

    async def invoke(self, ctx: InvocationContext) -> IntegrationResult:
        request = ctx.integration_request
        assert request is not None, "request mapping runs before the integration"
        status = _known.get(request.body)  # status_code_of()'s memo, read here first: every MOCK call
        if status is None:
            status = status_code_of(request.body)
        return IntegrationResult(status, Headers([]), b"")
