"""The ``ConfigStore`` contract, run against every store factory of ``conftest.FACTORIES``."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterable

import pytest

from apigate.store.base import ConfigStore, StoreChange
from tests.store.conftest import StoreFactory


async def _put_all(store: ConfigStore, kind: str, keys: Iterable[str]) -> None:
    async with store.transaction() as tx:
        for key in keys:
            await tx.put(kind, key, {"key": key})


class Boom(Exception):
    pass


async def _keys(store: ConfigStore, kind: str, prefix: str = "") -> list[str]:
    async with store.transaction() as tx:
        return [key for key, _ in await tx.list(kind, prefix)]


# -- documents -------------------------------------------------------------------------------------


async def test_get_put_overwrite_delete(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        assert await tx.get("restapi", "a1") is None
        await tx.put("restapi", "a1", {"id": "a1", "name": "first"})
        assert await tx.get("restapi", "a1") == {"id": "a1", "name": "first"}
        await tx.put("restapi", "a1", {"id": "a1", "name": "second"})
    async with store.transaction() as tx:
        assert await tx.get("restapi", "a1") == {"id": "a1", "name": "second"}
        assert await tx.delete("restapi", "a1") is True
        assert await tx.delete("restapi", "a1") is False
        assert await tx.get("restapi", "a1") is None


async def test_documents_round_trip_json_values(store: ConfigStore) -> None:
    doc = {
        "name": "pets \u00e9\u4e2d\U0001f600",
        "createdDate": 1700000000,
        "ratio": 0.25,
        "flag": True,
        "nothing": None,
        "tags": {"a": "b"},
        "binaryMediaTypes": ["image/png", "*/*"],
        "_region": "eu-west-1",
    }
    async with store.transaction() as tx:
        await tx.put("restapi", "x", doc)
    async with store.transaction() as tx:
        assert await tx.get("restapi", "x") == doc


async def test_returned_documents_are_copies(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put("restapi", "x", {"tags": {"a": "1"}})
        got = await tx.get("restapi", "x")
        assert got is not None
        got["tags"]["a"] = "changed"
        listed = await tx.list("restapi")
        listed[0][1]["tags"]["b"] = "added"
    async with store.transaction() as tx:
        assert await tx.get("restapi", "x") == {"tags": {"a": "1"}}


async def test_kinds_are_separate_namespaces(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put("restapi", "a1", {"kind": "restapi"})
        await tx.put("stage", "a1", {"kind": "stage"})
        assert await tx.get("restapi", "a1") == {"kind": "restapi"}
        assert await tx.delete("stage", "a1") is True
        assert await tx.get("restapi", "a1") == {"kind": "restapi"}
        assert [k for k, _ in await tx.list("stage")] == []


# -- listing and prefixes --------------------------------------------------------------------------


async def test_list_is_ordered_by_key(store: ConfigStore) -> None:
    keys = [f"api{n}/{r}" for n in range(3) for r in ("b", "a", "c", "aa", "B", "0")]
    shuffled = keys[:]
    random.Random(7).shuffle(shuffled)
    await _put_all(store, "resource", shuffled)
    async with store.transaction() as tx:
        listed = await tx.list("resource")
    assert [k for k, _ in listed] == sorted(keys)
    assert all(doc == {"key": key} for key, doc in listed)


async def test_list_prefix_selects_a_subtree(store: ConfigStore) -> None:
    await _put_all(store, "resource", ["abc/1", "abc/2", "abcd/1", "ab/1", "abc", "xyz/1"])
    await _put_all(store, "model", ["abc/m"])
    assert await _keys(store, "resource", "abc/") == ["abc/1", "abc/2"]
    assert await _keys(store, "resource", "abc") == ["abc", "abc/1", "abc/2", "abcd/1"]
    assert await _keys(store, "resource", "") == ["ab/1", "abc", "abc/1", "abc/2", "abcd/1", "xyz/1"]
    assert await _keys(store, "resource", "nothing/") == []
    assert await _keys(store, "model", "abc/") == ["abc/m"]


async def test_prefixes_are_literal_not_patterns(store: ConfigStore) -> None:
    await _put_all(store, "resource", ["a%/1", "ab/1", "a_/1", "A%/1", "a*/1"])
    assert await _keys(store, "resource", "a%") == ["a%/1"]
    assert await _keys(store, "resource", "a_") == ["a_/1"]
    assert await _keys(store, "resource", "a*") == ["a*/1"]


async def test_prefix_with_highest_code_points(store: ConfigStore) -> None:
    top = "\U0010ffff"
    before_surrogates = "\ud7ff"  # the next code point is a surrogate, which UTF-8 cannot encode
    keys = ["a", f"a{top}", f"a{top}b", f"a{top}{top}", "b", f"x{before_surrogates}",
            f"x{before_surrogates}1", "x\ue000"]
    await _put_all(store, "resource", keys)
    assert await _keys(store, "resource", f"a{top}") == sorted([f"a{top}", f"a{top}b", f"a{top}{top}"])
    assert await _keys(store, "resource", top) == []
    assert await _keys(store, "resource", f"x{before_surrogates}") == [
        f"x{before_surrogates}", f"x{before_surrogates}1"
    ]


async def test_delete_prefix(store: ConfigStore) -> None:
    await _put_all(store, "resource", ["abc/1", "abc/2", "abcd/1", "xyz/1"])
    await _put_all(store, "model", ["abc/m"])
    async with store.transaction() as tx:
        assert await tx.delete_prefix("resource", "abc/") == 2
        assert await tx.delete_prefix("resource", "abc/") == 0
        assert await tx.delete_prefix("resource", "nothing") == 0
    assert await _keys(store, "resource") == ["abcd/1", "xyz/1"]
    assert await _keys(store, "model") == ["abc/m"]


# -- blobs -----------------------------------------------------------------------------------------


async def test_blob_put_get_delete(store: ConfigStore) -> None:
    data = bytes(range(256)) * 1000  # binary, with NULs, larger than a page
    async with store.transaction() as tx:
        assert await tx.get_blob("d1") is None
        await tx.put_blob("d1", data)
        assert await tx.get_blob("d1") == data
    async with store.transaction() as tx:
        assert await tx.get_blob("d1") == data
        assert await tx.delete_blob("d1") is True
        assert await tx.delete_blob("d1") is False
        assert await tx.get_blob("d1") is None


async def test_blob_digest_is_content_addressed_and_kept(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put_blob("abc+/=", b"first")
        await tx.put_blob("abc+/=", b"first")  # the same content again: a no-op, not an error
        await tx.put_blob("other", b"")
    async with store.transaction() as tx:
        assert await tx.get_blob("abc+/=") == b"first"
        assert await tx.get_blob("other") == b""


async def test_blobs_and_documents_commit_or_roll_back_together(store: ConfigStore) -> None:
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.put("lambda_function", "f", {"CodeSha256": "d"})
            await tx.put_blob("d", b"zip")
            raise Boom
    async with store.transaction() as tx:
        assert await tx.get_blob("d") is None
        assert await tx.get("lambda_function", "f") is None


async def test_blob_writes_are_not_notified(store: ConfigStore) -> None:
    calls: list[tuple[StoreChange, ...]] = []
    store.subscribe(lambda changes: calls.append(tuple(changes)))
    async with store.transaction() as tx:
        await tx.put_blob("d", b"zip")
        await tx.delete_blob("d")
    assert calls == []


async def test_reset_deletes_blobs(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put_blob("d", b"zip")
    await store.reset()
    async with store.transaction() as tx:
        assert await tx.get_blob("d") is None


async def test_blobs_persist_across_reopen(factory: StoreFactory) -> None:
    if not factory.durable:
        pytest.skip(f"{factory.name} keeps no state across reopen")
    first = factory.open()
    async with first.transaction() as tx:
        await tx.put_blob("d", b"PK\x03\x04 code")
    await first.close()
    second = factory.open()
    try:
        async with second.transaction() as tx:
            assert await tx.get_blob("d") == b"PK\x03\x04 code"
    finally:
        await second.close()


# -- transactions ----------------------------------------------------------------------------------


async def test_exception_rolls_back_everything(store: ConfigStore) -> None:
    await _put_all(store, "restapi", ["keep", "other"])
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.put("restapi", "new", {"id": "new"})
            await tx.put("restapi", "keep", {"id": "overwritten"})
            assert await tx.delete("restapi", "other") is True
            assert await tx.delete_prefix("restapi", "") == 2
            raise Boom
    async with store.transaction() as tx:
        assert await tx.get("restapi", "new") is None
        assert await tx.get("restapi", "keep") == {"key": "keep"}
        assert await tx.get("restapi", "other") == {"key": "other"}


async def test_cancellation_rolls_back(store: ConfigStore) -> None:
    inside = asyncio.Event()

    async def writer() -> None:
        async with store.transaction() as tx:
            await tx.put("restapi", "half", {"id": "half"})
            inside.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(writer())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with store.transaction() as tx:
        assert await tx.get("restapi", "half") is None


async def test_a_transaction_sees_its_own_writes_and_others_see_them_only_after_commit(
    store: ConfigStore,
) -> None:
    written = asyncio.Event()
    reader_result: list[object] = []

    async def reader() -> None:
        await written.wait()
        async with store.transaction() as tx:  # waits for the writer's transaction to end
            reader_result.append(await tx.get("restapi", "x"))

    task = asyncio.create_task(reader())
    async with store.transaction() as tx:
        await tx.put("restapi", "x", {"v": 1})
        written.set()
        for _ in range(5):
            await asyncio.sleep(0)
        assert reader_result == []
        await tx.put("restapi", "x", {"v": 2})
    await task
    assert reader_result == [{"v": 2}]


async def test_concurrent_read_modify_write_loses_nothing(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put("counter", "c", {"n": 0})

    async def increment(times: int) -> None:
        for _ in range(times):
            async with store.transaction() as tx:
                doc = await tx.get("counter", "c")
                assert doc is not None
                await asyncio.sleep(0)  # let every other task run between the read and the write
                await tx.put("counter", "c", {"n": doc["n"] + 1})

    await asyncio.gather(*(increment(20) for _ in range(40)))
    async with store.transaction() as tx:
        assert await tx.get("counter", "c") == {"n": 800}


async def test_transaction_object_is_unusable_after_the_block(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put("restapi", "x", {})
    with pytest.raises(RuntimeError):
        await tx.get("restapi", "x")
    with pytest.raises(RuntimeError):
        await tx.put("restapi", "y", {})


async def test_nested_transaction_in_one_task_raises_instead_of_deadlocking(store: ConfigStore) -> None:
    async with store.transaction() as tx:
        await tx.put("restapi", "outer", {})
        with pytest.raises(RuntimeError):
            async with store.transaction():
                pass
    assert await _keys(store, "restapi") == ["outer"]


# -- notifications ---------------------------------------------------------------------------------


async def test_subscribers_hear_changes_only_after_commit(store: ConfigStore) -> None:
    calls: list[tuple[StoreChange, ...]] = []
    seen_by_callback: list[object] = []
    tasks: list[asyncio.Task[None]] = []

    async def read_back() -> None:
        async with store.transaction() as tx:
            seen_by_callback.append(await tx.get("restapi", "a"))

    def callback(changes: Iterable[StoreChange]) -> None:
        calls.append(tuple(changes))
        tasks.append(asyncio.create_task(read_back()))

    store.subscribe(callback)
    await _put_all(store, "stage", ["a/old1", "a/old2"])
    calls.clear()
    async with store.transaction() as tx:
        await tx.put("restapi", "a", {"v": 1})
        await tx.put("restapi", "a", {"v": 2})  # reported once
        await tx.delete("restapi", "missing")  # nothing changed: not reported
        await tx.delete_prefix("stage", "a/")
        assert calls == []
    assert len(calls) == 1
    assert set(calls[0]) == {StoreChange("restapi", "a"), StoreChange("stage", "a/old1"),
                             StoreChange("stage", "a/old2")}
    assert len(calls[0]) == 3
    await asyncio.gather(*tasks)
    assert seen_by_callback[-1] == {"v": 2}


async def test_no_notification_for_rollback_or_read_only(store: ConfigStore) -> None:
    await _put_all(store, "restapi", ["a"])
    calls: list[tuple[StoreChange, ...]] = []
    store.subscribe(lambda changes: calls.append(tuple(changes)))
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.put("restapi", "b", {})
            raise Boom
    async with store.transaction() as tx:
        await tx.get("restapi", "a")
        await tx.list("restapi")
        await tx.delete("restapi", "missing")
    assert calls == []


async def test_failing_subscriber_does_not_undo_the_commit(store: ConfigStore) -> None:
    heard: list[tuple[StoreChange, ...]] = []

    def broken(changes: Iterable[StoreChange]) -> None:
        raise ValueError("subscriber bug")

    store.subscribe(broken)
    store.subscribe(lambda changes: heard.append(tuple(changes)))
    await _put_all(store, "restapi", ["a"])
    assert heard == [(StoreChange("restapi", "a"),)]
    assert await _keys(store, "restapi") == ["a"]


async def test_reset_deletes_everything_and_notifies_the_marker(store: ConfigStore) -> None:
    await _put_all(store, "restapi", ["a", "b"])
    await _put_all(store, "stage", ["a/dev"])
    calls: list[tuple[StoreChange, ...]] = []
    store.subscribe(lambda changes: calls.append(tuple(changes)))
    await store.reset()
    assert calls == [(StoreChange("*", "*"),)]
    assert await _keys(store, "restapi") == []
    assert await _keys(store, "stage") == []
    await _put_all(store, "restapi", ["c"])  # usable afterwards
    assert await _keys(store, "restapi") == ["c"]


# -- lifetime and durability -----------------------------------------------------------------------


async def test_closed_store_refuses_transactions(factory: StoreFactory) -> None:
    store = factory.open()
    await store.close()
    await store.close()  # idempotent
    with pytest.raises(RuntimeError):
        async with store.transaction():
            pass


async def test_state_persists_across_reopen(factory: StoreFactory) -> None:
    if not factory.durable:
        pytest.skip(f"{factory.name} keeps no state across reopen")
    first = factory.open()
    await _put_all(first, "restapi", ["a", "b"])
    async with first.transaction() as tx:
        await tx.delete("restapi", "b")
    await first.close()
    second = factory.open()
    try:
        async with second.transaction() as tx:
            assert await tx.list("restapi") == [("a", {"key": "a"})]
    finally:
        await second.close()


_KILL_CHILD = """
import asyncio, sys

async def main():
    namespace = {}
    exec(sys.argv[1], namespace)
    store = namespace["store"]
    padding = "x" * 1500  # big enough that the WAL checkpoints several times during the run
    i = 0
    while True:
        async with store.transaction() as tx:
            await tx.put("ack", f"{i:08d}", {"i": i, "padding": padding})
        print(i, flush=True)  # the acknowledgement: printed only after the commit returned
        i += 1

asyncio.run(main())
"""


@pytest.mark.timeout(60)
async def test_acknowledged_writes_survive_kill_9(factory: StoreFactory) -> None:
    if factory.child_source is None:
        pytest.skip(f"{factory.name} cannot be shared with a child process")
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILL_CHILD), factory.child_source],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    acked: list[int] = []
    try:
        for line in child.stdout:
            acked.append(int(line))
            if len(acked) >= 2500:
                break
    finally:
        os.kill(child.pid, signal.SIGKILL)  # mid-stream: the child is still writing
        child.wait(30)
    # Read through the file object (not communicate()): it may hold acknowledgements read ahead.
    acked.extend(int(line) for line in child.stdout.read().split())
    errors = child.stderr.read()
    assert child.returncode == -signal.SIGKILL, errors
    assert len(acked) >= 2500, errors

    reopened = factory.open()
    try:
        async with reopened.transaction() as tx:
            found = {doc["i"] for _, doc in await tx.list("ack")}
    finally:
        await reopened.close()
    missing = set(acked) - found
    assert not missing, f"{len(missing)} acknowledged writes lost, e.g. {sorted(missing)[:5]}"
    # Nothing half-written: every stored document is whole, and at most the unacknowledged last one
    # (committed, killed before its print) goes beyond the acknowledgements.
    assert found - set(acked) <= {max(acked) + 1}
