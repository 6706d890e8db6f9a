"""The ``apigate`` commands that talk to a running gateway (``serve`` itself is in ``cli.py``)."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the client commands to the ``apigate`` group."""
    from apigate.commands import apis, functions

    for command in (*apis.COMMANDS, functions.functions):
        group.add_command(command)
