"""Lambda functions from a folder: a deterministic zip, then create or update the function."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import time
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from apigate.client.errors import ClientFailure, error_code

# Left out of a package: byte code and the caches and metadata of tools, never code to run.
SKIPPED_DIRS = frozenset(
    {"__pycache__", ".git", ".hg", ".svn", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
SKIPPED_SUFFIXES = (".pyc", ".pyo")
SKIPPED_FILES = frozenset({".DS_Store"})
# One fixed timestamp (the earliest a zip can hold): the same files give the same bytes and so the
# same CodeSha256, whatever their mtimes -- an unchanged folder deploys as "no change".
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
# What a new function gets unless told otherwise; an update changes only what it is told.
DEFAULT_RUNTIME = "python3.12"
DEFAULT_HANDLER = "app.handler"
DEFAULT_ROLE = "arn:aws:iam::000000000000:role/apigate-lambda"  # apigate has no IAM: any role is taken
_UPDATE_POLL_S = 0.2
_UPDATE_WAIT_S = 60.0


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """What ``apigate functions deploy`` sets; None leaves the function's current value."""

    name: str
    runtime: str | None = None
    handler: str | None = None
    environment: Mapping[str, str] | None = None
    timeout: int | None = None
    memory: int | None = None
    role: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Deployed:
    configuration: dict[str, Any]  # of $LATEST after the deployment
    created: bool
    version: str | None = None  # published for ``alias``
    alias: str | None = None
    alias_created: bool = False
    changed: list[str] = field(default_factory=list)  # what an update touched: "code", "configuration"


def _files(root: Path) -> Iterator[Path]:
    for directory, dirnames, filenames in os.walk(root, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if name not in SKIPPED_FILES and not name.endswith(SKIPPED_SUFFIXES):
                yield Path(directory, name)


def zip_directory(root: Path) -> bytes:
    """The folder's files as a zip, byte for byte the same for the same names, contents and
    executable bits (entries sorted, one timestamp, modes 0644/0755; caches left out)."""
    if not root.is_dir():
        raise ClientFailure(f"{root} is not a directory")
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in _files(root):
            info = zipfile.ZipInfo(path.relative_to(root).as_posix(), ZIP_EPOCH)
            executable = os.stat(path).st_mode & stat.S_IXUSR
            info.external_attr = ((0o100755 if executable else 0o100644) & 0xFFFF) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so that the mode bits above are read
            archive.writestr(info, path.read_bytes())
            count += 1
    if count == 0:
        raise ClientFailure(f"{root} holds no file to deploy")
    return buffer.getvalue()


def _configuration(spec: FunctionSpec) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for key, value in (
        ("Runtime", spec.runtime), ("Handler", spec.handler), ("Timeout", spec.timeout),
        ("MemorySize", spec.memory), ("Role", spec.role), ("Description", spec.description),
    ):
        if value is not None:
            params[key] = value
    if spec.environment is not None:
        params["Environment"] = {"Variables": dict(spec.environment)}
    return params


def _existing(lambda_: Any, name: str) -> dict[str, Any] | None:
    try:
        return dict(lambda_.get_function_configuration(FunctionName=name))
    except ClientError as exc:
        if error_code(exc) == "ResourceNotFoundException":
            return None
        raise


def _wait_updated(lambda_: Any, name: str, configuration: dict[str, Any]) -> dict[str, Any]:
    """AWS applies an update in the background (``LastUpdateStatus: InProgress``) and refuses the
    next one until then; apigate applies it at once, so this returns at the first look there."""
    deadline = time.monotonic() + _UPDATE_WAIT_S
    while configuration.get("LastUpdateStatus") == "InProgress" and time.monotonic() < deadline:
        time.sleep(_UPDATE_POLL_S)
        configuration = dict(lambda_.get_function_configuration(FunctionName=name))
    return configuration


def deploy_function(lambda_: Any, code: bytes, spec: FunctionSpec, *, alias: str | None = None) -> Deployed:
    """Create the function (runtime, handler and role defaulted), or update its code (unless the
    zip is the same) and the configuration given in ``spec``.

    With ``alias``: publish a version of the result and point the alias at it (created if missing).
    """
    existing = _existing(lambda_, spec.name)
    config = _configuration(spec)
    changed: list[str] = []
    if existing is None:
        defaults = {"Runtime": DEFAULT_RUNTIME, "Handler": DEFAULT_HANDLER, "Role": DEFAULT_ROLE}
        result = dict(lambda_.create_function(
            FunctionName=spec.name, Code={"ZipFile": code}, **{**defaults, **config},
        ))
    else:
        result = existing
        if existing.get("CodeSha256") != _sha256(code):
            result = _wait_updated(lambda_, spec.name, dict(lambda_.update_function_code(
                FunctionName=spec.name, ZipFile=code,
            )))
            changed.append("code")
        if config:
            result = _wait_updated(lambda_, spec.name, dict(lambda_.update_function_configuration(
                FunctionName=spec.name, **config,
            )))
            changed.append("configuration")
    if alias is None:
        return Deployed(configuration=result, created=existing is None, changed=changed)
    version = str(lambda_.publish_version(FunctionName=spec.name)["Version"])
    alias_created = point_alias(lambda_, spec.name, alias, version)
    return Deployed(
        configuration=result, created=existing is None, version=version, alias=alias,
        alias_created=alias_created, changed=changed,
    )


def point_alias(lambda_: Any, name: str, alias: str, version: str) -> bool:
    """Point ``alias`` at ``version``; True if the alias had to be created."""
    try:
        lambda_.update_alias(FunctionName=name, Name=alias, FunctionVersion=version)
        return False
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
    lambda_.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)
    return True


def _sha256(code: bytes) -> str:
    """Lambda's CodeSha256: the base64 of the zip's SHA-256."""
    return base64.b64encode(hashlib.sha256(code).digest()).decode()


def functions(lambda_: Any) -> list[dict[str, Any]]:
    """Every function of the region ($LATEST configurations), all pages."""
    items: list[dict[str, Any]] = []
    for page in lambda_.get_paginator("list_functions").paginate():
        items += page.get("Functions", [])
    return items
