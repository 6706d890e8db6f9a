"""One reading of a document whatever its version: Swagger 2.0 and OpenAPI 3.0 say the same things
in different places (``definitions`` / ``components.schemas``, a ``body`` parameter with
``consumes`` / ``requestBody.content``, ``basePath`` / ``servers``). The importer asks ``Spec``; the
two subclasses know where each version keeps the answer.

Broken references (``$ref`` to nothing, external files) are warnings: the part that needed them is
left out, as AWS does with a missing model reference.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from apigate.openapi.issues import ImportIssues
from apigate.openapi.refs import RefError, Refs

# Operation keys of a path item; ``x-amazon-apigateway-any-method`` is API Gateway's ANY.
VERBS = {
    "get": "GET",
    "put": "PUT",
    "post": "POST",
    "delete": "DELETE",
    "options": "OPTIONS",
    "head": "HEAD",
    "patch": "PATCH",
    "x-amazon-apigateway-any-method": "ANY",
}
# OpenAPI's parameter locations -> the method request's (cookies have no equivalent).
LOCATIONS = {"path": "path", "query": "querystring", "header": "header"}
_MULTI_VALUE = {"querystring": "multivaluequerystring", "header": "multivalueheader"}
DEFAULT_CONTENT_TYPE = "application/json"


@dataclass(frozen=True, slots=True)
class Operation:
    path: str  # as written in the document (``/pets/{petId}``)
    verb: str  # GET ... ANY
    node: dict[str, Any]
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.verb} {self.path}"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    location: str  # path | querystring | header
    required: bool


@dataclass(slots=True)
class Response:
    status: str
    headers: dict[str, bool] = field(default_factory=dict)  # name -> required
    schema_refs: dict[str, str] = field(default_factory=dict)  # content type -> ``$ref``


class Spec:
    """The version-neutral questions; ``open_spec`` returns the right subclass."""

    version = 0

    def __init__(self, doc: dict[str, Any], issues: ImportIssues) -> None:
        self.doc = doc
        self.issues = issues
        self.refs = Refs(doc, self.version)

    # --- the API ---------------------------------------------------------------------------------

    @property
    def info(self) -> dict[str, Any]:
        info = self.doc.get("info")
        return info if isinstance(info, dict) else {}

    def extension(self, name: str, default: Any = None) -> Any:
        return self.doc.get(f"x-amazon-apigateway-{name}", default)

    def schemas(self) -> dict[str, Any]:
        raise NotImplementedError

    def security_schemes(self) -> dict[str, Any]:
        raise NotImplementedError

    def base_path(self) -> str:
        raise NotImplementedError

    def global_security(self) -> list[Any] | None:
        security = self.doc.get("security")
        return security if isinstance(security, list) else None

    # --- operations ------------------------------------------------------------------------------

    def operations(self) -> Iterator[Operation]:
        paths = self.doc.get("paths")
        for path, item in (paths if isinstance(paths, dict) else {}).items():
            item = self.resolve(item, f"path '{path}'")
            if not isinstance(item, dict):
                continue
            for key, verb in VERBS.items():
                node = item.get(key)
                if isinstance(node, dict):
                    yield Operation(str(path), verb, node, item)

    def parameters(self, op: Operation) -> list[Parameter]:
        """Path-level parameters overridden by the operation's (same name and location)."""
        merged: dict[tuple[str, str], Parameter] = {}
        for raw in [*_as_list(op.path_item.get("parameters")), *_as_list(op.node.get("parameters"))]:
            param = self.resolve(raw, op.label)
            if not isinstance(param, dict) or param.get("in") not in LOCATIONS or not param.get("name"):
                continue
            location = LOCATIONS[param["in"]]
            required = location == "path" or param.get("required") is True
            key = (str(param["name"]), location)
            if location in _MULTI_VALUE and self._is_array(param, op.label):
                # An array of values is AWS's multi-value parameter, as its exports write them.
                location = _MULTI_VALUE[location]
            merged[key] = Parameter(str(param["name"]), location, required)
        return list(merged.values())

    def _is_array(self, param: dict[str, Any], label: str) -> bool:
        """Swagger 2.0 types the parameter itself; OpenAPI 3.0 its ``schema``."""
        schema = self.resolve(param.get("schema"), label) if "schema" in param else param
        return isinstance(schema, dict) and schema.get("type") == "array"

    def request_schema_refs(self, op: Operation) -> dict[str, str]:
        raise NotImplementedError

    def responses(self, op: Operation) -> list[Response]:
        raw = op.node.get("responses")
        found: list[Response] = []
        for status, node in (raw if isinstance(raw, dict) else {}).items():
            node = self.resolve(node, op.label)
            if isinstance(node, dict):
                found.append(self._response(op, str(status), node))
        return found

    def _response(self, op: Operation, status: str, node: dict[str, Any]) -> Response:
        raise NotImplementedError

    def security(self, op: Operation) -> list[Any] | None:
        """The operation's security requirements, else the document's (``[]`` turns them off)."""
        security = op.node.get("security")
        return security if isinstance(security, list) else self.global_security()

    # --- helpers ---------------------------------------------------------------------------------

    def resolve(self, node: Any, where: str) -> Any:
        """``node`` with its ``$ref`` followed; a broken reference is a warning and gives None."""
        try:
            return self.refs.resolve(node)
        except RefError as exc:
            self.issues.warn(f"Unable to resolve a reference of {where}: {exc}")
            return None

    def _headers(self, node: dict[str, Any], op: Operation) -> dict[str, bool]:
        headers = node.get("headers")
        found: dict[str, bool] = {}
        for name, header in (headers if isinstance(headers, dict) else {}).items():
            header = self.resolve(header, op.label)
            found[str(name)] = isinstance(header, dict) and header.get("required") is True
        return found


class Swagger2(Spec):
    version = 2

    def schemas(self) -> dict[str, Any]:
        return _as_dict(self.doc.get("definitions"))

    def security_schemes(self) -> dict[str, Any]:
        return _as_dict(self.doc.get("securityDefinitions"))

    def base_path(self) -> str:
        return str(self.doc.get("basePath") or "")

    def _media_types(self, op: Operation, member: str) -> list[str]:
        types = op.node.get(member)
        if not isinstance(types, list):
            types = self.doc.get(member)
        return [str(t) for t in types] if isinstance(types, list) and types else [DEFAULT_CONTENT_TYPE]

    def request_schema_refs(self, op: Operation) -> dict[str, str]:
        for raw in [*_as_list(op.path_item.get("parameters")), *_as_list(op.node.get("parameters"))]:
            param = self.resolve(raw, op.label)
            if isinstance(param, dict) and param.get("in") == "body":
                ref = _schema_ref(param.get("schema"))
                if ref is not None:
                    return dict.fromkeys(self._media_types(op, "consumes"), ref)
        return {}

    def _response(self, op: Operation, status: str, node: dict[str, Any]) -> Response:
        response = Response(status, self._headers(node, op))
        ref = _schema_ref(node.get("schema"))
        if ref is not None:
            response.schema_refs = dict.fromkeys(self._media_types(op, "produces"), ref)
        return response


class OpenApi3(Spec):
    version = 3

    def _components(self, member: str) -> dict[str, Any]:
        return _as_dict(_as_dict(self.doc.get("components")).get(member))

    def schemas(self) -> dict[str, Any]:
        return self._components("schemas")

    def security_schemes(self) -> dict[str, Any]:
        return self._components("securitySchemes")

    def base_path(self) -> str:
        """The first server's ``basePath`` variable, else the path of its URL (variables filled in
        with their defaults), as AWS's import reads it."""
        servers = self.doc.get("servers")
        server = servers[0] if isinstance(servers, list) and servers else None
        if not isinstance(server, dict):
            return ""
        variables = _as_dict(server.get("variables"))
        base = variables.get("basePath")
        if isinstance(base, dict) and base.get("default") is not None:
            return str(base["default"])
        url = str(server.get("url") or "")
        for name, variable in variables.items():
            url = url.replace("{" + str(name) + "}", str(_as_dict(variable).get("default", "")))
        return urlsplit(url).path

    def _content_refs(self, node: dict[str, Any]) -> dict[str, str]:
        refs: dict[str, str] = {}
        for content_type, media in _as_dict(node.get("content")).items():
            ref = _schema_ref(_as_dict(media).get("schema"))
            if ref is not None:
                refs[str(content_type)] = ref
        return refs

    def request_schema_refs(self, op: Operation) -> dict[str, str]:
        body = self.resolve(op.node.get("requestBody"), op.label)
        return self._content_refs(body) if isinstance(body, dict) else {}

    def _response(self, op: Operation, status: str, node: dict[str, Any]) -> Response:
        return Response(status, self._headers(node, op), self._content_refs(node))


def open_spec(doc: dict[str, Any], version: int, issues: ImportIssues) -> Spec:
    return Swagger2(doc, issues) if version == 2 else OpenApi3(doc, issues)


def _schema_ref(schema: Any) -> str | None:
    """A schema given as a reference (the only kind that names a Model); inline schemas name none."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        return str(schema["$ref"])
    return None


def _as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
