"""What is specific to the SQLite store: the file it creates and how it is configured."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from apigate.store.sqlite import SqliteStore, _prefix_upper_bound


async def test_creates_missing_directories_and_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state" / "apigate.db"
    store = SqliteStore(path)
    try:
        async with store.transaction() as tx:
            await tx.put("restapi", "a", {"id": "a"})
        assert path.is_file()
        # A second connection sees the committed row while the store is still open (WAL readers).
        with sqlite3.connect(path) as other:
            assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            rows = other.execute("SELECT kind, key, body FROM documents").fetchall()
        assert rows == [("restapi", "a", b'{"id":"a"}')]
    finally:
        await store.close()


async def test_schema_version_is_recorded(tmp_path: Path) -> None:
    path = tmp_path / "apigate.db"
    await SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1


async def test_a_document_that_is_not_json_is_refused_without_breaking_the_transaction(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "apigate.db")
    try:
        async with store.transaction() as tx:
            await tx.put("restapi", "ok", {"id": "ok"})
            with pytest.raises(TypeError):
                await tx.put("restapi", "bad", {"body": object()})
        async with store.transaction() as tx:
            assert [k for k, _ in await tx.list("restapi")] == ["ok"]
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("abc", "abd"), ("a/", "a0"), ("a\U0010ffff", "b"), ("\U0010ffff", None), ("x\ud7ff", "x\ue000")],
)
def test_prefix_upper_bound(prefix: str, bound: str | None) -> None:
    assert _prefix_upper_bound(prefix) == bound
