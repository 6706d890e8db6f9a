"""The one place where botocore's exceptions become a one-line reason (the CLI's exit status 1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)


class ClientFailure(Exception):
    """The gateway refused a request, failed, or could not be reached; ``str()`` is one line."""


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def describe(exc: ClientError) -> str:
    """AWS's error code and message, as the AWS CLI shows them but without the operation name."""
    error = exc.response.get("Error", {})
    code = error.get("Code") or f"HTTP {exc.response.get('ResponseMetadata', {}).get('HTTPStatusCode')}"
    message = " ".join(str(error.get("Message") or "").split())  # one line, whatever the gateway sent
    return f"{code}: {message}" if message else str(code)


@contextmanager
def translated(endpoint: str) -> Iterator[None]:
    """Re-raise botocore's exceptions as ClientFailure (a traceback helps no user of the CLI)."""
    try:
        yield
    except ClientError as exc:
        raise ClientFailure(describe(exc)) from exc
    except (EndpointConnectionError, ConnectionClosedError) as exc:
        raise ClientFailure(f"cannot reach the gateway at {endpoint} (is `apigate serve` running?)") from exc
    except ReadTimeoutError as exc:
        raise ClientFailure(f"the gateway at {endpoint} did not answer in time") from exc
    except ParamValidationError as exc:  # botocore's own input checks, before sending
        raise ClientFailure(" ".join(str(exc).split())) from exc
    except BotoCoreError as exc:
        raise ClientFailure(" ".join(str(exc).split())) from exc
