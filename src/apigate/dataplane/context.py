"""The one typed object a request becomes on the data plane.

Stages of the pipeline read what earlier stages wrote and write their own fields; nothing else is
passed around. Field names follow AWS's vocabulary (``$context`` variables, proxy-event members).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigate.awslambda.service import LambdaService
    from apigate.dataplane.compiled import CompiledDeployment, CompiledMethod, CompiledResource
    from apigate.dataplane.errors import GatewayError


@dataclass(slots=True)
class Headers:
    """An ordered multi-map of HTTP headers that keeps the client's casing.

    Lookups are case-insensitive, as AWS's are everywhere but in the proxy event's keys.
    """

    items: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str, default: str | None = None) -> str | None:
        lname = name.lower()
        for k, v in self.items:
            if k.lower() == lname:
                return v
        return default

    def get_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.items if k.lower() == lname]

    def set(self, name: str, value: str) -> None:
        self.remove(name)
        self.items.append((name, value))

    def add(self, name: str, value: str) -> None:
        self.items.append((name, value))

    def remove(self, name: str) -> None:
        lname = name.lower()
        self.items = [(k, v) for k, v in self.items if k.lower() != lname]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def copy(self) -> Headers:
        return Headers(list(self.items))


@dataclass(slots=True)
class MethodRequest:
    """The client's request as API Gateway received it (after the stage is stripped from the path)."""

    http_method: str
    path: str  # decoded resource path after the stage, always starting with "/"
    raw_path: str  # the same, still percent-encoded
    query: list[tuple[str, str]]  # every (name, value) in order; repeated names kept
    headers: Headers
    body: bytes
    source_ip: str = "127.0.0.1"
    protocol: str = "HTTP/1.1"
    domain_name: str = "localhost"


@dataclass(slots=True)
class IntegrationRequest:
    """What the integration is asked to do, after request mapping."""

    http_method: str
    uri: str
    headers: Headers
    query: list[tuple[str, str]]
    body: bytes
    path_parameters: dict[str, str] = field(default_factory=dict)
    timeout: float = 29.0  # seconds, from timeoutInMillis


@dataclass(slots=True)
class IntegrationResult:
    """What the integration answered (backend status, headers and body)."""

    status: int
    headers: Headers
    body: bytes
    # For Lambda custom integrations: the function's errorMessage, matched by selectionPattern.
    error_message: str | None = None


@dataclass(slots=True)
class MethodResponse:
    """What goes back to the client."""

    status: int = 200
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""


@dataclass(slots=True)
class InvocationContext:
    request: MethodRequest
    request_id: str  # $context.requestId, x-amzn-RequestId
    extended_request_id: str  # $context.extendedRequestId, x-amz-apigw-id
    request_time_epoch_ms: int  # $context.requestTimeEpoch
    api_id: str
    stage_name: str
    account_id: str
    region: str
    deployment: CompiledDeployment
    stage: dict[str, Any]  # the live Stage document
    stage_variables: dict[str, str]
    is_canary: bool = False
    # The gateway's Lambda service, for Lambda integrations (None where a test has no Lambda).
    lambdas: LambdaService | None = None
    # Written by the route stage.
    resource: CompiledResource | None = None
    method: CompiledMethod | None = None
    path_parameters: dict[str, str] = field(default_factory=dict)
    # Written by the request-mapping stage and the integration.
    integration_request: IntegrationRequest | None = None
    integration_result: IntegrationResult | None = None
    integration_latency_ms: int = 0
    # Writable from templates: $context.requestOverride.* / $context.responseOverride.*
    request_override: dict[str, dict[str, str]] = field(default_factory=dict)
    response_override: dict[str, Any] = field(default_factory=dict)
    response: MethodResponse = field(default_factory=MethodResponse)
    error: GatewayError | None = None
    # Execution log lines (what TestInvokeMethod returns and execution logging prints).
    log: list[str] = field(default_factory=list)
    # TestInvokeMethod runs without a deployment and wants the log; the data plane does not.
    test_invoke: bool = False

    def trace(self, line: str) -> None:
        if self.test_invoke:
            self.log.append(line)
