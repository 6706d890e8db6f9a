"""Identifiers shaped like AWS's (lowercase alphanumerics of fixed lengths, UUID request ids)."""

from __future__ import annotations

import base64
import os
import random
import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits
_KEY_ALPHABET = string.ascii_letters + string.digits


def short_id(length: int = 10) -> str:
    """A random ``[a-z0-9]{length}`` id: REST API ids are 10 long, resources/deployments 6."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def api_key_value(length: int = 40) -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(length))


# Request ids need uniqueness, not secrecy (AWS itself lets clients influence $context.requestId),
# and they are drawn on every request: a seeded PRNG instead of one os.urandom() system call each
# (measured ~5 us per call under the server, where the whole data plane has ~30 us to spend).
_request_rng = random.Random()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_request_rng.seed)  # forked workers must not repeat ids


def request_id() -> str:
    """A random (version 4) UUID string, like ``str(uuid.uuid4())``, formatted by hand (``uuid4()``
    costs ~8.5 us of object construction and validation)."""
    h = f"{_request_rng.getrandbits(128):032x}"
    variant = "89ab"[int(h[16], 16) & 3]  # RFC 4122 variant bits 10xx
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def extended_request_id() -> str:
    """16 characters, base64-like and ending in ``=``, like ``x-amz-apigw-id``."""
    # 11 bytes encode to 15 characters and one "=" of padding: exactly that shape.
    return base64.b64encode(_request_rng.getrandbits(88).to_bytes(11, "big")).decode()
