"""Tables for people (rich), JSON for scripts, notes on stderr."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click
from rich import box
from rich.console import Console
from rich.table import Table

# Piped output is not cut to 80 columns: a long invoke URL stays on one line for grep and awk.
_PIPE_WIDTH = 1000


def console() -> Console:
    out = Console(highlight=False, soft_wrap=False)
    if not out.is_terminal:
        out = Console(highlight=False, soft_wrap=False, width=_PIPE_WIDTH)
    return out


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, empty: str) -> None:
    """A table with a header row; ``empty`` is printed instead when there is no row."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    count = 0
    for row in rows:
        table.add_row(*(text(cell) for cell in row))
        count += 1
    if count == 0:
        click.echo(empty)
        return
    out = console()
    if out.is_terminal:
        out.print(table)
        return
    with out.capture() as captured:  # piped: no padding after the last column
        out.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))


def text(value: Any) -> str:
    """A cell: dates in local time to the second, maps as ``k=v`` lines, nothing as ``-``."""
    if value is None or value == "" or value == {}:
        return "-"
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, Mapping):  # one line per row keeps the output easy to grep
        return ", ".join(f"{k}={v}" for k, v in sorted(value.items()))
    return str(value)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=_jsonable))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def note(message: str) -> None:
    """Progress and results that are not the command's output proper (stderr)."""
    click.echo(message, err=True)


def warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)
