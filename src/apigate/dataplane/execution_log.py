"""The execution log in the format of the console's test button (TestInvokeMethod's ``log``).

Stages append bare lines with ``ctx.trace(...)`` (a no-op outside TestInvokeMethod); ``render_log``
adds AWS's heading and the ``Wed Feb 12 23:56:44 UTC 2025 : `` prefix of every line. Maps print the
Java way, ``{name=value, other=value}``, as AWS's own log does.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping


def java_map(values: Mapping[str, object]) -> str:
    """``{a=1, b=2}``: how the execution log prints parameters and headers."""
    return "{" + ", ".join(f"{k}={v}" for k, v in values.items()) + "}"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def log_timestamp(epoch_seconds: float) -> str:
    """``Wed Feb 12 23:56:44 UTC 2025``: Java's ``Date.toString()`` in UTC (English names whatever
    the process locale)."""
    t = time.gmtime(epoch_seconds)
    return (
        f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {t.tm_mday:02d} "
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d} UTC {t.tm_year}"
    )


def render_log(request_id: str, lines: Iterable[str], epoch_seconds: float) -> str:
    stamp = log_timestamp(epoch_seconds)
    out = [f"Execution log for request {request_id}"]
    out.extend(f"{stamp} : {line}" for line in lines)
    return "\n".join(out) + "\n"
