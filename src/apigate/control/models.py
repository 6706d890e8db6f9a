"""Models: the two every RestApi starts with, and what Model CRUD needs (names, schema checks,
references between Models, ``flatten``, the GetModelTemplate generator). Handlers: ``model_ops``.

Models are stored as kind ``model`` under ``{restApiId}/{name}`` (the importer writes them the same
way): ``{id, name, description?, schema?, contentType}``, the schema kept as the text given. AWS
creates ``Empty`` and ``Error`` with the API; they can be referenced by ``requestModels`` /
``responseModels`` right away and GetModels lists them. The schema strings are AWS's own (draft-04,
pretty-printed). A schema references another Model of the API by its URL,
``https://apigateway.amazonaws.com/restapis/{restApiId}/models/{name}``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from jsonschema import Draft4Validator
from jsonschema.exceptions import SchemaError

from apigate import ids
from apigate.control.common import KIND_MODEL
from apigate.control.errors import BadRequestException

if TYPE_CHECKING:
    from apigate.store.base import Transaction

EMPTY_SCHEMA = (
    "{\n"
    '  "$schema": "http://json-schema.org/draft-04/schema#",\n'
    '  "title" : "Empty Schema",\n'
    '  "type" : "object"\n'
    "}"
)

ERROR_SCHEMA = (
    "{\n"
    '  "$schema" : "http://json-schema.org/draft-04/schema#",\n'
    '  "title" : "Error Schema",\n'
    '  "type" : "object",\n'
    '  "properties" : {\n'
    '    "message" : { "type" : "string" }\n'
    "  }\n"
    "}"
)

MODEL_URL_PREFIX = "https://apigateway.amazonaws.com/restapis/"
_MODEL_REF = re.compile(r"https://apigateway\.amazonaws\.com/restapis/([^/]+)/models/([^/]+)")
_NAME = re.compile(r"[a-zA-Z0-9]+")
EMPTY_SCHEMA_MESSAGE = "Model schema must have at least 1 property or array items defined"
INVALID_SCHEMA = "Invalid model schema specified"
# Keywords of later drafts that a draft-04 schema cannot have (AWS, for one: ``Unsupported
# keyword(s): ["$id"]``); annotations of later drafts (``examples``, ``$comment``, ...) pass.
_LATER_DRAFT_KEYWORDS = frozenset(
    (
        *("$id", "$defs", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"),
        *("$vocabulary", "const", "contains", "minContains", "maxContains", "propertyNames"),
        *("if", "then", "else", "dependentRequired", "dependentSchemas", "prefixItems"),
        *("unevaluatedItems", "unevaluatedProperties"),
    )
)

_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("Empty", "This is a default empty schema model", EMPTY_SCHEMA),
    ("Error", "This is a default error schema model", ERROR_SCHEMA),
)


def default_models() -> list[dict[str, Any]]:
    """Fresh Model documents (new 6-character ids) for a new API."""
    return [
        {
            "id": ids.short_id(6),
            "name": name,
            "description": description,
            "schema": schema,
            "contentType": "application/json",
        }
        for name, description, schema in _DEFAULTS
    ]


async def put_default_models(tx: Transaction, rest_api_id: str) -> None:
    for model in default_models():
        await tx.put(KIND_MODEL, f"{rest_api_id}/{model['name']}", model)


async def get_model(tx: Transaction, rest_api_id: str, name: str) -> dict[str, Any] | None:
    return await tx.get(KIND_MODEL, f"{rest_api_id}/{name}")


async def list_models(tx: Transaction, rest_api_id: str) -> list[dict[str, Any]]:
    """The API's Models in AWS's order: by name (recorded: ``CalcOutput``, ``Empty``, ``Error``;
    ``Empty``, ``House``, ``Person``; ``Empty``, ``Error``, ``testSchema``, ``testSchemaList``)."""
    docs = [doc for _, doc in await tx.list(KIND_MODEL, f"{rest_api_id}/")]
    docs.sort(key=lambda d: str(d.get("name", "")))
    return docs


# --- names and schemas -------------------------------------------------------------------------


def check_name(name: str | None) -> str:
    """A Model name: non-empty and alphanumeric (AWS's words)."""
    if not name:
        raise BadRequestException("Model name must be non-empty")
    if _NAME.fullmatch(name) is None:
        raise BadRequestException("Model name must be alphanumeric")
    return name


def model_url(rest_api_id: str, name: str) -> str:
    """How a schema references a Model of the API (the only ``$ref`` form AWS accepts)."""
    return f"{MODEL_URL_PREFIX}{rest_api_id}/models/{name}"


def is_json(content_type: str | None) -> bool:
    """Whether the Model's schema is a JSON schema (``application/json``, ``…+json``)."""
    return "json" in (content_type or "").lower()


def parse_schema(text: str | None) -> dict[str, Any] | None:
    """The schema as an object, or None when it is not a JSON object."""
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _invalid(detail: str = "") -> BadRequestException:
    return BadRequestException(
        f"Invalid model specified: Validation Result: warnings : [], errors : [{INVALID_SCHEMA}{detail}]"
    )


def check_schema(text: str | None, content_type: str | None, rest_api_id: str, names: set[str]) -> None:
    """Validate a Model's schema as AWS does before storing it; ``names`` are the Models a ``$ref``
    may name (the API's, plus the Model being written so that it may reference itself).

    Every content type needs a schema with something in it (recorded: no schema, or ``{}``, for
    ``application/json`` and ``application/xml`` alike). A JSON content type needs a JSON object
    that is a valid draft-04 schema, without keywords of later drafts, whose ``$ref``s name Models of
    this API by their URL. Other content types' schemas are free text.
    """
    if text is None or not text.strip() or _is_empty_object(text):
        raise BadRequestException(EMPTY_SCHEMA_MESSAGE)
    if not is_json(content_type):
        return
    schema = parse_schema(text)
    if schema is None:
        raise _invalid()
    try:
        Draft4Validator.check_schema(schema)
    except SchemaError:
        raise _invalid() from None
    unsupported = sorted({key for node in walk(schema) for key in node if key in _LATER_DRAFT_KEYWORDS})
    if unsupported:
        listed = ",".join(json.dumps(key) for key in unsupported)
        raise _invalid(f". Unsupported keyword(s): [{listed}]")
    for ref in refs_of(schema):
        target = _MODEL_REF.fullmatch(ref)
        if target is None:
            raise _invalid(", Model reference must be in canonical form")
        if target.group(1) != rest_api_id or target.group(2) not in names:
            raise _invalid(f", Invalid model identifier specified: {target.group(2)}")


def _is_empty_object(text: str) -> bool:
    try:
        return json.loads(text) == {}
    except ValueError:
        return False


# --- walking schemas ---------------------------------------------------------------------------

# Where draft-04 keeps subschemas: maps of them, single ones, and lists of them.
_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_SCHEMA_ONE = ("items", "additionalItems", "additionalProperties", "not")
_SCHEMA_LISTS = ("items", "allOf", "anyOf", "oneOf")


def _subschemas(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for key in _SCHEMA_MAPS:
        value = node.get(key)
        if isinstance(value, dict):
            yield from (v for v in value.values() if isinstance(v, dict))
    for key in _SCHEMA_ONE:
        value = node.get(key)
        if isinstance(value, dict):
            yield value
    for key in _SCHEMA_LISTS:
        value = node.get(key)
        if isinstance(value, list):
            yield from (v for v in value if isinstance(v, dict))


def walk(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every (sub)schema of ``schema``, itself first."""
    pending = [schema]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(_subschemas(node))


def refs_of(schema: dict[str, Any]) -> list[str]:
    """The ``$ref``s of ``schema`` (a non-string ``$ref`` is reported as its JSON text)."""
    return [
        node["$ref"] if isinstance(node["$ref"], str) else json.dumps(node["$ref"])
        for node in walk(schema)
        if "$ref" in node
    ]


def referenced_models(schema: dict[str, Any], rest_api_id: str) -> set[str]:
    """The names of the API's Models that ``schema`` references."""
    names = set()
    for ref in refs_of(schema):
        match = _MODEL_REF.fullmatch(ref)
        if match is not None and match.group(1) == rest_api_id:
            names.add(match.group(2))
    return names


def _ref_target(node: dict[str, Any], rest_api_id: str) -> str | None:
    ref = node.get("$ref")
    match = _MODEL_REF.fullmatch(ref) if isinstance(ref, str) else None
    return match.group(2) if match is not None and match.group(1) == rest_api_id else None


def _rewrite(node: Any, on_ref: Callable[[dict[str, Any]], Any]) -> Any:
    """A copy of ``node`` whose ``$ref`` nodes (at schema positions) are replaced by ``on_ref``'s."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return on_ref(node)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: _rewrite(v, on_ref) for k, v in value.items()}
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = _rewrite(value, on_ref)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_rewrite(v, on_ref) for v in value]
        else:
            out[key] = value
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """Pretty-printed the way AWS's own default schemas are (``"type" : "object"``)."""
    return json.dumps(schema, indent=2, separators=(",", " : "), ensure_ascii=False)


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
            target = _ref_target(ref, rest_api_id)
            if target is None or target not in models:
                return dict(ref)
            if target == name:
                return {"$ref": "#"}
            if target in inlining:
                if target not in wanted:
                    wanted.append(target)
                return {"$ref": f"#/definitions/{target}"}
            return expand(_inlined(models[target]), inlining | {target})

        return _rewrite(node, on_ref)

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
                target = _ref_target(node, self.rest_api_id)
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
