"""Deployment packages: safe unpacking, modes kept, refusals; runtime identifiers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from apigate.awslambda.runtime import (
    CodeError,
    Runtime,
    UnsupportedRuntime,
    check_runtime,
    code,
    validate_zip,
)
from apigate.awslambda.runtime.code import directory_name, unpack
from tests.awslambda.runtime.conftest import Functions, sha_of, zipped


@pytest.mark.parametrize("name", ["../evil.py", "a/../../evil.py", "/etc/evil.py", "..\\evil.py",
                                  "C:/evil.py", "C:\\evil.py"])
def test_unsafe_entries_are_refused(tmp_path: Path, name: str) -> None:
    data = zipped({"app.py": "x = 1\n", name: "owned = True\n"})
    with pytest.raises(CodeError, match="Unsafe zip entry"):
        validate_zip(data)
    with pytest.raises(CodeError):
        unpack(data, tmp_path / "task")
    assert not (tmp_path / "task").exists()  # checked before anything is written
    assert list(tmp_path.rglob("evil.py")) == []


def test_not_a_zip() -> None:
    with pytest.raises(CodeError, match="Could not unzip"):
        validate_zip(b"definitely not a zip")


def test_modes_and_directories_are_kept(tmp_path: Path) -> None:
    data = zipped({"bin/tool": "#!/bin/sh\necho hi\n", "lib/data.txt": "x", "./app.py": ""},
                  modes={"bin/tool": 0o755, "lib/data.txt": 0o600})
    unpack(data, tmp_path / "task")
    assert stat.S_IMODE(os.stat(tmp_path / "task/bin/tool").st_mode) == 0o755
    assert stat.S_IMODE(os.stat(tmp_path / "task/lib/data.txt").st_mode) == 0o600
    assert (tmp_path / "task/app.py").is_file()


def test_oversized_packages_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code, "MAX_UNZIPPED_BYTES", 1000)
    data = zipped({"a.bin": b"\0" * 600, "b.bin": b"\0" * 600})
    with pytest.raises(CodeError, match="Unzipped size must be smaller than 1000 bytes"):
        validate_zip(data)
    # a package that understates its sizes is stopped while it is written
    lying = bytearray(data)
    for offset in _central_directory_sizes(lying):
        lying[offset:offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(CodeError, match="Could not unzip uploaded file"):
        unpack(bytes(lying), tmp_path / "task")


def _central_directory_sizes(data: bytearray) -> list[int]:
    """Offsets of the uncompressed-size fields of the central directory entries."""
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) >= 0:
        offsets.append(found + 24)
        start = found + 4
    return offsets


def test_directory_names_are_file_system_safe() -> None:
    sha = sha_of(b"x")
    assert "/" not in directory_name(sha) and len(directory_name(sha)) == 64
    assert directory_name("not base64 / at all") != directory_name("not base64 / at all!")


async def test_execute_refuses_unsafe_code(runtime: Runtime, functions: Functions, tmp_path: Path) -> None:
    spec = functions.add({"app.py": "def handler(e, c):\n    return 1\n", "../../escape.py": "x"})
    with pytest.raises(CodeError):
        await runtime.execute(spec, b"{}", request_id="r")
    assert list(tmp_path.rglob("escape.py")) == []
    assert runtime.environments() == 0 and runtime.concurrency.in_flight() == 0


def test_check_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    for runtime in ["python3.9", "python3.10", "python3.11", "python3.12", "python3.13"]:
        check_runtime(runtime)
    for runtime in ["java21", "python2.7", "nodejs16.x", "provided.al2023", ""]:
        with pytest.raises(UnsupportedRuntime, match=f"The runtime {runtime} is not supported"):
            check_runtime(runtime)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(UnsupportedRuntime, match=r"needs Node\.js, and no `node` executable was found"):
        check_runtime("nodejs20.x")


async def test_unsupported_runtime_at_execute(runtime: Runtime, functions: Functions) -> None:
    spec = functions.python("", runtime="ruby3.3")
    with pytest.raises(UnsupportedRuntime):
        await runtime.execute(spec, b"{}", request_id="r")
    assert runtime.concurrency.in_flight() == 0
