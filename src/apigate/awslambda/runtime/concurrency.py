"""Concurrency limits as AWS applies them: reserved per function, the rest shared by the account.

A function with reserved concurrency N runs at most N executions at once (across all its versions
and aliases), and those never count against the shared pool. Every other function shares what is
left of the account's limit once all reservations are set aside. Nothing waits: an execution
beyond the limit is throttled at once (AWS answers 429 to a synchronous Invoke).
"""

from __future__ import annotations

from apigate.awslambda.runtime.errors import ACCOUNT_LIMIT, RESERVED_LIMIT, Throttled


class Concurrency:
    """Counts executions in flight per function (unqualified ARN) and in the unreserved pool."""

    def __init__(self, account_limit: int) -> None:
        self.account_limit = account_limit
        self._reserved: dict[str, int] = {}
        self._reserved_total = 0
        self._in_flight: dict[str, int] = {}
        self._unreserved_in_flight = 0

    def set_reserved(self, function_arn: str, reserved: int | None) -> None:
        """Record a function's reservation (None: it has none and shares the account's pool)."""
        old = self._reserved.get(function_arn)
        if old == reserved:
            return
        if old is not None:
            self._reserved_total -= old
            del self._reserved[function_arn]
        if reserved is not None:
            self._reserved[function_arn] = reserved
            self._reserved_total += reserved

    def acquire(self, function_arn: str, reserved: int | None) -> bool:
        """Take a slot or raise ``Throttled``; True if the slot is the function's reserved one."""
        self.set_reserved(function_arn, reserved)
        in_flight = self._in_flight.get(function_arn, 0)
        if reserved is not None:
            if in_flight >= reserved:
                raise Throttled(RESERVED_LIMIT)
        elif self._unreserved_in_flight >= self.account_limit - self._reserved_total:
            raise Throttled(ACCOUNT_LIMIT)
        else:
            self._unreserved_in_flight += 1
        self._in_flight[function_arn] = in_flight + 1
        return reserved is not None

    def release(self, function_arn: str, was_reserved: bool) -> None:
        """Give back the slot ``acquire`` returned (to the pool it was taken from)."""
        left = self._in_flight[function_arn] - 1
        if left:
            self._in_flight[function_arn] = left
        else:
            del self._in_flight[function_arn]
        if not was_reserved:
            self._unreserved_in_flight -= 1

    def in_flight(self, function_arn: str | None = None) -> int:
        """Executions running now: of one function, or of the whole account."""
        if function_arn is None:
            return sum(self._in_flight.values())
        return self._in_flight.get(function_arn, 0)

    def reset(self) -> None:
        """Forget every reservation (executions in flight still give their slots back)."""
        self._reserved.clear()
        self._reserved_total = 0
