"""The one engine behind every v1 ``Update*`` operation: ``patchOperations`` applied to a document.

A resource declares which ``(op, path)`` pairs it accepts as a :class:`PatchSpec`; :func:`apply_patch`
validates every operation against it, converts the string ``value`` and applies the operations in
order to a copy of the document. Either every operation applies or an error is raised and the input
is left untouched.

API Gateway reports a bad patch in one of two wordings depending on the resource (both recorded from
AWS), chosen with ``PatchSpec(style=...)``:

* ``"paths"`` (Resource, Model, RequestValidator, ApiKey, DocumentationPart, ...)::

    Invalid patch path  '/x' specified for op 'replace'. Must be one of: [/a, /b]
    Invalid patch path  '/x' specified for op 'add'. Please choose supported operations

* ``"plain"`` (RestApi, Method, MethodResponse, GatewayResponse, ...)::

    Invalid patch path /x
    Invalid patch operation specified. Must be one of: [replace]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apigate.control.errors import BadRequestException, NotFoundException

# The six JSON-patch verbs of the model's ``Op`` enum.
OPS = ("add", "remove", "replace", "move", "copy", "test")
STYLES = ("paths", "plain")
_CONTAINERS = (None, "map", "set")
_VALUE_OPS = frozenset({"add", "replace", "test"})

PatchHandler = Callable[[dict, dict, dict[str, str]], None]


class Rule:
    """What one path pattern accepts.

    ``ops``: the verbs allowed. ``type``: converts the wire string (``bool`` follows Java's lenient
    ``Boolean.parseBoolean``: anything but ``"true"`` is false, as AWS answers ``apiKeyRequired``
    = ``"whatever"`` with ``false``); any callable ``str -> value`` works and may raise
    ``ServiceError`` with its own message (e.g. ``Invalid minimum compression size ...``), while a
    ``ValueError`` becomes a generic BadRequestException. ``nullable``: whether a missing or empty
    ``value`` is accepted (an empty value of a non-string type means "absent", as AWS disables
    compression with ``replace /minimumCompressionSize ""``); if not, AWS's
    ``Invalid null or empty value in <field>``. ``container``: ``None`` (a scalar at the pointer),
    ``"map"`` (the pattern's last ``{key}`` names an entry of a dict field) or ``"set"`` (a list of
    unique strings). ``handler(doc, op, keys)``: replaces the default behaviour and mutates the
    working copy itself; ``op`` is the operation with ``value`` already converted.
    ``not_found``: when set, ``replace``/``remove`` of an absent map key or set element (or
    ``remove`` of an absent scalar) raises NotFoundException with this message (AWS: ``Invalid
    parameter name specified``). ``op_message``: overrides the "plain" style's wrong-op message.
    """

    __slots__ = ("container", "handler", "not_found", "nullable", "op_message", "ops", "type")

    def __init__(
        self,
        *ops: str,
        type: Callable[[str], Any] = str,
        nullable: bool = True,
        container: str | None = None,
        handler: PatchHandler | None = None,
        not_found: str | None = None,
        op_message: str | None = None,
    ) -> None:
        unknown = [op for op in ops if op not in OPS]
        if not ops or unknown:
            raise ValueError(f"Rule ops must be some of {OPS}, got {ops}")
        if container not in _CONTAINERS:
            raise ValueError(f"Rule container must be one of {_CONTAINERS}, got {container!r}")
        self.ops = ops
        self.type = type
        self.nullable = nullable
        self.container = container
        self.handler = handler
        self.not_found = not_found
        self.op_message = op_message

    def __repr__(self) -> str:
        return f"Rule({', '.join(map(repr, self.ops))}, container={self.container!r})"


class _Pattern:
    __slots__ = ("captures", "keyed", "rank", "rule", "segments", "text")

    def __init__(self, text: str, rule: Rule) -> None:
        if not text.startswith("/"):
            raise ValueError(f"patch path pattern must start with '/': {text!r}")
        self.text = text
        self.rule = rule
        parts = text[1:].split("/")
        # (literal, None) or (None, capture name)
        self.segments: tuple[tuple[str | None, str | None], ...] = tuple(
            (None, p[1:-1]) if p.startswith("{") and p.endswith("}") else (unescape(p), None) for p in parts
        )
        self.captures = [name for _, name in self.segments if name is not None]
        self.keyed = self.segments[-1][1] is not None
        if rule.container == "map" and not self.keyed:
            raise ValueError(f"a map rule needs a trailing {{key}} segment: {text!r}")
        # Literal segments beat captures, leftmost first: '/*/*/x' is tried before '/{p}/{m}/x'.
        self.rank = tuple(0 if lit is not None else 1 for lit, _ in self.segments)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return None
        keys: dict[str, str] = {}
        for part, (literal, name) in zip(parts, self.segments, strict=True):
            if literal is not None:
                if part != literal:
                    return None
            elif name is not None:
                keys[name] = part
        return keys


class PatchSpec:
    """The patchable paths of one resource: ``{pattern: Rule}`` plus how AWS words its errors.

    ``invalid_path``, when given, is the unknown-path message for this resource, formatted with
    ``{path}`` and ``{op}`` (Stage: ``Invalid method setting path: {path}. Must be one of: [...]``).
    """

    __slots__ = ("_patterns", "invalid_path", "ops", "rules", "style")

    def __init__(
        self, rules: dict[str, Rule], *, style: str = "paths", invalid_path: str | None = None
    ) -> None:
        if style not in STYLES:
            raise ValueError(f"PatchSpec style must be one of {STYLES}, got {style!r}")
        self.rules = dict(rules)
        self.style = style
        self.invalid_path = invalid_path
        patterns = (_Pattern(text, rule) for text, rule in self.rules.items())
        self._patterns = sorted(patterns, key=lambda p: p.rank)
        self.ops = tuple(op for op in OPS if any(op in rule.ops for rule in self.rules.values()))

    def match(self, op: str, parts: list[str]) -> tuple[_Pattern, dict[str, str]] | None:
        """The most specific pattern matching ``parts`` that allows ``op``, else the most specific match."""
        first: tuple[_Pattern, dict[str, str]] | None = None
        for pattern in self._patterns:
            keys = pattern.match(parts)
            if keys is None:
                continue
            if op in pattern.rule.ops:
                return pattern, keys
            first = first or (pattern, keys)
        return first

    def path_error(self, op: str, path: str | None) -> BadRequestException:
        shown = "null" if path is None else path
        if self.invalid_path is not None:
            return BadRequestException(self.invalid_path.format(path=shown, op=op))
        if self.style == "plain":
            return BadRequestException(f"Invalid patch path {shown}")
        valid = [text for text, rule in self.rules.items() if op in rule.ops]
        # AWS's own message carries two spaces after "path".
        if not valid:
            return BadRequestException(
                f"Invalid patch path  '{shown}' specified for op '{op}'. Please choose supported operations"
            )
        return BadRequestException(
            f"Invalid patch path  '{shown}' specified for op '{op}'. Must be one of: [{', '.join(valid)}]"
        )

    def op_error(self, op: str, path: str, rule: Rule) -> BadRequestException:
        if self.style == "paths":
            return self.path_error(op, path)
        if rule.op_message is not None:
            return BadRequestException(rule.op_message)
        return _bad_op(rule.ops)


def _bad_op(ops: tuple[str, ...]) -> BadRequestException:
    return BadRequestException(f"Invalid patch operation specified. Must be one of: [{', '.join(ops)}]")


def unescape(segment: str) -> str:
    """RFC 6901: ``~1`` is ``/`` and ``~0`` is ``~`` (in that order, so ``~01`` is ``~1``)."""
    if "~" not in segment:
        return segment
    return segment.replace("~1", "/").replace("~0", "~")


def split_pointer(path: str) -> list[str]:
    """``/a/b~1c`` -> ``['a', 'b/c']``; raises ValueError if it is not a JSON pointer."""
    if not path.startswith("/"):
        raise ValueError(path)
    return [unescape(part) for part in path[1:].split("/")]


def apply_patch(doc: dict, operations: list[dict] | None, spec: PatchSpec) -> dict:
    """Apply ``operations`` in order to a copy of ``doc`` and return the copy (``doc`` is untouched)."""
    result = _clone(doc)
    for operation in operations or ():
        _apply_one(result, operation, spec)
    return result


def _apply_one(doc: dict, operation: dict, spec: PatchSpec) -> None:
    op = operation.get("op") if isinstance(operation, dict) else None
    if op not in OPS:
        raise _bad_op(spec.ops)
    raw_path = operation.get("path")
    path = raw_path if isinstance(raw_path, str) else None
    try:
        parts = split_pointer(path) if path is not None else None
    except ValueError:
        parts = None
    found = spec.match(op, parts) if parts is not None else None
    if found is None or parts is None or path is None:
        raise spec.path_error(op, path)
    pattern, keys = found
    rule = pattern.rule
    if op not in rule.ops:
        raise spec.op_error(op, path, rule)
    value = _value(operation, op, rule, pattern, parts)
    if op in ("copy", "move"):
        value = _source(doc, operation.get("from"))
    if rule.handler is not None:
        rule.handler(doc, {**operation, "value": value}, keys)
        return
    if op == "move":
        _remove_pointer(doc, split_pointer(operation["from"]))
    if rule.container == "map":
        _apply_map(doc, op, parts, value, rule)
    elif rule.container == "set":
        _apply_set(doc, op, parts, value, rule, pattern.keyed)
    else:
        _apply_scalar(doc, op, parts, value, rule)


def _value(operation: dict, op: str, rule: Rule, pattern: _Pattern, parts: list[str]) -> Any:
    keyed_set = rule.container == "set" and pattern.keyed
    if keyed_set and op == "add":
        return None  # a keyed set adds the path's own key: AWS ignores the value
    if op not in _VALUE_OPS and not (op == "remove" and rule.container == "set" and not keyed_set):
        return None  # remove ignores value, except for a set whose element travels as the value
    raw = operation.get("value")
    if raw is None or raw == "":
        if not rule.nullable:
            field = parts[-2] if rule.container == "map" or keyed_set else parts[-1]
            raise BadRequestException(f"Invalid null or empty value in {field}")
        return "" if raw == "" and rule.type is str else None
    return _convert(raw, rule, operation["path"])


def _convert(raw: Any, rule: Rule, path: str) -> Any:
    if isinstance(raw, bool):
        raw = "true" if raw else "false"
    elif not isinstance(raw, str):
        raw = str(raw)
    if rule.type is bool:
        return raw.strip().lower() == "true"
    if rule.type is str:
        return raw
    try:
        return rule.type(raw)
    except (ValueError, TypeError, ArithmeticError):
        raise BadRequestException(f"Invalid value '{raw}' specified for path {path}") from None


def _source(doc: dict, source: Any) -> Any:
    if not isinstance(source, str):
        raise BadRequestException("Invalid patch operation specified. 'from' is required for copy and move")
    try:
        parts = split_pointer(source)
    except ValueError:
        raise BadRequestException(f"Invalid from path {source}") from None
    node: Any = doc
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise BadRequestException(f"Invalid from path {source}")
        node = node[part]
    return _clone(node)


def _parent(doc: dict, parts: list[str], create: bool) -> dict | None:
    """The dict holding ``parts[-1]``, creating intermediate objects when ``create``."""
    node = doc
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if not create:
                return None
            child = node[part] = {}
        node = child
    return node


def _remove_pointer(doc: dict, parts: list[str]) -> bool:
    parent = _parent(doc, parts, create=False)
    if parent is None or parts[-1] not in parent:
        return False
    del parent[parts[-1]]
    return True


def _apply_scalar(doc: dict, op: str, parts: list[str], value: Any, rule: Rule) -> None:
    if op == "remove" or (value is None and op != "test"):
        if not _remove_pointer(doc, parts) and op == "remove" and rule.not_found:
            raise NotFoundException(rule.not_found)
        return
    if op == "test":
        parent = _parent(doc, parts, create=False)
        if parent is None or parent.get(parts[-1]) != value:
            raise BadRequestException(f"Patch test failed for path /{'/'.join(parts)}")
        return
    parent = _parent(doc, parts, create=True)
    assert parent is not None
    parent[parts[-1]] = value


def _container(doc: dict, field: list[str], kind: type) -> Any:
    parent = _parent(doc, field, create=True)
    assert parent is not None
    current = parent.get(field[-1])
    if not isinstance(current, kind):
        current = parent[field[-1]] = kind()
    return current


def _apply_map(doc: dict, op: str, parts: list[str], value: Any, rule: Rule) -> None:
    entries = _container(doc, parts[:-1], dict)
    key = parts[-1]
    if op in ("replace", "remove") and key not in entries and rule.not_found:
        raise NotFoundException(rule.not_found)
    if op == "remove":
        entries.pop(key, None)
    elif op == "test":
        if entries.get(key) != value:
            raise BadRequestException(f"Patch test failed for path /{'/'.join(parts)}")
    else:
        entries[key] = value


def _apply_set(doc: dict, op: str, parts: list[str], value: Any, rule: Rule, keyed: bool) -> None:
    items = _container(doc, parts[:-1] if keyed else parts, list)
    if op in ("copy", "move"):
        for element in value if isinstance(value, list) else [value]:
            _add_unique(items, element)
        return
    # A keyed set names its element in the path (``/binaryMediaTypes/image~1png``); otherwise the
    # element travels as the value (``add /apiStages`` with ``value "{apiId}:{stage}"``).
    element = parts[-1] if keyed else value
    if op == "test":
        if element not in items:
            raise BadRequestException(f"Patch test failed for path /{'/'.join(parts)}")
    elif op == "add":
        _add_unique(items, element)
    elif op == "replace" and not keyed:
        items[:] = [] if value is None else [value]
    else:  # remove, or replace of a named element
        if element in items:
            items.remove(element)
        elif rule.not_found:
            raise NotFoundException(rule.not_found)
        if op == "replace":
            _add_unique(items, value)  # AWS appends the replacement at the end rather than in place


def _add_unique(items: list, element: Any) -> None:
    if element is not None and element not in items:
        items.append(element)


def _clone(value: Any) -> Any:
    """A deep copy of a JSON document (dicts and lists; scalars are immutable)."""
    if isinstance(value, dict):
        return {k: _clone(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clone(v) for v in value]
    return value
