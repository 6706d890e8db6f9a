"""Helpers of the Lambda handlers: the function a request names, the service, and list paging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigate.awslambda import arns
from apigate.awslambda.arns import FunctionRef
from apigate.awslambda.errors import InvalidParameterValueException
from apigate.control.errors import BadRequestException
from apigate.control.paging import decode_position, encode_position

if TYPE_CHECKING:
    from apigate.awslambda.service import LambdaService
    from apigate.control.registry import ControlContext, Params

SERVICE = "lambda"
DEFAULT_MAX_ITEMS = 50  # ListFunctions / ListVersionsByFunction / ListAliases pages


def ref_of(ctx: ControlContext, params: Params, *, qualifier: bool = True) -> FunctionRef:
    """``FunctionName`` (+ ``Qualifier``) of the request, in the caller's region and account."""
    given = params.get("Qualifier") if qualifier else None
    return arns.parse(params["FunctionName"], given, ctx.region, ctx.account_id)


def unqualified_ref_of(ctx: ControlContext, params: Params) -> FunctionRef:
    """For operations on the function itself: a qualified name is refused as AWS refuses it."""
    return arns.parse_unqualified(params["FunctionName"], ctx.region, ctx.account_id)


def lambdas(ctx: ControlContext) -> LambdaService:
    service: LambdaService = ctx.services.lambdas
    return service


def page(items: list[Any], marker: str | None, max_items: int | None) -> tuple[list[Any], str | None]:
    """One page and the ``NextMarker`` of the next (None on the last page). Markers are opaque."""
    size = max_items or DEFAULT_MAX_ITEMS
    try:
        start = decode_position(marker) if marker else 0
    except BadRequestException:
        raise InvalidParameterValueException(f"Invalid marker: {marker}") from None
    end = start + size
    return items[start:end], (encode_position(end) if end < len(items) else None)
