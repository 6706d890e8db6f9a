"""``DataPlane``: the ASGI app that serves deployed stages (execute-api), and TestInvokeMethod.

Two URL forms reach it (digest §3.1):

* Host ``{apiId}.execute-api.{anything}`` with the stage as the first path segment (AWS's own form);
* ``/restapis/{apiId}/{stage}/_user_request_/{path}`` on any host (no DNS needed).

Answers before the pipeline runs:

* unknown API id: real AWS never resolves such a host name, so there is nothing to copy. The
  gateway answers 404 ``{"message":"The API id '{id}' does not correspond to a deployed API Gateway
  API"}`` with ``x-amzn-ErrorType: NotFoundException``: it names the id that is wrong, and it is the
  answer other AWS emulators give, so clients written against them keep working;
* known API, unknown stage: 403 Missing Authentication Token, as AWS answers any unrouted path;
* ``disableExecuteApiEndpoint``: 403 ``{"message":"Forbidden"}``, as AWS's default endpoint does;
* a body above 10 MB: 413 REQUEST_TOO_LARGE, read no further than the limit.
"""

from __future__ import annotations

import logging
import random as _random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.dataplane.compile import empty_deployment
from apigate.dataplane.context import InvocationContext, MethodRequest
from apigate.dataplane.errors import (
    API_CONFIGURATION_ERROR,
    INVALID_API_KEY,
    REQUEST_TOO_LARGE,
    RESOURCE_NOT_FOUND,
)
from apigate.dataplane.gateway_responses import render
from apigate.dataplane.ingress import (  # noqa: F401 - Target and match_execute_api are this module's API too
    Disconnected,
    Target,
    TargetCache,
    encode_headers,
    match_execute_api,
    method_request,
    read_body,
    request_headers,
    scope_path,
)
from apigate.dataplane.live import MISSING, LiveConfig
from apigate.dataplane.pipeline import Stage, default_stages, run
from apigate.dataplane.stages.finalize import finalize_response
from apigate.dataplane.testinvoke import TestInvoker

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledDeployment

log = logging.getLogger(__name__)

MAX_PAYLOAD = 10 * 1024 * 1024  # AWS's REST API payload quota: 10 MB
_NO_STAGE = empty_deployment()


class DataPlane:
    """ASGI callable for execute-api requests (interface 6); ``test_invoke`` for TestInvokeMethod."""

    def __init__(
        self,
        services: Any,
        *,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.time,
        stages: Sequence[Stage] | None = None,
        live: LiveConfig | None = None,
        max_payload: int = MAX_PAYLOAD,
    ) -> None:
        self.services = services
        self.random = random
        self.clock = clock
        self.stages = stages
        self.max_payload = max_payload
        self._live = live
        self._invoker = TestInvoker(self)
        self._targets = TargetCache()

    @property
    def live(self) -> LiveConfig:
        # Built on first use: the composition root may hand over ``services`` before its store.
        if self._live is None:
            self._live = LiveConfig(self.services.store)
        return self._live

    async def __call__(
        self, scope: dict[str, Any], receive: Callable[[], Any], send: Callable[..., Any]
    ) -> None:
        if scope["type"] != "http":
            return
        raw = scope.get("raw_path")
        if raw and type(raw) is bytes and b"?" not in raw:  # _scope_path's usual case, inline
            raw_path = raw.decode("latin-1")
        else:
            raw_path = scope_path(scope)
        http_version = scope.get("http_version") or "1.1"
        headers, host, content_length = request_headers(scope.get("headers") or (), http_version)
        # The top-level app routes only execute-api requests here; anything else is an unknown API.
        api_id, stage_name, resource_path = self._targets.target(raw_path, host) or ("", "", raw_path)
        request = method_request(scope, resource_path, headers, host, http_version)
        # A warm stage resolves without a coroutine; anything else may have to read the store.
        ctx = self._warm_context(api_id, stage_name, request) or await self._context(
            api_id, stage_name, request)
        if ctx.error is None:  # else answered already (unknown API, disabled endpoint...)
            # HTTP/1.1 without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3). Not
            # awaiting receive() then spares a round trip into the server: measured ~24 us per
            # request under granian, more than the rest of the data plane's own work for a MOCK.
            body: bytes | None = b""
            if content_length:
                try:
                    body = await self._body(receive, content_length)
                except Disconnected:
                    return
            if body is None:
                render(ctx, REQUEST_TOO_LARGE())
                finalize_response(ctx)
            else:
                request.body = body
                await run(ctx, self.stages or self._stages())  # finalizes
        else:
            finalize_response(ctx)
        response = ctx.response
        await send({
            "type": "http.response.start",
            "status": response.status,
            "headers": encode_headers(response.headers.items),
        })
        # A HEAD answer keeps the Content-Length of the body it would have sent, and no body.
        body_sent = b"" if request.http_method == "HEAD" else response.body
        await send({"type": "http.response.body", "body": body_sent})

    def _stages(self) -> Sequence[Stage]:
        if self.stages is None:
            self.stages = default_stages()  # resolved once: the default pipeline never changes
        return self.stages

    async def _body(self, receive: Callable[[], Any], content_length: int) -> bytes | None:
        """The request body; None when it exceeds the payload limit (413 REQUEST_TOO_LARGE).

        AWS checks the size after routing; here an oversize body is refused before, so that
        nothing beyond the limit is ever read or buffered.
        """
        if content_length > self.max_payload:
            return None  # declared too large: not read at all
        return await read_body(receive, self.max_payload)

    def _warm_context(
        self, api_id: str, stage_name: str, request: MethodRequest
    ) -> InvocationContext | None:
        """The context of a request to a remembered stage (no canary), else None."""
        resolved = (self._live or self.live).peek_resolved(api_id, stage_name)
        if resolved is None:
            return None
        deployment, stage, variables, region = resolved
        return self.new_context(request, api_id, stage_name, deployment, stage, variables, region)

    async def _context(self, api_id: str, stage_name: str, request: MethodRequest) -> InvocationContext:
        """Resolve API, stage and deployment; a ctx whose ``error`` is set has its answer already."""
        live = self.live
        generation = live.generation
        rest_api = live.peek_rest_api(api_id)
        if rest_api is MISSING:
            rest_api = await live.rest_api(api_id) if api_id else None
        if rest_api is None:
            ctx = self.new_context(request, api_id, stage_name, _NO_STAGE, {}, {})
            render(ctx, RESOURCE_NOT_FOUND(
                f"The API id '{api_id}' does not correspond to a deployed API Gateway API"))
            return ctx
        region = rest_api.get("_region")
        stage = live.peek_stage(api_id, stage_name)
        if stage is MISSING:
            stage = await live.stage(api_id, stage_name) if stage_name else None
        if stage is None:
            # No deployment to route in: the empty one answers Missing Authentication Token.
            return self.new_context(request, api_id, stage_name, _NO_STAGE, {}, {}, region=region)
        if rest_api.get("disableExecuteApiEndpoint"):
            # Built-in response (empty deployment): the API's customisations are about its methods.
            ctx = self.new_context(request, api_id, stage_name, _NO_STAGE, stage, {}, region=region)
            render(ctx, _FORBIDDEN())
            return ctx
        deployment_id, variables, is_canary = self.pick_deployment(stage)
        deployment = live.peek_deployment(api_id, deployment_id) if deployment_id else None
        if deployment is MISSING:
            deployment = await live.deployment(api_id, deployment_id)
        ctx = self.new_context(
            request, api_id, stage_name, deployment or _NO_STAGE, stage, variables,
            region=region, is_canary=is_canary,
        )
        if deployment is None:
            log.warning("stage %s/%s points at deployment %r, which has no snapshot",
                        api_id, stage_name, deployment_id)
            render(ctx, API_CONFIGURATION_ERROR(log=f"Deployment {deployment_id} not found"))
        elif not stage.get("canarySettings"):  # a canary stage picks per request: not remembered
            live.remember_resolved(generation, api_id, stage_name, (deployment, stage, variables, region))
        return ctx

    def pick_deployment(self, stage: dict[str, Any]) -> tuple[str, dict[str, str], bool]:
        """Base or canary deployment for one request (digest §3.4): ``random() * 100 < percentTraffic``.

        A canary request sees the stage variables overlaid with ``stageVariableOverrides``
        (overrides may add names the stage does not have).
        """
        variables = stage.get("variables") or {}
        canary = stage.get("canarySettings")
        if canary:
            percent = canary.get("percentTraffic") or 0.0
            if percent > 0 and self.random() * 100 < percent:
                overrides = canary.get("stageVariableOverrides") or {}
                deployment_id = canary.get("deploymentId") or stage.get("deploymentId") or ""
                return deployment_id, {**variables, **overrides}, True
        return stage.get("deploymentId") or "", variables, False

    def new_context(
        self,
        request: MethodRequest,
        api_id: str,
        stage_name: str,
        deployment: CompiledDeployment,
        stage: dict[str, Any],
        variables: dict[str, str],
        region: str | None = None,
        is_canary: bool = False,
    ) -> InvocationContext:
        settings = self.services.settings
        request_id, extended_request_id = ids.request_ids()
        # Positional: this runs for every request, and keyword arguments cost ~1 us more here.
        return InvocationContext(
            request,
            request_id,
            extended_request_id,
            int(self.clock() * 1000),  # request_time_epoch_ms
            api_id,
            stage_name,
            settings.account_id,
            region or settings.region,
            deployment,
            stage,
            variables,  # stage_variables
            is_canary,
            getattr(self.services, "lambdas", None),
        )

    async def test_invoke(
        self,
        *,
        api_id: str,
        snapshot: dict[str, Any],
        resource_id: str,
        http_method: str,
        path_with_query_string: str | None,
        headers: dict[str, str] | None,
        multi_value_headers: dict[str, list[str]] | None,
        body: str | None,
        stage_variables: dict[str, str] | None,
    ) -> dict[str, Any]:
        """TestInvokeMethod's output members: ``status, body, headers, multiValueHeaders, log, latency``."""
        return await self._invoker.invoke(
            api_id=api_id, snapshot=snapshot, resource_id=resource_id, http_method=http_method,
            path_with_query_string=path_with_query_string, headers=headers or {},
            multi_value_headers=multi_value_headers or {}, body=body, stage_variables=stage_variables or {},
        )


class _FORBIDDEN(INVALID_API_KEY):
    """``disableExecuteApiEndpoint``: AWS's default endpoint answers 403 Forbidden (ForbiddenException)."""
