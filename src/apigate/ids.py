"""Identifiers shaped like AWS's (lowercase alphanumerics of fixed lengths, UUID request ids)."""

from __future__ import annotations

import binascii
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

# Version 4 and the RFC 4122 variant (10xx) forced into 128 random bits.
_UUID_CLEAR = ~((0xF << 76) | (0xC << 60)) & ((1 << 128) - 1)
_UUID_SET = (0x4 << 76) | (0x8 << 60)
_EXTENDED_MASK = (1 << 88) - 1
# The same for 216 bits: a UUID in the high 128, an extended id in the low 88.
_PAIR_CLEAR = _UUID_CLEAR << 88 | _EXTENDED_MASK
_PAIR_SET = _UUID_SET << 88


def _uuid4(bits: int) -> str:
    data = (bits & _UUID_CLEAR | _UUID_SET).to_bytes(16, "big")
    # 8-4-4-4-12 hex digits: the middle three groups are 2-byte groups, which hex() separates itself
    # (0.52 us against 0.66 us for slicing one hex string five times).
    return f"{data[:4].hex()}-{data[4:10].hex('-', 2)}-{data[10:16].hex()}"


def _extended(bits: int) -> str:
    # 11 bytes encode to 15 characters and one "=" of padding: exactly that shape.
    return binascii.b2a_base64(bits.to_bytes(11, "big"), newline=False).decode()


def request_id() -> str:
    """A random (version 4) UUID string, like ``str(uuid.uuid4())``, formatted by hand (``uuid4()``
    costs ~8.5 us of object construction and validation; this ~0.7 us)."""
    return _uuid4(_request_rng.getrandbits(128))


def extended_request_id() -> str:
    """16 characters, base64-like and ending in ``=``, like ``x-amz-apigw-id``."""
    return _extended(_request_rng.getrandbits(88))


def request_ids() -> tuple[str, str]:
    """``(request_id(), extended_request_id())`` from one draw of the generator (every request needs
    both); the two helpers inlined, as this runs for every request."""
    data = (_request_rng.getrandbits(216) & _PAIR_CLEAR | _PAIR_SET).to_bytes(27, "big")
    return (f"{data[:4].hex()}-{data[4:10].hex('-', 2)}-{data[10:16].hex()}",
            binascii.b2a_base64(data[16:], newline=False).decode())
