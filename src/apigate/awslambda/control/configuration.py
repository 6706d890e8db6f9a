"""FunctionConfiguration: checking CreateFunction / UpdateFunctionConfiguration input, building the
stored document with AWS's defaults, and writing it out (ARN per qualifier, list items)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from apigate.awslambda.arns import LATEST, FunctionRef
from apigate.awslambda.code import Package
from apigate.awslambda.documents import Doc, last_modified, new_revision
from apigate.awslambda.errors import InvalidParameterValueException, ValidationException
from apigate.awslambda.runtime import UnsupportedRuntime
from apigate.awslambda.runtime import check_runtime as runtime_check
from apigate.control.common import public
from apigate.control.protocol import load_protocol

DEFAULT_TIMEOUT = 3
DEFAULT_MEMORY = 128
DEFAULT_EPHEMERAL = 512
MAX_ENVIRONMENT_BYTES = 4096

# The variables the runtime sets itself (AWS: "reserved environment variables").
RESERVED_VARIABLES = frozenset(
    [
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    ]
)
_VARIABLE_NAME = re.compile(r"[a-zA-Z]([a-zA-Z0-9_])+")
# ListFunctions / ListVersionsByFunction items leave out the state members.
_STATE_MEMBERS = frozenset(
    {
        "State",
        "StateReason",
        "StateReasonCode",
        "LastUpdateStatus",
        "LastUpdateStatusReason",
        "LastUpdateStatusReasonCode",
    }
)
MANDATORY = "Runtime and Handler are mandatory parameters for functions created with deployment packages."


# --- checks --------------------------------------------------------------------------------------


def check_runtime(runtime: str) -> None:
    """AWS's answer for a runtime it does not know; apigate's for one it knows but cannot run here
    (a runtime without its interpreter, such as Node.js without ``node``, or Java)."""
    known = load_protocol("lambda").model.shape_for("Runtime").enum
    if runtime not in known:
        raise InvalidParameterValueException(
            f"Value {runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum "
            f"value set: [{', '.join(known)}] or be a valid ARN"
        )
    try:
        runtime_check(runtime)
    except UnsupportedRuntime as exc:
        raise InvalidParameterValueException(
            f"The runtime parameter of {runtime} is not supported by this apigate gateway: {exc}"
        ) from None


def check_environment(environment: Mapping[str, Any] | None) -> dict[str, str] | None:
    """The variables of an ``Environment``, checked as AWS checks them (names, reserved, 4 KB)."""
    if environment is None:
        return None
    variables = dict(environment.get("Variables") or {})
    if any(not _VARIABLE_NAME.fullmatch(name) for name in variables):
        # AWS shows no value here: variables are sensitive. Names need two characters or more.
        raise ValidationException(
            "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: "
            "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: "
            "[a-zA-Z]([a-zA-Z0-9_])+]"
        )
    reserved = [name for name in variables if name in RESERVED_VARIABLES]
    if reserved:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            "variables you have provided contains reserved keys that are currently not supported for "
            f"modification. Reserved keys used in this request: {','.join(reserved)}"
        )
    measured = json.dumps(variables, separators=(",", ":"))
    if len(measured.encode()) > MAX_ENVIRONMENT_BYTES:
        raise InvalidParameterValueException(
            "Lambda was unable to configure your environment variables because the environment "
            f"variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )
    return {str(k): "" if v is None else str(v) for k, v in variables.items()}


def check_unsupported(params: Mapping[str, Any]) -> None:
    """Features of the model that apigate does not emulate: refused clearly, not ignored."""
    code = params.get("Code") or {}
    if params.get("PackageType") == "Image" or code.get("ImageUri") or params.get("ImageUri"):
        raise InvalidParameterValueException(
            "Container image functions (PackageType Image) are not supported by apigate: "
            "upload a .zip deployment package as ZipFile."
        )
    if code.get("S3Bucket") or params.get("S3Bucket"):
        raise InvalidParameterValueException(
            "apigate has no S3 to fetch the deployment package from: upload it as ZipFile."
        )
    if params.get("Layers"):
        raise InvalidParameterValueException("Layers are not supported by apigate.")


# --- building ------------------------------------------------------------------------------------


def new_function(ref: FunctionRef, params: Mapping[str, Any], package: Package) -> Doc:
    """The ``$LATEST`` document of CreateFunction, member order and defaults as AWS answers."""
    doc: Doc = {
        "FunctionName": ref.name,
        "FunctionArn": ref.arn,
        "Runtime": params["Runtime"],
        "Role": params["Role"],
        "Handler": params["Handler"],
        "CodeSize": package.size,
        "Description": params.get("Description") or "",
        "Timeout": params.get("Timeout") or DEFAULT_TIMEOUT,
        "MemorySize": params.get("MemorySize") or DEFAULT_MEMORY,
        "LastModified": last_modified(),
        "CodeSha256": package.sha256,
        "Version": LATEST,
    }
    variables = check_environment(params.get("Environment"))
    if variables is not None:
        doc["Environment"] = {"Variables": variables}
    doc.update(
        {
            "TracingConfig": {"Mode": (params.get("TracingConfig") or {}).get("Mode") or "PassThrough"},
            "RevisionId": new_revision(),
            "State": "Active",
            "LastUpdateStatus": "Successful",
            "PackageType": "Zip",
            "Architectures": list(params.get("Architectures") or ["x86_64"]),
            "EphemeralStorage": {
                "Size": (params.get("EphemeralStorage") or {}).get("Size", DEFAULT_EPHEMERAL)
            },
            "SnapStart": {"ApplyOn": "None", "OptimizationStatus": "Off"},
            "LoggingConfig": _logging(ref, params.get("LoggingConfig")),
            "_contentRevision": new_revision(),
            "_nextVersion": 1,
        }
    )
    if params.get("Tags"):
        doc["_tags"] = dict(params["Tags"])
    return doc


def _logging(ref: FunctionRef, given: Mapping[str, Any] | None) -> dict[str, Any]:
    config: dict[str, Any] = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{ref.name}"}
    config.update({k: v for k, v in (given or {}).items() if v is not None})
    return config


# UpdateFunctionConfiguration members copied as given (the others are shaped below).
_UPDATABLE = ("Role", "Handler", "Description", "Timeout", "MemorySize", "Runtime")


def apply_update(doc: Doc, params: Mapping[str, Any]) -> None:
    """UpdateFunctionConfiguration on the ``$LATEST`` document (after the checks)."""
    for member in _UPDATABLE:
        if member in params:
            doc[member] = params[member]
    if "Environment" in params:
        doc["Environment"] = {"Variables": check_environment(params["Environment"]) or {}}
    if params.get("TracingConfig", {}).get("Mode"):
        doc["TracingConfig"] = {"Mode": params["TracingConfig"]["Mode"]}
    if params.get("EphemeralStorage"):
        doc["EphemeralStorage"] = {"Size": params["EphemeralStorage"]["Size"]}
    if params.get("LoggingConfig"):
        doc["LoggingConfig"] = {**doc.get("LoggingConfig", {}), **params["LoggingConfig"]}
    touched(doc, content=True)


def touched(doc: Doc, *, content: bool) -> None:
    """A change: a new RevisionId; ``content`` (code or configuration): also LastModified and the
    content revision, so a later PublishVersion publishes and the runtime starts fresh environments."""
    doc["RevisionId"] = new_revision()
    if content:
        doc["LastModified"] = last_modified()
        doc["_contentRevision"] = new_revision()


# --- output --------------------------------------------------------------------------------------


def configuration_out(doc: Doc, arn: str | None = None, *, list_item: bool = False) -> dict[str, Any]:
    """The FunctionConfiguration members of ``doc``; ``arn`` replaces FunctionArn (qualified)."""
    out = public(doc)
    if arn is not None:
        out["FunctionArn"] = arn
    if list_item:
        for member in _STATE_MEMBERS:
            out.pop(member, None)
    return out
