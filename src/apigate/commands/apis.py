"""``apigate import | deploy | rollback | apis | stages | export``: REST APIs and their stages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO, Any

import click

from apigate.client import apis
from apigate.client.names import find_api, resolve_api, rest_apis
from apigate.client.session import Clients
from apigate.commands.common import KeyValue, as_dict, gateway_command
from apigate.commands.output import note, print_json, print_table, warn

EXTENSIONS = ("integrations", "apigateway", "authorizers", "postman")
API_HELP = "API is a REST API id or name (a name shared by several APIs is refused: give the id)."


def _deployed_line(clients: Clients, api_id: str, stage: str, deployment_id: str) -> str:
    return f"{stage}: deployment {deployment_id}  {apis.invoke_url(clients.endpoint, api_id, stage)}"


@click.command("import", epilog=API_HELP)
@click.argument("file", type=click.File("rb"))
@click.option("--stage", "stages", multiple=True, metavar="NAME",
              help="Deploy the imported API to this stage (created if missing); repeatable.")
@click.option("--api-id", metavar="API",
              help="Put the document into this existing API (PutRestApi) instead of creating a new one.")
@click.option("--mode", type=click.Choice(["merge", "overwrite"]),
              help="With --api-id: merge into the API (AWS's default) or overwrite it.")
@click.option("--fail-on-warnings", is_flag=True, help="Refuse the document if it has any warning.")
@gateway_command
def import_(clients: Clients, file: IO[bytes], stages: tuple[str, ...], api_id: str | None,
            mode: str | None, fail_on_warnings: bool) -> None:
    """Import an OpenAPI 3.0 or Swagger 2.0 document (JSON or YAML; FILE may be -) as a REST API.

    Prints the API's id, its warnings (on stderr) and, with --stage, each stage's invoke URL.
    """
    if mode is not None and api_id is None:
        raise click.UsageError("--mode needs --api-id (a new API has nothing to merge into)")
    body = file.read()
    target = resolve_api(clients.apigateway, api_id)["id"] if api_id is not None else None
    api = apis.import_api(
        clients.apigateway, body, api_id=target, mode=mode,  # type: ignore[arg-type]
        fail_on_warnings=fail_on_warnings,
    )
    for warning in api.get("warnings") or ():
        warn(warning)
    verb = "Imported" if target is None else f"Updated ({mode or 'merge'})"
    click.echo(f"{verb} REST API {api.get('name')!r}: {api['id']}")
    for stage in stages:
        deployment = apis.deploy(clients.apigateway, api["id"], stage)
        click.echo(_deployed_line(clients, api["id"], stage, deployment["id"]))


@click.command(epilog=API_HELP)
@click.argument("api")
@click.argument("stage")
@click.option("--description", help="Description of the deployment.")
@click.option("--variables", "--variable", "variables", type=KeyValue(), multiple=True,
              help="A stage variable, KEY=VALUE; repeatable. Given, they replace the stage's variables "
                   "(as CreateDeployment does); not given, the stage keeps its own.")
@gateway_command
def deploy(clients: Clients, api: str, stage: str, description: str | None,
           variables: tuple[tuple[str, str], ...]) -> None:
    """Deploy API's current configuration to STAGE (created if missing)."""
    found = resolve_api(clients.apigateway, api)
    deployment = apis.deploy(
        clients.apigateway, found["id"], stage, description=description, variables=as_dict(variables),
    )
    click.echo(_deployed_line(clients, found["id"], stage, deployment["id"]))


@click.command(epilog=API_HELP)
@click.argument("api")
@click.argument("stage")
@click.argument("deployment", required=False)
@gateway_command
def rollback(clients: Clients, api: str, stage: str, deployment: str | None) -> None:
    """Point STAGE back at DEPLOYMENT, by default at the previous one.

    The previous deployment is the newest deployment of the API created before the one the stage
    serves now (so rolling back twice goes back two steps). It takes effect on the next request.
    """
    found = resolve_api(clients.apigateway, api)
    done = apis.rollback(clients.apigateway, found["id"], stage, deployment)
    click.echo(f"{stage}: deployment {done.before} -> {done.after}")


@click.command("apis")
@click.option("--json", "as_json", is_flag=True, help="Print GetRestApis' items as JSON.")
@gateway_command
def list_apis(clients: Clients, as_json: bool) -> None:
    """List the REST APIs with their stages."""
    items = rest_apis(clients.apigateway)
    if as_json:
        print_json(items)
        return
    rows = []
    for api in sorted(items, key=lambda a: (a.get("name", ""), a["id"])):
        stages = clients.apigateway.get_stages(restApiId=api["id"]).get("item", [])
        names = ", ".join(sorted(s["stageName"] for s in stages))
        rows.append((api["id"], api.get("name"), names, api.get("createdDate"), api.get("description")))
    print_table(("ID", "NAME", "STAGES", "CREATED", "DESCRIPTION"), rows, empty="No REST API.")


@click.command(epilog=API_HELP)
@click.argument("api")
@click.option("--json", "as_json", is_flag=True, help="Print GetStages' items as JSON.")
@gateway_command
def stages(clients: Clients, api: str, as_json: bool) -> None:
    """List the stages of API: deployment, variables and invoke URL."""
    found = find_api(rest_apis(clients.apigateway), api)
    items = clients.apigateway.get_stages(restApiId=found["id"]).get("item", [])
    items.sort(key=lambda s: s["stageName"])
    if as_json:
        print_json(items)
        return
    rows = [
        (s["stageName"], s.get("deploymentId"), s.get("lastUpdatedDate"), s.get("variables"),
         apis.invoke_url(clients.endpoint, found["id"], s["stageName"]))
        for s in items
    ]
    print_table(("STAGE", "DEPLOYMENT", "UPDATED", "VARIABLES", "INVOKE URL"), rows,
                empty=f"REST API {found['id']} has no stage.")


def _extensions(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(name.strip() for value in values for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in EXTENSIONS]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: choose from {', '.join(EXTENSIONS)}", ctx, param)
    return names


@click.command(epilog=API_HELP)
@click.argument("api")
@click.argument("stage")
@click.option("--format", "export_type", type=click.Choice(["oas30", "swagger"]), default="oas30",
              show_default=True, help="OpenAPI 3.0 or Swagger 2.0.")
@click.option("--yaml", "as_yaml", is_flag=True, help="YAML instead of JSON.")
@click.option("--extensions", multiple=True, callback=_extensions, metavar="LIST",
              help=f"AWS extensions to include, comma-separated or repeated: {', '.join(EXTENSIONS)}.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write the document to this file instead of stdout.")
@gateway_command
def export(clients: Clients, api: str, stage: str, export_type: str, as_yaml: bool,
           extensions: tuple[str, ...], output: Path | None) -> None:
    """Export STAGE of API as an OpenAPI document (GetExport)."""
    found = resolve_api(clients.apigateway, api)
    document = apis.export(
        clients.apigateway, found["id"], stage, export_type=export_type,  # type: ignore[arg-type]
        yaml=as_yaml, extensions=extensions,
    )
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(document if document.endswith(b"\n") else document + b"\n")
        sys.stdout.buffer.flush()
        return
    output.write_bytes(document)
    note(f"Wrote {output} ({len(document)} bytes)")


COMMANDS: tuple[Any, ...] = (import_, deploy, rollback, list_apis, stages, export)
