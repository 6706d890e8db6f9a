"""Deployment packages: checking an uploaded zip and naming it by its ``CodeSha256``."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from dataclasses import dataclass

from apigate.awslambda.errors import InvalidParameterValueException, RequestTooLargeException
from apigate.awslambda.runtime import CodeError, validate_zip

# AWS's quotas for a package uploaded directly (ZipFile): 50 MB zipped, 250 MB unzipped.
MAX_ZIPPED_BYTES = 52_428_800
MAX_UNZIPPED_BYTES = 262_144_000

UNZIP_FAILED = "Could not unzip uploaded file. Please check your file, then try to upload again."


@dataclass(frozen=True, slots=True)
class Package:
    data: bytes
    sha256: str  # AWS's CodeSha256: base64 of the SHA-256 digest
    size: int


def code_sha256(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def check_package(data: bytes, operation: str) -> Package:
    """The package, or the error AWS answers for a package it cannot use."""
    if len(data) > MAX_ZIPPED_BYTES:
        raise RequestTooLargeException(
            f"Request must be smaller than {MAX_ZIPPED_BYTES} bytes for the {operation} operation"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise InvalidParameterValueException(UNZIP_FAILED) from None
    if unzipped > MAX_UNZIPPED_BYTES:
        raise InvalidParameterValueException(f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes")
    try:
        validate_zip(data)  # what the runtime would refuse to unpack (entries outside the package)
    except CodeError as exc:
        raise InvalidParameterValueException(exc.message) from None
    return Package(data=data, sha256=code_sha256(data), size=len(data))
