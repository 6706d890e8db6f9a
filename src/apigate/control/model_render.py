"""What a Model's schema renders to: ``flatten`` (GetModel?flatten=true), the schema standing alone
with the Models it references inlined, and ``model_template`` (GetModelTemplate), a VTL mapping
template of its shape. Both follow ``$ref``s to the API's Models (``models.ref_target``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from apigate.control.models import ref_target, rewrite_refs

# --- GetModel?flatten=true ---------------------------------------------------------------------


def flatten(
    name: str, schema: dict[str, Any], models: Mapping[str, dict[str, Any]], rest_api_id: str
) -> dict[str, Any]:
    """``schema`` with the Models it references inlined (their ``$schema`` dropped), so that it
    stands alone. A reference back to a Model being inlined cannot be inlined: it becomes a local
    reference, ``#`` for the Model itself, ``#/definitions/{name}`` for another Model, which is
    then inlined once under ``definitions``. References this API cannot resolve are kept.
    """
    wanted: list[str] = []

    def expand(node: dict[str, Any], inlining: frozenset[str]) -> Any:
        def on_ref(ref: dict[str, Any]) -> Any:
            target = ref_target(ref, rest_api_id)
            if target is None or target not in models:
                return dict(ref)
            if target == name:
                return {"$ref": "#"}
            if target in inlining:
                if target not in wanted:
                    wanted.append(target)
                return {"$ref": f"#/definitions/{target}"}
            return expand(_inlined(models[target]), inlining | {target})

        return rewrite_refs(node, on_ref)

    flat = expand(schema, frozenset({name}))
    definitions: dict[str, Any] = {}
    for target in wanted:  # grows while the definitions are expanded
        definitions[target] = expand(_inlined(models[target]), frozenset({target}))
    if definitions:
        own = flat.get("definitions")
        flat["definitions"] = {**(own if isinstance(own, dict) else {}), **definitions}
    return flat


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k != "$schema"}


# --- GetModelTemplate --------------------------------------------------------------------------

TEMPLATE_HEADER = "#set($inputRoot = $input.path('$'))"
_VTL_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_TEMPLATE_DEPTH = 32
# A property of an object: its name, its schema, and the Models being expanded where it was found.
_Property = tuple[str, Any, frozenset[str]]


def model_template(
    name: str, schema: dict[str, Any], models: Mapping[str, dict[str, Any]], rest_api_id: str
) -> str:
    """A mapping template that writes a payload of ``schema``'s shape from ``$input``: AWS's format
    (its documented GetModelTemplate answer): ``$inputRoot`` is the payload, an object lists its
    properties (``"a" : $inputRoot.a``), strings are quoted, numbers, booleans and nulls are not, an
    array loops over its items (``#foreach($elem in …)`` with ``#if($foreach.hasNext),#end``).

    Models referenced with ``$ref`` are expanded in place; one referenced again inside itself (a
    cycle, ``name`` included) is written as ``{}``. ``allOf`` merges its members' properties,
    ``anyOf``/``oneOf`` take their first member that is not ``null``.
    """
    writer = _TemplateWriter(models, rest_api_id)
    return f"{TEMPLATE_HEADER}\n{writer.value(schema, '$inputRoot', 0, frozenset({name}), 0)}"


class _TemplateWriter:
    def __init__(self, models: Mapping[str, dict[str, Any]], rest_api_id: str) -> None:
        self.models = models
        self.rest_api_id = rest_api_id

    def value(self, node: Any, path: str, indent: int, expanding: frozenset[str], loops: int) -> str:
        node, expanding, cycle = self._resolve(node, expanding)
        if cycle:
            return "{}"
        if indent > _MAX_TEMPLATE_DEPTH or not isinstance(node, dict):
            return path
        kind = _kind(node)
        if kind == "object":
            return self._object(self._properties(node, expanding), path, indent, loops)
        if kind == "array":
            return self._array(node.get("items"), path, indent, expanding, loops)
        if kind == "string":
            return f'"{path}"'
        return path

    def _resolve(self, node: Any, expanding: frozenset[str]) -> tuple[Any, frozenset[str], bool]:
        """``node`` with its ``$ref``s (and ``anyOf``/``oneOf`` choices) followed."""
        for _ in range(_MAX_TEMPLATE_DEPTH):
            if not isinstance(node, dict):
                break
            if "$ref" in node:
                target = ref_target(node, self.rest_api_id)
                if target is None or target not in self.models:
                    return None, expanding, False
                if target in expanding:
                    return None, expanding, True
                node, expanding = self.models[target], expanding | {target}
                continue
            choices = [c for key in ("oneOf", "anyOf") for c in node.get(key) or () if isinstance(c, dict)]
            if _kind(node) is None and choices:
                typed = [c for c in choices if c.get("type") != "null"]
                node = (typed or choices)[0]
                continue
            break
        return node, expanding, False

    def _properties(self, node: dict[str, Any], expanding: frozenset[str]) -> list[_Property]:
        """The object's properties in order, ``allOf`` members' merged in (each with the Models
        being expanded where it was found)."""
        found: dict[str, tuple[Any, frozenset[str]]] = {}
        for key, value in (node.get("properties") or {}).items():
            found[str(key)] = (value, expanding)
        for member in node.get("allOf") or ():
            member, inner, cycle = self._resolve(member, expanding)
            if cycle or not isinstance(member, dict):
                continue
            for key, value, where in self._properties(member, inner):
                found.setdefault(key, (value, where))
        return [(key, value, where) for key, (value, where) in found.items()]

    def _object(self, properties: list[_Property], path: str, indent: int, loops: int) -> str:
        if not properties:
            return "{}"
        pad = "  " * (indent + 1)
        lines = [
            f"{pad}{json.dumps(key, ensure_ascii=False)} : "
            f"{self.value(value, _member(path, key), indent + 1, where, loops)}"
            for key, value, where in properties
        ]
        return "{\n" + ",\n".join(lines) + "\n" + "  " * indent + "}"

    def _array(self, items: Any, path: str, indent: int, expanding: frozenset[str], loops: int) -> str:
        if isinstance(items, list):
            items = items[0] if items else None
        element = "$elem" if loops == 0 else f"$elem{loops}"
        item = self.value(items, element, indent + 1, expanding, loops + 1)
        return (
            f"[\n#foreach({element} in {path})\n{'  ' * (indent + 1)}{item}#if($foreach.hasNext),#end\n"
            f"#end\n{'  ' * indent}]"
        )


def _kind(node: dict[str, Any]) -> str | None:
    """The JSON type a schema describes (the first non-null one of a list of types)."""
    declared = node.get("type")
    if isinstance(declared, list):
        declared = next((t for t in declared if t != "null"), declared[0] if declared else None)
    if isinstance(declared, str):
        return declared
    if "properties" in node or "allOf" in node:
        return "object"
    if "items" in node:
        return "array"
    return None


def _member(path: str, key: str) -> str:
    """The VTL reference to property ``key`` of ``path`` (``$a.b``, or ``$a.get('b-c')``)."""
    if _VTL_NAME.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}.get('{key.replace(chr(39), chr(39) * 2)}')"
