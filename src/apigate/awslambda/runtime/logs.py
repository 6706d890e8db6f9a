"""An invocation's log text as CloudWatch shows it: the function's output between START/END/REPORT."""

from __future__ import annotations

import datetime
import math
import secrets


def log_stream_name(version: str, today: datetime.date | None = None) -> str:
    """AWS's stream of one execution environment: ``2025/01/31/[$LATEST]<32 hex digits>``."""
    day = today or datetime.datetime.now(datetime.UTC).date()
    return f"{day:%Y/%m/%d}/[{version}]{secrets.token_hex(16)}"


def timestamp() -> str:
    """``2025-01-31T12:00:00.123Z``, the timestamp of the platform's own log lines."""
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def frame(
    request_id: str,
    version: str,
    output: str,
    *,
    before: str = "",
    duration_ms: float,
    memory_mb: int,
    max_rss_kb: int,
    init_ms: float | None = None,
    status: str | None = None,
    error_type: str | None = None,
) -> str:
    """``before`` (the init phase's output), START, ``output``, END and REPORT.

    REPORT carries ``Init Duration`` after a cold start and, like AWS's, ``Status`` and
    ``Error Type`` when the platform ended the invocation (timeout, crash, init failure).
    """
    used_mb = min(max(math.ceil(max_rss_kb / 1024), 1), memory_mb) if max_rss_kb else 1
    report = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms"
        f"\tBilled Duration: {max(math.ceil(duration_ms), 1)} ms\tMemory Size: {memory_mb} MB"
        f"\tMax Memory Used: {used_mb} MB\t"
    )
    if init_ms is not None:
        report += f"Init Duration: {init_ms:.2f} ms\t"
    if status is not None:
        report += f"Status: {status}\t"
        if error_type is not None:
            report += f"Error Type: {error_type}\t"
    if before and not before.endswith("\n"):
        before += "\n"
    if output and not output.endswith("\n"):
        output += "\n"
    return (f"{before}START RequestId: {request_id} Version: {version}\n"
            f"{output}END RequestId: {request_id}\n{report}\n")
