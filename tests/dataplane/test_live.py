"""LiveConfig: loads on a miss, serves warm from memory, invalidated by the store's change feed."""

from __future__ import annotations

import asyncio
from typing import Any

from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.compiled import CompiledDeployment
from apigate.dataplane.live import LiveConfig
from apigate.store.base import StoreChange
from apigate.store.sqlite import SqliteStore
from tests.dataplane.factories import StaticTemplate, resource, snapshot

API = "abcdef1234"


class CountingCompiler:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.hook: Any = None

    def __call__(self, api_id: str, deployment_id: str, snap: dict[str, Any]) -> CompiledDeployment:
        self.calls.append(deployment_id)
        if self.hook is not None:
            self.hook()
        return compile_deployment(api_id, deployment_id, snap, compile_template=StaticTemplate)


async def put(store: SqliteStore, kind: str, key: str, doc: dict[str, Any]) -> None:
    async with store.transaction() as tx:
        await tx.put(kind, key, doc)


async def seed(store: SqliteStore) -> None:
    await put(store, "restapi", API, {"id": API, "name": "x"})
    await put(store, "snapshot", f"{API}/dep1", snapshot(resource("/v1", "GET")))
    await put(store, "snapshot", f"{API}/dep2", snapshot(resource("/v2", "GET")))
    await put(store, "deployment", f"{API}/dep1", {"id": "dep1"})
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1"})


def paths(deployment: CompiledDeployment | None) -> list[str]:
    assert deployment is not None
    return sorted(r.path for r in deployment.resources.values())


async def test_warm_cache_answers_without_the_store(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    assert (await live.rest_api(API) or {})["name"] == "x"
    assert (await live.stage(API, "dev") or {})["deploymentId"] == "dep1"
    assert paths(await live.deployment(API, "dep1")) == ["/v1"]
    assert await live.stage(API, "nope") is None
    await store.close()  # any store access from now on would raise
    for _ in range(3):
        assert (await live.rest_api(API) or {})["id"] == API
        assert (await live.stage(API, "dev") or {})["stageName"] == "dev"
        assert paths(await live.deployment(API, "dep1")) == ["/v1"]
        assert await live.stage(API, "nope") is None  # a miss is cached too
    assert compiler.calls == ["dep1"]


async def test_stage_change_takes_effect_on_the_next_lookup(store: SqliteStore) -> None:
    await seed(store)
    live = LiveConfig(store, compiler=CountingCompiler())
    assert (await live.stage(API, "dev") or {})["deploymentId"] == "dep1"
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep2"})
    assert (await live.stage(API, "dev") or {})["deploymentId"] == "dep2"
    # Rollback: moving the stage back is visible at once.
    await put(store, "stage", f"{API}/dev", {"stageName": "dev", "deploymentId": "dep1"})
    assert (await live.stage(API, "dev") or {})["deploymentId"] == "dep1"


async def test_resource_changes_are_invisible_until_a_new_deployment(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    before = await live.deployment(API, "dep1")
    await put(store, "resource", f"{API}/r9", {"id": "r9", "path": "/new"})
    await put(store, "model", f"{API}/M", {"name": "M"})
    assert await live.deployment(API, "dep1") is before
    assert compiler.calls == ["dep1"]


async def test_snapshot_or_deployment_change_recompiles(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    await live.deployment(API, "dep1")
    await put(store, "snapshot", f"{API}/dep1", snapshot(resource("/changed", "GET")))
    assert paths(await live.deployment(API, "dep1")) == ["/changed"]
    async with store.transaction() as tx:
        await tx.delete("deployment", f"{API}/dep1")
        await tx.delete("snapshot", f"{API}/dep1")
    assert await live.deployment(API, "dep1") is None
    assert compiler.calls == ["dep1", "dep1"]


async def test_unknown_api_is_cached_until_it_is_created(store: SqliteStore) -> None:
    live = LiveConfig(store, compiler=CountingCompiler())
    assert await live.rest_api(API) is None
    assert await live.rest_api(API) is None
    assert live.loads == 1
    await seed(store)
    assert await live.rest_api(API) is not None


async def test_deleting_the_api_drops_its_documents(store: SqliteStore) -> None:
    await seed(store)
    live = LiveConfig(store, compiler=CountingCompiler())
    await live.rest_api(API)
    await live.stage(API, "dev")
    async with store.transaction() as tx:
        await tx.delete("restapi", API)
    assert await live.rest_api(API) is None


async def test_reset_marker_drops_everything(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    await live.rest_api(API)
    await live.deployment(API, "dep1")
    await store.reset()
    assert await live.rest_api(API) is None
    assert await live.deployment(API, "dep1") is None
    assert await live.stage(API, "dev") is None


async def test_concurrent_misses_load_and_compile_once(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    results = await asyncio.gather(*(live.deployment(API, "dep1") for _ in range(20)))
    assert all(r is results[0] for r in results)
    assert compiler.calls == ["dep1"]


async def test_compiled_deployments_are_a_bounded_lru(store: SqliteStore) -> None:
    await seed(store)
    await put(store, "snapshot", f"{API}/dep3", snapshot(resource("/v3", "GET")))
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler, max_deployments=2)
    await live.deployment(API, "dep1")
    await live.deployment(API, "dep2")
    await live.deployment(API, "dep1")  # dep1 is now the most recently used
    await live.deployment(API, "dep3")  # evicts dep2
    await live.deployment(API, "dep1")
    await live.deployment(API, "dep2")
    assert compiler.calls == ["dep1", "dep2", "dep3", "dep2"]


async def test_an_invalidation_during_a_load_is_not_overwritten_by_stale_data(store: SqliteStore) -> None:
    await seed(store)
    compiler = CountingCompiler()
    live = LiveConfig(store, compiler=compiler)
    # The snapshot changes while the first load is compiling what it read before the change.
    compiler.hook = lambda: live.on_changes([StoreChange("snapshot", f"{API}/dep1")])
    await live.deployment(API, "dep1")
    compiler.hook = None
    await live.deployment(API, "dep1")
    assert compiler.calls == ["dep1", "dep1"]  # the racing load was not cached


async def test_a_failed_load_is_not_cached_and_reaches_every_waiter(store: SqliteStore) -> None:
    await seed(store)
    attempts: list[int] = []

    def failing(api_id: str, deployment_id: str, snap: dict[str, Any]) -> CompiledDeployment:
        attempts.append(1)
        raise ValueError("corrupt snapshot")

    live = LiveConfig(store, compiler=failing)
    results = await asyncio.gather(*(live.deployment(API, "dep1") for _ in range(3)), return_exceptions=True)
    assert all(isinstance(r, ValueError) for r in results)
    assert len(attempts) == 1
    await asyncio.gather(live.deployment(API, "dep1"), return_exceptions=True)
    assert len(attempts) == 2


async def test_a_resolved_stage_is_remembered_until_any_invalidation(store: SqliteStore) -> None:
    await seed(store)
    live = LiveConfig(store, compiler=CountingCompiler())
    deployment = await live.deployment(API, "dep1")
    assert deployment is not None
    resolved = (deployment, {"stageName": "dev"}, {"v": "1"}, "eu-west-1")
    assert live.peek_resolved(API, "dev") is None
    live.remember_resolved(live.generation, API, "dev", resolved)
    assert live.peek_resolved(API, "dev") == resolved
    await put(store, "stage", f"{API}/other", {"stageName": "other"})  # any stage change, any API
    assert live.peek_resolved(API, "dev") is None


async def test_a_resolution_raced_by_an_invalidation_is_not_remembered(store: SqliteStore) -> None:
    await seed(store)
    live = LiveConfig(store, compiler=CountingCompiler())
    deployment = await live.deployment(API, "dep1")
    assert deployment is not None
    started = live.generation
    live.on_changes([StoreChange("stage", f"{API}/dev")])  # came while the resolution was loading
    live.remember_resolved(started, API, "dev", (deployment, {}, {}, None))
    assert live.peek_resolved(API, "dev") is None
    live.remember_resolved(live.generation, API, "dev", (deployment, {}, {}, None))
    live.clear()
    assert live.peek_resolved(API, "dev") is None
