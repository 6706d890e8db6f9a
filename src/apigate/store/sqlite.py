"""The embedded configuration store: one SQLite file (or an in-memory database).

One table ``documents(kind, key, body)`` holds every document as orjson bytes, another
``blobs(digest, data)`` the content-addressed blobs (Lambda code). A single connection
is used from the event loop: configuration documents are small and SQLite answers in microseconds,
so a thread hop per statement would cost more than it saves. Transactions are serialised twice: an
``asyncio.Lock`` orders the coroutines of this process, and ``BEGIN IMMEDIATE`` takes SQLite's
write lock up front so a read-modify-write can never be overtaken by another writer (a deferred
``BEGIN`` would let two transactions read the same value and then fail or lose an update).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

import orjson

from apigate.store.base import Document, StoreChange, Transaction

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# How long BEGIN IMMEDIATE waits for another *process* holding the write lock (e.g. `sqlite3` CLI
# inspecting the file). Within this process the asyncio lock already orders transactions.
BUSY_TIMEOUT_MS = 5000

_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS documents (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID
""",
    # A rowid table: blobs run to megabytes, and WITHOUT ROWID suits only small rows.
    """
CREATE TABLE IF NOT EXISTS blobs (
    digest TEXT PRIMARY KEY,
    data   BLOB NOT NULL
)
""",
)

Subscriber = Callable[[Iterable[StoreChange]], None]


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (None: unbounded).

    SQLite compares TEXT with memcmp over UTF-8, which orders like code points (and like Python's
    ``str``), so ``prefix <= key < bound`` is exactly "key starts with prefix" and uses the index.
    """
    while prefix:
        last = ord(prefix[-1]) + 1
        if 0xD800 <= last <= 0xDFFF:  # surrogates cannot be encoded as UTF-8: skip past them
            last = 0xE000
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None


class _SqliteTransaction:
    """One open transaction; usable only inside its ``async with`` block."""

    __slots__ = ("_changes", "_db", "_open")

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._open = True
        # dict as an ordered set: each changed (kind, key) reported once, in first-change order
        self._changes: dict[StoreChange, None] = {}

    def _conn(self) -> sqlite3.Connection:
        if not self._open:
            raise RuntimeError("the transaction is over: use the store only inside `async with`")
        return self._db

    def close(self) -> list[StoreChange]:
        self._open = False
        return list(self._changes)

    async def get(self, kind: str, key: str) -> Document | None:
        sql = "SELECT body FROM documents WHERE kind = ? AND key = ?"
        row = self._conn().execute(sql, (kind, key)).fetchone()
        return None if row is None else orjson.loads(row[0])

    async def put(self, kind: str, key: str, doc: Document) -> None:
        body = orjson.dumps(doc)
        self._conn().execute(
            "INSERT INTO documents (kind, key, body) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            (kind, key, body),
        )
        self._changes[StoreChange(kind, key)] = None

    async def delete(self, kind: str, key: str) -> bool:
        cursor = self._conn().execute("DELETE FROM documents WHERE kind = ? AND key = ?", (kind, key))
        if cursor.rowcount:
            self._changes[StoreChange(kind, key)] = None
            return True
        return False

    async def list(self, kind: str, prefix: str = "") -> list[tuple[str, Document]]:
        where, args = self._prefix_clause(kind, prefix)
        rows = self._conn().execute(f"SELECT key, body FROM documents WHERE {where} ORDER BY key", args)
        return [(key, orjson.loads(body)) for key, body in rows]

    async def delete_prefix(self, kind: str, prefix: str) -> int:
        where, args = self._prefix_clause(kind, prefix)
        rows = self._conn().execute(f"DELETE FROM documents WHERE {where} RETURNING key", args)
        keys = [row[0] for row in rows]
        for key in sorted(keys):
            self._changes[StoreChange(kind, key)] = None
        return len(keys)

    async def put_blob(self, digest: str, data: bytes) -> None:
        # Content-addressed: the same digest holds the same bytes, so a second put changes nothing.
        sql = "INSERT INTO blobs (digest, data) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING"
        self._conn().execute(sql, (digest, bytes(data)))

    async def get_blob(self, digest: str) -> bytes | None:
        row = self._conn().execute("SELECT data FROM blobs WHERE digest = ?", (digest,)).fetchone()
        return None if row is None else bytes(row[0])

    async def delete_blob(self, digest: str) -> bool:
        return bool(self._conn().execute("DELETE FROM blobs WHERE digest = ?", (digest,)).rowcount)

    @staticmethod
    def _prefix_clause(kind: str, prefix: str) -> tuple[str, tuple[str, ...]]:
        if not prefix:
            return "kind = ?", (kind,)
        upper = _prefix_upper_bound(prefix)
        if upper is None:
            return "kind = ? AND key >= ?", (kind, prefix)
        return "kind = ? AND key >= ? AND key < ?", (kind, prefix, upper)


class SqliteStore:
    """The ``ConfigStore`` of a single gateway process, in a SQLite file or in memory (``path=None``).

    Subscribers are called after each commit with the ``StoreChange`` of every document put or
    deleted, each once. ``reset()`` deletes everything and notifies the single marker
    ``StoreChange("*", "*")``: "drop every cached thing", since listing every deleted key of a large
    state would be pointless.

    A callback that raises is logged and skipped: the transaction is committed by then, so failing
    the caller would report a write that did happen as failed.

    One process per file: the subscribers (cache invalidation) only see this process's commits.
    """

    RESET = StoreChange("*", "*")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: the sqlite3 module must not open transactions behind our back;
        # we issue BEGIN IMMEDIATE / COMMIT / ROLLBACK ourselves. check_same_thread=False because the
        # loop may run in another thread than the one that built the store; the lock serialises use.
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), isolation_level=None, check_same_thread=False
        )
        self._configure()
        self._lock = asyncio.Lock()
        self._subscribers: list[Subscriber] = []
        self._owner: asyncio.Task[object] | None = None
        self._closed = False

    def _configure(self) -> None:
        db = self._db
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if self.path is not None:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("SQLite refused WAL mode for %s (journal_mode=%s)", self.path, mode)
        # Durability: with WAL, COMMIT returns only after the transaction's frames were write(2)n to
        # the -wal file. The kernel's page cache keeps them if the process dies (even kill -9), so
        # every acknowledged transaction survives a process crash. synchronous=NORMAL skips the
        # fsync per commit (fsync happens at checkpoints), so only an OS crash or power loss can
        # lose the most recent commits -- the trade SQLite documents for WAL + NORMAL.
        db.execute("PRAGMA synchronous = NORMAL")
        for statement in _SCHEMA:
            db.execute(statement)
        if db.execute("PRAGMA user_version").fetchone()[0] == 0:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        current = asyncio.current_task()
        if current is not None and current is self._owner:
            # asyncio.Lock is not re-entrant: a nested transaction would wait for itself forever.
            raise RuntimeError("nested store transaction in the same task")
        async with self._lock:
            self._check_open()
            self._owner = current
            tx = _SqliteTransaction(self._db)
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield tx
            except BaseException:  # CancelledError too: nothing of a cancelled handler is kept
                tx.close()
                self._rollback()
                raise
            finally:
                self._owner = None
            changes = tx.close()
            try:
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        self._notify(changes)

    def subscribe(self, callback: Subscriber) -> None:
        self._subscribers.append(callback)

    async def reset(self) -> None:
        async with self._lock:
            self._check_open()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM documents")
                self._db.execute("DELETE FROM blobs")
                self._db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        self._notify([self.RESET])

    async def close(self) -> None:
        """Wait for the running transaction, then close (idempotent)."""
        async with self._lock:
            if not self._closed:
                self._closed = True
                self._db.close()

    def _rollback(self) -> None:
        # Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back on its own already.
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the store is closed")

    def _notify(self, changes: list[StoreChange]) -> None:
        if not changes:
            return
        for callback in self._subscribers:
            try:
                callback(tuple(changes))
            except Exception:
                log.exception("store subscriber %r failed", callback)
