"""Parse an ImportRestApi / PutRestApi body: an OpenAPI 2.0 or 3.0 document in JSON or YAML.

JSON is tried first (orjson: the common case, and the fast one for large documents), YAML second
(PyYAML's C loader when built with libyaml). YAML gives more than JSON types: integer mapping keys
(``200:`` for a response), dates (``version: 2022-04-12``). AWS accepts both and reads them as
strings, so the loaded tree is brought back to JSON types (keys as strings, dates as ISO text).

Anything that is not a mapping naming ``swagger: "2.0"`` or ``openapi: 3.x`` is AWS's recorded
``BadRequestException: Invalid OpenAPI input.``
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import yaml

from apigate.control.errors import BadRequestException

INVALID_INPUT = "Invalid OpenAPI input."
# AWS's limit for the definition of ImportRestApi / PutRestApi.
MAX_DOCUMENT_BYTES = 6 * 1024 * 1024
# More nodes than any 6 MB document has without aliases.
MAX_YAML_NODES = 3_000_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_document(body: bytes | str) -> dict[str, Any]:
    """The document as JSON types, or AWS's ``Invalid OpenAPI input.``."""
    data = body.encode() if isinstance(body, str) else bytes(body or b"")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise BadRequestException(f"The API definition is larger than {MAX_DOCUMENT_BYTES} bytes")
    doc = _parse(data)
    if not isinstance(doc, dict) or spec_version(doc) is None:
        raise BadRequestException(INVALID_INPUT)
    return doc


def spec_version(doc: dict[str, Any]) -> int | None:
    """2 for Swagger 2.0, 3 for OpenAPI 3.x, None for anything else."""
    if str(doc.get("swagger", "")).strip() in ("2.0", "2"):
        return 2
    openapi = str(doc.get("openapi", "")).strip()
    return 3 if openapi.startswith("3.") else None


def _parse(data: bytes) -> Any:
    if not data.strip():
        raise BadRequestException(INVALID_INPUT)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass
    try:
        return _json_types(yaml.load(data, Loader=_Loader), [_node_budget(len(data))])
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        raise BadRequestException(INVALID_INPUT) from None


def _node_budget(size: int) -> int:
    """How many nodes a YAML text of ``size`` bytes may hold: without aliases a node takes at least
    a character or two, so a small text that expands to many more nodes is refused quickly."""
    return min(MAX_YAML_NODES, 100_000 + 2 * size)


def _json_types(node: Any, budget: list[int]) -> Any:
    """YAML's extra types as JSON's: mapping keys as text, dates and times as ISO-8601 text.

    ``budget`` counts the nodes left: YAML aliases can make a small text expand without bound
    (a "billion laughs" document), which is refused like any other unreadable input.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise BadRequestException(INVALID_INPUT)
    if isinstance(node, dict):
        return {_key(k): _json_types(v, budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_json_types(v, budget) for v in node]
    if isinstance(node, dt.date | dt.datetime):
        return node.isoformat()
    if isinstance(node, bytes):  # !!binary
        return node.decode("utf-8", errors="replace")
    return node


def _key(key: Any) -> str:
    if isinstance(key, bool):  # YAML 1.1 reads an unquoted ``yes`` key as True
        return "true" if key else "false"
    if isinstance(key, dt.date | dt.datetime):
        return key.isoformat()
    return key if isinstance(key, str) else str(key)
