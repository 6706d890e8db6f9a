"""Store factories for the contract suite: every ``ConfigStore`` implementation registers one here.

A factory opens a handle on *its* state: for a durable store, opening twice reaches the same data
(persistence tests); ``child_source`` builds the store in another process (the ``kill -9`` test).
A networked store plugs in by adding a factory to ``FACTORIES``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from apigate.store.base import ConfigStore
from apigate.store.sqlite import SqliteStore


@dataclass(frozen=True)
class StoreFactory:
    name: str
    open: Callable[[], ConfigStore]
    durable: bool
    # Python statements, run in a child process inside a running event loop, that bind ``store`` to
    # a handle on the same state as ``open`` (None: the state cannot be shared with a child).
    child_source: str | None = None


def _sqlite_file(tmp_path: Path) -> StoreFactory:
    path = tmp_path / "state" / "apigate.db"
    return StoreFactory(
        name="sqlite-file",
        open=lambda: SqliteStore(path),
        durable=True,
        child_source=(
            "from pathlib import Path\n"
            "from apigate.store.sqlite import SqliteStore\n"
            f"store = SqliteStore(Path({str(path)!r}))\n"
        ),
    )


def _sqlite_memory(tmp_path: Path) -> StoreFactory:
    return StoreFactory(name="sqlite-memory", open=lambda: SqliteStore(None), durable=False)


FACTORIES: dict[str, Callable[[Path], StoreFactory]] = {
    "sqlite-file": _sqlite_file,
    "sqlite-memory": _sqlite_memory,
}


@pytest.fixture(params=sorted(FACTORIES))
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    return FACTORIES[request.param](tmp_path)


@pytest.fixture
async def store(factory: StoreFactory) -> AsyncIterator[ConfigStore]:
    opened = factory.open()
    try:
        yield opened
    finally:
        await opened.close()
