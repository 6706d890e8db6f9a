"""The rules of a Stage document, shared by the stage handlers, UpdateStage's patch and CreateDeployment.

A Stage document is AWS's Stage shape (kind ``stage``, key ``{restApiId}/{stageName}``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from apigate.control.common import (
    KIND_DEPLOYMENT,
    KIND_STAGE,
    enum_violation,
    get_api_document,
    raise_validation,
)
from apigate.control.errors import BadRequestException
from apigate.store.base import Document, Transaction

if TYPE_CHECKING:
    from apigate.control.registry import ControlContext

# AWS's messages. "Deployment id does not exist" is recorded from AWS (aws-recorded canary suite);
# the others are the texts AWS answered in public reports (terraform, SDK and CLI issues).
MSG_STAGE_NOT_FOUND = "Invalid stage identifier specified"
MSG_STAGE_EXISTS = "Stage already exists"
MSG_DEPLOYMENT_MISSING = "Deployment id does not exist"
MSG_STAGE_NAME = "Stage name only allows a-zA-Z0-9_-"
MSG_VARIABLE_NAME = "Invalid stage variable name: {name}. Please use names with only word characters."
MSG_VARIABLE_VALUE = (
    "Invalid stage variable value: {value}.  Please use values with alphanumeric characters and the "
    "symbols ' ', '-', '.', '_', ':', '/', '?', '&', '=', and ','."
)
# Not recorded from AWS: our wording for a canary percentage outside the documented 0.0..100.0.
MSG_CANARY_PERCENT = "Canary traffic percentage must be a number between 0.0 and 100.0"

# Stage names: letters, digits, '-' and '_', at most 128 characters (CreateStage docs).
_STAGE_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
# Variable names are word characters (at most 64); values follow the documented
# [A-Za-z0-9-._~:/?#&=,]+ plus the space AWS's own error message lists, at most 512 characters.
_VARIABLE_NAME_RE = re.compile(r"[A-Za-z0-9_]{1,64}")
_VARIABLE_VALUE_RE = re.compile(r"[A-Za-z0-9 \-._~:/?#&=,]{1,512}")
CACHE_CLUSTER_SIZES = ("0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237")
DEFAULT_CACHE_CLUSTER_SIZE = "0.5"


def stage_key(rest_api_id: str, stage_name: str) -> str:
    return f"{rest_api_id}/{stage_name}"


def validate_stage_name(name: str) -> None:
    if not _STAGE_NAME_RE.fullmatch(name):
        raise BadRequestException(MSG_STAGE_NAME)


def validate_variable_name(name: str) -> None:
    if not _VARIABLE_NAME_RE.fullmatch(name):
        raise BadRequestException(MSG_VARIABLE_NAME.format(name=name))


def variable_value(value: Any) -> str:
    """The value if AWS accepts it as a stage variable value (also a patch ``type`` converter)."""
    if not isinstance(value, str) or not _VARIABLE_VALUE_RE.fullmatch(value):
        raise BadRequestException(MSG_VARIABLE_VALUE.format(value=value))
    return value


def validate_variables(variables: dict[str, Any] | None) -> None:
    for name, value in (variables or {}).items():
        validate_variable_name(name)
        variable_value(value)


def validate_cache_cluster_size(size: str | None, input_name: str) -> None:
    """CacheClusterSize is an enum of the model: AWS's front end answers a ValidationException."""
    if size is not None and size not in CACHE_CLUSTER_SIZES:
        raise_validation([enum_violation(size, f"{input_name}.cacheClusterSize", CACHE_CLUSTER_SIZES)])


def canary_percent(value: Any) -> float:
    """A canary's percentTraffic as AWS stores it (a double in 0.0..100.0)."""
    try:
        percent = float(value)
    except (TypeError, ValueError):
        raise BadRequestException(MSG_CANARY_PERCENT) from None
    if not 0.0 <= percent <= 100.0:
        raise BadRequestException(MSG_CANARY_PERCENT)
    return percent


def validate_canary(given: dict[str, Any]) -> None:
    """CreateStage / CreateDeployment canarySettings: a valid percentage and valid overrides."""
    canary_percent(given.get("percentTraffic") or 0.0)
    validate_variables(given.get("stageVariableOverrides"))


def canary_settings(deployment_id: str, given: dict[str, Any]) -> dict[str, Any]:
    """A stage's canarySettings from CreateStage / CreateDeployment input, with AWS's defaults."""
    validate_canary(given)
    settings: dict[str, Any] = {
        "deploymentId": deployment_id,
        "percentTraffic": canary_percent(given.get("percentTraffic") or 0.0),
        "useStageCache": bool(given.get("useStageCache", False)),
    }
    if given.get("stageVariableOverrides") is not None:
        settings["stageVariableOverrides"] = dict(given["stageVariableOverrides"])
    return settings


def apply_cache_settings(stage: Document, enabled: bool | None, size: str | None) -> None:
    """Set the stage cache fields; the emulated cache cluster is available at once.

    AWS reports CREATE_IN_PROGRESS for minutes before AVAILABLE; there is no cluster to build here.
    Enabling without a size gets AWS's default of 0.5 GB.
    """
    if size is not None:
        stage["cacheClusterSize"] = size
    if enabled is None:
        return
    stage["cacheClusterEnabled"] = bool(enabled)
    stage["cacheClusterStatus"] = "AVAILABLE" if enabled else "NOT_AVAILABLE"
    if enabled:
        stage.setdefault("cacheClusterSize", DEFAULT_CACHE_CLUSTER_SIZE)


def new_stage(
    *,
    stage_name: str,
    deployment_id: str,
    now: int,
    description: str | None = None,
    variables: dict[str, str] | None = None,
    cache_cluster_enabled: bool | None = None,
    cache_cluster_size: str | None = None,
    tracing_enabled: bool | None = None,
    documentation_version: str | None = None,
    canary: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> Document:
    """A Stage with AWS's defaults (aws-recorded: every new stage echoes these)."""
    stage: Document = {
        "stageName": stage_name,
        "deploymentId": deployment_id,
        "cacheClusterEnabled": False,
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": {},
        "tracingEnabled": bool(tracing_enabled),
        "createdDate": now,
        "lastUpdatedDate": now,
    }
    optional = {
        "description": description,
        "variables": dict(variables) if variables is not None else None,
        "documentationVersion": documentation_version,
        "canarySettings": canary,
        "tags": dict(tags) if tags else None,
    }
    stage.update({k: v for k, v in optional.items() if v is not None})
    apply_cache_settings(stage, cache_cluster_enabled, cache_cluster_size)
    return stage


async def deployment_exists(tx: Transaction, rest_api_id: str, deployment_id: str | None) -> bool:
    if not deployment_id:
        return False
    return await tx.get(KIND_DEPLOYMENT, f"{rest_api_id}/{deployment_id}") is not None


async def stages_of(tx: Transaction, rest_api_id: str) -> list[Document]:
    return [doc for _, doc in await tx.list(KIND_STAGE, f"{rest_api_id}/")]


async def get_stage(tx: Transaction, ctx: ControlContext, rest_api_id: str, stage_name: str) -> Document:
    """The Stage document, after the API (AWS's NotFound messages, API first)."""
    return await get_api_document(tx, ctx, KIND_STAGE, rest_api_id, stage_name, MSG_STAGE_NOT_FOUND)
