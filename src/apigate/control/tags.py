"""Handlers: TagResource, UntagResource, GetTags (``/tags/{resource_arn}``).

Tags live in the tagged document's own ``tags`` member (RestApi, Stage), so GetRestApi/GetStage
show them without a second lookup. ARNs are API Gateway management ARNs, whose account field is
empty: ``arn:aws:apigateway:{region}::/restapis/{id}[/stages/{name}]``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from apigate.control.common import KIND_RESTAPI, KIND_STAGE, get_rest_api
from apigate.control.errors import BadRequestException, NotFoundException
from apigate.control.registry import ControlContext, Output, Params, operation

if TYPE_CHECKING:
    from apigate.store.base import Transaction

_ARN_RE = re.compile(r"arn:aws(?:-[a-z]+)*:apigateway:([a-z0-9-]+)::(/.+)")


@dataclass(frozen=True, slots=True)
class Target:
    """Where the tags of one ARN are stored."""

    kind: str
    key: str


Resolver = Callable[["Transaction", ControlContext, "re.Match[str]"], Awaitable[Target]]


async def _rest_api(tx: Transaction, ctx: ControlContext, match: re.Match[str]) -> Target:
    await get_rest_api(tx, ctx, match["api"])
    return Target(KIND_RESTAPI, match["api"])


async def _stage(tx: Transaction, ctx: ControlContext, match: re.Match[str]) -> Target:
    await get_rest_api(tx, ctx, match["api"])
    key = f"{match['api']}/{match['stage']}"
    if await tx.get(KIND_STAGE, key) is None:
        raise NotFoundException("Invalid Stage identifier specified")
    return Target(KIND_STAGE, key)


# The taggable resources apigate stores; later issues append theirs (API keys, usage plans, ...).
TAGGABLE: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(r"/restapis/(?P<api>[^/]+)"), _rest_api),
    (re.compile(r"/restapis/(?P<api>[^/]+)/stages/(?P<stage>[^/]+)"), _stage),
]


async def resolve(tx: Transaction, ctx: ControlContext, arn: str) -> Target:
    """The document an ARN names: NotFoundException for a well-formed ARN of a missing API or
    stage (or of another region), BadRequestException for anything that is not such an ARN."""
    match = _ARN_RE.fullmatch(arn or "")
    if match is not None:
        region, path = match.groups()
        for pattern, resolver in TAGGABLE:
            found = pattern.fullmatch(path)
            if found is None:
                continue
            if region != ctx.region:
                raise NotFoundException(f"Invalid resource ARN specified: {arn}")
            return await resolver(tx, ctx, found)
    raise BadRequestException("Invalid ARN specified in the request")


def _check_tags(tags: dict[str, Any]) -> dict[str, str]:
    for key, value in tags.items():
        if not 1 <= len(str(key)) <= 128 or len(str(value or "")) > 256:
            raise BadRequestException("Tag keys must be 1-128 characters and values at most 256 characters")
        if str(key).lower().startswith("aws:"):
            raise BadRequestException("Tag keys starting with 'aws:' are reserved for AWS use")
    return {str(k): "" if v is None else str(v) for k, v in tags.items()}


@operation("apigateway", "TagResource")
async def tag_resource(ctx: ControlContext, params: Params) -> Output:
    tags = _check_tags(params.get("tags") or {})
    async with ctx.store.transaction() as tx:
        target = await resolve(tx, ctx, params["resourceArn"])
        doc = await tx.get(target.kind, target.key)
        assert doc is not None  # resolve() checked it exists in this transaction
        doc["tags"] = {**(doc.get("tags") or {}), **tags}
        await tx.put(target.kind, target.key, doc)
    return None


@operation("apigateway", "UntagResource")
async def untag_resource(ctx: ControlContext, params: Params) -> Output:
    keys = params.get("tagKeys") or []
    if isinstance(keys, str):
        keys = [keys]
    async with ctx.store.transaction() as tx:
        target = await resolve(tx, ctx, params["resourceArn"])
        doc = await tx.get(target.kind, target.key)
        assert doc is not None
        doc["tags"] = {k: v for k, v in (doc.get("tags") or {}).items() if k not in keys}
        await tx.put(target.kind, target.key, doc)
    return None


@operation("apigateway", "GetTags")
async def get_tags(ctx: ControlContext, params: Params) -> Output:
    async with ctx.store.transaction() as tx:
        target = await resolve(tx, ctx, params["resourceArn"])
        doc = await tx.get(target.kind, target.key)
    return {"tags": dict((doc or {}).get("tags") or {})}
