"""Handlers: AddPermission, RemovePermission, GetPolicy.

Each of the function (unqualified), a version and an alias has a policy of its own (the document's
``_policy``); the ``Qualifier`` -- as a parameter or in the function name -- selects which. A change
of a policy gives its document a new RevisionId, as AWS does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apigate.awslambda.arns import LATEST, FunctionRef, is_version
from apigate.awslambda.control.common import SERVICE, ref_of
from apigate.awslambda.documents import (
    KIND_ALIAS,
    KIND_FUNCTION,
    KIND_VERSION,
    Doc,
    check_revision,
    child_key,
    function_key,
    get_alias,
    get_function,
    get_version,
    new_revision,
)
from apigate.awslambda.errors import (
    InvalidParameterValueException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from apigate.awslambda.policy import MAX_POLICY_BYTES, build_statement, new_policy, to_json
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

NO_POLICY = "No policy is associated with the given resource."


class PolicyLengthExceededException(InvalidParameterValueException):
    code = "PolicyLengthExceededException"


async def _target(tx: Transaction, ref: FunctionRef) -> tuple[str, str, Doc]:
    """(kind, key, document) whose policy the reference names."""
    qualifier = ref.qualifier
    if qualifier is None or qualifier == LATEST:
        return KIND_FUNCTION, function_key(ref), await get_function(tx, ref)
    await get_function(tx, ref)
    if is_version(qualifier):
        return KIND_VERSION, child_key(ref, qualifier), await get_version(tx, ref, qualifier)
    return KIND_ALIAS, child_key(ref, qualifier), await get_alias(tx, ref, qualifier)


@operation(SERVICE, "AddPermission")
async def add_permission(ctx: ControlContext, params: Params) -> Output:
    ref = ref_of(ctx, params)
    if ref.qualifier == LATEST:
        raise InvalidParameterValueException("We currently do not support adding policies for $LATEST.")
    sid = params["StatementId"]
    async with ctx.store.transaction() as tx:
        kind, key, doc = await _target(tx, ref)
        check_revision(doc, params.get("RevisionId"))
        policy = doc.get("_policy") or new_policy()
        if any(s.get("Sid") == sid for s in policy["Statement"]):
            raise ResourceConflictException(
                f"The statement id ({sid}) provided already exists. Please provide a new statement id, "
                "or remove the existing statement."
            )
        statement = build_statement(ref.qualified_arn, params)
        policy["Statement"].append(statement)
        size = len(to_json(policy).encode())
        if size > MAX_POLICY_BYTES:
            raise PolicyLengthExceededException(
                f"The final policy size ({size}) is bigger than the limit ({MAX_POLICY_BYTES})."
            )
        doc["_policy"] = policy
        doc["RevisionId"] = new_revision()
        await tx.put(kind, key, doc)
    return {"Statement": to_json(statement)}


@operation(SERVICE, "RemovePermission")
async def remove_permission(ctx: ControlContext, params: Params) -> Output:
    ref = ref_of(ctx, params)
    sid = params["StatementId"]
    async with ctx.store.transaction() as tx:
        if await tx.get(KIND_FUNCTION, function_key(ref)) is None:
            raise ResourceNotFoundException(f"No policy found for: {ref.arn}")
        kind, key, doc = await _target(tx, ref)
        policy = doc.get("_policy")
        if not policy:
            raise ResourceNotFoundException(NO_POLICY)
        kept = [s for s in policy["Statement"] if s.get("Sid") != sid]
        if len(kept) == len(policy["Statement"]):
            raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
        check_revision(doc, params.get("RevisionId"))
        if kept:
            doc["_policy"] = {**policy, "Statement": kept}
        else:
            doc.pop("_policy")
        doc["RevisionId"] = new_revision()
        await tx.put(kind, key, doc)
    return None


@operation(SERVICE, "GetPolicy")
async def get_policy(ctx: ControlContext, params: Params) -> Output:
    ref = ref_of(ctx, params)
    async with ctx.store.transaction() as tx:
        _, _, doc = await _target(tx, ref)
    policy = doc.get("_policy")
    if not policy:
        raise ResourceNotFoundException("The resource you requested does not exist.")
    return {"Policy": to_json(policy), "RevisionId": doc["RevisionId"]}
