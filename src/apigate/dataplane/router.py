"""The compiled resource tree of one deployment: (verb, raw path) -> (resource, method, path parameters).

AWS's matching rules for REST APIs (digest §3.2), reproduced here:

* the path is matched segment by segment; at each segment a literal part beats ``{param}``, which
  beats ``{param+}`` (the most specific resource wins);
* on a candidate resource the exact verb is taken first, then ``ANY``; ``GET`` does not answer
  ``HEAD``. A resource that has neither falls through to the next, less specific, matching resource
  (AWS-validated: with ``POST /test`` and ``OPTIONS /{proxy+}``, ``OPTIONS /test`` is served by
  ``/{proxy+}``);
* ``{param}`` takes exactly one non-empty segment; ``{param+}`` takes one or more, keeping empty
  segments in between (AWS hands ``proxy-value//double-slash`` to the function as is);
* leading slashes and a trailing slash are ignored (``/stage//hardcoded`` and ``/pets/`` match);
* the match runs on the raw, still percent-encoded path, so ``%2F`` inside a segment never splits
  it. Path parameter values are handed on exactly as the client sent them: AWS does not decode
  them (recorded: ``test%2Balias@gmail.com`` reaches the Lambda proxy event still encoded).

The tree is built once per deployment; a request costs one dict lookup per segment, no regex, and a
(verb, path) already seen costs one lookup in a bounded memo (clients repeat their paths).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

if TYPE_CHECKING:
    from apigate.dataplane.compiled import CompiledMethod, CompiledResource

Match = tuple["CompiledResource", "CompiledMethod", dict[str, str]]
_UNSEEN: Any = object()


@dataclass(slots=True)
class _Node:
    resource: CompiledResource | None = None
    literals: dict[str, _Node] = field(default_factory=dict)
    param_name: str | None = None  # the {name} child, at most one per parent (AWS rule)
    param: _Node | None = None
    greedy_name: str | None = None  # the {name+} child: a leaf
    greedy: CompiledResource | None = None


def path_segments(raw_path: str) -> list[str]:
    """The segments of a raw resource path; leading slashes and one trailing slash are ignored."""
    stripped = raw_path.lstrip("/")
    if stripped.endswith("/"):
        stripped = stripped[:-1]
    return stripped.split("/") if stripped else []


def _find_method(resource: CompiledResource, http_method: str) -> CompiledMethod | None:
    methods = resource.methods
    return methods.get(http_method) or methods.get("ANY")


class Router:
    """A resource tree searched depth first, most specific branch first, with fall-through."""

    __slots__ = ("_memo", "_root")

    MEMO_SIZE = 1024
    MEMO_MAX_PATH = 256

    def __init__(self, resources: Iterable[CompiledResource]) -> None:
        self._root = _Node()
        for resource in resources:
            self._insert(resource)
        # (verb, raw path) -> the match, or None: the tree never changes, so neither does the answer.
        self._memo: dict[tuple[str, str], Match | None] = {}

    def _insert(self, resource: CompiledResource) -> None:
        node = self._root
        parts = path_segments(resource.path)
        for index, part in enumerate(parts):
            if part.startswith("{") and part.endswith("+}"):
                if index != len(parts) - 1:
                    return  # AWS forbids children of a greedy resource; such a path cannot exist
                node.greedy_name = part[1:-2]
                node.greedy = resource
                return
            if part.startswith("{") and part.endswith("}"):
                if node.param is None:
                    node.param_name = part[1:-1]
                    node.param = _Node()
                node = node.param
            else:
                node = node.literals.setdefault(part, _Node())
        node.resource = resource

    def match(self, http_method: str, raw_path: str) -> Match | None:
        """The most specific resource of ``raw_path`` that has ``http_method`` (or ANY), else None."""
        key = (http_method, raw_path)
        memo = self._memo
        found = memo.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._match(http_method, raw_path)
            if len(raw_path) <= self.MEMO_MAX_PATH:  # the memo stays small whatever clients send
                if len(memo) >= self.MEMO_SIZE:
                    memo.clear()
                memo[key] = found
        # A fresh parameters dict for every request: the caller owns what it gets.
        return None if found is None else (found[0], found[1], dict(found[2]))

    def _match(self, http_method: str, raw_path: str) -> Match | None:
        segments = path_segments(raw_path)
        params: dict[str, str] = {}
        found = _search(self._root, segments, 0, http_method, params)
        if found is None:
            return None
        resource, method = found
        return resource, method, params


def _search(
    node: _Node, segments: list[str], index: int, http_method: str, params: dict[str, str]
) -> tuple[CompiledResource, CompiledMethod] | None:
    """Depth-first search; ``params`` holds the captures of the current branch only."""
    if index == len(segments):
        if node.resource is not None and (method := _find_method(node.resource, http_method)):
            return node.resource, method
        return None  # a greedy part needs at least one segment: "/" never matches "/{proxy+}"
    segment = segments[index]
    child = node.literals.get(segment)
    if child is None and "%" in segment:
        # A client may percent-encode characters of a literal part (``p%65ts``); AWS compares the
        # decoded segment then. Only tried when the raw form did not match, so it costs nothing
        # on ordinary paths.
        child = node.literals.get(unquote(segment))
    if child is not None:
        found = _search(child, segments, index + 1, http_method, params)
        if found is not None:
            return found
    if node.param is not None and segment:
        name = node.param_name or ""
        params[name] = segment
        found = _search(node.param, segments, index + 1, http_method, params)
        if found is not None:
            return found
        del params[name]
    if node.greedy is not None and (method := _find_method(node.greedy, http_method)):
        params[node.greedy_name or ""] = "/".join(segments[index:])
        return node.greedy, method
    return None


def extract_path_parameters(resource_path: str, raw_path: str) -> dict[str, str] | None:
    """Path parameters of ``raw_path`` against one resource template (TestInvokeMethod); None = no match."""
    template = path_segments(resource_path)
    segments = path_segments(raw_path)
    params: dict[str, str] = {}
    for index, part in enumerate(template):
        if part.startswith("{") and part.endswith("+}"):
            if index >= len(segments):
                return None
            params[part[1:-2]] = "/".join(segments[index:])
            return params
        if index >= len(segments):
            return None
        if part.startswith("{") and part.endswith("}"):
            if not segments[index]:
                return None
            params[part[1:-1]] = segments[index]
        elif part not in (segments[index], unquote(segments[index])):
            return None
    return params if len(segments) == len(template) else None
