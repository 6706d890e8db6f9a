"""The worker of ``python3.x`` functions, run as a script: ``python -s -P bootstrap_python.py``.

It imports only the standard library (never ``apigate``): the process belongs to the function.
Behaviour follows AWS's Python runtime (awslambdaric): handler resolution and its ``Runtime.*``
errors, the error object ``{errorMessage, errorType, requestId, stackTrace}``, the context object,
JSON marshalling, the ``logging`` format. Frames: see ``protocol.py`` (same format, repeated here).
"""

from __future__ import annotations

import sys

# The script's directory holds the gateway's own modules: never let them shadow the function's
# (the gateway starts us with -P, which already keeps it off sys.path; this covers a plain start).
if sys.path and sys.path[0] == __file__.rpartition("/")[0]:
    del sys.path[0]

import contextlib
import decimal
import importlib
import json
import logging
import os
import resource
import socket
import struct
import threading
import time
import traceback
from typing import Any

_HEADER = struct.Struct(">cII")
_NBSP = "\u00a0"  # AWS indents traceback lines of its [ERROR] log entries with no-break spaces


class Channel:
    """The control socket: frames out (thread-safe: the function's threads log too), frames in."""

    def __init__(self, fd: int) -> None:
        os.set_inheritable(fd, False)  # the function's subprocesses must not hold it open
        self._sock = socket.socket(fileno=fd)
        self._reader = self._sock.makefile("rb")
        self._lock = threading.Lock()

    def send(self, kind: bytes, body: bytes, aux: int = 0) -> None:
        data = _HEADER.pack(kind, aux, len(body)) + body
        with self._lock:
            self._sock.sendall(data)

    def receive(self) -> tuple[int, bytes] | None:
        header = self._reader.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return None
        _kind, aux, length = _HEADER.unpack(header)
        body = self._reader.read(length)
        return (aux, body) if len(body) == length else None


class LogStream:
    """``sys.stdout``/``sys.stderr``: text goes out as ``L`` frames, a frame per complete line.

    AWS's runtime writes unbuffered; a line at a time keeps a print() to one frame, and what was
    printed before a crash or a timeout has already left the process.
    """

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, channel: Channel, fd: int) -> None:
        self._channel = channel
        self._fd = fd
        self._pending = ""
        self._lock = threading.Lock()
        self.buffer = _BinaryLog(self)

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            pending = self._pending + text
            cut = pending.rfind("\n") + 1
            if cut == 0 and len(pending) < 8192:
                self._pending = pending
                return len(text)
            self._pending = pending[cut:] if cut else ""
            out = pending[:cut] if cut else pending
        self._channel.send(b"L", out.encode("utf-8", "replace"))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, ""
        if pending:
            self._channel.send(b"L", pending.encode("utf-8", "replace"))

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return False


class _BinaryLog:
    def __init__(self, text: LogStream) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self._text.flush()


class Fault(Exception):
    """A failure of the runtime's own (``Runtime.ImportModuleError``, ``Runtime.MarshalError``...)."""

    def __init__(self, error_type: str, message: str, trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def load_handler(handler: str) -> Any:
    """The handler function of ``module.function`` (``dir/module.function`` allowed), as AWS finds it."""
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as exc:
        raise Fault("Runtime.MalformedHandlerName", f"Bad handler '{handler}': {exc}") from None
    if modname.split(".")[0] in sys.builtin_module_names:
        raise Fault("Runtime.BuiltInModuleConflict",
                    f"Cannot use built-in module {modname} as a handler module")
    try:
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as exc:
        raise Fault("Runtime.ImportModuleError", f"Unable to import module '{modname}': {exc}") from None
    except SyntaxError as exc:
        trace = [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}']
        message = f"Syntax error in module '{modname}': {exc}"
        raise Fault("Runtime.UserCodeSyntaxError", message, trace) from None
    try:
        return getattr(module, fname)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", f"Handler '{fname}' missing on module '{modname}'") from None


def make_error(message: str, error_type: str, trace: list[str] | None,
               request_id: str = "") -> dict[str, Any]:
    return {"errorMessage": message or "", "errorType": error_type or "", "requestId": request_id,
            "stackTrace": trace or []}


def error_of(exc: BaseException, request_id: str) -> dict[str, Any]:
    """AWS's error object of an exception; the bootstrap's own frames are left out of the trace."""
    if isinstance(exc, Fault):
        return make_error(exc.message, exc.error_type, exc.trace, request_id)
    frames = traceback.extract_tb(exc.__traceback__)
    while frames and frames[0].filename == __file__:
        del frames[0]
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(error: dict[str, Any]) -> None:
    """The ``[ERROR] Type: message`` entry AWS's runtime writes for an unhandled error."""
    description = "[ERROR]"
    if error["errorType"]:
        description += " " + error["errorType"] + (":" if error["errorMessage"] else "")
    if error["errorMessage"]:
        description += " " + error["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error["stackTrace"]:
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append(_NBSP * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\n".join(lines) + "\n")


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        # AWS's runtime writes Decimals as numbers (simplejson); the standard library cannot emit
        # raw number text, so an integral Decimal becomes an int and any other a float.
        if isinstance(o, decimal.Decimal):
            return int(o) if o == o.to_integral_value() and o.is_finite() else float(o)
        return super().default(o)


# AWS's python3.12 runtime writes non-ASCII characters as they are; the others escape them.
_ENCODER = _Encoder(ensure_ascii=os.environ.get("AWS_EXECUTION_ENV") != "AWS_Lambda_python3.12")


def marshal(result: Any) -> bytes:
    if isinstance(result, bytes):
        return result
    try:
        return _ENCODER.encode(result).encode("utf-8")
    except Exception as exc:
        raise Fault("Runtime.MarshalError", f"Unable to marshal response: {exc}") from None


class CognitoIdentity:
    __slots__ = ("cognito_identity_id", "cognito_identity_pool_id")

    def __init__(self, fields: dict[str, Any]) -> None:
        self.cognito_identity_id = fields.get("cognitoIdentityId")
        self.cognito_identity_pool_id = fields.get("cognitoIdentityPoolId")


class Client:
    __slots__ = ("app_package_name", "app_title", "app_version_code", "app_version_name", "installation_id")

    def __init__(self, fields: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, fields.get(name))


class ClientContext:
    __slots__ = ("client", "custom", "env")

    def __init__(self, fields: dict[str, Any]) -> None:
        client = fields.get("client")
        self.client = Client(client) if isinstance(client, dict) else None
        self.custom = fields.get("custom")
        self.env = fields.get("env")


class LambdaContext:
    """The handler's ``context``, with the attributes of AWS's (``memory_limit_in_mb`` is a str)."""

    # Read once: an environment's variables of AWS's do not change (os.environ costs ~1 us a key).
    _fixed = tuple(os.environ.get(name) for name in (
        "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION"))

    def __init__(self, request_id: str, deadline_ms: int, invoked_arn: str, client_context: Any) -> None:
        self.aws_request_id = request_id
        (self.log_group_name, self.log_stream_name, self.function_name, self.memory_limit_in_mb,
         self.function_version) = self._fixed
        self.invoked_function_arn = invoked_arn
        self.tenant_id = None
        self.client_context = ClientContext(client_context) if isinstance(client_context, dict) else None
        self.identity = CognitoIdentity({})
        self._deadline_ms = deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def log(self, message: Any) -> None:
        sys.stdout.write(str(message))

    def __repr__(self) -> str:
        return (f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
                f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
                f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
                f"invoked_function_arn={self.invoked_function_arn},client_context={self.client_context},"
                f"identity={self.identity}])")


_request_id = ""


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = _request_id
        return True


def setup_logging(channel: Channel) -> None:
    """AWS's text log format on the root logger; its level stays WARNING unless the function says."""
    logging.Formatter.converter = time.gmtime
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s", "%Y-%m-%dT%H:%M:%S"))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL", "").upper()
    if level in logging.getLevelNamesMapping():
        root.setLevel(level)


def _max_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if type(stream) is LogStream and not stream._pending:
            continue  # the common case: nothing held back
        with contextlib.suppress(Exception):
            stream.flush()


def invoke(channel: Channel, handler: Any, header: str, payload: bytes) -> None:
    """Run one invocation and send its ``O`` (answer) or ``F`` (error) frame."""
    global _request_id
    request_id, deadline, invoked_arn, client_context = header.split("\n", 3)
    _request_id = request_id
    try:
        try:
            event = json.loads(payload) if payload.strip() else {}
        except ValueError as exc:
            raise Fault("Runtime.UnmarshalError", f"Unable to unmarshal input: {exc}") from None
        context = LambdaContext(request_id, int(deadline), invoked_arn,
                                json.loads(client_context) if client_context else None)
        body = marshal(handler(event, context))
    except Exception as exc:
        error = error_of(exc, request_id)
        log_error(error)
        _flush_streams()
        channel.send(b"F", json.dumps(error).encode(), _max_rss_kb())
        return
    _flush_streams()
    channel.send(b"O", body, _max_rss_kb())


def main() -> None:
    channel = Channel(int(os.environ.pop("_APIGATE_CONTROL_FD")))
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    sys.stdout = LogStream(channel, 1)
    sys.stderr = LogStream(channel, 2)
    setup_logging(channel)
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Exception as exc:
        error = error_of(exc, "")
        log_error(error)
        _flush_streams()
        channel.send(b"E", json.dumps(error).encode(), _max_rss_kb())
        sys.exit(1)
    _flush_streams()
    channel.send(b"R", b"", _max_rss_kb())
    while True:
        frame = channel.receive()
        if frame is None:  # the gateway closed the channel: this environment is over
            _flush_streams()
            os._exit(0)
        aux, body = frame
        invoke(channel, handler, body[:aux].decode(), body[aux:])


if __name__ == "__main__":
    main()
