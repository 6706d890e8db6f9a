"""What ``LambdaService.resolve`` learnt from the store, kept until the store says it changed.

Every API Gateway request to a Lambda integration resolves its function; reading the store for each
one would put a transaction (and the store's lock) on the data plane's hot path. A resolution is
kept as a ``Plan``: the ``Resolved`` of every version the name can run (one, or an alias's version
and its weighted additional versions), so that a weighted alias still picks per invocation.

Invalidation follows the data plane's ``live.py``: the store calls ``on_changes`` after every
commit, and any change to a function, version or alias document drops every plan (UpdateAlias,
PublishVersion, UpdateFunctionCode/Configuration, Put/DeleteFunctionConcurrency, AddPermission and
RemovePermission all rewrite one of those documents). Those changes are rare, so dropping all
costs nothing worth a finer index. Asynchronous-event documents change all the time and are
ignored. A load that started before an invalidation is not kept (``generation``).

Failures that depend only on the store (a missing function, version or alias) are kept too, so a
flood of requests for a deleted function does not become a flood of store reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from apigate.awslambda.documents import KIND_ALIAS, KIND_FUNCTION, KIND_VERSION

if TYPE_CHECKING:
    from apigate.awslambda.errors import LambdaError
    from apigate.awslambda.service import Resolved
    from apigate.store.base import StoreChange

Key = tuple[str, str | None, str]  # (function name or ARN, qualifier, region)
MAX_PLANS = 4096
MAX_DECISIONS = 4096
_WATCHED = frozenset({KIND_FUNCTION, KIND_VERSION, KIND_ALIAS, "*"})


@dataclass(frozen=True, slots=True)
class Plan:
    """The versions one function reference runs: ``primary``, or one of ``weighted`` by its weight."""

    primary: Resolved
    weighted: tuple[tuple[float, Resolved], ...] = ()

    def pick(self, random: Callable[[], float]) -> Resolved:
        """AWS's weighted alias: each additional version gets its weight's share of invocations."""
        if not self.weighted:
            return self.primary
        draw = random()
        for weight, resolved in self.weighted:
            if draw < weight:
                return resolved
            draw -= weight
        return self.primary


@dataclass(frozen=True, slots=True)
class Failure:
    """A resolution that failed; ``raise_it`` raises a fresh exception each time (re-raising one
    instance would grow its traceback with every request)."""

    error: type[LambdaError]
    message: str

    def raise_it(self) -> None:
        raise self.error(self.message)


class Resolutions:
    """Plans (and failures) by function reference, and permission decisions, dropped on change."""

    def __init__(self) -> None:
        self._plans: dict[Key, Plan | Failure] = {}
        self._decisions: dict[tuple[str, str, str | None], bool] = {}
        self.generation = 0
        self.loads = 0  # store reads done (observable by tests)

    def get(self, key: Key) -> Plan | Failure | None:
        return self._plans.get(key)

    def put(self, generation: int, key: Key, plan: Plan | Failure) -> None:
        """Keep ``plan`` unless the store changed since its load started at ``generation``."""
        if generation != self.generation:
            return
        if len(self._plans) >= MAX_PLANS:
            self._plans.clear()
        self._plans[key] = plan

    def decision(self, key: tuple[str, str, str | None]) -> bool | None:
        return self._decisions.get(key)

    def remember_decision(self, key: tuple[str, str, str | None], allowed: bool) -> None:
        """Keep a policy decision: policies change only through documents this cache watches."""
        if len(self._decisions) >= MAX_DECISIONS:
            self._decisions.clear()
        self._decisions[key] = allowed

    def on_changes(self, changes: Iterable[StoreChange]) -> None:
        """``store.subscribe`` callback."""
        if any(change.kind in _WATCHED for change in changes):
            self.clear()

    def clear(self) -> None:
        self._plans.clear()
        self._decisions.clear()
        self.generation += 1
