"""ImportRestApi of the large fixture document (240 operations, 97 models), timed through boto3.

Each run imports the document into a fresh gateway API and deletes it again; the time is the
client's wall-clock time of the ImportRestApi call (request, parse, plan, one store transaction,
answer). The gateway runs where the load runs would put it (the same CPU prefix).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.e2e.harness import start_gateway

from bench import apis

DOCUMENT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "openapi" / "large.openapi.json"
RUNS = 7


def measure(endpoint_url: str, runs: int = RUNS) -> dict[str, Any]:
    body = DOCUMENT.read_bytes()
    apigw = apis.client(endpoint_url)
    timings: list[float] = []
    operations = 0
    for _ in range(runs + 1):  # the first run warms the gateway's imports and caches: not counted
        started = time.perf_counter()
        api = apigw.import_rest_api(body=body, failOnWarnings=True)
        elapsed_ms = (time.perf_counter() - started) * 1000
        resources = apigw.get_resources(restApiId=api["id"], limit=500)["items"]
        operations = sum(len(r.get("resourceMethods", {})) for r in resources)
        apigw.delete_rest_api(restApiId=api["id"])
        timings.append(elapsed_ms)
    counted = timings[1:]
    return {
        "document": DOCUMENT.name,
        "bytes": len(body),
        "operations": operations,
        "runs": len(counted),
        "median_ms": statistics.median(counted),
        "min_ms": min(counted),
        "max_ms": max(counted),
    }


def run(prefix: Sequence[str] = ()) -> dict[str, Any]:
    """Start a gateway (under ``prefix``, e.g. ``taskset -c 0``), measure, stop it."""
    gateway = start_gateway("--in-memory", "--log-level", "warning", prefix=prefix)
    try:
        result = measure(gateway.url)
    except Exception as exc:  # the report says why rather than losing the load results
        return {"error": str(exc)[:300]}
    finally:
        gateway.stop()
    print(f"  ImportRestApi of {result['document']} ({result['operations']} operations): "
          f"median {result['median_ms']:.0f} ms", flush=True)
    return result
