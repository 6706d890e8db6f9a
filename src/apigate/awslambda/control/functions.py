"""Handlers: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions, DeleteFunction,
UpdateFunctionCode, UpdateFunctionConfiguration.

The code zip is a blob of the store named by its ``CodeSha256``, written in the same transaction as
the configuration; a blob no function or version references any more is deleted with its last
reference. Changing code or configuration retires the function's warm environments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.awslambda.arns import LATEST, FunctionRef, is_version
from apigate.awslambda.code import check_package
from apigate.awslambda.control.common import SERVICE, lambdas, page, ref_of, unqualified_ref_of
from apigate.awslambda.control.configuration import (
    MANDATORY,
    apply_update,
    check_environment,
    check_runtime,
    check_unsupported,
    configuration_out,
    new_function,
    touched,
)
from apigate.awslambda.control.versions import publish
from apigate.awslambda.documents import (
    KIND_ALIAS,
    KIND_FUNCTION,
    KIND_VERSION,
    check_revision,
    child_key,
    children_prefix,
    function_key,
    get_function,
    get_qualified,
    last_modified,
    list_children,
    version_order,
)
from apigate.awslambda.errors import InvalidParameterValueException, ResourceConflictException
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from collections.abc import Iterable

    from apigate.store.base import Transaction


@operation(SERVICE, "CreateFunction")
async def create_function(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    check_unsupported(params)
    if not params.get("Runtime") or not params.get("Handler"):
        raise InvalidParameterValueException(MANDATORY)
    check_runtime(params["Runtime"])
    check_environment(params.get("Environment"))
    zip_file = (params.get("Code") or {}).get("ZipFile")
    if zip_file is None:
        raise InvalidParameterValueException("Please provide a source for function code.")
    package = check_package(zip_file, "CreateFunction")
    doc = new_function(ref, params, package)
    async with ctx.store.transaction() as tx:
        if await tx.get(KIND_FUNCTION, function_key(ref)) is not None:
            raise ResourceConflictException(f"Function already exist: {ref.name}")
        await tx.put_blob(package.sha256, package.data)
        await tx.put(KIND_FUNCTION, function_key(ref), doc)
        if params.get("Publish"):
            return configuration_out(await publish(tx, ref, doc))
    return configuration_out(doc)


@operation(SERVICE, "GetFunction")
async def get_function_(ctx: ControlContext, params: Params) -> Output:
    ref = ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        config, _ = await get_qualified(tx, ref)
        function = config if config["Version"] == LATEST else await get_function(tx, ref)
    output = {
        "Configuration": configuration_out(config, ref.qualified_arn),
        # AWS answers a presigned S3 URL; apigate keeps code in its store (not downloadable yet).
        "Code": {"RepositoryType": "S3", "Location": code_location(ctx, config["CodeSha256"])},
    }
    if function.get("_tags"):
        output["Tags"] = function["_tags"]
    if function.get("_reservedConcurrency") is not None:
        output["Concurrency"] = {"ReservedConcurrentExecutions": function["_reservedConcurrency"]}
    return output


def code_location(ctx: ControlContext, code_sha256: str) -> str:
    digest = code_sha256.replace("/", "_").replace("+", "-").rstrip("=")
    region = ctx.region
    return f"https://awslambda-{region}-tasks.s3.{region}.amazonaws.com/snapshots/{ctx.account_id}/{digest}"


@operation(SERVICE, "GetFunctionConfiguration")
async def get_function_configuration(ctx: ControlContext, params: Params) -> Output:
    ref = ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        config, _ = await get_qualified(tx, ref)
    return configuration_out(config, ref.qualified_arn)


@operation(SERVICE, "ListFunctions")
async def list_functions(ctx: ControlContext, params: Params) -> Output:
    every_version = params.get("FunctionVersion") == "ALL"
    async with ctx.store.transaction() as tx:
        functions = [doc for _, doc in await tx.list(KIND_FUNCTION, f"{ctx.region}/")]
        items = []
        for function in functions:
            if not every_version:
                items.append(configuration_out(function, list_item=True))
                continue
            latest_arn = f"{function['FunctionArn']}:{LATEST}"
            items.append(configuration_out(function, latest_arn, list_item=True))
            ref = FunctionRef(function["FunctionName"], None, ctx.region, ctx.account_id)
            versions = await list_children(tx, KIND_VERSION, ref)
            items += [configuration_out(v, list_item=True) for v in sorted(versions, key=version_order)]
    selected, marker = page(items, params.get("Marker"), params.get("MaxItems"))
    return {"Functions": selected, "NextMarker": marker}


@operation(SERVICE, "DeleteFunction")
async def delete_function(ctx: ControlContext, params: Params) -> Output:
    """Without a qualifier: the function, its versions and aliases; with one: that version."""
    ref = ref_of(ctx, params)
    if ref.qualifier == LATEST:
        raise InvalidParameterValueException(
            "$LATEST version cannot be deleted without deleting the function."
        )
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        if ref.qualifier is None:
            versions = await list_children(tx, KIND_VERSION, ref)
            await tx.delete(KIND_FUNCTION, function_key(ref))
            await tx.delete_prefix(KIND_VERSION, children_prefix(ref))
            await tx.delete_prefix(KIND_ALIAS, children_prefix(ref))
            await collect_code(tx, [function, *versions])
        else:
            await _delete_version(tx, ref, ref.qualifier)
    if ref.qualifier is None:
        lambdas(ctx).set_reserved_concurrency(ref.arn, None)
    await lambdas(ctx).retire(ref.arn)
    return {"StatusCode": 204}


async def _delete_version(tx: Transaction, ref: FunctionRef, version: str) -> None:
    if not is_version(version):
        raise InvalidParameterValueException(
            f"Deleting an alias is not done with DeleteFunction: use DeleteAlias for {ref.qualified_arn}."
        )
    users = [
        alias["Name"]
        for alias in await list_children(tx, KIND_ALIAS, ref)
        if alias["FunctionVersion"] == version
        or version in ((alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {})
    ]
    if users:
        raise ResourceConflictException(
            f"Unable to delete version because the following aliases reference it: [{', '.join(users)}]"
        )
    doc = await tx.get(KIND_VERSION, child_key(ref, version))
    if doc is not None:  # AWS answers success for a version that is already gone
        await tx.delete(KIND_VERSION, child_key(ref, version))
        await collect_code(tx, [doc])


async def collect_code(tx: Transaction, removed: Iterable[dict]) -> None:
    """Delete the code blobs of ``removed`` documents that nothing else references any more."""
    candidates = {doc["CodeSha256"] for doc in removed}
    if not candidates:
        return
    for kind in (KIND_FUNCTION, KIND_VERSION):
        for _, doc in await tx.list(kind):
            candidates.discard(doc.get("CodeSha256"))
            if not candidates:
                return
    for digest in candidates:
        await tx.delete_blob(digest)


@operation(SERVICE, "UpdateFunctionCode")
async def update_function_code(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    check_unsupported(params)
    if params.get("ZipFile") is None:
        raise InvalidParameterValueException("Please provide a source for function code.")
    package = check_package(params["ZipFile"], "UpdateFunctionCode")
    async with ctx.store.transaction() as tx:
        doc = await get_function(tx, ref)
        check_revision(doc, params.get("RevisionId"))
        if params.get("DryRun"):
            return configuration_out(doc)
        previous = dict(doc)
        architectures = params.get("Architectures") or doc["Architectures"]
        changed = package.sha256 != doc["CodeSha256"] or architectures != doc["Architectures"]
        await tx.put_blob(package.sha256, package.data)
        doc.update({"CodeSha256": package.sha256, "CodeSize": package.size, "Architectures": architectures})
        touched(doc, content=changed)
        doc["LastModified"] = last_modified()
        await tx.put(KIND_FUNCTION, function_key(ref), doc)
        await collect_code(tx, [previous])
        result = doc
        if params.get("Publish"):
            result = await publish(tx, ref, doc, revision_id=None)
    if changed:
        await lambdas(ctx).retire(ref.arn)
    return configuration_out(result)


@operation(SERVICE, "UpdateFunctionConfiguration")
async def update_function_configuration(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    check_unsupported(params)
    if "Runtime" in params:
        check_runtime(params["Runtime"])
    check_environment(params.get("Environment"))
    async with ctx.store.transaction() as tx:
        doc = await get_function(tx, ref)
        check_revision(doc, params.get("RevisionId"))
        apply_update(doc, params)
        await tx.put(KIND_FUNCTION, function_key(ref), doc)
    await lambdas(ctx).retire(ref.arn)
    return configuration_out(doc)
