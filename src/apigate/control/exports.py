"""Handler: GetExport — a stage's deployed API as a Swagger 2.0 / OpenAPI 3.0 document.

AWS exports what a stage serves: the deployment snapshot its ``deploymentId`` points at, not the API
being edited. The documentation is the stage's published documentation version (a snapshot of the
parts); a stage without one exports the API's current documentation parts, so that an export
followed by an import keeps them (AWS does not document that case).

The answer is a blob: ``Content-Type: application/octet-stream`` for JSON and YAML alike and
``Content-Disposition: attachment; filename="oas30_{version}.json"``, as recorded from AWS.
"""

from __future__ import annotations

from typing import Any

from apigate.control.api_children import children
from apigate.control.common import (
    KIND_DEPLOYMENT,
    KIND_DOCUMENTATION_PART,
    KIND_DOCUMENTATION_VERSION,
    KIND_RESTAPI,
    KIND_SNAPSHOT,
    KIND_STAGE,
    public,
)
from apigate.control.errors import BadRequestException, NotFoundException
from apigate.control.registry import ControlContext, Output, Params, operation
from apigate.openapi.export import (
    EXPORT_TYPES,
    ExportSource,
    Extensions,
    build_document,
    file_name,
    render,
    wants_yaml,
)
from apigate.store.base import Transaction

# AWS's answers (as moto reproduces them): an unknown API is reported as an unknown stage.
MSG_STAGE_NOT_FOUND = "Invalid stage identifier specified"
MSG_NO_EXPORTER = "No API exporter for type '{export_type}'"
CONTENT_TYPE = "application/octet-stream"


async def _documentation(
    tx: Transaction, rest_api_id: str, stage: dict[str, Any]
) -> tuple[str | None, list[dict[str, Any]]]:
    version = stage.get("documentationVersion")
    if version:
        doc = await tx.get(KIND_DOCUMENTATION_VERSION, f"{rest_api_id}/{version}")
        if doc is not None:
            return version, list(doc.get("_parts") or [])
    parts = await children(tx, KIND_DOCUMENTATION_PART, rest_api_id)
    return None, [public(p) for p in parts]


async def load_source(
    ctx: ControlContext, rest_api_id: str, stage_name: str, export_type: str
) -> ExportSource:
    """What an export of ``stage_name`` reads, checked in AWS's order: API and stage, then type."""
    async with ctx.store.transaction() as tx:
        api = await tx.get(KIND_RESTAPI, rest_api_id)
        stage = await tx.get(KIND_STAGE, f"{rest_api_id}/{stage_name}")
        if api is None or api.get("_region", ctx.region) != ctx.region or stage is None:
            raise NotFoundException(MSG_STAGE_NOT_FOUND)
        if export_type not in EXPORT_TYPES:
            raise BadRequestException(MSG_NO_EXPORTER.format(export_type=export_type))
        key = f"{rest_api_id}/{stage['deploymentId']}"
        snapshot = await tx.get(KIND_SNAPSHOT, key)
        deployment = await tx.get(KIND_DEPLOYMENT, key)
        if snapshot is None or deployment is None:  # a stage always points at a deployment
            raise NotFoundException(MSG_STAGE_NOT_FOUND)
        version, parts = await _documentation(tx, rest_api_id, stage)
    return ExportSource(
        snapshot=snapshot,
        stage_name=stage_name,
        region=ctx.region,
        deployment_created=int(deployment.get("createdDate", 0)),
        documentation_version=version,
        documentation_parts=parts,
    )


@operation("apigateway", "GetExport")
async def get_export(ctx: ControlContext, params: Params) -> Output:
    export_type = params["exportType"]
    source = await load_source(ctx, params["restApiId"], params["stageName"], export_type)
    extensions = Extensions.parse((params.get("parameters") or {}).get("extensions"))
    as_yaml = wants_yaml(params.get("accepts"))
    body = render(build_document(export_type, source, extensions), as_yaml)
    name = file_name(export_type, source.version(), as_yaml)
    return {
        "contentType": CONTENT_TYPE,
        "contentDisposition": f'attachment; filename="{name}"',
        "body": body,
    }
