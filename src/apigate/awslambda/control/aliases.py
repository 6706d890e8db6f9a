"""Handlers: CreateAlias, GetAlias, UpdateAlias, ListAliases, DeleteAlias.

An alias points at one version and, with ``RoutingConfig.AdditionalVersionWeights``, sends a share
of invocations to one more version (``LambdaService`` draws the version per invocation). The checks
of a routing configuration are AWS's, in AWS's order and words.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from apigate.awslambda.arns import LATEST, FunctionRef, is_version
from apigate.awslambda.control.common import SERVICE, page, unqualified_ref_of
from apigate.awslambda.documents import (
    KIND_ALIAS,
    Doc,
    check_revision,
    child_key,
    get_alias,
    get_function,
    get_version,
    list_children,
    new_revision,
)
from apigate.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
    ValidationException,
)
from apigate.control.common import public
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

_WEIGHT_RULE = (
    "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, "
    "Member must have value greater than or equal to 0.0, Member must not be null]"
)
_KEY_RULE = (
    "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member "
    "must have length greater than or equal to 1, Member must satisfy regular expression pattern: "
    "[0-9]+, Member must not be null]"
)


async def check_routing(
    tx: Transaction, ref: FunctionRef, target: str, routing: Mapping[str, Any] | None
) -> dict[str, Any] | None:
    """The RoutingConfig to store (None: every invocation goes to ``target``)."""
    weights = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if not weights:
        return None
    if len(weights) > 1:
        raise InvalidParameterValueException(
            "Number of items in AdditionalVersionWeights cannot be greater than 1"
        )
    for version, weight in weights.items():
        where = f"Value '{{{version}={weight}}}' at 'routingConfig.additionalVersionWeights'"
        if weight is None or not 0.0 <= weight < 1.0:
            raise ValidationException(
                f"1 validation error detected: {where} failed to satisfy constraint: {_WEIGHT_RULE}"
            )
        if version == target:
            raise InvalidParameterValueException(
                f"Invalid function version {target}. Function version {target} is already included in "
                "routing configuration."
            )
        if target == LATEST:
            raise InvalidParameterValueException(
                "$LATEST is not supported for an alias pointing to more than 1 version"
            )
        if not is_version(version):
            raise ValidationException(
                f"1 validation error detected: {where} failed to satisfy constraint: {_KEY_RULE}"
            )
        await get_version(tx, ref, version)
    return {"AdditionalVersionWeights": {str(k): float(v) for k, v in weights.items()}}


def alias_out(alias: Doc) -> dict[str, Any]:
    return public(alias)


async def _store(
    tx: Transaction, ref: FunctionRef, name: str, alias: Doc, routing: Mapping[str, Any] | None
) -> None:
    """Store the alias with ``routing`` checked against its version and a new RevisionId, both
    (re-)inserted last, in AWS's member order: RoutingConfig, then RevisionId."""
    checked = await check_routing(tx, ref, alias["FunctionVersion"], routing)
    alias.pop("RoutingConfig", None)
    alias.pop("RevisionId", None)
    if checked is not None:
        alias["RoutingConfig"] = checked
    alias["RevisionId"] = new_revision()
    await tx.put(KIND_ALIAS, child_key(ref, name), alias)


@operation(SERVICE, "CreateAlias")
async def create_alias(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    name, target = params["Name"], params["FunctionVersion"]
    async with ctx.store.transaction() as tx:
        await get_function(tx, ref)
        await get_version(tx, ref, target)
        if await tx.get(KIND_ALIAS, child_key(ref, name)) is not None:
            raise ResourceConflictException(f"Alias already exists: {ref.arn_with(name)}")
        alias: Doc = {
            "AliasArn": ref.arn_with(name),
            "Name": name,
            "FunctionVersion": target,
            "Description": params.get("Description") or "",
        }
        await _store(tx, ref, name, alias, params.get("RoutingConfig"))
    return alias_out(alias)


@operation(SERVICE, "GetAlias")
async def get_alias_(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        await get_function(tx, ref)
        return alias_out(await get_alias(tx, ref, params["Name"]))


@operation(SERVICE, "UpdateAlias")
async def update_alias(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    name = params["Name"]
    async with ctx.store.transaction() as tx:
        await get_function(tx, ref)
        alias = await tx.get(KIND_ALIAS, child_key(ref, name))
        if alias is None:
            raise ResourceNotFoundException(f"Alias not found: {ref.arn_with(name)}")
        check_revision(alias, params.get("RevisionId"))
        if params.get("FunctionVersion") is not None:
            await get_version(tx, ref, params["FunctionVersion"])
            alias["FunctionVersion"] = params["FunctionVersion"]
        if params.get("Description") is not None:
            alias["Description"] = params["Description"]
        routing = params.get("RoutingConfig")
        if routing is None:  # kept as it was, but checked again against a new target version
            routing = alias.get("RoutingConfig")
        await _store(tx, ref, name, alias, routing)
    return alias_out(alias)


@operation(SERVICE, "ListAliases")
async def list_aliases(ctx: ControlContext, params: Params) -> Output:
    ref = unqualified_ref_of(ctx, params)
    version = params.get("FunctionVersion")
    async with ctx.store.transaction() as tx:
        await get_function(tx, ref)
        aliases = await list_children(tx, KIND_ALIAS, ref)
    items = [alias_out(a) for a in aliases if version is None or a["FunctionVersion"] == version]
    selected, marker = page(items, params.get("Marker"), params.get("MaxItems"))
    return {"Aliases": selected, "NextMarker": marker}


@operation(SERVICE, "DeleteAlias")
async def delete_alias(ctx: ControlContext, params: Params) -> Output:
    """AWS answers 204 also for an alias that does not exist (the function must)."""
    ref = unqualified_ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        await get_function(tx, ref)
        await tx.delete(KIND_ALIAS, child_key(ref, params["Name"]))
    return None
