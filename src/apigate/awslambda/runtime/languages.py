"""Runtime identifiers -> how to start a worker for them (the local interpreter or ``node``)."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from apigate.awslambda.runtime.errors import UnsupportedRuntime

_HERE = Path(__file__).resolve().parent
PYTHON_BOOTSTRAP = _HERE / "bootstrap_python.py"
NODE_BOOTSTRAP = _HERE / "bootstrap_node.cjs"

PYTHON_RUNTIMES = frozenset({"python3.9", "python3.10", "python3.11", "python3.12", "python3.13"})
NODE_RUNTIMES = frozenset({"nodejs18.x", "nodejs20.x", "nodejs22.x"})


@dataclass(frozen=True, slots=True)
class Language:
    """How to start one execution environment of a runtime: the command line of its worker."""

    name: str  # "python" or "node"
    command: tuple[str, ...]


def check_runtime(runtime: str) -> None:
    """Raise ``UnsupportedRuntime`` unless functions of ``runtime`` can run on this machine.

    Python runtimes run on the gateway's own interpreter (whatever its version: that is the
    contract of the embedded service); Node.js runtimes need ``node`` on PATH.
    """
    language_of(runtime)


def language_of(runtime: str, *, python: str | None = None, node: str | None = None) -> Language:
    """The worker command for ``runtime`` (``python``/``node`` override the interpreters found)."""
    if runtime in PYTHON_RUNTIMES:
        # -s: the site-packages of whoever runs the gateway are not the function's; -P: the
        # bootstrap's directory (the gateway's own modules) is not put on the function's sys.path.
        return Language("python", (python or sys.executable, "-s", "-P", str(PYTHON_BOOTSTRAP)))
    if runtime in NODE_RUNTIMES:
        node = node or shutil.which("node")
        if node is None:
            raise UnsupportedRuntime(
                f"The runtime {runtime} needs Node.js, and no `node` executable was found on the"
                " gateway's PATH: install Node.js or choose a python3.x runtime."
            )
        if not NODE_BOOTSTRAP.is_file():
            raise UnsupportedRuntime(f"The runtime {runtime} is not available: {NODE_BOOTSTRAP} is missing.")
        return Language("node", (node, str(NODE_BOOTSTRAP)))
    supported = ", ".join(sorted(PYTHON_RUNTIMES) + sorted(NODE_RUNTIMES))
    raise UnsupportedRuntime(
        f"The runtime {runtime} is not supported by this gateway (supported: {supported})."
    )
