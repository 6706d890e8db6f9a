"""What the runtime raises to its caller, and the error objects AWS's platform (not the function) writes.

Errors raised by the function itself are built inside the worker (the bootstrap of its language);
the ones here are the platform's: a timeout, an environment that died, an init that never finished.
"""

from __future__ import annotations

# TooManyRequestsException.Reason values of AWS's Invoke API.
RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


class Throttled(Exception):
    """No concurrency is free for this execution (AWS answers 429 TooManyRequestsException)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedRuntime(Exception):
    """The runtime identifier cannot run here (unknown, or its interpreter is missing)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CodeError(Exception):
    """The deployment package cannot be unpacked (not a zip, unsafe entry names, too large)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def timeout_error(request_id: str, timeout_s: float) -> dict[str, object]:
    """AWS's answer when the function outlives its timeout (the environment is then destroyed)."""
    return {
        "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout_s:.2f} seconds",
        "errorType": "Sandbox.Timedout",
    }


def exit_error(request_id: str, returncode: int | None) -> dict[str, object]:
    """AWS's ``Runtime.ExitError``: the runtime process ended while it owed an answer."""
    return {
        "errorMessage": f"RequestId: {request_id} Error: {exit_reason(returncode)}",
        "errorType": "Runtime.ExitError",
    }


# Go's names for the signals (AWS's platform is written in Go and prints `signal: killed`).
_SIGNAL_NAMES = {
    1: "hangup", 2: "interrupt", 3: "quit", 4: "illegal instruction", 6: "aborted", 7: "bus error",
    8: "floating point exception", 9: "killed", 11: "segmentation fault", 13: "broken pipe",
    14: "alarm clock", 15: "terminated",
}


def exit_reason(returncode: int | None) -> str:
    """``Runtime exited with error: exit status 1`` / ``... signal: killed``, as AWS words it."""
    if returncode is None:
        return "Runtime exited with error: signal: killed"
    if returncode == 0:
        return "Runtime exited without providing a reason"
    if returncode < 0:
        name = _SIGNAL_NAMES.get(-returncode, f"signal {-returncode}")
        return f"Runtime exited with error: signal: {name}"
    return f"Runtime exited with error: exit status {returncode}"
