"""Render simple mapping templates by concatenation, without running the VTL engine.

Most templates in the wild are JSON text with a few references in it
(``{"stage": "$context.stage", "id": "$input.params('id')"}``). Running them through airspeed costs
~15 us a render (namespace set-up, one ``evaluate`` per node, a ``StringIO``); concatenating the
same pieces costs ~1-2 us. ``plan`` walks the tree airspeed parsed (at deployment compile time) and
returns the pieces when the template is only:

* text (``Text``, ``FallthroughHashText``) and comments;
* references, plain, quiet or braced (``$x``, ``$!x``, ``${x}``), without ``|alternate`` nor
  ``[index]``, of the forms ``$context.NAME`` (a variable of ``apigate.vtl.context``),
  ``$context.identity.NAME``, ``$stageVariables.NAME``, ``$input.body``, and ``$input.json(...)``,
  ``$input.path(...)``, ``$input.params(...)`` with zero or one literal argument.

Anything else (a directive, ``$util``, a method call on a value, ...) returns None and the template
stays on the engine. Each piece reproduces what airspeed's ``FormalReference`` writes for that
reference (null -> empty, booleans in lower case, ``REPLACE_FORMAL_TEXT``), which
``tests/vtl/test_fast.py`` checks by rendering a corpus both ways. A piece that raises (a body that
is not JSON for ``$input.json``) makes the caller render with the engine, which fails the way the
engine does.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from airspeed import operators as ops

from apigate.vtl.context import VARIABLES, identity_map
from apigate.vtl.input import VtlInput
from apigate.vtl.values import VtlMap

if TYPE_CHECKING:
    from apigate.dataplane.context import InvocationContext

log = logging.getLogger(__name__)

# A piece is literal text, or (getter, whether it reads $input, the reference's own text). A getter
# takes the ``VtlInput`` when it reads $input, else the ``InvocationContext``: one call per reference.
Getter = Callable[[Any], Any]
Piece = str | tuple[Getter, bool, str]
Chain = list[tuple[str, tuple[str, ...] | None]]

_INPUT_METHODS = frozenset({"json", "path", "params"})
_REPLACE_FORMAL_TEXT = ops.REPLACE_FORMAL_TEXT
_NO_MAP = VtlMap()


def _is_map_attribute(name: str) -> bool:
    """A name that airspeed would find as an attribute (a method) of a map when the key is absent:
    such references print a bound method on the engine, so they stay there."""
    return getattr(_NO_MAP, name, None) is not None


def _literal_arguments(call: Any) -> tuple[str, ...] | None:
    """The arguments of a call when every one is a string literal without references."""
    values = getattr(call.values, "values", None)
    if values is None:  # airspeed's _EmptyValues: ``()``
        return ()
    literals: list[str] = []
    for value in values:
        expression = value.expression
        if type(expression) is ops.StringLiteral:
            literals.append(expression.value)
        elif type(expression) is ops.InterpolatedStringLiteral and all(
            type(child) is ops.Text for child in expression.block.children
        ):
            literals.append("".join(child.text for child in expression.block.children))
        else:
            return None
    return tuple(literals)


def _chain(reference: Any) -> Chain | None:
    """``$a.b('x').c`` -> [("a", None), ("b", ("x",)), ("c", None)]; None if not that simple."""
    parts: Chain = []
    expression = reference.expression
    while expression is not None:
        if type(expression) is not ops.VariableExpression:
            return None
        part = expression.part
        if part.index is not None:
            return None
        arguments = None if part.parameters is None else _literal_arguments(part.parameters)
        if part.parameters is not None and arguments is None:
            return None
        parts.append((part.name, arguments))
        sub = expression.subexpression
        expression = sub.expression if sub is not None else None
        if sub is not None and type(expression) is not ops.VariableExpression:  # ``.[index]``
            return None
    return parts


def _context_getter(parts: Chain) -> Getter | None:
    names = [name for name, _ in parts[1:]]
    if any(arguments is not None for _, arguments in parts) or any(map(_is_map_attribute, names)):
        return None
    if len(names) == 1 and names[0] in VARIABLES:
        return VARIABLES[names[0]]  # already a function of the InvocationContext
    if len(names) == 2 and names[0] == "identity":
        key = names[1]
        return lambda ctx: identity_map(ctx).get(key)
    return None


def _stage_variable_getter(parts: Chain) -> Getter | None:
    if len(parts) != 2 or parts[1][1] is not None or _is_map_attribute(parts[1][0]):
        return None
    name = parts[1][0]
    return lambda ctx: ctx.stage_variables.get(name)


def _input_getter(parts: Chain) -> Getter | None:
    if len(parts) != 2:
        return None
    name, arguments = parts[1]
    if name == "body" and arguments is None:
        return operator.attrgetter("body")
    if name in _INPUT_METHODS and arguments is not None and len(arguments) <= 1:
        return operator.methodcaller(name, *arguments)
    return None


_ROOTS: dict[str, Callable[[Chain], Getter | None]] = {
    "context": _context_getter,
    "stageVariables": _stage_variable_getter,
    "input": _input_getter,
}


def _reference_piece(reference: Any) -> Piece | None:
    if reference.alternate is not None:
        return None
    if reference.expression is None:
        return str(reference.my_text())  # ``$5``: airspeed writes the text as it is
    parts = _chain(reference)
    if not parts or parts[0][1] is not None or parts[0][0] not in _ROOTS:
        return None
    root = parts[0][0]
    getter = _ROOTS[root](parts)
    return None if getter is None else (getter, root == "input", str(reference.my_text()))


class Plan:
    """A template reduced to pieces: literal text, or (getter, the reference's text)."""

    __slots__ = ("pieces", "uses_input")

    def __init__(self, pieces: tuple[Piece, ...], uses_input: bool) -> None:
        self.pieces = pieces
        self.uses_input = uses_input  # else no ``VtlInput`` (a body decode) is built per render

    @property
    def static(self) -> str | None:
        """The whole output when the template has no reference at all."""
        if not self.pieces:
            return ""
        first = self.pieces[0]
        return first if len(self.pieces) == 1 and isinstance(first, str) else None

    def render(self, ctx: InvocationContext, body: bytes | str) -> str:
        inp = VtlInput(ctx, body) if self.uses_input else None
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            getter, reads_input, reference_text = piece
            value = getter(inp if reads_input else ctx)
            # A string is the usual value: written here without a call (text_of's first case).
            if type(value) is str and value != _REPLACE_FORMAL_TEXT:
                out.append(value)
            else:
                out.append(text_of(value, reference_text))
        return "".join(out)


def plan(compiled: ops.Template) -> Plan | None:
    """The pieces of a parsed template (adjacent text merged), or None when it needs the engine."""
    try:
        return _plan(compiled)
    except Exception:  # a tree shape this walk does not know: the engine knows it
        log.warning("template left on the engine: its parse tree was not understood", exc_info=True)
        return None


def _plan(compiled: ops.Template) -> Plan | None:
    pieces: list[Piece] = []
    uses_input = False
    for node in compiled.root_element.block.children:
        kind = type(node)
        piece: Piece | None
        if kind is ops.Text or kind is ops.FallthroughHashText:
            piece = str(node.text)
        elif kind is ops.Comment:
            continue
        elif kind is ops.FormalReference:
            piece = _reference_piece(node)
            uses_input = uses_input or (isinstance(piece, tuple) and piece[1])
        else:
            return None
        if piece is None:
            return None
        if isinstance(piece, str) and pieces and isinstance(pieces[-1], str):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return Plan(tuple(pieces), uses_input)


def text_of(value: Any, reference_text: str) -> str:
    """What airspeed's ``FormalReference.evaluate_raw`` writes for a value (quiet references)."""
    if isinstance(value, str):
        return reference_text if value == ops.REPLACE_FORMAL_TEXT else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
