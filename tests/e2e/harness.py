"""Launch the real gateway as a subprocess and talk to it over real sockets.

Used by ``tests/conftest.py`` (fixtures) and by end-to-end tests that need a gateway of their own
(restart persistence). Nothing here imports apigate: the gateway under test is a separate process,
exactly as a user runs it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

READY_LINE = "apigate listening on"
UrlForm = Literal["host", "path"]
URL_FORMS: tuple[UrlForm, ...] = ("host", "path")


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the kernel picks it; the socket is closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------------------------------
# A tiny HTTP client: raw paths go out untouched, every header comes back (repeated ones too).


@dataclass
class HttpResponse:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str, default: str | None = None) -> str | None:
        """The first value of a header, case-insensitively."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default

    def header_values(self, name: str) -> list[str]:
        lname = name.lower()
        return [value for key, value in self.headers if key.lower() == lname]

    def header_names(self) -> set[str]:
        return {key.lower() for key, _ in self.headers}

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:  # shows up in assertion failures: keep the body visible
        body = self.body[:500]
        return f"HttpResponse({self.status} {self.reason}, headers={self.headers!r}, body={body!r})"


def http_request(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | Sequence[tuple[str, str]] | None = None,
    body: bytes | str | None = None,
    timeout: float = 15.0,
) -> HttpResponse:
    """One HTTP/1.1 request on a fresh connection.

    A URL whose host is not an IP literal (``{apiId}.execute-api.localhost``) is sent to 127.0.0.1
    with that host in the ``Host`` header, so host-based invoke URLs work without DNS. The path and
    query are sent byte for byte as written (no re-encoding).
    """
    parts = urlsplit(url)
    port = parts.port or 80
    host = parts.hostname or "127.0.0.1"
    connect_to = host if _is_ip(host) else "127.0.0.1"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    conn = http.client.HTTPConnection(connect_to, port, timeout=timeout)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        if not any(k.lower() == "host" for k, _ in items):
            conn.putheader("Host", f"{host}:{port}")
        payload = body.encode() if isinstance(body, str) else body
        if payload is not None and not any(k.lower() == "content-length" for k, _ in items):
            conn.putheader("Content-Length", str(len(payload)))
        for key, value in items:
            conn.putheader(key, value)
        conn.endheaders(payload)
        resp = conn.getresponse()
        data = resp.read()
        return HttpResponse(resp.status, resp.reason, list(resp.getheaders()), data)
    finally:
        conn.close()


def _is_ip(host: str) -> bool:
    try:
        socket.inet_pton(socket.AF_INET, host)
        return True
    except OSError:
        return False


# --------------------------------------------------------------------------------------------------
# The gateway process.


class GatewayStartError(RuntimeError):
    pass


@dataclass
class Gateway:
    """A running ``apigate serve`` process on 127.0.0.1."""

    port: int
    process: subprocess.Popen[str]
    stderr_path: Path
    stdout_lines: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def execute_url(self, api_id: str, stage: str, path: str = "", *, form: UrlForm = "path") -> str:
        """The invoke URL of ``path`` (no leading ``/`` needed; may carry a query string).

        ``form="host"``: ``http://{api}.execute-api.localhost:{port}/{stage}/{path}`` (``http_request``
        sends it to 127.0.0.1 with that Host header); ``form="path"``:
        ``http://127.0.0.1:{port}/restapis/{api}/{stage}/_user_request_/{path}``.
        """
        path = path.lstrip("/")
        if form == "host":
            return f"http://{api_id}.execute-api.localhost:{self.port}/{stage}/{path}"
        return f"{self.url}/restapis/{api_id}/{stage}/_user_request_/{path}"

    def execute_urls(self, api_id: str, stage: str, path: str = "") -> dict[UrlForm, str]:
        return {form: self.execute_url(api_id, stage, path, form=form) for form in URL_FORMS}

    def request(self, method: str, path: str, **kwargs: Any) -> HttpResponse:
        """A request to the gateway's own port (management or admin paths)."""
        return http_request(method, self.url + path, **kwargs)

    def reset(self) -> None:
        if self.process.poll() is not None:  # say why, rather than "connection refused" in every test
            raise AssertionError(f"the gateway exited with {self.process.returncode}:\n{self.stderr_tail()}")
        resp = self.request("POST", "/_apigate/reset")
        if resp.status >= 300:
            raise AssertionError(f"POST /_apigate/reset failed: {resp!r}")

    def stderr_tail(self, limit: int = 4000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (a clean shutdown), then SIGKILL to the whole process group if it lingers."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout)
        self._kill_group()
        return self.process.returncode

    def kill9(self) -> None:
        """``kill -9`` the gateway and every worker it spawned: no shutdown code runs."""
        self._kill_group()

    def _kill_group(self) -> None:
        # start_new_session=True made the gateway the leader of its own group, so this reaches
        # worker processes the ASGI server may have spawned, and nothing else.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(10)
        with contextlib.suppress(OSError):
            self.stderr_path.unlink()


def gateway_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a gateway child: no stray ``APIGATE_*`` settings of the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIGATE_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def start_gateway(
    *args: str,
    port: int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 30.0,
    attempts: int = 3,
    prefix: Sequence[str] = (),
) -> Gateway:
    """Start ``python -m apigate serve --port P *args`` and wait for its ``apigate listening on`` line.

    ``prefix`` goes before the interpreter (``("taskset", "-c", "0")`` for the benchmark). When the
    port is chosen here and another process grabs it between the probe and the bind, the start is
    retried on a new port.
    """
    last_error: GatewayStartError | None = None
    for _ in range(attempts if port is None else 1):
        chosen = port if port is not None else free_port()
        try:
            return _start_once([*prefix, *_serve_command(chosen, args)], chosen, gateway_env(env), timeout)
        except GatewayStartError as exc:
            last_error = exc
            if "address already in use" not in str(exc).lower():
                raise
    assert last_error is not None
    raise last_error


def _serve_command(port: int, args: Sequence[str]) -> list[str]:
    return [sys.executable, "-m", "apigate", "serve", "--port", str(port), *args]


def _start_once(cmd: list[str], port: int, env: dict[str, str], timeout: float) -> Gateway:
    fd, stderr_name = tempfile.mkstemp(prefix="apigate-stderr-", suffix=".log")
    with os.fdopen(fd, "w") as stderr_file:
        proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=stderr_file, stdin=subprocess.DEVNULL,
            text=True, env=env, start_new_session=True,
        )
    gateway = Gateway(port=port, process=proc, stderr_path=Path(stderr_name))
    ready = threading.Event()
    threading.Thread(target=_drain, args=(gateway, ready), daemon=True).start()
    deadline = time.monotonic() + timeout
    while not ready.wait(0.05):
        if proc.poll() is not None or time.monotonic() > deadline:
            why = f"exited with {proc.returncode}" if proc.poll() is not None else f"not ready in {timeout}s"
            stdout, stderr = "".join(gateway.stdout_lines), gateway.stderr_tail()
            gateway.stop(timeout=2)
            raise GatewayStartError(
                f"gateway {' '.join(cmd)} {why}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
            )
    return gateway


def _drain(gateway: Gateway, ready: threading.Event) -> None:
    # Keep reading after the ready line: a full pipe would block the gateway's next print.
    assert gateway.process.stdout is not None
    for line in gateway.process.stdout:
        gateway.stdout_lines.append(line)
        if READY_LINE in line:
            ready.set()


# --------------------------------------------------------------------------------------------------
# The real AWS CLI.


class AwsCliError(AssertionError):
    def __init__(self, args: Sequence[str], returncode: int, stdout: str, stderr: str) -> None:
        super().__init__(f"aws {' '.join(args)} exited with {returncode}\n{stderr}{stdout}")
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


def aws_cli_env(home: Path) -> dict[str, str]:
    """Dummy credentials and no config of the developer's own (profiles, SSO, pagers)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=str(home / "config"), AWS_SHARED_CREDENTIALS_FILE=str(home / "credentials"),
        AWS_PAGER="", AWS_RETRY_MODE="standard", AWS_MAX_ATTEMPTS="1", HOME=str(home),
    )
    return env


def run_aws_cli(endpoint_url: str, env: dict[str, str], *args: str, timeout: float = 60.0) -> dict[str, Any]:
    """``python -m awscli ARGS --endpoint-url URL --output json`` → the parsed JSON output ({} if none)."""
    cmd = [sys.executable, "-m", "awscli", *args, "--endpoint-url", endpoint_url, "--output", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise AwsCliError(args, proc.returncode, proc.stdout, proc.stderr)
    out = proc.stdout.strip()
    return json.loads(out) if out else {}
