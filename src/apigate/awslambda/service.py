"""``LambdaService``: the one entry point to functions for every caller.

Callers: the ``Invoke`` handler of the ``lambda`` management API, API Gateway's ``AWS_PROXY`` and
``AWS`` integrations (and later Lambda authorizers). Built by ``apigate.server.build_app`` and kept
as ``services.lambdas``.

.. code-block:: python

    resolved = await lambdas.resolve("arn:aws:lambda:us-east-1:000000000000:function:f:live", None,
                                     region="us-east-1")
    # -> Resolved(spec: FunctionSpec, qualified_arn, alias | None); an alias with
    #    RoutingConfig.AdditionalVersionWeights picks its version here, with the injected random()
    allowed = await lambdas.allows(resolved, principal="apigateway.amazonaws.com",
                                   source_arn="arn:aws:execute-api:us-east-1:000000000000:abc/prod/GET/x")
    result = await lambdas.invoke(resolved, payload, invocation_type="RequestResponse",
                                  log_type="None")  # -> InvokeResult; raises the lambda errors

``resolve`` raises ResourceNotFoundException / InvalidParameterValueException as Lambda words
them; ``invoke`` raises TooManyRequestsException (429, with AWS's ``Reason``) when the function's
reserved concurrency or the account's cap is in use. A function's own failure is not an exception:
it is ``InvokeResult.function_error == "Unhandled"`` with AWS's error object as the payload.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import random as random_module
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.awslambda import arns, documents
from apigate.awslambda.arns import LATEST, FunctionRef
from apigate.awslambda.documents import Doc
from apigate.awslambda.errors import (
    InvalidParameterValueException,
    ResourceNotFoundException,
    ServiceException,
    TooManyRequestsException,
)
from apigate.awslambda.events import RETRY_DELAYS_S, EventQueue, Outcome, event_document
from apigate.awslambda.policy import allows as policy_allows
from apigate.awslambda.resolutions import Failure, Key, Plan, Resolutions
from apigate.awslambda.runtime import Throttled
from apigate.awslambda.spec import Execution, FunctionSpec, InvokeResult

if TYPE_CHECKING:
    from apigate.awslambda.runtime import Runtime
    from apigate.store.base import ConfigStore

log = logging.getLogger(__name__)

LOG_TAIL_BYTES = 4096  # LogType=Tail: "the last 4 KB of the execution log"
INVOCATION_TYPES = ("RequestResponse", "Event", "DryRun")


@dataclasses.dataclass(frozen=True, slots=True)
class Resolved:
    """A function reference resolved to the one version an invocation runs.

    ``qualified_arn`` is the ARN the caller named (alias ARN for an alias, unqualified for none);
    ``policy`` is the resource policy that governs exactly that ARN (AWS scopes permissions per
    qualifier) and ``policy_resource`` the ARN its statements name.
    """

    spec: FunctionSpec
    qualified_arn: str
    alias: str | None
    policy: dict[str, Any] | None
    policy_resource: str


class LambdaService:
    """Functions of one gateway: resolution, permission checks and execution (sync and async)."""

    def __init__(
        self,
        store: ConfigStore,
        runtime: Runtime,
        *,
        account_id: str,
        random: Callable[[], float] = random_module.random,
        event_workers: int = 16,
        event_retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        self.store = store
        self.runtime = runtime
        self.account_id = account_id
        self._random = random
        self.temporary_dir: Path | None = None  # the runtime's work dir, when the server made a temporary one
        self.events = EventQueue(
            store, self._run_event, workers=event_workers, retry_delays=event_retry_delays or RETRY_DELAYS_S
        )
        self.resolutions = Resolutions()
        store.subscribe(self.resolutions.on_changes)

    # --- resolution ------------------------------------------------------------------------------

    async def resolve(self, function: str, qualifier: str | None, region: str) -> Resolved:
        """The version ``function`` (name, partial or full ARN, ``:qualifier``) runs now.

        Answered from memory once the store was read for this reference (``resolutions.py``):
        the data plane resolves on every request to a Lambda integration.
        """
        key = (function, qualifier, region)
        plan = self.resolutions.get(key)
        if plan is None:
            plan = await self._load_plan(key)
        if isinstance(plan, Failure):
            plan.raise_it()
            raise AssertionError("unreachable")
        return plan.pick(self._random)

    async def _load_plan(self, key: Key) -> Plan | Failure:
        generation = self.resolutions.generation
        self.resolutions.loads += 1
        try:
            plan: Plan | Failure = await self._read_plan(*key)
        except (ResourceNotFoundException, InvalidParameterValueException) as exc:
            plan = Failure(type(exc), exc.message)
        self.resolutions.put(generation, key, plan)
        return plan

    async def _read_plan(self, function: str, qualifier: str | None, region: str) -> Plan:
        ref = arns.parse(function, qualifier, region, self.account_id)
        async with self.store.transaction() as tx:
            config, alias = await documents.get_qualified(tx, ref)
            latest = config if config.get("Version") == LATEST else await documents.get_function(tx, ref)
            routing = (alias or {}).get("RoutingConfig") or {}
            weights = routing.get("AdditionalVersionWeights") or {}
            others = {
                str(version): await documents.get_version(tx, ref, str(version)) for version in weights
            }
        if alias is not None:
            policy, resource = alias.get("_policy"), ref.qualified_arn
        elif ref.qualifier not in (None, LATEST):
            policy, resource = config.get("_policy"), ref.qualified_arn
        else:  # $LATEST has no policy of its own: the function's governs it
            policy, resource = latest.get("_policy"), ref.arn
        alias_name = alias["Name"] if alias is not None else None

        def resolved(version_config: Doc) -> Resolved:
            return Resolved(
                spec=build_spec(ref, version_config, latest),
                qualified_arn=ref.qualified_arn,
                alias=alias_name,
                policy=policy,
                policy_resource=resource,
            )

        weighted = tuple((float(weights[v]), resolved(doc)) for v, doc in others.items())
        return Plan(resolved(config), weighted)

    async def allows(self, resolved: Resolved, principal: str, source_arn: str | None) -> bool:
        """Whether the function's resource policy lets ``principal`` invoke what was resolved."""
        key = (resolved.policy_resource, principal, source_arn)
        allowed = self.resolutions.decision(key)
        if allowed is None:
            allowed = policy_allows(resolved.policy, resolved.policy_resource, principal, source_arn)
            self.resolutions.remember_decision(key, allowed)
        return allowed

    # --- execution -------------------------------------------------------------------------------

    async def invoke(
        self,
        resolved: Resolved,
        payload: bytes,
        invocation_type: str = "RequestResponse",
        log_type: str | None = "None",
        client_context: str | None = None,
        *,
        request_id: str | None = None,
    ) -> InvokeResult:
        """Run the resolved version: 200 with its result, 202 once an event is stored, 204 for DryRun."""
        request_id = request_id or ids.request_id()
        version = resolved.spec.version
        if invocation_type == "DryRun":
            return InvokeResult(204, b"", None, None, version, request_id)
        if invocation_type == "Event":
            spec = resolved.spec
            doc = event_document(
                spec.region,
                spec.function_name,
                version,
                resolved.qualified_arn,
                payload,
                request_id,
                client_context,
            )
            await self.events.submit(doc)
            return InvokeResult(202, b"", None, None, version, request_id)
        execution = await self._execute(resolved, payload, request_id, client_context)
        return InvokeResult(
            status_code=200,
            payload=execution.payload,
            function_error="Unhandled" if execution.error is not None else None,
            log_tail=log_tail(execution.logs) if log_type == "Tail" else None,
            executed_version=version,
            request_id=execution.request_id or request_id,
        )

    async def _execute(
        self, resolved: Resolved, payload: bytes, request_id: str, client_context: str | None
    ) -> Execution:
        try:
            return await self.runtime.execute(
                resolved.spec,
                payload,
                request_id=request_id,
                client_context=client_context,
                invoked_function_arn=resolved.qualified_arn,
            )
        except Throttled as exc:
            raise TooManyRequestsException(exc.reason) from None

    async def _run_event(self, doc: dict[str, Any]) -> Outcome:
        """One attempt at a stored event: the version it resolved to when it was accepted."""
        try:
            resolved = await self.resolve(doc["functionName"], doc["version"], doc["region"])
        except ResourceNotFoundException:
            log.info("asynchronous invocation %s dropped: its function is gone", doc["requestId"])
            return Outcome.GONE
        resolved = dataclasses.replace(
            resolved, qualified_arn=doc.get("invokedArn") or resolved.qualified_arn
        )
        payload = base64.b64decode(doc["payload"])
        try:
            execution = await self._execute(resolved, payload, doc["requestId"], doc.get("clientContext"))
        except TooManyRequestsException:
            return Outcome.THROTTLED
        if execution.error is not None:
            log.info(
                "asynchronous invocation %s failed: %s", doc["requestId"], execution.error.get("errorType")
            )
            return Outcome.ERROR
        return Outcome.DONE

    # --- lifetime ----------------------------------------------------------------------------------

    async def retire(self, function_arn: str) -> None:
        """Code or configuration changed, or the function is gone: drop its environments."""
        await self.runtime.retire(function_arn)

    def set_reserved_concurrency(self, function_arn: str, reserved: int | None) -> None:
        """Put/DeleteFunctionConcurrency (and DeleteFunction: None) take effect at once."""
        self.runtime.set_reserved_concurrency(function_arn, reserved)

    async def start(self) -> None:
        """Tell the runtime the stored reservations, and run what a previous process acknowledged
        and did not finish (stored events)."""
        async with self.store.transaction() as tx:
            functions = [doc for _, doc in await tx.list(documents.KIND_FUNCTION)]
        for function in functions:
            if function.get("_reservedConcurrency") is not None:
                self.set_reserved_concurrency(function["FunctionArn"], function["_reservedConcurrency"])
        await self.events.start()

    async def reset(self) -> None:
        """``POST /_apigate/reset``: stop every environment and forget queued events."""
        await self.events.close()
        await self.runtime.close()

    async def close(self) -> None:
        """Shutdown: stop the event workers (stored events stay for the next start), kill every
        environment, and remove a temporary work directory."""
        await self.events.close()
        await self.runtime.close()
        if self.temporary_dir is not None:
            shutil.rmtree(self.temporary_dir, ignore_errors=True)


def code_loader(store: ConfigStore) -> Callable[[str], Awaitable[bytes]]:
    """The runtime's code loader: the zip stored as the blob ``code_sha256``."""

    async def load(code_sha256: str) -> bytes:
        async with store.transaction() as tx:
            data = await tx.get_blob(code_sha256)
        if data is None:
            raise ServiceException(f"The code of CodeSha256 {code_sha256} is missing from the store")
        return data

    return load


def build_spec(ref: FunctionRef, config: Doc, latest: Doc) -> FunctionSpec:
    """What the runtime needs of ``config`` (a version or ``$LATEST``); concurrency is function-wide."""
    return FunctionSpec(
        function_name=ref.name,
        function_arn=ref.arn,
        version=config["Version"],
        runtime=config["Runtime"],
        handler=config["Handler"],
        code_sha256=config["CodeSha256"],
        config_revision=config["_contentRevision"],
        timeout_s=config["Timeout"],
        memory_mb=config["MemorySize"],
        environment=dict((config.get("Environment") or {}).get("Variables") or {}),
        region=ref.region,
        account_id=ref.account_id,
        reserved_concurrency=latest.get("_reservedConcurrency"),
    )


def log_tail(logs: str) -> str:
    """AWS's ``X-Amz-Log-Result``: base64 of the last 4 KB of the execution log."""
    return base64.b64encode(logs.encode("utf-8", errors="replace")[-LOG_TAIL_BYTES:]).decode("ascii")
