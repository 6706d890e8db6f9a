"""Models: the two every RestApi starts with, and what Model CRUD needs (names, schema checks,
references between Models). Handlers: ``model_ops``; what a schema renders to (``flatten``, the
GetModelTemplate generator): ``model_render``.

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
from collections.abc import Callable, Iterator
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
    return {target for node in walk(schema) if (target := ref_target(node, rest_api_id)) is not None}


def ref_target(node: dict[str, Any], rest_api_id: str) -> str | None:
    """The name of the API's Model that the node's ``$ref`` names (None: no such reference)."""
    ref = node.get("$ref")
    match = _MODEL_REF.fullmatch(ref) if isinstance(ref, str) else None
    return match.group(2) if match is not None and match.group(1) == rest_api_id else None


def rewrite_refs(node: Any, on_ref: Callable[[dict[str, Any]], Any]) -> Any:
    """A copy of ``node`` whose ``$ref`` nodes (at schema positions) are replaced by ``on_ref``'s."""
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return on_ref(node)
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {k: rewrite_refs(v, on_ref) for k, v in value.items()}
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = rewrite_refs(value, on_ref)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [rewrite_refs(v, on_ref) for v in value]
        else:
            out[key] = value
    return out


def schema_text(schema: dict[str, Any]) -> str:
    """Pretty-printed the way AWS's own default schemas are (``"type" : "object"``)."""
    return json.dumps(schema, indent=2, separators=(",", " : "), ensure_ascii=False)
