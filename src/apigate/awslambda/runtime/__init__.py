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

Modules: ``pool`` (``Runtime``: reuse, limits, lifetimes), ``environment`` (one worker process),
``protocol`` (frames on the worker's control socket), ``bootstrap_python.py`` /
``bootstrap_node.cjs`` (the workers), ``code`` (safe unzip), ``concurrency``, ``logs``, ``errors``.
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
