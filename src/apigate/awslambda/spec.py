"""Records shared by the Lambda control plane, the runtime and the callers of ``LambdaService``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """Everything the runtime needs to run one version of a function.

    ``code_sha256`` (AWS's base64 SHA-256 of the zip) identifies the code: environments of one
    (function_arn_unqualified, version, code_sha256, config_revision) are interchangeable and reused;
    a new ``config_revision`` (any configuration change of ``$LATEST``) retires the old ones.
    """

    function_name: str
    function_arn: str  # unqualified: arn:aws:lambda:{region}:{account}:function:{name}
    version: str  # "$LATEST" or "1", "2", ...
    runtime: str  # "python3.12", "nodejs20.x", ...
    handler: str  # "app.handler"
    code_sha256: str
    config_revision: str  # RevisionId of the configuration the spec was built from
    timeout_s: int = 3
    memory_mb: int = 128
    environment: dict[str, str] = field(default_factory=dict)
    region: str = "us-east-1"
    account_id: str = "000000000000"
    reserved_concurrency: int | None = None  # None: unreserved (shares the account pool)


@dataclass(frozen=True, slots=True)
class Execution:
    """What one execution produced.

    ``error`` is AWS's ``{errorMessage, errorType, stackTrace}`` object for an unhandled error,
    a timeout (``Task timed out after N.NN seconds``) or a crash of the environment
    (``Runtime exited ...``); ``payload`` is then its JSON bytes. ``logs`` are what the function
    wrote (stdout/stderr) framed by AWS's START/END/REPORT lines.
    """

    payload: bytes
    error: dict[str, object] | None
    logs: str
    request_id: str
    duration_ms: float


@dataclass(frozen=True, slots=True)
class InvokeResult:
    """The answer of ``LambdaService.invoke`` (what the Invoke API returns, in typed form)."""

    status_code: int  # 200 RequestResponse, 202 Event
    payload: bytes
    function_error: str | None  # "Unhandled" or None (AWS's X-Amz-Function-Error)
    log_tail: str | None  # the last 4 KB of logs, base64 (LogType=Tail), else None
    executed_version: str
    request_id: str
