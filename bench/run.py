"""``python -m bench.run``: requests/s and p50/p99 of the gateway under wrk, on loopback.

Placement (where ``taskset`` exists and at least two CPUs are usable): the gateway runs alone on the
first CPU, wrk on the second. The baseline — the raw-ASGI backend called directly — runs on the
gateway's CPU, so it shows the ceiling of a Python ASGI app in the gateway's seat; during the
HTTP_PROXY runs the backend moves to a third CPU if there is one, else beside wrk.

Everything started here is stopped at the end (or on Ctrl-C), and every URL is on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.harness import Gateway, free_port, http_request, start_gateway

from bench import apis, imports, machine, report, workers, wrk

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


@dataclass(frozen=True, slots=True)
class Placement:
    gateway: Sequence[str]  # command prefixes (``taskset -c N``), empty when not pinned
    load: Sequence[str]
    backend: Sequence[str]
    description: str
    backend_cpu: int | None = None  # where Lambda workers are moved (bench/workers.py); None: not pinned


def plan_placement(pin: bool) -> Placement:
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or shutil.which("taskset") is None or len(cpus) < 2:
        why = "pinning disabled" if not pin else "taskset missing or fewer than 2 CPUs"
        return Placement((), (), (), f"not pinned ({why})")
    gateway, load = cpus[0], cpus[1]
    backend = cpus[2] if len(cpus) > 2 else load
    return Placement(
        ("taskset", "-c", str(gateway)), ("taskset", "-c", str(load)), ("taskset", "-c", str(backend)),
        f"gateway on CPU {gateway}, wrk on CPU {load}, HTTP_PROXY backend and Lambda workers on CPU "
        f"{backend}; baseline backend on CPU {gateway}",
        backend,
    )


@contextlib.contextmanager
def backend_process(prefix: Sequence[str]) -> Iterator[str]:
    """The raw-ASGI backend under granian (one worker); yields its URL."""
    port = free_port()
    cmd = [*prefix, sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1",
           "--port", str(port), "--workers", "1", "--loop", "uvloop", "--no-ws", "--log-level", "warning",
           "bench.backend:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _wait_for_port(proc, port)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop_group(proc)


def _wait_for_port(proc: subprocess.Popen[bytes], port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"backend exited with {proc.returncode}: {err}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"backend did not listen on port {port} within {timeout}s")


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(10)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


def check(target: apis.Target) -> None:
    """One request before the load: a target that answers wrongly is not worth measuring."""
    resp = http_request("GET", target.url, headers=target.headers)
    if resp.status != 200 or target.expect not in resp.text:
        raise RuntimeError(f"{target.name}: unexpected answer {resp!r}")


def measure(target: apis.Target, args: argparse.Namespace, load: Sequence[str],
            after_warmup: Callable[[], None] | None = None) -> list[dict[str, Any]]:
    points: list[dict[str, Any]] = []
    try:
        check(target)
        if args.warmup > 0:
            wrk.run(target.url, connections=max(args.connections), duration_s=args.warmup,
                    headers=target.headers, prefix=load)
        if after_warmup is not None:
            after_warmup()
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        return [{"target": target.name, "connections": c, "error": str(exc)[:300]} for c in args.connections]
    for connections in args.connections:
        try:
            result = wrk.run(target.url, connections=connections, duration_s=args.duration,
                             headers=target.headers, prefix=load)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            points.append({"target": target.name, "connections": connections, "error": str(exc)[:300]})
            continue
        points.append({"target": target.name, **result.to_dict()})
        print(f"  {target.name:<28} c={connections:<3} {result.requests_per_s:>10,.0f} req/s  "
              f"p50 {result.p50_ms:.2f} ms  p99 {result.p99_ms:.2f} ms", flush=True)
    return points


def run_baseline(args: argparse.Namespace, placement: Placement) -> list[dict[str, Any]]:
    with backend_process(placement.gateway) as backend_url:
        return measure(apis.backend_target(backend_url), args, placement.load)


def run_gateway(args: argparse.Namespace, placement: Placement) -> list[dict[str, Any]]:
    gateway: Gateway | None = None
    with backend_process(placement.backend) as backend_url:
        try:
            gateway = start_gateway("--in-memory", "--log-level", "warning", prefix=placement.gateway)
            api_id = apis.create_bench_api(
                apis.client(gateway.url), backend_url, apis.client(gateway.url, "lambda")
            )
        except Exception as exc:  # a gateway that cannot be set up still gets a report saying why
            if gateway is not None:
                gateway.stop()
            return [{"target": name, "connections": c, "error": f"setup failed: {str(exc)[:300]}"}
                    for name in apis.GATEWAY_TARGETS for c in args.connections]
        try:
            points: list[dict[str, Any]] = []
            for target in apis.gateway_targets(gateway.url, api_id):
                points += measure(target, args, placement.load, _mover(gateway, target, placement, args))
            return points
        finally:
            gateway.stop()


def _mover(gateway: Gateway, target: apis.Target, placement: Placement,
           args: argparse.Namespace) -> Callable[[], None] | None:
    """For the Lambda row: warm until the function's workers stop multiplying, moving them off the
    gateway's CPU each time (bench/workers.py).

    Workers start on the gateway's CPU (they inherit its affinity); the first warm-up starts one
    per connection there, slowly, and clients that give up meanwhile leave more behind. Measuring
    before that settles would time cold starts, not the gateway.
    """
    if target.name != apis.LAMBDA_TARGET:
        return None
    cpu = placement.backend_cpu

    def settle() -> None:
        before = -1
        for _ in range(4):
            count = len(workers.function_workers(gateway.process.pid))
            if cpu is not None:
                workers.move_function_workers(gateway.process.pid, {cpu})
            if count == before or args.warmup <= 0:
                break
            before = count
            wrk.run(target.url, connections=max(args.connections), duration_s=args.warmup,
                    headers=target.headers, prefix=placement.load)
        warm = len(workers.function_workers(gateway.process.pid))
        print(f"  {warm} warm Lambda workers" + (f" on CPU {cpu}" if cpu is not None else ""), flush=True)

    return settle


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    # wrk measures whole seconds only.
    parser.add_argument("--duration", type=int, default=8, help="seconds per point (default 8)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per target (default 2)")
    parser.add_argument("--connections", type=lambda s: [int(c) for c in s.split(",")], default=[1, 64],
                        help="comma-separated connection counts (default 1,64)")
    parser.add_argument("--no-pin", dest="pin", action="store_false", help="do not use taskset")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md", help="the report to write")
    parser.add_argument("--results-dir", type=Path, default=RESULTS_DIR, help="where raw results go")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it with apt-get)", file=sys.stderr)
        return 2
    placement = plan_placement(args.pin)
    print(f"apigate bench: {placement.description}", flush=True)
    described = machine.describe()  # before the run: its load average is the machine's, not ours
    points = run_baseline(args, placement) + run_gateway(args, placement)
    imported = imports.run(placement.gateway)
    results = {"machine": described, "placement": placement.description,
               "duration_s": args.duration, "warmup_s": args.warmup, "points": points, "import": imported}
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    raw_path = args.results_dir / f"{stamp}.json"
    raw_path.write_text(json.dumps(results, indent=2))
    args.output.write_text(report.render(results))
    print(f"wrote {args.output} and {raw_path}", flush=True)
    return 1 if any("error" in p for p in [*points, imported]) else 0


if __name__ == "__main__":
    sys.exit(main())
