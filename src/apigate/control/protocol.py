"""The model-driven rest-json binding of one AWS service (apigateway now; apigatewayv2, lambda later).

botocore's service model is the source of truth: every operation's ``http.method`` +
``http.requestUri`` becomes a route, its input shape says where each member travels (``uri``,
``querystring``, ``header``, payload, JSON body) and its output shape how a handler's dict is
written back. Routes are matched against the RAW path, split on ``/`` and unquoted per segment, so
``/tags/arn%3Aaws%3A...%2Frestapis%2Fabc`` yields the whole ARN as one label. Per-operation
parse/serialise plans are compiled on first use and cached.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import orjson
from botocore.loaders import create_loader
from botocore.model import OperationModel, ServiceModel, Shape

from apigate.control.codec import BlobCodec, Codec, CodecFactory, ListCodec, MapCodec, StructureCodec
from apigate.control.errors import BadRequestException, UnknownOperation
from apigate.control.validation import InputValidator

logger = logging.getLogger(__name__)

JSON = "application/json"
Headers = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Headers
    body: bytes


class Route:
    """One operation's ``method`` + ``requestUri`` (``/restapis/{restapi_id}``, ``/restapis?mode=import``)."""

    __slots__ = ("greedy", "method", "operation", "query", "rank", "segments")

    def __init__(self, operation: str, method: str, request_uri: str) -> None:
        path, _, query = request_uri.partition("?")
        self.operation = operation
        self.method = method
        # Literal query parts select the operation: "mode=import" must equal, a bare "key" be present.
        pairs = (p.partition("=") for p in query.split("&") if p)
        self.query = tuple((key, value if sep else None) for key, sep, value in pairs)
        self.segments: list[tuple[str | None, str | None]] = []  # (literal, None) | (None, label)
        self.greedy = False
        for part in path.strip("/").split("/") if path.strip("/") else []:
            if part.startswith("{") and part.endswith("}"):
                label = part[1:-1]
                if label.endswith("+"):
                    self.greedy = True
                    label = label[:-1]
                self.segments.append((None, label))
            elif "{" in part:
                raise ValueError(f"unsupported URI template segment {part!r} in {request_uri}")
            else:
                self.segments.append((part, None))
        # Literal segments beat labels (leftmost first); routes that demand query parts come first.
        self.rank = (tuple(0 if lit is not None else 1 for lit, _ in self.segments), -len(self.query))

    def match(self, parts: list[str], query: dict[str, list[str]]) -> dict[str, str] | None:
        count = len(self.segments)
        if len(parts) != count and not (self.greedy and len(parts) >= count):
            return None
        labels: dict[str, str] = {}
        for i, (literal, label) in enumerate(self.segments):
            part = parts[i]
            if literal is not None:
                if part != literal and unquote(part) != literal:
                    return None
            elif self.greedy and i == count - 1:
                labels[label or ""] = unquote("/".join(parts[i:]))
            elif not part:
                return None  # botocore never sends an empty label
            else:
                labels[label or ""] = unquote(part)
        for key, value in self.query:
            if key not in query or (value is not None and value not in query[key]):
                return None
        return labels


class _Members:
    """A structure's members by where they travel: the ``payload`` member with its codec (if the shape
    names one), the others with a ``location`` (uri, querystring, header, statusCode) and the JSON
    ``body`` ones."""

    __slots__ = ("body", "located", "payload")

    def __init__(self, shape: Shape, factory: CodecFactory) -> None:
        payload = shape.serialization.get("payload")
        self.payload: tuple[str, Codec] | None = (
            None if payload is None else (payload, factory.codec(shape.members[payload]))
        )
        self.located: list[tuple[str, Shape, str]] = []
        self.body: list[str] = []
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            if name == payload:
                continue
            if location is None:
                self.body.append(name)
            else:
                self.located.append((name, member, location))


class InputPlan:
    """Where each input member of one operation travels, and how to convert it."""

    __slots__ = ("body", "headers", "labels", "payload", "query", "query_map", "route_query", "validator")

    def __init__(self, op: OperationModel, factory: CodecFactory, service: str, route: Route) -> None:
        self.labels: list[tuple[str, str, Codec]] = []
        self.query: list[tuple[str, str, Codec]] = []
        self.query_map: tuple[str, Codec] | None = None
        self.headers: list[tuple[str, str, Codec]] = []
        self.payload: tuple[str, Codec] | None = None
        self.body: StructureCodec | None = None
        self.route_query = frozenset(k for k, _ in route.query)
        self.validator = InputValidator(op, service)
        shape = op.input_shape
        if shape is None:
            return
        members = _Members(shape, factory)
        self.payload = members.payload
        for name, member, location in members.located:
            wire = member.serialization.get("name", name)
            codec = factory.codec(member)
            if location == "uri":
                self.labels.append((wire, name, codec))
            elif location == "querystring" and isinstance(codec, MapCodec):
                self.query_map = (name, codec)  # e.g. ImportRestApi's `parameters`: every other key
            elif location == "querystring":
                self.query.append((wire, name, codec))
            elif location == "header":
                self.headers.append((wire.lower(), name, codec))
        if members.body:
            self.body = factory.body(shape, members.body)

    def parse(
        self, labels: dict[str, str], query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for wire, name, codec in self.labels:
            if wire in labels:
                params[name] = codec.from_text(labels[wire], name)
        for wire, name, codec in self.query:
            values = query.get(wire)
            if values:
                if isinstance(codec, ListCodec):
                    params[name] = codec.from_texts(values, name)
                else:
                    params[name] = codec.from_text(values[0], name)
        if self.query_map is not None:
            self._parse_query_map(query, params)
        for wire, name, codec in self.headers:
            if wire in headers:
                params[name] = codec.from_text(headers[wire], name)
        if self.payload is not None:
            name, codec = self.payload
            params[name] = self._payload(codec, body, name)
        elif self.body is not None and body.strip():
            data = _json(body)
            if data is not None:  # a literal `null` body is an empty one
                params.update(self.body.decode(data, "body"))
        self.validator.validate(params)
        return params

    def _parse_query_map(self, query: dict[str, list[str]], params: dict[str, Any]) -> None:
        assert self.query_map is not None
        name, codec = self.query_map
        taken = {wire for wire, _, _ in self.query} | self.route_query
        values = {k: v for k, v in query.items() if k not in taken and not k.startswith("X-Amz-")}
        if values:
            as_list = isinstance(codec, MapCodec) and isinstance(codec.value, ListCodec)
            params[name] = {k: (v if as_list else v[-1]) for k, v in values.items()}

    @staticmethod
    def _payload(codec: Codec, body: bytes, name: str) -> Any:
        if isinstance(codec, BlobCodec):
            return body  # ImportRestApi, PutRestApi, ImportApiKeys: the raw bytes
        if isinstance(codec, StructureCodec):
            return codec.decode(_json(body), name) if body.strip() else {}
        return body.decode("utf-8", errors="replace")


def _json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequestException(f"Could not parse request body into json: {exc}") from None


class OutputPlan:
    """How a handler's dict becomes the response: status, header members, payload or JSON body."""

    __slots__ = ("body", "headers", "payload", "status", "status_member")

    def __init__(self, op: OperationModel, factory: CodecFactory) -> None:
        self.status: int = op.http.get("responseCode", 200)
        self.status_member: str | None = None
        self.headers: list[tuple[str, str, Codec]] = []
        self.payload: tuple[str, Codec] | None = None
        self.body: StructureCodec | None = None
        shape = op.output_shape
        if shape is None:
            return
        members = _Members(shape, factory)
        self.payload = members.payload
        for name, member, location in members.located:
            if location == "header":
                self.headers.append((name, member.serialization.get("name", name), factory.codec(member)))
            elif location == "statusCode":
                self.status_member = name
        if members.payload is None:
            self.body = factory.body(shape, members.body)

    def serialise(self, result: dict[str, Any] | None, request_id: str) -> Response:
        result = result or {}
        status = self.status
        if self.status_member is not None and result.get(self.status_member) is not None:
            status = int(result[self.status_member])
        headers: Headers = [("x-amzn-RequestId", request_id)]
        for name, wire, codec in self.headers:
            value = result.get(name)
            if value is not None:
                headers.append((wire, codec.to_text(value)))
        body = b""
        if self.payload is not None:
            body = self._payload(result, headers)
        elif self.body is not None and status != 204:
            body = orjson.dumps(self.body.encode(result))
            headers.append(("Content-Type", JSON))
        return Response(status, headers, body)

    def _payload(self, result: dict[str, Any], headers: Headers) -> bytes:
        assert self.payload is not None
        name, codec = self.payload
        value = result.get(name)
        has_type = any(wire.lower() == "content-type" for wire, _ in headers)
        if isinstance(codec, StructureCodec):
            if not has_type:
                headers.append(("Content-Type", JSON))
            return orjson.dumps(codec.encode(value or {}))
        if value is None:
            return b""
        if not has_type:
            headers.append(("Content-Type", "application/octet-stream"))
        return value.encode() if isinstance(value, str) else bytes(value)


class Operation:
    """One operation of the model with its (lazily compiled, then cached) plans."""

    __slots__ = ("_input", "_output", "factory", "model", "name", "protocol", "route")

    def __init__(self, protocol: ServiceProtocol, model: OperationModel, route: Route) -> None:
        self.protocol = protocol
        self.model = model
        self.name = model.name
        self.route = route
        self._input: InputPlan | None = None
        self._output: OutputPlan | None = None

    @property
    def input(self) -> InputPlan:
        if self._input is None:
            self._input = InputPlan(self.model, self.protocol.codecs, self.protocol.service, self.route)
        return self._input

    @property
    def output(self) -> OutputPlan:
        if self._output is None:
            self._output = OutputPlan(self.model, self.protocol.codecs)
        return self._output

    def parse(
        self, labels: dict[str, str], query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> dict[str, Any]:
        return self.input.parse(labels, query, headers, body)

    def serialise(self, result: dict[str, Any] | None, request_id: str) -> Response:
        return self.output.serialise(result, request_id)


class ServiceProtocol:
    """The route table and operations of one service model (botocore's, or a given model dict)."""

    def __init__(self, service: str, model: dict[str, Any] | None = None) -> None:
        raw = model if model is not None else create_loader().load_service_model(service, "service-2")
        self.service = service
        self.model = ServiceModel(raw, service_name=service)
        protocol = self.model.metadata.get("protocol")
        if protocol != "rest-json":
            raise ValueError(f"{service}: only rest-json models are supported, not {protocol!r}")
        self.codecs = CodecFactory("unixTimestamp")
        self.operations: dict[str, Operation] = {}
        self._routes: dict[tuple[str, str | None], list[Route]] = {}
        for name in self.model.operation_names:
            op_model = self.model.operation_model(name)
            route = Route(name, op_model.http["method"], op_model.http["requestUri"])
            self.operations[name] = Operation(self, op_model, route)
            first = route.segments[0][0] if route.segments else ""
            self._routes.setdefault((route.method, first), []).append(route)
        for routes in self._routes.values():
            routes.sort(key=lambda r: r.rank)

    @property
    def first_segments(self) -> frozenset[str | None]:
        """The literal first path segments of this service (``restapis``, ``v2``, ``2015-03-31``...)."""
        return frozenset(first for _, first in self._routes)

    def resolve(
        self, method: str, parts: list[str], query: dict[str, list[str]]
    ) -> tuple[Operation, dict[str, str]]:
        """The operation and URI labels for ``parts`` (the raw path split on ``/``, see split_path)."""
        first = unquote(parts[0]) if parts else ""
        for key in ((method, first), (method, None)):
            for route in self._routes.get(key, ()):
                labels = route.match(parts, query)
                if labels is not None:
                    return self.operations[route.operation], labels
        raise UnknownOperation(f"No {self.service} operation matches {method} /{'/'.join(parts)}")


@functools.cache
def load_protocol(service: str) -> ServiceProtocol:
    """The protocol of a botocore service, built once per process."""
    return ServiceProtocol(service)


def split_path(raw_path: str) -> list[str]:
    """``/restapis/a%2Fb/`` -> ``['restapis', 'a%2Fb']`` (still percent-encoded; trailing slash dropped)."""
    path = raw_path.strip("/")
    return path.split("/") if path else []
