"""``zip_directory``: the same folder gives the same bytes (and so the same CodeSha256)."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from apigate.client.errors import ClientFailure
from apigate.client.functions import zip_directory


def _tree(root: Path) -> None:
    (root / "pkg").mkdir(parents=True)
    (root / "app.py").write_text("def handler(e, c):\n    return 1\n")
    (root / "pkg" / "util.py").write_text("X = 1\n")
    (root / "run.sh").write_text("#!/bin/sh\n")
    (root / "run.sh").chmod(0o755)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"\0")
    (root / "pkg" / "old.pyc").write_bytes(b"\0")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref\n")


def test_entries_sorted_with_caches_left_out(tmp_path: Path) -> None:
    _tree(tmp_path)
    archive = zipfile.ZipFile(io.BytesIO(zip_directory(tmp_path)))
    assert archive.namelist() == ["app.py", "run.sh", "pkg/util.py"]
    assert archive.read("pkg/util.py") == b"X = 1\n"
    modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert modes == {"app.py": 0o100644, "run.sh": 0o100755, "pkg/util.py": 0o100644}
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_same_files_same_bytes_whatever_the_times(tmp_path: Path) -> None:
    _tree(tmp_path / "a")
    first = zip_directory(tmp_path / "a")
    os.utime(tmp_path / "a" / "app.py", (1_000_000_000, 1_000_000_000))
    assert zip_directory(tmp_path / "a") == first
    _tree(tmp_path / "b")  # another folder, created later, same content
    assert zip_directory(tmp_path / "b") == first
    (tmp_path / "b" / "app.py").write_text("changed\n")
    assert zip_directory(tmp_path / "b") != first


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "__pycache__").mkdir()
    with pytest.raises(ClientFailure, match="holds no file to deploy"):
        zip_directory(tmp_path)
