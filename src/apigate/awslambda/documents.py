"""The Lambda documents of the configuration store (layout: see the package docstring).

Loading a function, a version or an alias raises the ResourceNotFoundException Lambda raises, with
its wording. Internal fields start with ``_`` and never reach the wire (the protocol layer writes
only members of the output shape):

* ``_policy``: the resource policy of this function / version / alias (``{"Version", "Id",
  "Statement"}``), absent when it has no statement;
* ``_contentRevision``: changes with code and configuration only (not with policy, tags or
  concurrency): PublishVersion compares it to know whether anything changed since the last
  version, and the runtime keys its environments by it;
* ``_reservedConcurrency``, ``_nextVersion``, ``_tags``: function-wide, on the ``$LATEST`` document.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from apigate.awslambda.arns import LATEST, FunctionRef, is_version
from apigate.awslambda.errors import REVISION_MISMATCH, PreconditionFailedException, ResourceNotFoundException

if TYPE_CHECKING:
    from apigate.store.base import Transaction

KIND_FUNCTION = "lambda_function"
KIND_VERSION = "lambda_version"
KIND_ALIAS = "lambda_alias"
KIND_EVENT = "lambda_event"

Doc = dict[str, Any]


def function_key(ref: FunctionRef) -> str:
    return f"{ref.region}/{ref.name}"


def child_key(ref: FunctionRef, child: str) -> str:
    """Key of a version (``1``) or alias (``live``) of the function."""
    return f"{ref.region}/{ref.name}/{child}"


def children_prefix(ref: FunctionRef) -> str:
    return f"{ref.region}/{ref.name}/"


def last_modified() -> str:
    """AWS's LastModified format: ``2024-01-01T00:00:00.000+0000``."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}+0000"


def new_revision() -> str:
    return str(uuid.uuid4())


def not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Function not found: {arn}")


def alias_not_found(arn: str) -> ResourceNotFoundException:
    return ResourceNotFoundException(f"Cannot find alias arn: {arn}")


def check_revision(doc: Doc, revision_id: str | None) -> None:
    """``RevisionId`` given: the update applies only to that revision (optimistic locking)."""
    if revision_id is not None and revision_id != doc.get("RevisionId"):
        raise PreconditionFailedException(REVISION_MISMATCH)


async def get_function(tx: Transaction, ref: FunctionRef) -> Doc:
    """The ``$LATEST`` document (AWS names the unqualified ARN when the function is missing)."""
    doc = await tx.get(KIND_FUNCTION, function_key(ref))
    if doc is None:
        raise not_found(ref.arn)
    return doc


async def get_version(tx: Transaction, ref: FunctionRef, version: str) -> Doc:
    """A published version, or ``$LATEST``: the function's own document."""
    if version == LATEST:
        doc = await tx.get(KIND_FUNCTION, function_key(ref))
    else:
        doc = await tx.get(KIND_VERSION, child_key(ref, version))
    if doc is None:
        raise not_found(ref.arn_with(version))
    return doc


async def get_alias(tx: Transaction, ref: FunctionRef, name: str) -> Doc:
    doc = await tx.get(KIND_ALIAS, child_key(ref, name))
    if doc is None:
        raise alias_not_found(ref.arn_with(name))
    return doc


async def get_qualified(tx: Transaction, ref: FunctionRef) -> tuple[Doc, Doc | None]:
    """The configuration the reference names and, for an alias, the alias.

    Missing function: ``Function not found: {the ARN as named}``; a missing version or alias of an
    existing function the same (GetFunction, Invoke and GetFunctionConfiguration word it so).
    """
    qualifier = ref.qualifier or LATEST
    function = await tx.get(KIND_FUNCTION, function_key(ref))
    if function is None:
        raise not_found(ref.qualified_arn)
    if qualifier == LATEST:
        return function, None
    if is_version(qualifier):
        return await get_version(tx, ref, qualifier), None
    alias = await tx.get(KIND_ALIAS, child_key(ref, qualifier))
    if alias is None:
        raise not_found(ref.qualified_arn)
    return await get_version(tx, ref, alias["FunctionVersion"]), alias


async def list_children(tx: Transaction, kind: str, ref: FunctionRef) -> list[Doc]:
    return [doc for _, doc in await tx.list(kind, children_prefix(ref))]


def version_order(doc: Doc) -> int:
    """Sort key of versions: ``$LATEST`` first, then numerically (``2`` before ``10``)."""
    version = doc.get("Version", LATEST)
    return 0 if version == LATEST else int(version)
