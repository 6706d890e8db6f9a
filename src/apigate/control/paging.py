"""v1 list paging: ``?position=&limit=`` in, ``{"item": [...], "position": ...}`` out.

The position token is opaque to clients (AWS's are too); ours is the URL-safe base64 of the index of
the next item, so a token survives the request and needs no server-side state.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from apigate.control.errors import BadRequestException

DEFAULT_LIMIT = 25  # AWS: "The default value is 25 and the maximum value is 500."
MAX_LIMIT = 500
_PREFIX = "p1:"


def encode_position(index: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{index}".encode()).decode().rstrip("=")


def decode_position(position: str) -> int:
    """The index a token points at; BadRequestException if the token is not one of ours."""
    try:
        padded = position + "=" * (-len(position) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise BadRequestException(f"Invalid position parameter: {position}") from None
    digits = text[len(_PREFIX) :]
    if not text.startswith(_PREFIX) or not digits.isdigit():
        raise BadRequestException(f"Invalid position parameter: {position}")
    return int(digits)


def paginate(items: list[Any], position: str | None, limit: int | None) -> dict[str, Any]:
    """One page of ``items``: ``{"items": page}`` plus ``"position"`` when more items follow.

    ``limit`` defaults to 25; larger than 500 is capped at 500; below 1 is a BadRequestException.
    """
    if limit is None:
        limit = DEFAULT_LIMIT
    elif limit < 1:
        raise BadRequestException(f"Invalid limit parameter: {limit}. It must be between 1 and {MAX_LIMIT}")
    limit = min(limit, MAX_LIMIT)
    start = 0 if position is None or position == "" else decode_position(position)
    end = start + limit
    page: dict[str, Any] = {"items": items[start:end]}
    if end < len(items):
        page["position"] = encode_position(end)
    return page
