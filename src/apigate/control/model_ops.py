"""Handlers: Create/Get/Update/DeleteModel, GetModels and GetModelTemplate.

Models are keyed by name (``{restApiId}/{name}``, see ``models``). AWS's words, recorded
(``TestApiGatewayApiModels``, ``test_put_method_model``): an unknown API is ``Invalid API identifier
specified``, an unknown Model ``Invalid model name specified: {name}``, a taken name ``Model name
already exists for this REST API``, an empty schema ``Model schema must have at least 1 property or
array items defined``; UpdateModel patches ``/description`` and ``/schema`` only; a Model a method
request names is not deleted (``Cannot delete model 'X', is referenced in method request: //ANY``).
Every check runs before anything is written: bad input changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control import common
from apigate.control.api_children import page_of
from apigate.control.common import KIND_MODEL, KIND_RESOURCE, public
from apigate.control.errors import BadRequestException, ConflictException, NotFoundException
from apigate.control.model_render import flatten, model_template
from apigate.control.models import (
    INVALID_SCHEMA,
    check_name,
    check_schema,
    list_models,
    parse_schema,
    referenced_models,
    schema_text,
)
from apigate.control.patch import PatchSpec, Rule, apply_patch
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction


def not_found(name: str) -> NotFoundException:
    return NotFoundException(f"Invalid model name specified: {name}")


async def load_model(tx: Transaction, ctx: ControlContext, rest_api_id: str, name: str) -> dict[str, Any]:
    """The Model ``name``: the API is checked first (``Invalid API identifier specified``)."""
    await common.get_rest_api(tx, ctx, rest_api_id)
    doc = await tx.get(KIND_MODEL, f"{rest_api_id}/{name}")
    if doc is None:
        raise not_found(name)
    return doc


async def parsed_models(tx: Transaction, rest_api_id: str) -> dict[str, dict[str, Any]]:
    """The API's Models whose schema is a JSON object, by name, schemas parsed."""
    parsed = {}
    for doc in await list_models(tx, rest_api_id):
        schema = parse_schema(doc.get("schema"))
        if schema is not None:
            parsed[doc["name"]] = schema
    return parsed


@operation("apigateway", "CreateModel")
async def create_model(ctx: ControlContext, params: Params) -> Output:
    rest_api_id = params["restApiId"]
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, rest_api_id)
        name = check_name(params.get("name"))
        content_type = params.get("contentType")
        if not content_type:
            raise BadRequestException("Model content type must be non-empty")
        docs = await list_models(tx, rest_api_id)
        names = {str(doc.get("name")) for doc in docs}
        check_schema(params.get("schema"), content_type, rest_api_id, names | {name})
        if name in names:
            raise ConflictException("Model name already exists for this REST API")
        taken = {doc.get("id") for doc in docs}
        model_id = ids.short_id(6)
        while model_id in taken:
            model_id = ids.short_id(6)
        doc: dict[str, Any] = {"id": model_id, "name": name}
        for member in ("description", "schema"):
            if params.get(member):
                doc[member] = params[member]
        doc["contentType"] = content_type
        await tx.put(KIND_MODEL, f"{rest_api_id}/{name}", doc)
    return public(doc)


@operation("apigateway", "GetModel")
async def get_model(ctx: ControlContext, params: Params) -> Output:
    """``flatten=true``: the schema with the Models it references inlined (``model_render.flatten``)."""
    rest_api_id, name = params["restApiId"], params["modelName"]
    async with ctx.store.transaction() as tx:
        doc = public(await load_model(tx, ctx, rest_api_id, name))
        schema = parse_schema(doc.get("schema")) if params.get("flatten") else None
        if schema is not None and referenced_models(schema, rest_api_id):
            models = await parsed_models(tx, rest_api_id)
            doc["schema"] = schema_text(flatten(name, schema, models, rest_api_id))
    return doc


@operation("apigateway", "GetModels")
async def get_models(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        await common.get_rest_api(tx, ctx, params["restApiId"])
        docs = await list_models(tx, params["restApiId"])
    return page_of(docs, params)


# Recorded: "Must be one of: [/description, /schema]" (replace /name is refused); an op no path
# takes answers "Please choose supported operations".
UPDATE_SPEC = PatchSpec({"/description": Rule("replace"), "/schema": Rule("replace")}, style="paths")


@operation("apigateway", "UpdateModel")
async def update_model(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, name = params["restApiId"], params["modelName"]
    operations = common.patch_operations(params, "updateModelInput")
    async with ctx.store.transaction() as tx:
        old = await load_model(tx, ctx, rest_api_id, name)
        new = apply_patch(old, operations, UPDATE_SPEC)
        touched = common.touched_fields(operations)
        if "schema" in touched:
            names = {str(doc.get("name")) for doc in await list_models(tx, rest_api_id)}
            check_schema(new.get("schema"), new.get("contentType"), rest_api_id, names)
        if not new.get("description"):
            new.pop("description", None)
        await tx.put(KIND_MODEL, f"{rest_api_id}/{name}", new)
    return public(new)


async def _referenced_by(tx: Transaction, rest_api_id: str, name: str) -> str | None:
    """Where the Model is still used, as AWS words it after ``is referenced in``.

    Method requests first (recorded: ``method request: //ANY``, ``method request: /test/ANY`` -- the
    resource path, ``/``, the verb). When two methods used it, AWS named the one on ``/test`` over
    the root's: we name the method on the longest path first. Method responses and other Models'
    ``$ref``s were not recorded; they are worded alike.
    """
    resources = [doc for _, doc in await tx.list(KIND_RESOURCE, f"{rest_api_id}/")]
    resources.sort(key=lambda r: (-len(r.get("path", "/")), r.get("path", "/")))
    methods = [
        (f"{resource.get('path', '/')}/{verb}", method)
        for resource in resources
        for verb, method in sorted((resource.get("resourceMethods") or {}).items())
    ]
    for where, method in methods:
        if name in (method.get("requestModels") or {}).values():
            return f"method request: {where}"
    for where, method in methods:
        for status, response in sorted((method.get("methodResponses") or {}).items()):
            if name in (response.get("responseModels") or {}).values():
                return f"method response: {where}/{status}"
    for doc in await list_models(tx, rest_api_id):
        schema = parse_schema(doc.get("schema"))
        if doc.get("name") != name and schema and name in referenced_models(schema, rest_api_id):
            return f"model: {doc.get('name')}"
    return None


@operation("apigateway", "DeleteModel")
async def delete_model(ctx: ControlContext, params: Params) -> Output:
    rest_api_id, name = params["restApiId"], params["modelName"]
    async with ctx.store.transaction() as tx:
        await load_model(tx, ctx, rest_api_id, name)
        used = await _referenced_by(tx, rest_api_id, name)
        if used is not None:
            raise ConflictException(f"Cannot delete model '{name}', is referenced in {used}")
        await tx.delete(KIND_MODEL, f"{rest_api_id}/{name}")
    return None


@operation("apigateway", "GetModelTemplate")
async def get_model_template(ctx: ControlContext, params: Params) -> Output:
    """A VTL mapping template of the Model's shape (``model_render.model_template``); a Model whose
    schema is not a JSON object has none."""
    rest_api_id, name = params["restApiId"], params["modelName"]
    async with ctx.store.transaction() as tx:
        doc = await load_model(tx, ctx, rest_api_id, name)
        schema = parse_schema(doc.get("schema"))
        if schema is None:
            raise BadRequestException(f"{INVALID_SCHEMA}: a template needs a JSON schema")
        models = await parsed_models(tx, rest_api_id)
    return {"value": model_template(name, schema, models, rest_api_id)}
