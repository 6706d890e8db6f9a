"""The resource tree an import builds: document paths, the base path, ids, and AWS's tree rules.

``basepath`` (recorded, ``test_import_rest_apis_with_base_path_*``): with ``ignore`` (the default)
the document's base path (Swagger ``basePath``, OpenAPI 3 ``servers``) is dropped; ``prepend`` puts
all of it in front of every path (``/base/test``); ``split`` drops its first segment and prepends the
rest (``/base-url/part`` -> ``/part/test``).

Resource ids: a path that already exists keeps its id (PutRestApi, recorded: an overwrite that
imports ``/test`` again leaves ``/test``'s id unchanged), every other resource gets a new one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from apigate import ids
from apigate.control.resources import check_path_part, check_placement, child_path, is_variable
from apigate.openapi.issues import ImportIssues

BASEPATH_MODES = ("ignore", "prepend", "split")


def base_segments(base_path: str, mode: str) -> list[str]:
    parts = [part for part in base_path.split("/") if part]
    if mode == "prepend":
        return parts
    if mode == "split":
        return parts[1:]
    return []


def path_variables(path: str) -> list[str]:
    """``/a/{b}/{c+}`` -> ``["b", "c"]``: the method request path parameters of a resource."""
    return [part[1:-1].rstrip("+") for part in path.split("/") if is_variable(part)]


@dataclass
class Node:
    doc: dict[str, Any]  # the Resource document (``resourceMethods`` filled in by the importer)
    children: dict[str, Node] = field(default_factory=dict)  # pathPart -> child


class Tree:
    """Resources by path; ``existing`` resources (PutRestApi merge) are part of it from the start."""

    def __init__(self, root_id: str, keep_ids: dict[str, str], used_ids: set[str]) -> None:
        """``keep_ids``: path -> the id a resource at that path already has."""
        self.root = Node({"id": root_id, "path": "/"})
        self.by_path: dict[str, Node] = {"/": self.root}
        self._keep_ids = keep_ids
        self._used = used_ids | {root_id}

    @classmethod
    def from_resources(cls, resources: list[dict[str, Any]], root_id: str, used_ids: set[str]) -> Tree:
        """A tree holding ``resources`` (copies, methods included), parents before children."""
        tree = cls(root_id, {}, used_ids)
        by_id = {r["id"]: r for r in resources}
        for resource in sorted(resources, key=lambda r: r.get("path", "").count("/")):
            if resource["id"] == root_id:
                tree.root.doc = dict(resource)
                continue
            parent = by_id.get(resource.get("parentId", ""))
            parent_node = tree.by_path.get(parent["path"]) if parent else None
            if parent_node is None:
                continue
            node = Node(dict(resource))
            parent_node.children[resource["pathPart"]] = node
            tree.by_path[resource["path"]] = node
        return tree

    def _new_id(self, path: str) -> str:
        kept = self._keep_ids.get(path)
        if kept is not None and kept not in self._used:
            self._used.add(kept)
            return kept
        while True:
            resource_id = ids.short_id(6)
            if resource_id not in self._used:
                self._used.add(resource_id)
                return resource_id

    def resource(self, segments: list[str], issues: ImportIssues) -> Node | None:
        """The node of ``/{segments}``, creating missing resources; None (and an error) if a path
        part breaks AWS's rules."""
        node = self.root
        for part in segments:
            child = node.children.get(part)
            if child is None:
                path = child_path(node.doc["path"], part)
                with issues.unable(f"Unable to create resource at path '{path}'"):
                    check_path_part(part)
                    check_placement(node.doc, [c.doc for c in node.children.values()], part)
                    child = Node({
                        "id": self._new_id(path),
                        "parentId": node.doc["id"],
                        "pathPart": part,
                        "path": path,
                    })
                    node.children[part] = child
                    self.by_path[path] = child
                if child is None:
                    return None
            node = child
        return node

    def nodes(self) -> Iterator[Node]:
        """Every node, parents before children."""
        queue = deque([self.root])
        while queue:
            node = queue.popleft()
            yield node
            queue.extend(node.children.values())
