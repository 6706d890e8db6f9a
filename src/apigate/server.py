"""Composition root: builds the store and the three faces into one ASGI app, and serves it.

``run(settings)`` serves with granian (measured 34.7k vs uvicorn's 22k req/s hello-world on one
core). Granian's worker imports the app by name, ``apigate.server:create_app``, so the settings
travel to it as ``APIGATE_*`` environment variables (``Settings.to_env()`` / ``config.from_env()``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import inspect
import logging
import os
import socket
import sqlite3
import sys
import tempfile
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from apigate import config
from apigate.admin import Admin, send_json
from apigate.app import GatewayApp, Receive, Scope, Send
from apigate.config import Settings, SettingsError
from apigate.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from apigate.awslambda.service import LambdaService
    from apigate.control.dispatch import ManagementApi
    from apigate.dataplane.app import DataPlane
    from apigate.store.base import ConfigStore

log = logging.getLogger(__name__)

DB_FILENAME = "apigate.db"
LAMBDA_DIRNAME = "lambda"  # under the state dir: unpacked code of functions (a cache of the blobs)
MANAGEMENT_SERVICES = ("apigateway", "lambda")
# Set by run() for its worker: only then does create_app() print the listening line.
ANNOUNCE_ENV = config.ENV_PREFIX + "ANNOUNCE"
READY_LINE = "apigate listening on {url}"
_ANNOUNCE_DEADLINE_S = 30.0

# Default of the fields build_app() fills in (typed Any so that no `type: ignore` is needed).
_SET_BY_BUILD_APP: Any = None


class ServeError(RuntimeError):
    """The server cannot start (address in use, unknown host); the message says why, in one line."""


@dataclass(slots=True, eq=False)
class Services:
    """Everything a request handler may reach. ``dataplane`` and ``management`` take the Services
    in their constructors, so ``build_app`` fills them in right after creating this object."""

    settings: Settings
    store: ConfigStore
    dataplane: DataPlane = _SET_BY_BUILD_APP
    management: ManagementApi = _SET_BY_BUILD_APP
    lambdas: LambdaService = _SET_BY_BUILD_APP


def open_store(settings: Settings) -> ConfigStore:
    if settings.state_dir is None:
        return SqliteStore(None)
    return SqliteStore(settings.state_dir / DB_FILENAME)


def build_app(settings: Settings, *, announce: bool = False) -> GatewayApp:
    """The whole gateway as one ASGI app; its lifespan shutdown closes the store and HTTP client.

    ``announce``: print the listening line once the port accepts connections (the served worker).
    """
    services = Services(settings=settings, store=open_store(settings))
    # Imported here, not at module level: the data plane and the management protocol are built by
    # other parts of the project, and the server must stay importable (and testable) without them.
    services.lambdas = build_lambdas(services)
    services.dataplane = _build_part("apigate.dataplane.app", "DataPlane", services)
    services.management = _build_part(
        "apigate.control.dispatch", "ManagementApi", services, service_names=MANAGEMENT_SERVICES
    )
    lifespan = _Lifespan(services, announce=announce)
    return GatewayApp(services, admin=Admin(services), startup=lifespan.startup, shutdown=lifespan.shutdown)


def create_app() -> GatewayApp:
    """The factory granian imports (``apigate.server:create_app``, ``factory=True``)."""
    return build_app(config.from_env(), announce=os.environ.get(ANNOUNCE_ENV) == "1")


def _optional_module(name: str) -> ModuleType | None:
    """Import ``name``; None only if that module itself does not exist (errors inside it propagate)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
            return None
        raise


def _build_part(module: str, cls: str, services: Services, **kwargs: Any) -> Any:
    found = _optional_module(module)
    if found is None:
        log.warning("%s is not available: its requests answer 501", module)
        return _Unavailable(f"{module}.{cls}")
    return getattr(found, cls)(services, **kwargs)


def build_lambdas(services: Services) -> LambdaService:
    """The embedded Lambda service: execution environments under the state dir's ``lambda/``
    (a temporary directory, removed at shutdown, for ``--in-memory``), code read from the store."""
    from apigate.awslambda.runtime import Runtime
    from apigate.awslambda.service import LambdaService, code_loader

    settings = services.settings
    if settings.state_dir is None:
        # Named now, created by the runtime on first use: most gateways never run a function.
        work_dir = Path(tempfile.gettempdir()) / f"apigate-lambda-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        temporary = True
    else:
        work_dir, temporary = settings.state_dir / LAMBDA_DIRNAME, False
    runtime = Runtime(
        code_loader=code_loader(services.store),
        work_dir=work_dir,
        account_concurrency=settings.lambda_concurrency,
    )
    lambdas = LambdaService(services.store, runtime, account_id=settings.account_id)
    lambdas.temporary_dir = work_dir if temporary else None
    return lambdas


class _Unavailable:
    """Stands in for a face whose module is missing from this build."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send_json(send, 501, {"message": f"{self.name} is not available in this build of apigate"})


class _Lifespan:
    """Startup: install the example API, announce readiness. Shutdown: close what was opened."""

    def __init__(self, services: Services, *, announce: bool) -> None:
        self.services = services
        self.announce = announce
        self._announcer: asyncio.Task[None] | None = None

    async def startup(self) -> None:
        hints: list[str] = []
        # Asynchronous invocations acknowledged before a restart run again (they are stored).
        await self.services.lambdas.start()
        # Before the port opens (granian binds after startup): the listening line implies the example.
        if self.services.settings.example:
            hints = await _install_example(self.services)
        if self.announce:  # a served gateway (not an app embedded in a test or another program)
            _tune_gc()
            self._announcer = asyncio.get_running_loop().create_task(announce(self.services.settings, hints))

    async def shutdown(self) -> None:
        if self._announcer is not None:
            self._announcer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._announcer
        for part in (self.services.dataplane, self.services.management):
            await _close(part)
        await _close(self.services.lambdas)  # kills every execution environment
        http_client = _optional_module("apigate.integrations.http_client")
        if http_client is not None:
            await _close(http_client)
        await self.services.store.close()


def _tune_gc() -> None:
    """Once everything long-lived exists: move it out of the collector's sight and collect less often.

    botocore's service models and the imported modules are hundreds of thousands of objects that
    never die; every full collection would walk them again. Requests allocate few cycles, so a
    larger young generation costs little memory and saved ~7% of the CPU of a proxied request.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


async def _close(thing: object) -> None:
    close = getattr(thing, "close", None)
    if close is None:
        return
    try:
        result = close()
        if inspect.isawaitable(result):
            await result
    except Exception:
        log.exception("closing %r failed", thing)


async def _install_example(services: Services) -> list[str]:
    """``--example``: install the example API when the state has no API yet; returns curl hints."""
    async with services.store.transaction() as tx:
        if await tx.list("restapi"):
            return []
    examples = _optional_module("apigate.examples")
    if examples is None:
        log.warning("--example: apigate.examples is not available in this build")
        return []
    try:
        result = examples.install(services)
        hints = await result if inspect.isawaitable(result) else result
    except Exception:
        # The gateway is still useful without its example: say why and keep serving.
        log.exception("--example: installing the example API failed")
        return []
    return [str(line) for line in hints or ()]


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _probe_host(host: str) -> str:
    """Where a local client reaches a listener bound to ``host`` (wildcards: via loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


async def announce(settings: Settings, hints: list[str] | None = None) -> None:
    """Print the listening line once a TCP connection to the port succeeds.

    Granian binds the worker's socket only after the lifespan startup completed, so the line
    cannot be printed from the startup itself: clients that connect on seeing it would be refused.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + _ANNOUNCE_DEADLINE_S
    host = _probe_host(settings.host)
    while True:
        try:
            _, writer = await asyncio.wait_for(asyncio.open_connection(host, settings.port), 1.0)
        except (TimeoutError, OSError):
            if loop.time() > deadline:
                log.error("%s:%s does not accept connections", host, settings.port)
                return
            await asyncio.sleep(0.01)
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        break
    print(READY_LINE.format(url=url_of(settings.host, settings.port)), flush=True)
    for line in hints or ():
        print(f"  try: {line}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------
# Serving


def resolve_bind_host(host: str) -> str:
    """An IP literal for granian, which does not resolve names (``localhost`` -> ``127.0.0.1``)."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise SettingsError(f"cannot listen on host {host!r}: {exc.strerror}") from None
    ipv4 = [info for info in infos if info[0] == socket.AF_INET]
    return str((ipv4 or infos)[0][4][0])


def claim_port(bind_host: str, port: int) -> int:
    """Check that ``bind_host:port`` is free (and pick a port for 0) before granian binds it.

    Granian binds with SO_REUSEPORT, so a second gateway on a busy port would silently share it
    with the first; a plain bind here refuses that with a clear message instead.
    """
    family = socket.AF_INET6 if ":" in bind_host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((bind_host, port))
        except OSError as exc:
            raise ServeError(f"cannot listen on {url_of(bind_host, port)}: {exc.strerror}") from None
        return int(sock.getsockname()[1])


def check_state_dir(settings: Settings) -> None:
    """Open the state once in this process, so that an unusable directory or a file that is not a
    database fails here in one line rather than as a traceback from granian's worker."""
    if settings.state_dir is None:
        return
    path = settings.state_dir / DB_FILENAME
    try:
        settings.state_dir.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(path)) as db:
            db.execute("PRAGMA schema_version").fetchone()
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ServeError(f"cannot use the state in {settings.state_dir}: {reason}") from None


def _logging_config(level: str) -> dict[str, Any]:
    """Granian's logging, sent to stderr so that stdout carries only the listening line."""
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "formatters": {
            "generic": {"()": "logging.Formatter", "fmt": "[%(levelname)s] %(name)s: %(message)s"},
        },
        "handlers": {"console": {**handler, "formatter": "generic"}},
        "loggers": {
            "_granian": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "apigate": {"handlers": ["console"], "level": level.upper(), "propagate": False},
        },
    }


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM (then return normally). Raises SettingsError / ServeError."""
    from granian import Granian
    from granian.constants import Interfaces, Loops
    from granian.log import LogLevels

    try:
        log_level = LogLevels(settings.log_level.lower())
    except ValueError:
        choices = ", ".join(level.value for level in LogLevels)
        raise SettingsError(f"log level must be one of {choices}, got {settings.log_level!r}") from None
    bind_host = resolve_bind_host(settings.host)
    check_state_dir(settings)
    settings = replace(settings, port=claim_port(bind_host, settings.port))
    os.environ.update(settings.to_env())
    if settings.admin_token is None:  # to_env() omits it: do not let a stale one reach the worker
        os.environ.pop(config.ENV_PREFIX + "ADMIN_TOKEN", None)
    os.environ[ANNOUNCE_ENV] = "1"
    try:
        import uvloop  # noqa: F401

        loop = Loops.uvloop
    except ImportError:
        loop = Loops.asyncio
    server = Granian(
        "apigate.server:create_app",
        address=bind_host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=1,
        loop=loop,
        factory=True,
        log_access=False,
        log_level=log_level,
        log_dictconfig=_logging_config(settings.log_level),
    )
    try:
        server.serve()
    except RuntimeError as exc:  # granian reports socket errors as RuntimeError
        raise ServeError(f"cannot serve on {url_of(bind_host, settings.port)}: {exc}") from None
