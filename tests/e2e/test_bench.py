"""The benchmark's own machinery: wrk output parsing, and one very short real run (no speed asserted)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bench import wrk

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:4567/bench/mock
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.21ms  812.33us  21.40ms   91.02%
    Req/Sec    15.29k   512.10    16.01k    80.00%
  Latency Distribution
     50%    4.10ms
     75%    4.33ms
     90%    4.80ms
     99%    1.02s
  121716 requests in 8.00s, 21.36MB read
  Non-2xx or 3xx responses: 12
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  15213.44
Transfer/sec:      2.67MB
"""


def test_parse_wrk_output() -> None:
    result = wrk.parse(WRK_OUTPUT, connections=64)
    assert result.requests_per_s == 15213.44
    assert result.requests == 121716
    assert result.duration_s == 8.0
    assert (result.p50_ms, result.p75_ms, result.p90_ms, result.p99_ms) == (4.10, 4.33, 4.80, 1020.0)
    assert (result.non_2xx, result.socket_errors) == (12, 3)


def test_parse_refuses_garbage() -> None:
    with pytest.raises(wrk.WrkError):
        wrk.parse("unable to connect to 127.0.0.1:1 Connection refused", connections=1)


def test_only_loopback_is_targeted() -> None:
    with pytest.raises(wrk.WrkError):
        wrk.run("http://example.com/", connections=1, duration_s=1)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_short_bench_run_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "BENCHMARKS.md"
    cmd = [sys.executable, "-m", "bench.run", "--duration", "1", "--warmup", "1", "--connections", "1,4",
           "--no-pin", "--output", str(report), "--results-dir", str(tmp_path / "results")]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=110, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (raw,) = (tmp_path / "results").glob("*.json")
    points = json.loads(raw.read_text())["points"]
    assert [(p["target"], p["connections"]) for p in points] == [
        (target, c)
        for target in (
            "backend directly (baseline)", "MOCK + response template", "HTTP_PROXY to the backend",
            "AWS_PROXY to a warm Lambda function",
        )
        for c in (1, 4)
    ]
    assert all(p["requests"] > 0 and p["non_2xx"] == 0 for p in points), points
    text = report.read_text()
    assert "| MOCK + response template | 4 |" in text
    assert "| AWS_PROXY to a warm Lambda function | 4 |" in text
    assert "## Targets" in text
    assert "ImportRestApi of the 240-operation document" in text


def test_function_workers_are_found_and_moved() -> None:
    """bench/workers.py finds the Lambda workers under a process by their command line and pins them."""
    import os
    import time

    from bench import workers

    # A stand-in gateway: one child that looks like a Lambda worker, one that does not.
    parent = (
        "import subprocess, sys, time\n"
        "sleep = [sys.executable, '-c', 'import time; time.sleep(30)']\n"
        # The marker is built at run time: a child not yet exec'd still shows the parent's command line.
        "children = [subprocess.Popen(sleep + ['bootstrap' + '_python']), subprocess.Popen(sleep)]\n"
        "time.sleep(30)\n"
    )
    with subprocess.Popen([sys.executable, "-c", parent], start_new_session=True) as gateway:
        try:
            found: list[int] = []
            for _ in range(100):
                found = workers.function_workers(gateway.pid)
                if found:
                    break
                time.sleep(0.05)
            assert len(found) == 1
            cpu = min(os.sched_getaffinity(0))
            assert workers.move_function_workers(gateway.pid, {cpu}) == 1
            assert os.sched_getaffinity(found[0]) == {cpu}
        finally:
            os.killpg(gateway.pid, 9)
