"""JSONPath as API Gateway evaluates it (Jayway's dialect), on ``jsonpath-ng``.

Used by ``$input.json`` / ``$input.path`` and by the ``method.request.body.X`` /
``integration.response.body.X`` mapping expressions. Parsing a JSONPath with jsonpath-ng costs far
more than evaluating it, so compiled expressions are cached by their text (templates and mappings
repeat the same few paths on every request).

Jayway's result shape: a *definite* path (only names and single indexes) yields the value itself or
``null`` when nothing matches; an *indefinite* path (wildcard, deep scan, filter, slice, union)
always yields a list.
"""

from __future__ import annotations

import re
from typing import Any

from jsonpath_ng import JSONPath
from jsonpath_ng.ext import parse as _parse

_MAX_CACHED = 2048
_cache: dict[str, tuple[JSONPath, bool]] = {}

# Anything that makes a path indefinite: *, .., filters, slices (a colon inside brackets), unions.
_INDEFINITE = re.compile(r"\*|\.\.|\[\s*\?|\[[^\]]*[:,][^\]]*\]")


class JsonPathError(ValueError):
    """The expression is not valid JSONPath."""


def compile_path(path: str) -> tuple[JSONPath, bool]:
    """The parsed expression and whether it is definite; cached."""
    found = _cache.get(path)
    if found is None:
        text = path.strip() or "$"
        try:
            expression = _parse(text)
        except Exception as exc:  # jsonpath-ng raises plain Exception subclasses of several kinds
            raise JsonPathError(f"Invalid JSONPath expression: {path}") from exc
        found = (expression, _INDEFINITE.search(_strip_quoted(text)) is None)
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        _cache[path] = found
    return found


def _strip_quoted(text: str) -> str:
    """Drop quoted names (``$['a*b']``) so their characters do not look like operators."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", "''", text)


def query(document: Any, path: str) -> Any:
    """Evaluate ``path`` against parsed JSON with Jayway's result shape (see module doc)."""
    expression, definite = compile_path(path)
    matches = [match.value for match in expression.find(document)]
    if definite:
        return matches[0] if matches else None
    return matches
