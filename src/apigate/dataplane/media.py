"""Two facts API Gateway derives the same way wherever it needs them: whether a Content-Type or
Accept value names a binary media type of the API, and the request's X-Ray trace id."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

__all__ = ["is_binary", "trace_id"]


def is_binary(content_type: str | None, binary_media_types: tuple[str, ...]) -> bool:
    """Whether a Content-Type/Accept value (first media type) matches ``binaryMediaTypes``."""
    if not content_type or not binary_media_types:
        return False
    mime = content_type.split(",", 1)[0].split(";", 1)[0].strip().lower()
    main = mime.split("/", 1)[0]
    for pattern in binary_media_types:
        pattern = pattern.lower()
        if pattern in (mime, "*/*") or pattern == f"{main}/*":
            return True
    return False


def trace_id(ctx: InvocationContext) -> str:
    """The client's ``X-Amzn-Trace-Id`` (AWS propagates it), else an X-Ray style
    ``Root=1-{epoch hex}-{24 hex}`` derived from the request id (no randomness)."""
    incoming = ctx.request.headers.get("x-amzn-trace-id")
    if incoming:
        return incoming
    seconds = ctx.request_time_epoch_ms // 1000
    return f"Root=1-{seconds:08x}-{ctx.request_id.replace('-', '')[:24]}"
