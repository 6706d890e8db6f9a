"""Java ``String`` methods for template strings.

Templates call Java methods on strings (``$s.toLowerCase()``, ``$s.replaceAll('a', 'b')``,
``$s.indexOf('x')``). airspeed looks such methods up in its ``__additional_methods__`` table by
the value's exact type; it ships a few (some with Python semantics: ``indexOf`` raising instead of
returning -1, ``replaceAll`` without Java's ``$1`` group references). ``install`` adds the missing
ones and replaces those with Java semantics; it is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from airspeed import operators

from apigate.vtl.values import java_str

to_string = java_str


def _java_replacement(replacement: str) -> str:
    """A Java replacement string (``$1``, ``${name}``, ``\\$``) in Python's ``re.sub`` syntax."""
    out: list[str] = []
    i, n = 0, len(replacement)
    while i < n:
        char = replacement[i]
        if char == "\\" and i + 1 < n:  # Java: a backslash makes the next character literal
            literal = replacement[i + 1]
            out.append("\\\\" if literal == "\\" else literal)
            i += 2
        elif char == "$" and (group := re.match(r"(\d+)|\{(\w+)\}", replacement[i + 1:])):
            out.append(f"\\g<{group.group(1) or group.group(2)}>")
            i += 1 + group.end()
        else:
            out.append("\\\\" if char == "\\" else char)
            i += 1
    return "".join(out)


def _replace_all(self: str, pattern: str, replacement: str) -> str:
    return re.sub(pattern, _java_replacement(java_str(replacement)), self)


def _replace_first(self: str, pattern: str, replacement: str) -> str:
    return re.sub(pattern, _java_replacement(java_str(replacement)), self, count=1)


def _split(self: str, pattern: str, limit: int = 0) -> list[str]:
    parts = re.split(pattern, self, maxsplit=max(limit - 1, 0)) if limit > 0 else re.split(pattern, self)
    if limit == 0:
        while parts and parts[-1] == "":  # Java drops trailing empty strings
            parts.pop()
    return parts


def _index_of(self: str, value: Any, start: int = 0) -> int:
    return self.find(java_str(value), start)


def _last_index_of(self: str, value: Any) -> int:
    return self.rfind(java_str(value))


_STRING_METHODS: dict[str, Callable[..., Any]] = {
    "charAt": lambda self, index: self[index],
    "concat": lambda self, other: self + java_str(other),
    "contains": lambda self, value: java_str(value) in self,
    "endsWith": lambda self, suffix: self.endswith(java_str(suffix)),
    "equals": lambda self, other: isinstance(other, str) and self == other,
    "equalsIgnoreCase": lambda self, other: isinstance(other, str) and self.lower() == other.lower(),
    "indexOf": _index_of,
    "isEmpty": lambda self: not self,
    "lastIndexOf": _last_index_of,
    "length": lambda self: len(self),
    "matches": lambda self, pattern: re.fullmatch(pattern, self) is not None,
    "replace": lambda self, old, new: self.replace(java_str(old), java_str(new)),
    "replaceAll": _replace_all,
    "replaceFirst": _replace_first,
    "split": _split,
    "startsWith": lambda self, prefix: self.startswith(java_str(prefix)),
    "substring": lambda self, start, end=None: self[start:end],
    "toLowerCase": lambda self: self.lower(),
    "toString": lambda self: self,
    "toUpperCase": lambda self: self.upper(),
    "trim": lambda self: self.strip(" \t\n\r\x0b\x0c\x00"),
}


def install() -> None:
    """Register the Java ``String`` methods with airspeed (idempotent)."""
    table: dict[type, dict[str, Callable[..., Any]]] = operators.__additional_methods__
    table.setdefault(str, {}).update(_STRING_METHODS)
