"""Real runtimes over real zips: ``functions`` builds a package and its ``FunctionSpec`` in one call."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import shutil
import zipfile
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from apigate.awslambda.runtime import Runtime
from apigate.awslambda.spec import FunctionSpec

ACCOUNT = "000000000000"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js (`node`) is not on PATH")


def zipped(files: dict[str, str | bytes], modes: dict[str, int] | None = None) -> bytes:
    """An in-memory zip of ``files`` (name -> content), with optional unix modes per name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, 0o644) & 0xFFFF) << 16
            archive.writestr(info, content)
    return buffer.getvalue()


def sha_of(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@dataclass
class Functions:
    """The code store of a test: ``add`` a package, get a spec that runs it."""

    blobs: dict[str, bytes] = field(default_factory=dict)
    loads: list[str] = field(default_factory=list)

    async def load(self, code_sha256: str) -> bytes:
        self.loads.append(code_sha256)
        return self.blobs[code_sha256]

    def add(self, files: dict[str, str | bytes], *, name: str = "fn", runtime: str = "python3.12",
            handler: str = "app.handler", **overrides: Any) -> FunctionSpec:
        data = zipped(files)
        sha = sha_of(data)
        self.blobs[sha] = data
        spec = FunctionSpec(
            function_name=name,
            function_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}",
            version="$LATEST",
            runtime=runtime,
            handler=handler,
            code_sha256=sha,
            config_revision="rev-1",
        )
        return replace(spec, **overrides)

    def python(self, source: str, **overrides: Any) -> FunctionSpec:
        """A python3.12 function whose ``app.py`` is ``source`` (handler ``app.handler``)."""
        return self.add({"app.py": source}, **overrides)


@pytest.fixture
def functions() -> Functions:
    return Functions()


@pytest.fixture
async def make_runtime(functions: Functions, tmp_path: Path) -> AsyncIterator[Callable[..., Runtime]]:
    """``make_runtime(**options)``: a ``Runtime`` over ``functions``, closed after the test."""
    made: list[Runtime] = []

    def make(**options: Any) -> Runtime:
        runtime = Runtime(functions.load, tmp_path / "work", **options)
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.close()


@pytest.fixture
def runtime(make_runtime: Callable[..., Runtime]) -> Runtime:
    return make_runtime()


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not count)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def gone(pid: int, within_s: float = 5.0) -> bool:
    """Whether ``pid`` has stopped running within ``within_s`` (a SIGKILL is not instantaneous)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within_s
    while alive(pid):
        if loop.time() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


def worker_children() -> list[int]:
    """Our child processes that are Lambda workers (other tests may own other children)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"bootstrap_" in cmdline and alive(int(entry)):
            found.append(int(entry))
    return found
