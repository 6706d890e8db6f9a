"""Identifiers shaped like AWS's (lowercase alphanumerics of fixed lengths, UUID request ids)."""

from __future__ import annotations

import base64
import secrets
import string
import uuid

_ALPHABET = string.ascii_lowercase + string.digits
_KEY_ALPHABET = string.ascii_letters + string.digits


def short_id(length: int = 10) -> str:
    """A random ``[a-z0-9]{length}`` id: REST API ids are 10 long, resources/deployments 6."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def api_key_value(length: int = 40) -> str:
    return "".join(secrets.choice(_KEY_ALPHABET) for _ in range(length))


def request_id() -> str:
    return str(uuid.uuid4())


def extended_request_id() -> str:
    """16 characters, base64-like and ending in ``=``, like ``x-amz-apigw-id``."""
    return base64.b64encode(secrets.token_bytes(11)).decode()[:15] + "="
