"""UpdateStage: AWS's patch operations on a Stage, through P1's patch engine.

Stage patching has rules of its own, all taken from AWS's recorded answers (aws-recorded
``test_apigateway_canary`` / ``test_apigateway_common`` / ``test_apigateway_api``):

* an unknown path answers ``Invalid method setting path: {path}. Must be one of: [...]`` (AWS's list,
  typos included); ``/accessLogSettings/...`` has its own message, and so has ``add`` under
  ``/canarySettings`` (only ``replace`` is accepted there);
* ``remove`` works on ``/accessLogSettings``, ``/canarySettings``, ``/variables/{name}``,
  ``/canarySettings/stageVariableOverrides/{name}`` and a method-setting entry
  ``/{resourcePath}/{httpMethod}``;
  any other two-segment path is taken as a method-setting key and answers ``Cannot remove method
  setting ... because there is no method setting for this method `` (even ``accessLogSettings/format``);
* ``replace /canarySettings/...`` on a stage without canary first creates one pointing at the stage's
  own deployment with 0% of the traffic;
* a method setting is created complete: every MethodSetting default, or a copy of the ``*/*`` entry
  when there is one, before the patched field is set;
* ``copy`` is the canary promotion only: ``/canarySettings/deploymentId`` -> ``/deploymentId`` and
  ``/canarySettings/stageVariableOverrides`` -> ``/variables`` (merged into the stage's variables);
  the canary itself stays.

Operations apply one at a time, each seeing the result of the previous ones (AWS accepts
``replace /canarySettings/percentTraffic`` and then a promotion ``copy`` in one request).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apigate.control.common import patch_op_violations, raise_validation
from apigate.control.errors import BadRequestException
from apigate.control.patch import PatchSpec, Rule, apply_patch, split_pointer
from apigate.control.stage_rules import (
    CACHE_CLUSTER_SIZES,
    MSG_DEPLOYMENT_MISSING,
    apply_cache_settings,
    canary_percent,
    deployment_exists,
    validate_variable_name,
    variable_value,
)
from apigate.store.base import Document, Transaction

MSG_INVALID_PATH = (
    "Invalid method setting path: {path}. Must be one of: [/deploymentId, /description, "
    "/cacheClusterEnabled, /cacheClusterSize, /clientCertificateId, /accessLogSettings, "
    "/accessLogSettings/destinationArn, /accessLogSettings/format, "
    "/{{resourcePath}}/{{httpMethod}}/metrics/enabled, /{{resourcePath}}/{{httpMethod}}/logging/dataTrace, "
    "/{{resourcePath}}/{{httpMethod}}/logging/loglevel, "
    "/{{resourcePath}}/{{httpMethod}}/throttling/burstLimit"
    "/{{resourcePath}}/{{httpMethod}}/throttling/rateLimit"
    "/{{resourcePath}}/{{httpMethod}}/caching/ttlInSeconds, "
    "/{{resourcePath}}/{{httpMethod}}/caching/enabled, "
    "/{{resourcePath}}/{{httpMethod}}/caching/dataEncrypted, "
    "/{{resourcePath}}/{{httpMethod}}/caching/requireAuthorizationForCacheControl, "
    "/{{resourcePath}}/{{httpMethod}}/caching/unauthorizedCacheControlHeaderStrategy, "
    "/*/*/metrics/enabled, /*/*/logging/dataTrace, /*/*/logging/loglevel, "
    "/*/*/throttling/burstLimit /*/*/throttling/rateLimit /*/*/caching/ttlInSeconds, "
    "/*/*/caching/enabled, /*/*/caching/dataEncrypted, /*/*/caching/requireAuthorizationForCacheControl, "
    "/*/*/caching/unauthorizedCacheControlHeaderStrategy, /variables/{{variable_name}}, /tracingEnabled]"
)
MSG_ACCESS_LOG_PATH = (
    "Invalid accessLogSettings path. Must be one of : [/accessLogSettings/destinationArn, "
    "/accessLogSettings/format]"
)
MSG_ACCESS_LOG_EMPTY = "Access Log value must not be empty"
MSG_CANARY_ADD = "Invalid add operation with path: {path}"
MSG_NO_METHOD_SETTING = (
    "Cannot remove method setting {key} because there is no method setting for this method "
)
MSG_BAD_COPY = (
    "Invalid copy operation with path: {path} and from {source}. Valid copy:path are [/deploymentId, "
    "/variables] and valid copy:from are [/canarySettings/deploymentId, "
    "/canarySettings/stageVariableOverrides]"
)
MSG_NO_CANARY = "Promotion not available. Canary does not exist."
# Not recorded from AWS: our wording for a method-setting value of the wrong form.
MSG_BAD_SETTING_VALUE = "Invalid value '{value}' specified for path {path}"

# The promotion pairs (path <- from) AWS accepts for ``copy``.
_PROMOTIONS = {
    "/deploymentId": "/canarySettings/deploymentId",
    "/variables": "/canarySettings/stageVariableOverrides",
}
_ACCESS_LOG_FIELDS = ("/accessLogSettings/destinationArn", "/accessLogSettings/format")


def _java_bool(value: str) -> bool:
    # AWS parses booleans like Java's Boolean.parseBoolean: anything but "true" is false.
    return value.strip().lower() == "true"


def _enum(*allowed: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        if value not in allowed:
            raise ValueError(value)
        return value

    return convert


def _ttl(value: str) -> int:
    ttl = int(value)
    if not 0 <= ttl <= 3600:  # AWS's documented cache TTL range
        raise ValueError(value)
    return ttl


# MethodSetting fields by patch path suffix ({group}/{setting}), with their converters.
METHOD_SETTING_FIELDS: dict[tuple[str, str], tuple[str, Callable[[str], Any]]] = {
    ("metrics", "enabled"): ("metricsEnabled", _java_bool),
    ("logging", "dataTrace"): ("dataTraceEnabled", _java_bool),
    ("logging", "loglevel"): ("loggingLevel", _enum("OFF", "ERROR", "INFO")),
    ("throttling", "burstLimit"): ("throttlingBurstLimit", int),
    ("throttling", "rateLimit"): ("throttlingRateLimit", float),
    ("caching", "enabled"): ("cachingEnabled", _java_bool),
    ("caching", "ttlInSeconds"): ("cacheTtlInSeconds", _ttl),
    ("caching", "dataEncrypted"): ("cacheDataEncrypted", _java_bool),
    ("caching", "requireAuthorizationForCacheControl"): ("requireAuthorizationForCacheControl", _java_bool),
    ("caching", "unauthorizedCacheControlHeaderStrategy"): (
        "unauthorizedCacheControlHeaderStrategy",
        _enum("FAIL_WITH_403", "SUCCEED_WITH_RESPONSE_HEADER", "SUCCEED_WITHOUT_RESPONSE_HEADER"),
    ),
}
# What AWS materialises for a new method-setting entry (aws-recorded: no loggingLevel until set).
METHOD_SETTING_DEFAULTS: dict[str, Any] = {
    "metricsEnabled": False,
    "dataTraceEnabled": False,
    "throttlingBurstLimit": 5000,
    "throttlingRateLimit": 10000.0,
    "cachingEnabled": False,
    "cacheTtlInSeconds": 300,
    "cacheDataEncrypted": False,
    "requireAuthorizationForCacheControl": True,
    "unauthorizedCacheControlHeaderStrategy": "SUCCEED_WITH_RESPONSE_HEADER",
}


def method_setting_key(resource_path: str, http_method: str) -> str:
    """``methodSettings`` key: the resource path without its leading slash, then the verb (``*/*``)."""
    return f"{resource_path.lstrip('/')}/{http_method}"


def _set_method_setting(doc: dict, op: dict, keys: dict[str, str]) -> None:
    field, convert = METHOD_SETTING_FIELDS[(keys["group"], keys["setting"])]
    raw = op.get("value")
    try:
        value = convert(raw if isinstance(raw, str) else "")
    except (ValueError, TypeError):
        raise BadRequestException(MSG_BAD_SETTING_VALUE.format(value=raw, path=op["path"])) from None
    settings = doc.setdefault("methodSettings", {})
    key = method_setting_key(keys["resourcePath"], keys["httpMethod"])
    if key not in settings:
        # A new entry starts from the stage-wide "*/*" entry when there is one (AWS copies it),
        # else from MethodSetting's defaults.
        settings[key] = dict(settings.get("*/*") or METHOD_SETTING_DEFAULTS)
    settings[key][field] = value


def _remove_method_setting(doc: dict, op: dict, keys: dict[str, str]) -> None:
    settings = doc.get("methodSettings") or {}
    key = method_setting_key(keys["resourcePath"], keys["httpMethod"])
    if key not in settings:
        raise BadRequestException(MSG_NO_METHOD_SETTING.format(key=op["path"][1:]))
    del settings[key]


def _set_cache_enabled(doc: dict, op: dict, keys: dict[str, str]) -> None:
    apply_cache_settings(doc, bool(op.get("value")), None)


def _cache_size(value: str) -> str:
    if value not in CACHE_CLUSTER_SIZES:
        raise ValueError(value)
    return value


STAGE_PATCH = PatchSpec(
    {
        "/deploymentId": Rule("add", "replace"),
        "/description": Rule("add", "replace"),
        "/cacheClusterEnabled": Rule("add", "replace", type=_java_bool, handler=_set_cache_enabled),
        "/cacheClusterSize": Rule("add", "replace", type=_cache_size),
        "/clientCertificateId": Rule("add", "replace"),
        "/tracingEnabled": Rule("add", "replace", type=_java_bool),
        "/documentationVersion": Rule("add", "replace"),
        "/webAclArn": Rule("add", "replace"),
        "/variables/{name}": Rule("add", "replace", "remove", container="map", type=variable_value),
        "/accessLogSettings": Rule("remove"),
        "/accessLogSettings/destinationArn": Rule("add", "replace"),
        "/accessLogSettings/format": Rule("add", "replace"),
        "/canarySettings": Rule("remove"),
        "/canarySettings/percentTraffic": Rule("replace", type=canary_percent),
        "/canarySettings/deploymentId": Rule("replace"),
        "/canarySettings/useStageCache": Rule("replace", type=_java_bool),
        "/canarySettings/stageVariableOverrides/{name}": Rule(
            "replace", "remove", container="map", type=variable_value
        ),
        "/{resourcePath}/{httpMethod}": Rule("remove", handler=_remove_method_setting),
        "/{resourcePath}/{httpMethod}/{group}/{setting}": Rule("add", "replace", handler=_set_method_setting),
    },
    invalid_path=MSG_INVALID_PATH,
)


def _parts(path: Any) -> list[str] | None:
    try:
        return split_pointer(path) if isinstance(path, str) else None
    except ValueError:
        return None


async def _check(tx: Transaction, rest_api_id: str, op: dict[str, Any]) -> None:
    """AWS's stage-specific refusals, checked before the engine applies ``op``."""
    kind, path, value = op.get("op"), op.get("path"), op.get("value")
    parts = _parts(path)
    if kind not in ("add", "replace") or parts is None:
        return
    if parts[0] == "accessLogSettings":
        if path not in _ACCESS_LOG_FIELDS:
            raise BadRequestException(MSG_ACCESS_LOG_PATH)
        if not value:
            raise BadRequestException(MSG_ACCESS_LOG_EMPTY)
    elif parts[0] == "canarySettings" and kind == "add":
        raise BadRequestException(MSG_CANARY_ADD.format(path=path))
    elif path in ("/deploymentId", "/canarySettings/deploymentId"):
        if not await deployment_exists(tx, rest_api_id, value):
            raise BadRequestException(MSG_DEPLOYMENT_MISSING)
    elif len(parts) == 2 and parts[0] == "variables":
        validate_variable_name(parts[1])
        variable_value(value)
    elif len(parts) == 3 and parts[:2] == ["canarySettings", "stageVariableOverrides"]:
        validate_variable_name(parts[2])
        variable_value(value)
    elif len(parts) == 4 and (parts[2], parts[3]) not in METHOD_SETTING_FIELDS:
        raise BadRequestException(MSG_INVALID_PATH.format(path=path))


def _promote(doc: Document, op: dict[str, Any]) -> None:
    """``copy`` from the canary to the stage: AWS's canary promotion (the canary is left in place)."""
    path, source = op.get("path"), op.get("from")
    if path not in _PROMOTIONS or _PROMOTIONS[path] != source:
        raise BadRequestException(MSG_BAD_COPY.format(path=path, source=source))
    canary = doc.get("canarySettings")
    if not canary:
        raise BadRequestException(MSG_NO_CANARY)
    if path == "/deploymentId":
        doc["deploymentId"] = canary["deploymentId"]
    elif canary.get("stageVariableOverrides"):
        doc["variables"] = {**(doc.get("variables") or {}), **canary["stageVariableOverrides"]}


def _ensure_canary(doc: Document, op: dict[str, Any]) -> None:
    # ``replace /canarySettings/...`` on a stage without canary creates one first (aws-recorded).
    parts = _parts(op.get("path")) or []
    is_canary_field = len(parts) > 1 and parts[0] == "canarySettings"
    if op.get("op") == "replace" and is_canary_field and not doc.get("canarySettings"):
        doc["canarySettings"] = {
            "deploymentId": doc.get("deploymentId"),
            "percentTraffic": 0.0,
            "useStageCache": False,
        }


def _prune(doc: Document) -> None:
    # AWS omits a map once a patch removed its last entry.
    if doc.get("variables") == {}:
        del doc["variables"]
    canary = doc.get("canarySettings")
    if canary is not None and canary.get("stageVariableOverrides") == {}:
        del canary["stageVariableOverrides"]
    if canary is not None and "deploymentId" not in canary:
        # Removing an override of a stage without canary must not leave a stub canary behind.
        del doc["canarySettings"]


async def apply_stage_patch(
    tx: Transaction, rest_api_id: str, stage: Document, operations: list[dict[str, Any]]
) -> Document:
    """The patched copy of ``stage`` (``stage`` itself is untouched); raises AWS's errors."""
    raise_validation(patch_op_violations("updateStageInput", operations))
    doc = apply_patch(stage, [], STAGE_PATCH)  # a private deep copy
    for op in operations:
        if op.get("op") == "copy":
            _promote(doc, op)
            continue
        await _check(tx, rest_api_id, op)
        _ensure_canary(doc, op)
        doc = apply_patch(doc, [op], STAGE_PATCH)
        _prune(doc)
    return doc
