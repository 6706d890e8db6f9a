"""One frozen Settings object, built from CLI flags and ``APIGATE_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs

ENV_PREFIX = "APIGATE_"
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


class SettingsError(ValueError):
    """A setting has a value the gateway cannot run with; the message names it."""


def default_state_dir() -> Path:
    return Path(platformdirs.user_data_dir("apigate"))


@dataclass(frozen=True, slots=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 4566
    state_dir: Path | None = field(default_factory=default_state_dir)  # None = in memory
    region: str = "us-east-1"
    account_id: str = "000000000000"
    admin_token: str | None = None
    example: bool = False
    log_level: str = "warning"
    # The account's cap of concurrent Lambda executions (AWS's default quota is 1,000).
    lambda_concurrency: int = 1000

    def __post_init__(self) -> None:
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"port must be between 0 and 65535, got {self.port}")
        if not _ACCOUNT_RE.match(self.account_id):
            raise SettingsError(f"account id must be 12 digits, got {self.account_id!r}")
        if self.lambda_concurrency < 1:
            raise SettingsError(f"lambda concurrency must be at least 1, got {self.lambda_concurrency}")
        if not _REGION_RE.match(self.region):
            raise SettingsError(f"region {self.region!r} is not an AWS region name (e.g. us-east-1)")

    @property
    def in_memory(self) -> bool:
        return self.state_dir is None

    @property
    def listens_on_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def to_env(self) -> dict[str, str]:
        """Serialise for a server worker process (the ASGI server imports the app by name)."""
        env: dict[str, str] = {}
        for key, value in asdict(self).items():
            if key == "state_dir":
                env[ENV_PREFIX + "STATE_DIR"] = "" if value is None else str(value)
                env[ENV_PREFIX + "IN_MEMORY"] = "1" if value is None else "0"
            elif value is not None:
                env[ENV_PREFIX + key.upper()] = str(int(value) if isinstance(value, bool) else value)
        return env


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_env(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Settings from ``APIGATE_*`` variables; explicit (non-None) overrides win."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if (v := env.get(ENV_PREFIX + "HOST")) is not None:
        values["host"] = v
    if (v := env.get(ENV_PREFIX + "PORT")) is not None:
        try:
            values["port"] = int(v)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}PORT must be a number, got {v!r}") from None
    if (v := env.get(ENV_PREFIX + "REGION")) is not None:
        values["region"] = v
    if (v := env.get(ENV_PREFIX + "ACCOUNT_ID")) is not None:
        values["account_id"] = v
    if v := env.get(ENV_PREFIX + "ADMIN_TOKEN"):
        values["admin_token"] = v
    if (v := env.get(ENV_PREFIX + "LOG_LEVEL")) is not None:
        values["log_level"] = v
    if (v := env.get(ENV_PREFIX + "LAMBDA_CONCURRENCY")) is not None:
        try:
            values["lambda_concurrency"] = int(v)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}LAMBDA_CONCURRENCY must be a number, got {v!r}") from None
    if (v := env.get(ENV_PREFIX + "EXAMPLE")) is not None:
        values["example"] = _truthy(v)
    if _truthy(env.get(ENV_PREFIX + "IN_MEMORY", "0")):
        values["state_dir"] = None
    elif v := env.get(ENV_PREFIX + "STATE_DIR"):
        values["state_dir"] = Path(v)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
