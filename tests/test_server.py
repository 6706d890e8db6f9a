"""The composition root in process, and ``apigate serve`` as a real process on a real socket."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import apigate.examples
from apigate import __version__
from apigate.config import Settings
from apigate.server import Services, build_app, claim_port, create_app, resolve_bind_host
from apigate.store.sqlite import SqliteStore
from tests.support.asgi import Lifespan, request

# -- in process ------------------------------------------------------------------------------------


async def test_build_app_wires_services_and_lifespan_closes_the_store(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path / "state")
    app = build_app(settings)
    services = app.services
    assert isinstance(services, Services)
    assert services.settings is settings
    assert isinstance(services.store, SqliteStore)
    assert services.store.path == tmp_path / "state" / "apigate.db"
    assert callable(services.dataplane) and callable(services.management)

    lifespan = Lifespan(app)
    assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
    async with services.store.transaction() as tx:
        await tx.put("restapi", "a", {"id": "a"})
    assert (await request(app, "GET", "/_apigate/health")).status == 200
    assert (await lifespan.shutdown())["type"] == "lifespan.shutdown.complete"
    with pytest.raises(RuntimeError):
        async with services.store.transaction():
            pass
    reopened = SqliteStore(services.store.path)
    async with reopened.transaction() as tx:
        assert await tx.get("restapi", "a") == {"id": "a"}
    await reopened.close()


def test_create_app_reads_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    env = Settings(host="0.0.0.0", port=5001, state_dir=None, region="eu-west-1",
                   account_id="123456789012", admin_token="tok").to_env()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = create_app()
    assert app.services.settings == Settings(host="0.0.0.0", port=5001, state_dir=None, region="eu-west-1",
                                             account_id="123456789012", admin_token="tok")
    assert app.services.store.path is None  # type: ignore[attr-defined]


class RecordingInstall:
    def __init__(self) -> None:
        self.calls: list[Services] = []

    async def __call__(self, services: Services) -> list[str]:
        self.calls.append(services)
        return ["curl http://example"]


@pytest.mark.parametrize("state_has_api", [False, True])
async def test_example_is_installed_only_into_an_empty_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, state_has_api: bool
) -> None:
    install = RecordingInstall()
    monkeypatch.setattr(apigate.examples, "install", install)
    settings = Settings(state_dir=tmp_path, example=True)
    if state_has_api:
        store = SqliteStore(tmp_path / "apigate.db")
        async with store.transaction() as tx:
            await tx.put("restapi", "mine", {"id": "mine"})
        await store.close()
    app = build_app(settings)
    lifespan = Lifespan(app)
    assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
    await lifespan.shutdown()
    assert install.calls == ([] if state_has_api else [app.services])


async def test_a_failing_example_does_not_stop_the_gateway(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(services: Services) -> list[str]:
        raise RuntimeError("example bug")

    monkeypatch.setattr(apigate.examples, "install", broken)
    app = build_app(Settings(state_dir=None, example=True))
    lifespan = Lifespan(app)
    assert (await lifespan.startup())["type"] == "lifespan.startup.complete"
    assert (await request(app, "GET", "/_apigate/health")).status == 200
    await lifespan.shutdown()


def test_bind_helpers() -> None:
    assert resolve_bind_host("localhost") in {"127.0.0.1", "::1"}
    assert resolve_bind_host("0.0.0.0") == "0.0.0.0"
    port = claim_port("127.0.0.1", 0)
    assert 0 < port < 65536


# -- a real process --------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Served:
    """``python -m apigate serve ...`` in its own process group, with stdout read by a thread."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("APIGATE_")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "apigate", "serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**clean, **(env or {})},
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._first_line = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._first_line.set()
        self._first_line.set()

    def wait_ready(self, timeout: float = 30) -> str:
        if not self._first_line.wait(timeout) or not self.lines:
            raise AssertionError(f"no listening line; stderr: {self.stderr()}")
        return self.lines[0]

    def stderr(self) -> str:
        if self.process.poll() is None:
            return "(still running)"
        assert self.process.stderr is not None
        return self.process.stderr.read()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@contextlib.contextmanager
def serving(*args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    served = Served(*args, env=env)
    try:
        yield served
    finally:
        served.kill()  # whatever the test left running, including granian's worker


def _get(port: int, path: str, method: str = "GET") -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


@pytest.mark.timeout(90)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_in_memory_answers_health_and_stops_cleanly(sig: int) -> None:
    port = _free_port()
    with serving("--port", str(port), "--in-memory") as served:
        assert served.wait_ready() == f"apigate listening on http://127.0.0.1:{port}"
        # the line promises a listening socket: the very first request must succeed
        assert _get(port, "/_apigate/health") == (200, {"status": "ok", "version": __version__})
        assert _get(port, "/_apigate/reset", "POST") == (200, {"status": "ok"})
        assert served.stop(sig) == 0, served.stderr()
        assert served.lines == [f"apigate listening on http://127.0.0.1:{port}"]


@pytest.mark.timeout(90)
def test_serve_with_state_dir_creates_the_database(tmp_path: Path) -> None:
    port = _free_port()
    state = tmp_path / "new" / "state"
    with serving("--port", str(port), "--state-dir", str(state)) as served:
        served.wait_ready()
        assert _get(port, "/_apigate/health")[0] == 200
        assert served.stop() == 0, served.stderr()
    db = state / "apigate.db"
    assert db.is_file()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM documents").fetchone() == (0,)


@pytest.mark.timeout(90)
def test_serve_settings_come_from_the_environment_and_port_0_picks_one(tmp_path: Path) -> None:
    env = {"APIGATE_PORT": "0", "APIGATE_STATE_DIR": str(tmp_path / "env-state"), "APIGATE_HOST": "127.0.0.1"}
    with serving(env=env) as served:
        line = served.wait_ready()
        assert line.startswith("apigate listening on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        assert port != 0
        assert _get(port, "/_apigate/health")[0] == 200
        assert served.stop() == 0, served.stderr()
    assert (tmp_path / "env-state" / "apigate.db").is_file()


@pytest.mark.timeout(60)
def test_serve_on_a_busy_port_fails_in_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with serving("--port", str(port), "--in-memory") as served:
            status = served.process.wait(30)
            stderr = served.stderr()
    assert status == 1
    assert stderr.strip().splitlines() == [
        f"Error: cannot listen on http://127.0.0.1:{port}: Address already in use"
    ]
