"""BENCHMARKS.md from one run's results."""

from __future__ import annotations

from typing import Any

from bench.apis import LAMBDA_TARGET, MOCK_TARGET, PROXY_TARGET

# The targets this project holds itself to (requests/s on one gateway core; p50 at 1 connection).
TARGETS = {MOCK_TARGET: 15_000, PROXY_TARGET: 5_000, LAMBDA_TARGET: 3_000}
P50_TARGETS_MS = {MOCK_TARGET: 1.0, PROXY_TARGET: 1.0, LAMBDA_TARGET: 2.0}


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _row(point: dict[str, Any]) -> str:
    if "error" in point:
        return f"| {point['target']} | {point['connections']} | error: {point['error']} | | | |"
    notes = []
    if point["non_2xx"]:
        notes.append(f"{point['non_2xx']} non-2xx")
    if point["socket_errors"]:
        notes.append(f"{point['socket_errors']} socket errors")
    return (
        f"| {point['target']} | {point['connections']} | {point['requests_per_s']:,.0f} | "
        f"{point['p50_ms']:.2f} | {point['p99_ms']:.2f} | {', '.join(notes) or 'ok'} |"
    )


def _target_lines(points: list[dict[str, Any]]) -> list[str]:
    lines = []
    for name, goal in TARGETS.items():
        measured = [p for p in points if p["target"] == name and "error" not in p]
        best = max((p["requests_per_s"] for p in measured), default=None)
        one = next((p for p in measured if p["connections"] == 1), None)
        rps = f"{best:,.0f}" if best is not None else "n/a"
        met = best is not None and best >= goal
        lines.append(f"- {name}: ≥ {goal:,} req/s — best {rps} → {_verdict(met)}")
        if one is not None:
            p50 = one["p50_ms"]
            ok = p50 <= P50_TARGETS_MS[name]
            goal_ms = f"{P50_TARGETS_MS[name]:g} ms"
            lines.append(f"- {name}: p50 at 1 connection ≤ {goal_ms} — {p50:.2f} ms → {_verdict(ok)}")
    return lines


def _import_lines(imported: dict[str, Any] | None) -> list[str]:
    """The ImportRestApi timing (``bench/imports.py``); older results have none."""
    if not imported:
        return []
    if "error" in imported:
        return ["## ImportRestApi", "", f"error: {imported['error']}", ""]
    return [
        "## ImportRestApi",
        "",
        f"ImportRestApi of the {imported['operations']}-operation document "
        f"(`tests/fixtures/openapi/{imported['document']}`, {imported['bytes'] / 1024:,.0f} KB): "
        f"{imported['median_ms']:.0f} ms (median of {imported['runs']} runs; "
        f"min {imported['min_ms']:.0f} ms, max {imported['max_ms']:.0f} ms; boto3's wall-clock time, "
        "the API written in one transaction).",
        "",
    ]


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run`); raw wrk output of every run is kept in",
        "`bench/results/` (not committed). Numbers come from one machine and one run: compare runs, not",
        "machines.",
        "",
        f"- date: {m['date']}",
        f"- machine: {m['cpu_model']}, {m['logical_cpus']} logical CPUs ({m['kernel']}); "
        f"load average before the run {' / '.join(map(str, m['loadavg_at_start']))}",
        f"- versions: Python {m['python']}, granian {m['granian']}, httptools {m['httptools']}, "
        f"uvloop {m['uvloop']}, apigate {m['apigate']}, {m['wrk']}",
        f"- placement: {results['placement']}",
        f"- method: wrk, one thread, `--latency`, {results['duration_s']:g} s per point after a "
        f"{results['warmup_s']:g} s warm-up, loopback only (127.0.0.1), keep-alive connections",
        "",
        "| target | connections | requests/s | p50 (ms) | p99 (ms) | notes |",
        "|---|---:|---:|---:|---:|---|",
        *(_row(p) for p in results["points"]),
        "",
        "## Targets",
        "",
        *_target_lines(results["points"]),
        "",
        *_import_lines(results.get("import")),
        "The baseline is the raw-ASGI backend (`bench/backend.py`) under granian on the gateway's core:",
        "the ceiling of any Python ASGI app there. During the HTTP_PROXY runs the backend sits on a CPU",
        "of its own when there is a third one, else beside wrk — never on the gateway's CPU. The AWS_PROXY",
        "row calls a python3.12 function of the gateway's own Lambda service (one warm worker process per",
        "concurrent request, as Lambda runs them); the workers are moved to the backend's CPU after the",
        "warm-up, so the row measures the gateway's own work per invocation.",
        "",
    ]
    return "\n".join(lines)
