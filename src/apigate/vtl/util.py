"""``$util``: the helper functions API Gateway gives mapping templates.

Only the six functions AWS documents exist (``escapeJavaScript``, ``parseJson``, ``urlEncode``,
``urlDecode``, ``base64Encode``, ``base64Decode``); AppSync's ``toJson``/``qr`` are not part of API
Gateway. A null argument gives null (rendered empty), which is what AWS-validated templates such
as ``EncodedBodyAccess=$util.urlEncode($input.body.missing)`` show.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import orjson

from apigate.vtl.values import java_str, to_vtl

# Java's StringEscapeUtils.escapeJavaScript short escapes; everything else below 0x20 or above 0x7e
# becomes \\uXXXX with upper-case hex, as commons-lang writes it.
_SHORT_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "'": "\\'",
    "\b": "\\b",
    "\n": "\\n",
    "\t": "\\t",
    "\f": "\\f",
    "\r": "\\r",
}


def escape_javascript(text: str) -> str:
    """JavaScript string escaping (single quotes too, which JSON does not allow: AWS's behaviour)."""
    out: list[str] = []
    for char in text:
        short = _SHORT_ESCAPES.get(char)
        if short is not None:
            out.append(short)
        elif " " <= char <= "~":
            out.append(char)
        else:
            code = ord(char)
            if code > 0xFFFF:  # Java strings are UTF-16: escape both surrogates
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}")
            else:
                out.append(f"\\u{code:04X}")
    return "".join(out)


def url_encode(text: str) -> str:
    """Java's ``URLEncoder.encode(s, "UTF-8")``: form encoding, space as ``+``, ``*`` kept, ``~`` encoded."""
    return quote_plus(text, safe="*").replace("~", "%7E")


class VtlUtil:
    """The object bound to ``$util``; stateless, so one instance serves every request."""

    __slots__ = ()

    def escapeJavaScript(self, value: Any) -> str | None:
        return None if value is None else escape_javascript(java_str(value))

    def parseJson(self, value: Any) -> Any:
        if value is None:
            return None
        return to_vtl(orjson.loads(java_str(value)))

    def urlEncode(self, value: Any) -> str | None:
        return None if value is None else url_encode(java_str(value))

    def urlDecode(self, value: Any) -> str | None:
        return None if value is None else unquote_plus(java_str(value))

    def base64Encode(self, value: Any) -> str | None:
        if value is None:
            return None
        return base64.b64encode(java_str(value).encode()).decode()

    def base64Decode(self, value: Any) -> str | None:
        if value is None:
            return None
        try:
            return base64.b64decode(java_str(value), validate=False).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            return None


UTIL = VtlUtil()
