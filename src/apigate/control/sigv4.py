"""Reading the SigV4 credential scope: which region (and access key) a management call is for.

Signatures are not verified (the gateway is a local emulator): the scope only tells us the region,
as AWS's regional endpoints do. A request without a readable scope uses the gateway's region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

_ALGORITHM = "AWS4-HMAC-SHA256"


@dataclass(frozen=True, slots=True)
class CredentialScope:
    """``Credential={access_key}/{date}/{region}/{service}/aws4_request``."""

    access_key: str
    date: str
    region: str
    service: str


def parse_credential(credential: str) -> CredentialScope | None:
    """``AKID/20240101/us-east-1/apigateway/aws4_request`` -> its parts; None if malformed."""
    parts = credential.strip().split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not parts[0] or not parts[2]:
        return None
    return CredentialScope(access_key=parts[0], date=parts[1], region=parts[2], service=parts[3])


def parse_authorization(header: str | None) -> CredentialScope | None:
    """The credential scope of an ``Authorization: AWS4-HMAC-SHA256 Credential=..., ...`` header."""
    if not header or not header.startswith(_ALGORITHM):
        return None
    for field in header[len(_ALGORITHM) :].split(","):
        name, _, value = field.strip().partition("=")
        if name == "Credential":
            return parse_credential(value)
    return None


def credential_scope(
    headers: Mapping[str, str], query: Mapping[str, str] | None = None
) -> CredentialScope | None:
    """From the ``authorization`` header (lower-case key), else a presigned ``X-Amz-Credential``."""
    scope = parse_authorization(headers.get("authorization"))
    if scope is None and query:
        presigned = query.get("X-Amz-Credential")
        if presigned:
            scope = parse_credential(unquote(presigned))
    return scope


def region_of(headers: Mapping[str, str], default: str, query: Mapping[str, str] | None = None) -> str:
    scope = credential_scope(headers, query)
    return scope.region if scope is not None else default
