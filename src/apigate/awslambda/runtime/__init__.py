"""Execution environments for function code (issue 3, the runtime part).

The seam callers use (``LambdaService`` only):

.. code-block:: python

    runtime = Runtime(code_loader=..., work_dir=..., account_concurrency=1000)
    check_runtime("python3.12")            # raises UnsupportedRuntime (CreateFunction refuses it)
    validate_zip(zip_bytes)                # raises CodeError (CreateFunction/UpdateFunctionCode refuse it)
    execution = await runtime.execute(spec, payload, request_id=...)   # -> spec.Execution
    # raises Throttled when the function's reserved concurrency or the account's cap is in use
    runtime.set_reserved_concurrency(function_arn, 5)  # Put/DeleteFunctionConcurrency (None: removed)
    await runtime.retire(function_arn)     # code/config changed or function deleted: drop its envs
    await runtime.close()                  # shutdown and /_apigate/reset: kill every worker

``code_loader(code_sha256) -> bytes`` returns the zip (from the store's blobs); the runtime unpacks
each distinct code once under ``work_dir`` and starts worker processes from there.

Semantics chosen where AWS leaves room or cannot be copied exactly:

* ``retire``: idle environments are killed at once; busy ones finish their execution on the old
  code (AWS lets in-flight invocations complete), then are dropped instead of reused.
* ``close``: every worker is killed, busy ones too (their executions report
  ``Runtime.ExitError``); the runtime stays usable (the gateway's reset) and forgets reservations.
* Timeouts and crashes destroy the environment (its whole process group); the next execution
  starts a fresh one. Error payloads: ``Sandbox.Timedout`` (``RequestId: … Error: Task timed out
  after 3.00 seconds``) and ``Runtime.ExitError`` (``… Runtime exited with error: exit status 1``).
* Init runs when an environment starts, bounded by ``init_timeout_s`` (AWS's 10 s); an init
  failure answers the execution that started it and the next execution tries again.
* Not enforced: the memory size (reported in REPORT, not a limit) and any sandbox: a function
  runs as the gateway's user, on its machine. Node.js handlers that use the callback keep AWS's
  ``callbackWaitsForEmptyEventLoop`` (default true): the answer waits for the event loop to drain.

Modules: ``pool`` (``Runtime``: reuse, limits, lifetimes), ``environment`` (one worker and its
control socket), ``process`` (its OS process, spawned off the event loop), ``protocol`` (frames),
``bootstrap_python.py`` / ``bootstrap_node.cjs`` (the workers), ``code`` (safe unzip),
``concurrency``, ``logs``, ``errors``, ``languages``.
"""

from apigate.awslambda.runtime.code import validate_zip
from apigate.awslambda.runtime.errors import (
    ACCOUNT_LIMIT,
    RESERVED_LIMIT,
    CodeError,
    Throttled,
    UnsupportedRuntime,
)
from apigate.awslambda.runtime.languages import check_runtime
from apigate.awslambda.runtime.pool import Runtime

__all__ = [
    "ACCOUNT_LIMIT",
    "RESERVED_LIMIT",
    "CodeError",
    "Runtime",
    "Throttled",
    "UnsupportedRuntime",
    "check_runtime",
    "validate_zip",
]
