"""Where the gateway's Lambda worker processes run during the benchmark.

A function's workers are children of the gateway, so they inherit its CPU affinity: pinned with
``taskset -c 0``, every warm worker would share the gateway's one core and the AWS_PROXY row would
measure gateway and function together. The benchmark moves them to the backend's CPU once the
warm-up has started them (as the HTTP_PROXY backend runs off the gateway's CPU), so the row shows
what the gateway itself spends per invocation.
"""

from __future__ import annotations

import os
from pathlib import Path

# What a worker's command line contains (apigate.awslambda.runtime's bootstraps).
MARKERS = (b"bootstrap_python", b"bootstrap_node")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def function_workers(root_pid: int) -> list[int]:
    """Descendants of ``root_pid`` that are Lambda workers."""
    tree, found, pending = _children(), [], [root_pid]
    while pending:
        for child in tree.get(pending.pop(), []):
            pending.append(child)
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            except OSError:
                continue
            if any(marker in cmdline for marker in MARKERS):
                found.append(child)
    return found


def move_function_workers(root_pid: int, cpus: set[int]) -> int:
    """Pin the Lambda workers under ``root_pid`` to ``cpus``; how many were moved."""
    moved = 0
    for pid in function_workers(root_pid):
        try:
            os.sched_setaffinity(pid, cpus)
            moved += 1
        except OSError:  # ended meanwhile
            continue
    return moved
