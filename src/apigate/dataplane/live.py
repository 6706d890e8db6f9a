"""What the data plane knows of the configuration: RestApi and Stage documents and compiled deployments.

Everything is loaded from the store on a miss (one read-only transaction) and kept until the store
reports a change, so a warm request path never touches the store. Invalidation follows AWS's
semantics (digest §2, §3.4):

* ``stage`` changes apply to the next request: variables, canary settings, and a ``deploymentId``
  moved back to an older deployment (a rollback);
* ``restapi`` changes drop the API's documents (a deleted API stops answering);
* ``deployment`` / ``snapshot`` changes drop that compiled deployment;
* changes to resources, methods, models ... are ignored: they are invisible until a new deployment;
* ``("*", "*")`` (the store's reset marker) drops everything.

Compiled deployments are immutable and keyed by ``{apiId}/{deploymentId}`` in a bounded LRU; misses
(unknown API ids, unknown stages) are cached too, in bounded maps, so a flood of requests for an API
that does not exist does not become a flood of store reads.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from apigate.dataplane.compile import compile_deployment

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledDeployment
    from apigate.store.base import ConfigStore, StoreChange

log = logging.getLogger(__name__)

T = TypeVar("T")
Compiler = Callable[[str, str, dict[str, Any]], "CompiledDeployment"]

MISSING: Any = object()  # the cached answer "the store has no such document"
# A warm stage without canary: (compiled deployment, Stage document, its variables, the API's region).
Resolved = tuple["CompiledDeployment", dict[str, Any], dict[str, str], "str | None"]
DEFAULT_MAX_DEPLOYMENTS = 64
DEFAULT_MAX_DOCUMENTS = 4096
MAX_RESOLVED = 1024


class _Lru(Generic[T]):
    """A small LRU map; ``get`` returns ``MISSING`` when the key is not cached."""

    __slots__ = ("_data", "_max")

    def __init__(self, max_size: int) -> None:
        self._data: OrderedDict[str, T] = OrderedDict()
        self._max = max_size

    def get(self, key: str) -> T:
        data = self._data
        value = data.get(key, MISSING)
        if value is not MISSING:
            data.move_to_end(key)
        return value

    def put(self, key: str, value: T) -> None:
        data = self._data
        data[key] = value
        data.move_to_end(key)
        if len(data) > self._max:
            data.popitem(last=False)

    def drop(self, key: str) -> None:
        self._data.pop(key, None)

    def drop_prefix(self, prefix: str) -> None:
        for key in [k for k in self._data if k.startswith(prefix)]:
            del self._data[key]

    def clear(self) -> None:
        self._data.clear()

    def __len__(self) -> int:
        return len(self._data)


class LiveConfig:
    """The cache between the data plane and the configuration store."""

    def __init__(
        self,
        store: ConfigStore,
        *,
        compiler: Compiler = compile_deployment,
        max_deployments: int = DEFAULT_MAX_DEPLOYMENTS,
        max_documents: int = DEFAULT_MAX_DOCUMENTS,
    ) -> None:
        self._store = store
        self._compiler = compiler
        self._apis: _Lru[dict[str, Any] | None] = _Lru(max_documents)
        self._stages: _Lru[dict[str, Any] | None] = _Lru(max_documents)
        self._deployments: _Lru[CompiledDeployment | None] = _Lru(max_deployments)
        # Bumped by every invalidation: a load that started before it must not cache what it read.
        self._generation = 0
        self._inflight: dict[tuple[str, str], asyncio.Future[Any]] = {}
        # (apiId, stage) -> (generation, Resolved): one dict lookup for a warm request instead of
        # three LRU lookups (~5 us), valid until the next invalidation.
        self._resolved: dict[tuple[str, str], tuple[int, Resolved]] = {}
        self.loads = 0  # store reads done (observable by tests and metrics)
        store.subscribe(self.on_changes)

    # -- reads -------------------------------------------------------------------------------
    # ``peek_*`` answer from memory only (``MISSING`` on a miss): the request path calls them first
    # and awaits the loading methods only on a miss, sparing a coroutine per lookup when warm.
    def peek_rest_api(self, api_id: str) -> Any:
        return self._apis.get(api_id)

    def peek_stage(self, api_id: str, stage_name: str) -> Any:
        return self._stages.get(f"{api_id}/{stage_name}")

    def peek_deployment(self, api_id: str, deployment_id: str) -> Any:
        return self._deployments.get(f"{api_id}/{deployment_id}")

    @property
    def generation(self) -> int:
        """Bumped by every invalidation (what was read before it may be stale)."""
        return self._generation

    def peek_resolved(self, api_id: str, stage_name: str) -> Resolved | None:
        """What ``remember_resolved`` kept for a stage, if no invalidation came since."""
        found = self._resolved.get((api_id, stage_name))
        if found is None or found[0] != self._generation:
            return None
        return found[1]

    def remember_resolved(self, generation: int, api_id: str, stage_name: str, resolved: Resolved) -> None:
        """Remember a resolution that started at ``generation`` (dropped if an invalidation came since)."""
        if generation != self._generation:
            return
        if len(self._resolved) >= MAX_RESOLVED:
            self._resolved.clear()
        self._resolved[(api_id, stage_name)] = (generation, resolved)

    async def rest_api(self, api_id: str) -> dict[str, Any] | None:
        doc = self._apis.get(api_id)
        if doc is MISSING:
            doc = await self._load(("restapi", api_id), self._apis, self._read_doc)
        return doc

    async def stage(self, api_id: str, stage_name: str) -> dict[str, Any] | None:
        key = f"{api_id}/{stage_name}"
        doc = self._stages.get(key)
        if doc is MISSING:
            doc = await self._load(("stage", key), self._stages, self._read_doc)
        return doc

    async def deployment(self, api_id: str, deployment_id: str) -> CompiledDeployment | None:
        key = f"{api_id}/{deployment_id}"
        compiled = self._deployments.get(key)
        if compiled is MISSING:
            compiled = await self._load(("snapshot", key), self._deployments, self._read_compiled)
        return compiled

    # -- loading -----------------------------------------------------------------------------
    async def _load(
        self,
        what: tuple[str, str],
        cache: _Lru[Any],
        reader: Callable[[str, str], Awaitable[Any]],
    ) -> Any:
        """Read ``what`` once even when many requests miss it together.

        The read runs as its own task: a client that disconnects (its request task cancelled)
        does not cancel the load the other waiting requests share.
        """
        task = self._inflight.get(what)
        if task is None:
            task = asyncio.ensure_future(self._fill(what, cache, reader))
            # Retrieve a failure even when every waiter went away, so asyncio does not warn.
            task.add_done_callback(lambda t: t.cancelled() or t.exception())
            self._inflight[what] = task
        return await asyncio.shield(task)

    async def _fill(
        self,
        what: tuple[str, str],
        cache: _Lru[Any],
        reader: Callable[[str, str], Awaitable[Any]],
    ) -> Any:
        generation = self._generation
        try:
            value = await reader(*what)
        finally:
            self._inflight.pop(what, None)
        if generation == self._generation:  # no invalidation raced with the read
            cache.put(what[1], value)
        return value

    async def _read_doc(self, kind: str, key: str) -> dict[str, Any] | None:
        self.loads += 1
        async with self._store.transaction() as tx:
            return await tx.get(kind, key)

    async def _read_compiled(self, kind: str, key: str) -> CompiledDeployment | None:
        self.loads += 1
        async with self._store.transaction() as tx:
            snapshot = await tx.get(kind, key)
        if snapshot is None:
            return None
        api_id, _, deployment_id = key.partition("/")
        # Compiling is CPU work outside the transaction: the store stays free for writers.
        return self._compiler(api_id, deployment_id, snapshot)

    # -- invalidation ------------------------------------------------------------------------
    def on_changes(self, changes: Iterable[StoreChange]) -> None:
        """``store.subscribe`` callback: drop what the committed changes make stale."""
        for change in changes:
            kind, key = change.kind, change.key
            if kind == "stage":
                self._stages.drop(key)
            elif kind == "restapi":
                self._apis.drop(key)
                self._stages.drop_prefix(key + "/")
                self._deployments.drop_prefix(key + "/")
            elif kind in ("deployment", "snapshot"):
                self._deployments.drop(key)
            elif kind == "*":
                self.clear()
            else:
                continue  # resources, methods, models...: live only through a new deployment
            self._generation += 1
            self._resolved.clear()  # stale now; cleared so it holds no dropped deployment

    def clear(self) -> None:
        self._resolved.clear()
        self._apis.clear()
        self._stages.clear()
        self._deployments.clear()
        self._generation += 1
