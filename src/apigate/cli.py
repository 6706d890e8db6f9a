"""The ``apigate`` command line: ``apigate serve``, and the client commands of ``commands/``.

Every flag of ``serve`` has an ``APIGATE_*`` environment variable; a flag given on the command line
wins. Mistakes (a port out of range, an unknown region, ...) print one line on stderr and exit 2,
the conventional status for usage errors -- never a traceback. The client commands exit 1 when the
gateway refuses or fails a request (see ``commands/common.py``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click

from apigate import __version__, commands, config
from apigate.config import Settings, SettingsError

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
USAGE_ERROR = 2


EXIT_CODES = (
    "Exit status: 0 done; 1 the gateway refused or failed the request, or could not be reached "
    "(one line: AWS's error code and message); 2 a usage error (bad flag, argument or file)."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(__version__, "--version", prog_name="apigate", message="%(prog)s %(version)s")
def cli() -> None:
    """apigate: a self-hostable, AWS-compatible Amazon API Gateway.

    `apigate serve` runs the gateway; the other commands talk to a running one (--endpoint, default
    http://127.0.0.1:4566, or APIGATE_ENDPOINT) with botocore, the wire of boto3 and the AWS CLI.
    No AWS configuration is read or needed.
    """


def settings_from_flags(
    environ: dict[str, str],
    *,
    state_dir: Path | None = None,
    in_memory: bool = False,
    example: bool = False,
    **flags: object,
) -> Settings:
    """Settings from ``APIGATE_*`` variables with the given (non-None) flags on top."""
    if state_dir is not None and in_memory:
        raise click.UsageError("--state-dir and --in-memory cannot be used together")
    env = dict(environ)
    if in_memory:
        env[config.ENV_PREFIX + "IN_MEMORY"] = "1"
    elif state_dir is not None:  # the flag beats APIGATE_IN_MEMORY=1 from the environment
        env[config.ENV_PREFIX + "IN_MEMORY"] = "0"
    return config.from_env(env, state_dir=state_dir, example=True if example else None, **flags)


@cli.command()
@click.option("--host", help="Address to listen on.  [env APIGATE_HOST; default: 127.0.0.1]")
@click.option(
    "--port", type=int, help="Port to listen on; 0 picks a free one.  [env APIGATE_PORT; default: 4566]"
)
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the durable state (apigate.db).  [env APIGATE_STATE_DIR; default: the user data dir]",
)
@click.option(
    "--in-memory", is_flag=True, help="Keep all state in memory (lost on exit).  [env APIGATE_IN_MEMORY]"
)
@click.option("--region", help="Default AWS region.  [env APIGATE_REGION; default: us-east-1]")
@click.option("--account-id", help="AWS account id in ARNs.  [env APIGATE_ACCOUNT_ID; default: 000000000000]")
@click.option(
    "--admin-token",
    help="Bearer token that opens /_apigate/* when not listening on loopback.  [env APIGATE_ADMIN_TOKEN]",
)
@click.option(
    "--example", is_flag=True, help="Install an example API if the state is empty.  [env APIGATE_EXAMPLE]"
)
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    help="Log level of the gateway's stderr log.  [env APIGATE_LOG_LEVEL; default: warning]",
)
@click.option(
    "--lambda-concurrency",
    type=int,
    help="Cap of concurrent Lambda executions (AWS's account quota).  "
    "[env APIGATE_LAMBDA_CONCURRENCY; default: 1000]",
)
def serve(
    host: str | None,
    port: int | None,
    state_dir: Path | None,
    in_memory: bool,
    region: str | None,
    account_id: str | None,
    admin_token: str | None,
    example: bool,
    log_level: str | None,
    lambda_concurrency: int | None,
) -> None:
    """Run the gateway: management APIs, execute-api and /_apigate on one port."""
    from apigate.server import run  # imports granian: only when serving

    settings = settings_from_flags(
        dict(os.environ),
        state_dir=state_dir,
        in_memory=in_memory,
        example=example,
        host=host,
        port=port,
        region=region,
        account_id=account_id,
        admin_token=admin_token,
        log_level=log_level.lower() if log_level else None,
        lambda_concurrency=lambda_concurrency,
    )
    run(settings)


commands.register(cli)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``apigate`` script; exits with the command's status."""
    from apigate.server import ServeError

    try:
        args = list(argv) if argv is not None else None
        status = cli.main(args=args, prog_name="apigate", standalone_mode=False)
    except click.ClickException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except SettingsError as exc:
        _fail(str(exc), USAGE_ERROR)
    except ServeError as exc:
        _fail(str(exc), 1)
    except click.Abort:
        _fail("aborted", 1)
    sys.exit(status if isinstance(status, int) else 0)


def _fail(message: str, status: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)
