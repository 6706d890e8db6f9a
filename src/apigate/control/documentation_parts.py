"""Handlers: Create/Get/Update/DeleteDocumentationPart, GetDocumentationParts, ImportDocumentationParts.

Stored as kind ``documentationpart`` under ``{restApiId}/{documentationPartId}``. A part documents one
API entity, named by its ``location``; two parts may not document the same entity (ConflictException).
Locations compare with AWS's documented defaults filled in (``path`` "/", ``method`` and
``statusCode`` "*"), so ``{type: METHOD, path: /}`` and ``{type: METHOD, path: /, method: *}`` are one.

Recorded from AWS: an unknown part -- or an unknown API on Get/Update -- answers ``Invalid
Documentation part identifier specified``; Create/Delete/list on an unknown API name the API;
UpdateDocumentationPart patches ``/properties`` only; a file ImportDocumentationParts cannot read is
``Unable to build importer with provided input.``
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from apigate.control import common
from apigate.control.api_children import (
    children,
    get_child,
    new_child_id,
    page_of,
    put_child,
    read_child,
    read_children,
    stamp,
)
from apigate.control.common import KIND_DOCUMENTATION_PART, public
from apigate.control.errors import BadRequestException, ConflictException, NotFoundException
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.store.base import Transaction

MSG_NOT_FOUND = "Invalid Documentation part identifier specified"
MSG_BAD_FILE = "Unable to build importer with provided input."
EXTENSION = "x-amazon-apigateway-documentation"

# Which location fields apply to which entity type (AWS's DocumentationPartLocation reference).
_WITH_PATH = frozenset({
    "RESOURCE", "METHOD", "PATH_PARAMETER", "QUERY_PARAMETER", "REQUEST_HEADER", "REQUEST_BODY",
    "RESPONSE", "RESPONSE_HEADER", "RESPONSE_BODY",
})
_WITH_METHOD = _WITH_PATH - {"RESOURCE"}
_WITH_STATUS = frozenset({"RESPONSE", "RESPONSE_HEADER", "RESPONSE_BODY"})
_WITH_NAME = frozenset({
    "AUTHORIZER", "MODEL", "PATH_PARAMETER", "QUERY_PARAMETER", "REQUEST_HEADER", "RESPONSE_HEADER",
})
_FIELDS = (("path", _WITH_PATH), ("method", _WITH_METHOD), ("statusCode", _WITH_STATUS), ("name", _WITH_NAME))
_DEFAULTS = {"path": "/", "method": "*", "statusCode": "*"}
_TYPES = frozenset({"API"}) | _WITH_PATH | _WITH_NAME


# --- validation --------------------------------------------------------------------------------


def check_location(location: dict[str, Any]) -> dict[str, Any]:
    """The location as stored (the fields given, upper-case verb); BadRequestException if a field
    does not apply to the type or a required name is missing."""
    kind = location.get("type")
    out: dict[str, Any] = {"type": kind}
    for field, types in _FIELDS:
        value = location.get(field)
        if value is None:
            continue
        if kind not in types:
            raise BadRequestException(f"Invalid location: '{field}' is not applicable to type {kind}")
        out[field] = value.upper() if field == "method" else value
    if kind in _WITH_NAME and not out.get("name"):
        raise BadRequestException(f"Invalid location: 'name' is required for type {kind}")
    if "path" in out and not str(out["path"]).startswith("/"):
        raise BadRequestException(f"Invalid location: path must start with '/': {out['path']}")
    return out


def location_key(location: dict[str, Any]) -> tuple[str, ...]:
    """What makes two locations the same entity (defaults filled in)."""
    kind = location["type"]
    return (kind, *(
        str(location.get(field, _DEFAULTS.get(field, ""))) if kind in types else ""
        for field, types in _FIELDS
    ))


def check_properties(properties: Any) -> str:
    """``properties`` must be a JSON object, kept as the string the client sent."""
    try:
        value = json.loads(properties) if isinstance(properties, str) else None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise BadRequestException("Invalid properties specified: must be a JSON object")
    return str(properties)


async def get_part(tx: Transaction, ctx: ControlContext, rest_api_id: str, part_id: str) -> dict[str, Any]:
    return await get_child(tx, ctx, KIND_DOCUMENTATION_PART, rest_api_id, part_id, MSG_NOT_FOUND)


async def _add_part(
    tx: Transaction, rest_api_id: str, location: dict[str, Any], properties: str
) -> dict[str, Any]:
    doc = {
        "id": await new_child_id(tx, KIND_DOCUMENTATION_PART, rest_api_id),
        "location": location,
        "properties": properties,
    }
    await put_child(tx, KIND_DOCUMENTATION_PART, rest_api_id, stamp(doc))
    return doc


# --- CRUD --------------------------------------------------------------------------------------


@operation("apigateway", "CreateDocumentationPart")
async def create_documentation_part(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, rest_api_id)
        location = check_location(params["location"])
        properties = check_properties(params["properties"])
        key = location_key(location)
        for doc in await children(tx, KIND_DOCUMENTATION_PART, rest_api_id):
            if location_key(doc["location"]) == key:
                raise ConflictException(f"Documentation part already exists for location: {_shown(location)}")
        doc = await _add_part(tx, rest_api_id, location, properties)
    return public(doc)


def _shown(location: dict[str, Any]) -> str:
    return json.dumps(location, separators=(",", ":"), sort_keys=True)


@operation("apigateway", "GetDocumentationPart")
async def get_documentation_part(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, part_id = params["restApiId"], params["documentationPartId"]
    return await read_child(ctx, KIND_DOCUMENTATION_PART, rest_api_id, part_id, MSG_NOT_FOUND)


def _matches(doc: dict[str, Any], params: Params) -> bool:
    """GetDocumentationParts' filters: ``type`` and ``path`` exactly, ``name`` as a substring,
    ``locationStatus`` DOCUMENTED (properties with content) or UNDOCUMENTED (empty properties)."""
    location = doc["location"]
    if params.get("type") and location.get("type") != params["type"]:
        return False
    if params.get("path") and location.get("path", "/") != params["path"]:
        return False
    if params.get("nameQuery") and params["nameQuery"] not in str(location.get("name", "")):
        return False
    status = params.get("locationStatus")
    if status:
        documented = json.loads(doc.get("properties") or "{}") != {}
        return documented == (status == "DOCUMENTED")
    return True


@operation("apigateway", "GetDocumentationParts")
async def get_documentation_parts(ctx: ControlContext, params: Params) -> Output:
    docs = await read_children(ctx, KIND_DOCUMENTATION_PART, params["restApiId"])
    return page_of([d for d in docs if _matches(d, params)], params)


UPDATE_SPEC = PatchSpec({"/properties": Rule("replace", nullable=False)}, style="paths")


@operation("apigateway", "UpdateDocumentationPart")
async def update_documentation_part(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    operations = common.patch_operations(params, "updateDocumentationPartInput")
    async with ctx.store.transaction() as tx:
        old = await get_part(tx, ctx, rest_api_id, params["documentationPartId"])
        new = apply_patch(old, operations, UPDATE_SPEC)
        new["properties"] = check_properties(new.get("properties"))
        await put_child(tx, KIND_DOCUMENTATION_PART, rest_api_id, new)
    return public(new)


@operation("apigateway", "DeleteDocumentationPart")
async def delete_documentation_part(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, rest_api_id)
        if not await tx.delete(KIND_DOCUMENTATION_PART, f"{rest_api_id}/{params['documentationPartId']}"):
            raise NotFoundException(MSG_NOT_FOUND)
    return None


# --- import ------------------------------------------------------------------------------------


def parse_import(body: bytes) -> list[dict[str, Any]]:
    """The ``documentationParts`` of an OpenAPI file's ``x-amazon-apigateway-documentation``."""
    try:
        document = yaml.safe_load(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, yaml.YAMLError):
        document = None
    if not isinstance(document, dict) or not ("swagger" in document or "openapi" in document):
        raise BadRequestException(MSG_BAD_FILE)
    extension = document.get(EXTENSION) or {}
    parts = extension.get("documentationParts") if isinstance(extension, dict) else None
    return [p for p in parts or [] if isinstance(p, dict)]


def _imported(part: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One imported part's location and properties (given as an object in the file)."""
    location = part.get("location")
    if not isinstance(location, dict) or location.get("type") not in _TYPES:
        raise BadRequestException(f"Invalid documentation part location: {location}")
    properties = part.get("properties")
    text = properties if isinstance(properties, str) else json.dumps(properties or {}, separators=(",", ":"))
    return check_location(location), check_properties(text)


@operation("apigateway", "ImportDocumentationParts")
async def import_documentation_parts(ctx: ControlContext, params: Params) -> Output:
    """``mode=overwrite`` replaces every part; ``merge`` (AWS's default) replaces the properties of a
    part documenting the same entity and adds the others. A part that cannot be read is skipped with
    a warning, or fails the whole import when ``failonwarnings=true``."""
    rest_api_id = params["restApiId"]
    mode = params.get("mode") or "merge"
    if mode not in ("merge", "overwrite"):
        raise BadRequestException(f"Invalid import mode specified: {mode}. Valid options are merge,overwrite")
    entries = parse_import(params["body"])
    parts, warnings = [], []
    for index, entry in enumerate(entries):
        try:
            parts.append(_imported(entry))
        except BadRequestException as error:
            warnings.append(f"documentationParts[{index}]: {error.message}")
    if warnings and params.get("failOnWarnings"):
        raise BadRequestException("Warnings found during import:\n\t" + "\n\t".join(warnings))
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, rest_api_id)
        if mode == "overwrite":
            await tx.delete_prefix(KIND_DOCUMENTATION_PART, f"{rest_api_id}/")
        docs = await children(tx, KIND_DOCUMENTATION_PART, rest_api_id)
        existing = {location_key(d["location"]): d for d in docs}
        ids = []
        for location, properties in parts:
            key = location_key(location)
            doc = existing.get(key)
            if doc is None:
                doc = existing[key] = await _add_part(tx, rest_api_id, location, properties)
            else:
                doc["properties"] = properties
                await put_child(tx, KIND_DOCUMENTATION_PART, rest_api_id, doc)
            if doc["id"] not in ids:
                ids.append(doc["id"])
    result: dict[str, Any] = {"ids": ids}
    if warnings:
        result["warnings"] = warnings
    return result
