"""Run ``wrk --latency`` against loopback and parse what it prints."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.M)
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)
_TOTAL = re.compile(r"^\s+(\d+) requests in ([\d.]+)(us|ms|s|m)", re.M)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class WrkResult:
    connections: int
    duration_s: float
    requests: int
    requests_per_s: float
    p50_ms: float
    p75_ms: float
    p90_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    raw: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse(output: str, connections: int) -> WrkResult:
    """The numbers of one ``wrk --latency`` run (latencies in milliseconds)."""
    rps, total = _RPS.search(output), _TOTAL.search(output)
    percentiles = {int(p): float(v) * _UNITS_MS[unit] for p, v, unit in _PERCENTILE.findall(output)}
    if rps is None or total is None or not {50, 75, 90, 99} <= set(percentiles):
        raise WrkError(f"cannot parse wrk output:\n{output}")
    non_2xx = _NON_2XX.search(output)
    errors = _SOCKET_ERRORS.search(output)
    return WrkResult(
        connections=connections,
        duration_s=float(total.group(2)) * _UNITS_MS[total.group(3)] / 1000,
        requests=int(total.group(1)),
        requests_per_s=float(rps.group(1)),
        p50_ms=percentiles[50], p75_ms=percentiles[75], p90_ms=percentiles[90], p99_ms=percentiles[99],
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        raw=output,
    )


def run(
    url: str,
    *,
    connections: int,
    duration_s: int,
    headers: dict[str, str] | None = None,
    prefix: Sequence[str] = (),
) -> WrkResult:
    """One wrk run with one thread (the load generator gets one core of its own).

    wrk takes whole seconds only (``-d1.5s`` is a usage error).
    """
    if urlsplit(url).hostname != "127.0.0.1":
        raise WrkError(f"the benchmark only targets 127.0.0.1, not {url}")
    cmd = [*prefix, "wrk", "-t1", f"-c{connections}", f"-d{duration_s}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    cmd.append(url)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60, check=False)
    if proc.returncode != 0:
        raise WrkError(f"{' '.join(cmd)} exited with {proc.returncode}: {proc.stderr or proc.stdout}")
    return parse(proc.stdout, connections)
