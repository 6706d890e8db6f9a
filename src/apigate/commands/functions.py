"""``apigate functions deploy | list``: Lambda functions of the gateway's embedded Lambda service."""

from __future__ import annotations

from pathlib import Path

import click

from apigate.client import functions as fns
from apigate.client.session import Clients
from apigate.commands.common import KeyValue, as_dict, gateway_command
from apigate.commands.output import print_json, print_table


@click.group()
def functions() -> None:
    """Deploy and list Lambda functions (the gateway's embedded Lambda service)."""


@functions.command()
@click.argument("directory", metavar="DIR",
                type=click.Path(exists=True, file_okay=False, readable=True, path_type=Path))
@click.option("--name", required=True, help="Function name (or ARN).")
@click.option("--runtime", help=f"Runtime, e.g. python3.12 or nodejs20.x  [default when creating: "
                                f"{fns.DEFAULT_RUNTIME}]")
@click.option("--handler", help=f"Handler, module.function  [default when creating: {fns.DEFAULT_HANDLER}]")
@click.option("--env", "environment", type=KeyValue(), multiple=True,
              help="An environment variable, KEY=VALUE; repeatable. Given, they replace the "
                   "function's environment; not given, it is kept.")
@click.option("--timeout", type=click.IntRange(1, 900), help="Timeout in seconds (1-900).")
@click.option("--memory", type=click.IntRange(128, 10240), help="Memory in MB (128-10240).")
@click.option("--role", help=f"Execution role ARN  [default when creating: {fns.DEFAULT_ROLE}]")
@click.option("--description", help="Description of the function.")
@click.option("--alias", help="Then publish a version and point this alias at it (created if missing).")
@gateway_command
def deploy(clients: Clients, directory: Path, name: str, runtime: str | None, handler: str | None,
           environment: tuple[tuple[str, str], ...], timeout: int | None, memory: int | None,
           role: str | None, description: str | None, alias: str | None) -> None:
    """Zip DIR and create the function, or update its code and the settings given.

    The zip is deterministic (sorted entries, one timestamp; __pycache__, *.pyc and VCS folders left
    out), so an unchanged folder leaves the code as it is. Options not given keep the function's
    current values.
    """
    spec = fns.FunctionSpec(
        name=name, runtime=runtime, handler=handler, environment=as_dict(environment), timeout=timeout,
        memory=memory, role=role, description=description,
    )
    done = fns.deploy_function(clients.lambda_, fns.zip_directory(directory), spec, alias=alias)
    config = done.configuration
    name, arn = config["FunctionName"], config["FunctionArn"]
    if done.created:
        click.echo(f"Created function {name} ({config.get('Runtime')}, {config.get('Handler')}): {arn}")
    elif done.changed:
        click.echo(f"Updated function {name} ({', '.join(done.changed)}): {arn}")
    else:
        click.echo(f"Function {name} unchanged: {arn}")
    if done.alias is not None:
        verb = "created" if done.alias_created else "now"
        click.echo(f"Published version {done.version}; alias {done.alias} ({verb}) -> {done.version}")


@functions.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print ListFunctions' items as JSON.")
@gateway_command
def list_functions(clients: Clients, as_json: bool) -> None:
    """List the functions ($LATEST)."""
    items = sorted(fns.functions(clients.lambda_), key=lambda f: f["FunctionName"])
    if as_json:
        print_json(items)
        return
    rows = [
        (f["FunctionName"], f.get("Runtime"), f.get("Handler"), f.get("MemorySize"), f.get("Timeout"),
         str(f.get("LastModified", ""))[:19].replace("T", " "))
        for f in items
    ]
    print_table(("NAME", "RUNTIME", "HANDLER", "MEMORY MB", "TIMEOUT S", "LAST MODIFIED (UTC)"), rows,
                empty="No function.")
