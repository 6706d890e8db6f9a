"""Frames between the gateway and a worker, on a dedicated socket (never the function's stdout).

Every frame is ``kind`` (1 byte) + ``aux`` (u32, big-endian) + ``length`` (u32) + ``length``
bytes. The bootstraps (``bootstrap_python.py``, ``bootstrap_node.cjs``) speak the same format;
they cannot import this module (a worker holds only its language's standard library and the
function's code), so the format is repeated there and pinned by the end-to-end tests.

Gateway -> worker:
  ``I`` invoke: aux = length of the header, body = header + event. The header is UTF-8 text,
        ``request_id \\n deadline_epoch_ms \\n invoked_function_arn \\n client_context_json``.
Worker -> gateway:
  ``L`` log text the function wrote (print, console.log, logging), in order with the answer;
  ``R`` init done (aux = max RSS in KiB); ``E`` init failed (body = AWS's error object);
  ``O`` answer (body = payload, aux = max RSS KiB); ``F`` function error (body = error object).
"""

from __future__ import annotations

import struct

HEADER = struct.Struct(">cII")
HEADER_SIZE = HEADER.size

INVOKE = b"I"
LOG = b"L"
READY = b"R"
INIT_ERROR = b"E"
RESULT = b"O"
FAILURE = b"F"


def invoke_frame(request_id: str, deadline_ms: int, invoked_arn: str, client_context: str,
                 payload: bytes) -> bytes:
    """The ``I`` frame of one invocation."""
    header = f"{request_id}\n{deadline_ms}\n{invoked_arn}\n{client_context}".encode()
    return HEADER.pack(INVOKE, len(header), len(header) + len(payload)) + header + payload
