"""Deployment packages, unpacked once per ``CodeSha256`` under the runtime's work directory.

A package's directory is its ``LAMBDA_TASK_ROOT``; it is shared by every environment of every
function with the same code and never changes once complete (it is renamed into place).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import io
import os
import shutil
import stat
import zipfile
import zlib
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePosixPath

from apigate.awslambda.runtime.errors import CodeError

CodeLoader = Callable[[str], Awaitable[bytes]]

# AWS's quota for a function's unzipped deployment package; also what keeps a zip bomb out.
MAX_UNZIPPED_BYTES = 262_144_000


def validate_zip(data: bytes) -> None:
    """Raise ``CodeError`` unless ``data`` is a zip that ``unpack`` would accept."""
    with _open(data) as archive:
        _checked_members(archive)


def unpack(data: bytes, dest: Path) -> None:
    """Extract the zip ``data`` into the new directory ``dest`` (blocking: run it in a thread).

    Entry names are checked before anything is written: absolute names, ``..`` segments and
    drive letters are refused (a package must never write outside its directory). File modes are
    kept (scripts and native binaries of a package stay executable), always readable by us.
    """
    with _open(data) as archive:
        members = _checked_members(archive)
        dest.mkdir(parents=True)
        for info, parts in members:
            target = dest.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            # zipfile reads no more than the size checked above (a lying entry fails its CRC check).
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise CodeError(f"Could not unzip uploaded file: {exc}") from None
            mode = (info.external_attr >> 16) & 0o777
            os.chmod(target, (mode | stat.S_IRUSR | stat.S_IWUSR) if mode else 0o644)


def _open(data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CodeError(f"Could not unzip uploaded file: {exc}") from None


def _checked_members(archive: zipfile.ZipFile) -> list[tuple[zipfile.ZipInfo, tuple[str, ...]]]:
    members = []
    total = 0
    for info in archive.infolist():
        parts = _safe_parts(info.filename)
        if not parts:
            continue
        total += info.file_size
        if total > MAX_UNZIPPED_BYTES:
            raise CodeError(f"Unzipped size must be smaller than {MAX_UNZIPPED_BYTES} bytes")
        members.append((info, parts))
    return members


def _safe_parts(name: str) -> tuple[str, ...]:
    # Zips made on Windows may use backslashes: treat them as separators for the check.
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    if path.is_absolute() or (len(unified) > 1 and unified[1] == ":"):
        raise CodeError(f"Unsafe zip entry {name!r}: absolute path")
    parts = tuple(part for part in path.parts if part not in ("", "."))
    if ".." in parts or "\x00" in unified:
        raise CodeError(f"Unsafe zip entry {name!r}: it leads outside the package")
    return parts


def directory_name(code_sha256: str) -> str:
    """A file-system-safe, collision-free name for a package (AWS's sha is base64 with ``/``)."""
    try:
        return base64.b64decode(code_sha256, validate=True).hex()
    except (binascii.Error, ValueError):
        return hashlib.sha256(code_sha256.encode()).hexdigest()


class CodeStore:
    """Unpacks each distinct code once (concurrent cold starts of one code wait for one unzip)."""

    def __init__(self, loader: CodeLoader, work_dir: Path) -> None:
        self._loader = loader
        self._root = work_dir / "code"
        self._ready: dict[str, Path] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def path(self, code_sha256: str) -> Path:
        """The task root of ``code_sha256``, unpacked on first use (``CodeError`` if it cannot be)."""
        found = self._ready.get(code_sha256)
        if found is not None:
            return found
        lock = self._locks.setdefault(code_sha256, asyncio.Lock())
        async with lock:
            found = self._ready.get(code_sha256)
            if found is None:
                found = await self._unpack(code_sha256)
                self._ready[code_sha256] = found
        self._locks.pop(code_sha256, None)
        return found

    async def _unpack(self, code_sha256: str) -> Path:
        final = self._root / directory_name(code_sha256)
        if final.is_dir():  # unpacked by an earlier run of the gateway on this work directory
            return final
        data = await self._loader(code_sha256)
        partial = self._root / f".partial-{final.name}-{os.getpid()}"
        await asyncio.to_thread(_unpack_into_place, data, partial, final)
        return final


def _unpack_into_place(data: bytes, partial: Path, final: Path) -> None:
    shutil.rmtree(partial, ignore_errors=True)
    try:
        unpack(data, partial)
        os.rename(partial, final)  # atomic: a directory named after the sha is always complete
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not final.is_dir():  # another gateway process sharing the work directory won the race
            raise
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
