"""Java-flavoured values for mapping templates: maps and lists that print the way AWS prints them.

API Gateway runs Velocity on the JVM, so what a template prints is Java's ``toString()``:

* a map prints as ``{foo=bar, to=test}`` (AWS-validated for ``$input.path``), with a list inside it
  printed as JSON (``{foo=[{"nested":"bar"}]}``);
* a list prints as compact JSON, maps inside it included (``[{"foo":"bar"}]``);
* ``null`` prints as ``null`` inside a map, booleans as ``true``/``false``.

Both types answer the Java collection methods templates call (``size()``, ``isEmpty()``,
``containsKey()``, ``keySet()``, ``put()``, ``add()``, ``get()`` ...). Python's own dict/list method
names that Java lacks are hidden, so ``$map.items`` on a map without an ``items`` key renders empty, as
an undefined property does on AWS, instead of printing a bound method.
"""

from __future__ import annotations

from typing import Any

import orjson

# Python methods of dict/list that are not Java methods: hidden from templates (see module doc).
_HIDDEN_DICT = frozenset({"items", "pop", "popitem", "clear", "copy", "update", "setdefault", "fromkeys"})
_HIDDEN_LIST = frozenset({"append", "extend", "insert", "pop", "reverse", "count", "index", "copy", "sort"})


def java_str(value: Any) -> str:
    """``String.valueOf(value)`` for the values a template handles."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)) and not isinstance(value, (VtlMap, VtlList)):
        return str(to_vtl(value))
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple, range, type({}.keys()), type({}.values()))):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON (``[{"foo":"bar"}]``), what AWS prints for lists and ``$input.json``."""
    return orjson.dumps(value, default=_json_default, option=orjson.OPT_NON_STR_KEYS).decode()


class VtlMap(dict):
    """A JSON object / Java ``Map`` as templates see it (methods carry Java's camelCase names)."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        # Private attributes of subclasses are not template properties either.
        if name in _HIDDEN_DICT or (name[:1] == "_" and name[:2] != "__"):
            raise AttributeError(name)
        return super().__getattribute__(name)

    def __str__(self) -> str:
        return "{" + ", ".join(f"{java_str(k)}={java_str(v)}" for k, v in dict.items(self)) + "}"

    def toString(self) -> str:
        return str(self)

    def size(self) -> int:
        return len(self)

    def isEmpty(self) -> bool:
        return not self

    def containsKey(self, key: Any) -> bool:
        return key in self

    def containsValue(self, value: Any) -> bool:
        return value in dict.values(self)

    def keySet(self) -> VtlList:
        return VtlList(dict.keys(self))

    def entrySet(self) -> VtlList:
        return VtlList(VtlMap(key=k, value=v) for k, v in dict.items(self))

    def put(self, key: Any, value: Any) -> Any:
        previous = dict.get(self, key)
        self[key] = value
        return previous

    def putAll(self, values: dict[Any, Any]) -> None:
        dict.update(self, values)

    def remove(self, key: Any) -> Any:
        return dict.pop(self, key, None)


class VtlList(list):
    """A JSON array / Java ``List`` as templates see it."""

    __slots__ = ()

    def __getattribute__(self, name: str) -> Any:
        if name in _HIDDEN_LIST:
            raise AttributeError(name)
        return super().__getattribute__(name)

    def __str__(self) -> str:
        return to_json(self)

    def toString(self) -> str:
        return str(self)

    def size(self) -> int:
        return len(self)

    def isEmpty(self) -> bool:
        return not self

    def contains(self, value: Any) -> bool:
        return value in self

    def get(self, index: int) -> Any:
        return self[index]

    def add(self, value: Any) -> bool:
        list.append(self, value)
        return True

    def set(self, index: int, value: Any) -> Any:
        previous = self[index]
        self[index] = value
        return previous

    def indexOf(self, value: Any) -> int:
        return list.index(self, value) if value in self else -1


def to_plain(value: Any) -> Any:
    """The inverse of ``to_vtl``: plain dicts and lists, for values leaving the template world."""
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in dict.items(value)}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    return value


def to_vtl(value: Any) -> Any:
    """Deep-copy parsed JSON into ``VtlMap``/``VtlList`` (scalars are returned as they are).

    A copy, so a template that ``#set``s into what ``$input.path`` returned cannot change what a
    later ``$input.json`` reads: AWS evaluates every JSONPath against the original payload.
    """
    if isinstance(value, dict):
        return VtlMap((k, to_vtl(v)) for k, v in dict.items(value))
    if isinstance(value, list):
        return VtlList(to_vtl(v) for v in value)
    return value
