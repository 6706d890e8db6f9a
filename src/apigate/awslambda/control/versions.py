"""Handlers: PublishVersion, ListVersionsByFunction; ``publish`` is shared with Create/UpdateFunctionCode.

A published version is a frozen copy of ``$LATEST``. AWS publishes nothing when neither code nor
configuration changed since the last version: it answers that version again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.awslambda.arns import LATEST, FunctionRef
from apigate.awslambda.control.common import SERVICE, page, unqualified_ref_of
from apigate.awslambda.control.configuration import configuration_out
from apigate.awslambda.documents import (
    KIND_FUNCTION,
    KIND_VERSION,
    Doc,
    check_revision,
    child_key,
    function_key,
    get_function,
    list_children,
    new_revision,
    version_order,
)
from apigate.awslambda.errors import InvalidParameterValueException
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction


async def publish(
    tx: Transaction,
    ref: FunctionRef,
    function: Doc,
    *,
    description: str | None = None,
    code_sha256: str | None = None,
    revision_id: str | None = None,
) -> Doc:
    """Publish ``$LATEST`` (``function``, updated in place and stored) as the next version."""
    check_revision(function, revision_id)
    current = function["CodeSha256"]
    if code_sha256 is not None and code_sha256 != current:
        raise InvalidParameterValueException(
            f"CodeSHA256 ({code_sha256}) is different from current CodeSHA256 in $LATEST ({current}). "
            "Please try again with the CodeSHA256 in $LATEST."
        )
    last = function.get("_lastPublished")
    if last is not None:
        previous = await tx.get(KIND_VERSION, child_key(ref, last))
        if previous is not None and previous.get("_contentRevision") == function["_contentRevision"]:
            return previous
    number = str(function.get("_nextVersion", 1))
    version: Doc = {k: v for k, v in function.items() if not k.startswith("_")}
    version.update({"FunctionArn": ref.arn_with(number), "Version": number, "RevisionId": new_revision()})
    if description is not None:
        version["Description"] = description
    version["_contentRevision"] = function["_contentRevision"]
    await tx.put(KIND_VERSION, child_key(ref, number), version)
    function["_nextVersion"] = int(number) + 1
    function["_lastPublished"] = number
    function["RevisionId"] = new_revision()
    await tx.put(KIND_FUNCTION, function_key(ref), function)
    return version


@operation(SERVICE, "PublishVersion")
async def publish_version(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        version = await publish(
            tx,
            ref,
            function,
            description=params.get("Description"),
            code_sha256=params.get("CodeSha256"),
            revision_id=params.get("RevisionId"),
        )
    return configuration_out(version)


@operation(SERVICE, "ListVersionsByFunction")
async def list_versions_by_function(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        function = await get_function(tx, ref)
        versions = await list_children(tx, KIND_VERSION, ref)
    items = [configuration_out(function, ref.arn_with(LATEST), list_item=True)]
    items += [configuration_out(v, list_item=True) for v in sorted(versions, key=version_order)]
    selected, marker = page(items, params.get("Marker"), params.get("MaxItems"))
    return {"Versions": selected, "NextMarker": marker}
