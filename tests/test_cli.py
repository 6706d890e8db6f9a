"""``apigate`` on the command line: flags, environment variables and one-line usage errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from apigate import __version__
from apigate.cli import main, settings_from_flags
from apigate.config import Settings


@pytest.fixture(autouse=True)
def _no_apigate_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("APIGATE_"):
            monkeypatch.delenv(key)


class ServerStarted(AssertionError):
    pass


@pytest.fixture(autouse=True)
def _never_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about refusing to start: if validation let a case through, fail instead of
    serving (possibly on the default port 4566). ``run``'s own checks still run before this."""
    import granian

    def refuse(*args: object, **kwargs: object) -> None:
        raise ServerStarted("apigate serve got past validation")

    monkeypatch.setattr(granian, "Granian", refuse)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), out, err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "70000"], "port must be between 0 and 65535, got 70000"),
        (["--port", "-1"], "port must be between 0 and 65535, got -1"),
        (["--port", "http"], "Invalid value for '--port': 'http' is not a valid integer."),
        (["--region", "mars-north-1x"], "region 'mars-north-1x' is not an AWS region name (e.g. us-east-1)"),
        (["--account-id", "12345"], "account id must be 12 digits, got '12345'"),
        (["--state-dir", "/tmp/x", "--in-memory"], "--state-dir and --in-memory cannot be used together"),
        (["--log-level", "loud"], "Invalid value for '--log-level'"),
        (["--no-such-flag"], "No such option '--no-such-flag'"),
    ],
)
def test_bad_flags_give_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                            message: str) -> None:
    code, out, err = _run(capsys, "serve", *argv)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ")
    assert message in lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("APIGATE_PORT", "abc", "APIGATE_PORT must be a number, got 'abc'"),
        ("APIGATE_REGION", "nowhere", "region 'nowhere' is not an AWS region name"),
        ("APIGATE_LOG_LEVEL", "loud", "log level must be one of"),
    ],
)
def test_bad_environment_gives_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
    message: str,
) -> None:
    monkeypatch.setenv(variable, value)
    # no --port flag: it would beat APIGATE_PORT (and a port-0 server would be started if valid)
    code, _, err = _run(capsys, "serve", "--in-memory")
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert message in err


def test_unresolvable_host_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "serve", "--in-memory", "--host", "no-such-host.invalid")
    assert code == 2
    assert err.startswith("Error: cannot listen on host 'no-such-host.invalid'")


def test_busy_port_exits_1_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = _run(capsys, "serve", "--in-memory", "--port", str(port))
    assert code == 1
    assert err == f"Error: cannot listen on http://127.0.0.1:{port}: Address already in use\n"


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--version")
    assert (code, out) == (0, f"apigate {__version__}\n")
    code, out, _ = _run(capsys, "--help")
    assert code == 0
    assert "serve" in out
    code, out, _ = _run(capsys, "serve", "--help")
    assert code == 0
    for flag in ("--host", "--port", "--state-dir", "--in-memory", "--region", "--account-id",
                 "--admin-token", "--example"):
        assert flag in out


def test_flags_win_over_environment(tmp_path: Path) -> None:
    env = {
        "APIGATE_HOST": "0.0.0.0", "APIGATE_PORT": "5000", "APIGATE_REGION": "eu-west-1",
        "APIGATE_ACCOUNT_ID": "111111111111", "APIGATE_ADMIN_TOKEN": "env-token",
        "APIGATE_STATE_DIR": str(tmp_path / "env"), "APIGATE_EXAMPLE": "1", "APIGATE_LOG_LEVEL": "info",
    }
    from_env = settings_from_flags(env)
    assert from_env == Settings(host="0.0.0.0", port=5000, region="eu-west-1", account_id="111111111111",
                                admin_token="env-token", state_dir=tmp_path / "env", example=True,
                                log_level="info")
    flagged = settings_from_flags(
        env, host="127.0.0.1", port=6000, region="ap-south-1", account_id="222222222222",
        admin_token="flag-token", state_dir=tmp_path / "flag", log_level="debug",
    )
    assert flagged == Settings(host="127.0.0.1", port=6000, region="ap-south-1", account_id="222222222222",
                               admin_token="flag-token", state_dir=tmp_path / "flag", example=True,
                               log_level="debug")


def test_in_memory_and_state_dir_flags_beat_each_others_variables(tmp_path: Path) -> None:
    assert settings_from_flags({"APIGATE_STATE_DIR": str(tmp_path)}, in_memory=True).state_dir is None
    assert settings_from_flags({"APIGATE_IN_MEMORY": "1"}, state_dir=tmp_path).state_dir == tmp_path
    assert settings_from_flags({"APIGATE_IN_MEMORY": "true"}).state_dir is None
    assert settings_from_flags({}).state_dir == Settings().state_dir


def test_a_real_invocation_exits_2_without_a_traceback() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("APIGATE_")}
    done = subprocess.run(
        [sys.executable, "-m", "apigate", "serve", "--port", "99999"],
        capture_output=True, text=True, timeout=60, env=env,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "Error: port must be between 0 and 65535, got 99999\n"


def test_unusable_state_dir_exits_1_in_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    not_a_db = tmp_path / "broken"
    not_a_db.mkdir()
    (not_a_db / "apigate.db").write_bytes(b"this is not a SQLite database, just some bytes" * 4)
    code, _, err = _run(capsys, "serve", "--port", "0", "--state-dir", str(not_a_db))
    assert (code, err) == (1, f"Error: cannot use the state in {not_a_db}: file is not a database\n")

    a_file = tmp_path / "file"
    a_file.write_text("x")
    code, _, err = _run(capsys, "serve", "--port", "0", "--state-dir", str(a_file / "state"))
    assert (code, err) == (1, f"Error: cannot use the state in {a_file / 'state'}: Not a directory\n")
