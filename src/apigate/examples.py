"""The example API that ``make serve`` (``apigate serve --example``) installs on an empty state.

The petstore of ``examples/petstore/`` is installed as a user would with the CLI: its function is
zipped and deployed (``apigate functions deploy``), its OpenAPI document imported
(``apigate import``) and deployed to two stages (``apigate deploy``). The same client code runs,
over botocore clients answered by the gateway's own management API in process
(``client/inprocess.py``): every request is parsed and validated like one sent by boto3, and the
result is an ordinary API that can be changed, redeployed or deleted.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from apigate.client import apis, functions
from apigate.client.errors import error_code
from apigate.client.inprocess import inprocess_clients

if TYPE_CHECKING:
    from apigate.client.session import Clients
    from apigate.server import Services

log = logging.getLogger(__name__)

# The source checkout's examples/ (src/apigate/examples.py -> the repository root).
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "petstore"
FUNCTION = "petstore-pets"
RUNTIME = "python3.12"
HANDLER = "app.handler"
ENVIRONMENT = {"STORE_NAME": "apigate petstore"}
STATEMENT_ID = "petstore-apigateway"
# The ARNs of the document name apigate's default region and account; installed elsewhere they are
# rewritten to the gateway's own.
DOCUMENT_ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:"


@dataclass(frozen=True, slots=True)
class StageSetup:
    name: str
    lambda_alias: str  # the function alias the stage's Lambda integrations invoke
    greeting: str
    description: str


# dev runs the function's $LATEST code (alias dev), prod the published version of alias live.
STAGES = (
    StageSetup("dev", "dev", "Hello from dev", "Development: the function's latest code"),
    StageSetup("prod", "live", "Hello", "Production: the function version of alias live"),
)


async def install(services: Services) -> list[str]:
    """Install and deploy the petstore; returns the curl lines to try each route."""
    settings = services.settings
    if not (EXAMPLE_DIR / "openapi.yaml").is_file():  # an installed wheel has no examples/ folder
        log.warning("--example: %s is missing (the example ships with the source checkout)", EXAMPLE_DIR)
        return []
    clients = inprocess_clients(services.management, asyncio.get_running_loop(), settings.region)
    base_url = f"http://{_local_host(settings.host)}:{settings.port}"
    return await asyncio.to_thread(install_petstore, clients, base_url, settings.account_id, EXAMPLE_DIR)


def _local_host(host: str) -> str:
    """Where a local client reaches a gateway bound to ``host`` (wildcards: loopback)."""
    wildcard = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}
    return wildcard.get(host, f"[{host}]" if ":" in host else host)


def install_petstore(clients: Clients, base_url: str, account_id: str, directory: Path) -> list[str]:
    """The whole installation, with the CLI's client code (synchronous botocore clients)."""
    lambda_, apigateway = clients.lambda_, clients.apigateway
    spec = functions.FunctionSpec(
        name=FUNCTION, runtime=RUNTIME, handler=HANDLER, environment=ENVIRONMENT,
        role=f"arn:aws:iam::{account_id}:role/apigate-lambda",
    )
    code = functions.zip_directory(directory / "functions" / "pets")
    functions.deploy_function(lambda_, code, spec, alias="live")  # publishes version 1 for prod
    functions.point_alias(lambda_, FUNCTION, "dev", "$LATEST")

    document = (directory / "openapi.yaml").read_text()
    document = document.replace(DOCUMENT_ARN_PREFIX, f"arn:aws:lambda:{clients.region}:{account_id}:")
    api = apis.import_api(apigateway, document.encode())
    api_id = str(api["id"])
    for warning in api.get("warnings") or ():
        log.warning("example import: %s", warning)

    source_arn = f"arn:aws:execute-api:{clients.region}:{account_id}:{api_id}/*"
    for stage in STAGES:
        _allow_api(lambda_, stage.lambda_alias, source_arn)
        self_base = apis.invoke_url(base_url, api_id, stage.name).removeprefix("http://").rstrip("/")
        variables = {"lambdaAlias": stage.lambda_alias, "greeting": stage.greeting, "selfBase": self_base}
        apis.deploy(apigateway, api_id, stage.name, description=stage.description, variables=variables)
    log.info("installed the example API petstore (%s)", api_id)
    return curl_lines(base_url, api_id)


def _allow_api(lambda_: Any, alias: str, source_arn: str) -> None:
    """Let API Gateway invoke the alias from this API (replacing a statement of an earlier install)."""
    try:
        lambda_.remove_permission(FunctionName=FUNCTION, Qualifier=alias, StatementId=STATEMENT_ID)
    except ClientError as exc:
        if error_code(exc) != "ResourceNotFoundException":
            raise
    lambda_.add_permission(
        FunctionName=FUNCTION, Qualifier=alias, StatementId=STATEMENT_ID, Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com", SourceArn=source_arn,
    )


def curl_lines(base_url: str, api_id: str) -> list[str]:
    """One line per route (and per stage where the stages differ), each with what it shows."""
    dev = apis.invoke_url(base_url, api_id, "dev")
    prod = apis.invoke_url(base_url, api_id, "prod")
    new_pet = '{"name": "Kiki", "type": "bird", "price": 42}'

    def curl(url: str, note: str, *options: str) -> str:
        return " ".join(["curl", *options, shlex.quote(url), f"  # {note}"])

    lines = [
        curl(f"{dev}hello?name=World", "MOCK + mapping templates (stage variable greeting)"),
        curl(f"{prod}hello?name=World", "the same MOCK on prod: another greeting"),
        curl(f"{dev}pets", "Lambda proxy: $LATEST through alias dev"),
        curl(f"{dev}pets?type=cat", "Lambda proxy with a query string"),
        curl(f"{dev}pets/2", "Lambda proxy with a path parameter"),
        curl(f"{dev}pets/99", "the function answers 404"),
        curl(f"{dev}pets", "Lambda proxy: a POST with a JSON body (201)", "-X", "POST",
             "-H", shlex.quote("Content-Type: application/json"), "-d", shlex.quote(new_pet)),
        curl(f"{prod}pets", "prod: version 1 through alias live"),
        curl(f"{dev}relay/hello?name=relay", "HTTP_PROXY to this stage's own /hello"),
    ]
    if "//127.0.0.1:" in base_url:  # *.localhost names reach loopback (curl resolves them itself)
        host_form = base_url.replace("//127.0.0.1:", f"//{api_id}.execute-api.localhost:", 1)
        lines.append(curl(f"{host_form}/dev/pets/1", "the host form of the invoke URL"))
    return lines
