"""The compiled, immutable form of a deployment snapshot: built once per deployment id.

``compile_deployment`` (in ``compile.py``) turns a snapshot into these objects: templates are
compiled, selection patterns are compiled regexes, integration URIs are pre-parsed, and the router is
built. Nothing on the request path reads the configuration store or the service model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apigate.dataplane.router import Router
    from apigate.integrations.lambda_target import LambdaTarget
    from apigate.vtl import Template


@dataclass(frozen=True, slots=True)
class CompiledIntegrationResponse:
    status_code: str
    # Whole-string match (Java regex semantics approximated by re.fullmatch); None = the default.
    selection_pattern: re.Pattern[str] | None
    response_parameters: dict[str, str]  # method.response.header.X -> expression
    response_templates: dict[str, Template]  # content type -> compiled template
    content_handling: str | None
    status: int | None = None  # status_code as a number (what the method response answers)
    # The one response template (content type, template), when there is exactly one: it is the
    # answer whatever the Accept header asks for.
    only_template: tuple[str, Template] | None = None


@dataclass(frozen=True, slots=True)
class CompiledIntegration:
    type: str  # MOCK | HTTP | HTTP_PROXY | AWS | AWS_PROXY
    http_method: str | None  # the backend verb (wire name httpMethod)
    uri: str | None
    request_parameters: dict[str, str]  # integration.request.* -> expression
    request_templates: dict[str, Template]  # content type -> compiled template
    passthrough_behavior: str  # WHEN_NO_MATCH | WHEN_NO_TEMPLATES | NEVER
    content_handling: str | None
    timeout_ms: int
    cache_namespace: str | None
    cache_key_parameters: tuple[str, ...]
    # Ordered for selection: responses with a pattern first (in status-code order), default last.
    integration_responses: tuple[CompiledIntegrationResponse, ...]
    default_response: CompiledIntegrationResponse | None
    connection_type: str
    connection_id: str | None
    credentials: str | None
    raw: dict[str, Any]
    # The verb sent to the backend, upper case; None for ANY or none (the client's own verb).
    backend_method: str | None = None
    # Whether a response has a selectionPattern; else the default response is always the one.
    has_selection_patterns: bool = False
    # AWS / AWS_PROXY to a Lambda function: the parsed URI (None for other AWS services).
    lambda_target: LambdaTarget | None = None


@dataclass(frozen=True, slots=True)
class CompiledMethod:
    http_method: str  # GET ... or ANY
    resource_id: str
    resource_path: str  # "/pets/{id}"
    authorization_type: str
    authorizer_id: str | None
    api_key_required: bool
    request_parameters: dict[str, bool]  # method.request.* -> required
    request_models: dict[str, str]
    request_validator_id: str | None
    method_responses: dict[str, dict[str, Any]]  # status code -> MethodResponse
    integration: CompiledIntegration | None
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CompiledResource:
    id: str
    path: str
    path_part: str | None
    methods: dict[str, CompiledMethod]


@dataclass(frozen=True, slots=True)
class CompiledDeployment:
    deployment_id: str
    api_id: str
    rest_api: dict[str, Any]
    resources: dict[str, CompiledResource]  # by resource id
    router: Router
    gateway_responses: dict[str, dict[str, Any]]  # responseType -> GatewayResponse (customised only)
    binary_media_types: tuple[str, ...]
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    request_validators: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizers: dict[str, dict[str, Any]] = field(default_factory=dict)
