"""Local ``$ref``s of one document: ``#/...`` JSON pointers (RFC 6901, ``~1`` for ``/``).

Parameters, responses, request bodies, headers and path items that are ``$ref``s are followed to
their target. Schemas are not inlined: a schema reference names a Model (``schema_name``), which is
what AWS makes of it, and is how circular schemas (a Person living in a House that contains Persons)
import without recursion.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

# Where each version keeps its reusable schemas.
SCHEMA_PREFIXES = {2: "#/definitions/", 3: "#/components/schemas/"}
# How many ``$ref`` hops one lookup may take before the chain counts as circular.
_MAX_HOPS = 32


class RefError(ValueError):
    """A reference that is not local, names nothing, or goes round in a circle."""


def pointer_parts(ref: str) -> list[str]:
    """``#/components/schemas/a~1b`` -> ``["components", "schemas", "a/b"]``."""
    if not ref.startswith("#"):
        raise RefError(f"only local references are supported: {ref}")
    path = unquote(ref[1:])
    if not path:
        return []
    if not path.startswith("/"):
        raise RefError(f"invalid reference: {ref}")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


class Refs:
    """Follows the local references of ``doc``."""

    __slots__ = ("_doc", "_version")

    def __init__(self, doc: dict[str, Any], version: int) -> None:
        self._doc = doc
        self._version = version

    def lookup(self, ref: str) -> Any:
        """The node ``ref`` points at (RefError if it points at nothing)."""
        node: Any = self._doc
        for part in pointer_parts(ref):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise RefError(f"reference not found: {ref}")
        return node

    def resolve(self, node: Any) -> Any:
        """``node``, or what its ``$ref`` chain ends at (an object that is not a reference)."""
        for _ in range(_MAX_HOPS):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            node = self.lookup(node["$ref"])
        raise RefError("circular reference")

    def schema_name(self, ref: str) -> str | None:
        """The name of the reusable schema ``ref`` names (``#/definitions/Pet`` -> ``Pet``), else None."""
        prefix = SCHEMA_PREFIXES[self._version]
        if not ref.startswith(prefix):
            return None
        parts = pointer_parts(ref)
        return parts[-1] if len(parts) == len(pointer_parts(prefix + "x")) else None
