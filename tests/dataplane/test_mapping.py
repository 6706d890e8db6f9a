"""Parameter mapping expressions (requestParameters / responseParameters) and stage variables."""

from __future__ import annotations

import pytest

from apigate.dataplane.context import Headers
from apigate.dataplane.mapping import (
    RequestMapping,
    ResponseMapping,
    Source,
    compile_request_parameters,
    compile_response_parameters,
    map_request,
    map_response,
    parse_request_source,
    parse_response_source,
    substitute_stage_variables,
)
from tests.integrations.contexts import REQUEST_ID, build_context, integration


@pytest.mark.parametrize(
    ("expression", "source"),
    [
        ("method.request.path.id", Source("path", "id")),
        ("method.request.querystring.q", Source("querystring", "q")),
        ("method.request.multivaluequerystring.q", Source("multivaluequerystring", "q")),
        ("method.request.header.X-Token", Source("header", "X-Token")),
        ("method.request.multivalueheader.Accept", Source("multivalueheader", "Accept")),
        ("method.request.body", Source("body")),
        ("method.request.body.owner.id", Source("body_path", "$.owner.id")),
        ("context.identity.sourceIp", Source("context", "identity.sourceIp")),
        ("stageVariables.host", Source("stage", "host")),
        ("'static value'", Source("static", "static value")),
        ("  'padded'  ", Source("static", "padded")),
    ],
)
def test_parse_request_sources(expression: str, source: Source) -> None:
    assert parse_request_source(expression) == source


@pytest.mark.parametrize(
    "expression",
    ["method.request.cookie.x", "method.request.path.", "integration.response.header.x", "bare", "context."],
)
def test_invalid_request_sources(expression: str) -> None:
    assert parse_request_source(expression) is None


def test_parse_response_sources() -> None:
    assert parse_response_source("integration.response.header.Etag") == Source("header", "Etag")
    assert parse_response_source("integration.response.multivalueheader.Set-Cookie") == Source(
        "multivalueheader", "Set-Cookie"
    )
    assert parse_response_source("integration.response.body") == Source("body")
    assert parse_response_source("integration.response.body.a.b") == Source("body_path", "$.a.b")
    assert parse_response_source("method.request.header.x") is None


def test_compile_keeps_valid_entries_only() -> None:
    compiled = compile_request_parameters({
        "integration.request.header.X-Id": "method.request.path.id",
        "integration.request.cookie.x": "method.request.path.id",
        "integration.request.querystring.q": "nonsense",
        "integration.request.path.id": "'1'",
    })
    assert compiled == (
        RequestMapping("header", "X-Id", Source("path", "id")),
        RequestMapping("path", "id", Source("static", "1")),
    )
    assert compile_response_parameters({
        "method.response.header.X-A": "'a'",
        "method.response.body": "'b'",
    }) == (ResponseMapping("X-A", Source("static", "a")),)


def test_map_request_from_every_kind_of_source() -> None:
    ctx = build_context(
        integration(),
        verb="POST",
        path="/pets/7",
        query=[("q", "1"), ("q", "2"), ("single", "s")],
        headers=[("Accept", "a/b"), ("Accept", "c/d"), ("X-Token", "t")],
        body=b'{"owner": {"id": 5, "name": "Ann"}, "tags": ["x"]}',
        stage_variables={"env": "prod"},
    )
    mapped = map_request(ctx, {
        "integration.request.path.petId": "method.request.path.id",
        "integration.request.querystring.q": "method.request.querystring.q",
        "integration.request.querystring.all": "method.request.multivaluequerystring.q",
        "integration.request.multivaluequerystring.many": "method.request.multivaluequerystring.q",
        "integration.request.multivaluequerystring.one": "method.request.querystring.single",
        "integration.request.header.X-Token": "method.request.header.x-token",
        "integration.request.multivalueheader.X-Accept": "method.request.multivalueheader.Accept",
        "integration.request.header.X-Owner": "method.request.body.owner",
        "integration.request.header.X-Name": "method.request.body.owner.name",
        "integration.request.header.X-Body": "method.request.body",
        "integration.request.header.X-Request": "context.requestId",
        "integration.request.header.X-Ip": "context.identity.sourceIp",
        "integration.request.header.X-Env": "stageVariables.env",
        "integration.request.header.X-Static": "'fixed'",
        "integration.request.header.X-Absent": "method.request.header.nope",
        "integration.request.header.X-Missing-Var": "stageVariables.nope",
        "integration.request.header.X-No-Path": "method.request.body.nothing.here",
    })
    assert mapped == {
        "path": {"petId": ["7"]},
        # A single-value source keeps the last value; a multi-value one mapped to a single-value
        # destination is joined with commas.
        "querystring": {"q": ["2"], "all": ["1,2"]},
        "multivaluequerystring": {"many": ["1", "2"], "one": ["s"]},
        "header": {
            "X-Token": ["t"],
            "X-Owner": ['{"id":5,"name":"Ann"}'],
            "X-Name": ["Ann"],
            "X-Body": ['{"owner": {"id": 5, "name": "Ann"}, "tags": ["x"]}'],
            "X-Request": [REQUEST_ID],
            "X-Ip": ["10.1.2.3"],
            "X-Env": ["prod"],
            "X-Static": ["fixed"],
        },
        "multivalueheader": {"X-Accept": ["a/b", "c/d"]},
    }


def test_body_path_of_a_non_json_body_is_absent() -> None:
    ctx = build_context(integration(), body=b"plain text")
    assert map_request(ctx, {"integration.request.header.X": "method.request.body.a"}) == {}


def test_map_response_from_backend_headers_body_and_context() -> None:
    ctx = build_context(integration(), stage_variables={"v": "1"})
    headers = Headers([("ETag", "e1"), ("Set-Cookie", "a=1"), ("set-cookie", "b=2")])
    body = b'{"data": {"id": 9, "tags": ["t"]}}'
    mapped = map_response(ctx, {
        "method.response.header.ETag": "integration.response.header.etag",
        "method.response.header.Cookies": "integration.response.multivalueheader.Set-Cookie",
        "method.response.header.X-Id": "integration.response.body.data.id",
        "method.response.header.X-Tags": "integration.response.body.data.tags",
        "method.response.header.X-Body": "integration.response.body",
        "method.response.header.X-Stage": "context.stage",
        "method.response.header.X-V": "stageVariables.v",
        "method.response.header.Access-Control-Allow-Origin": "'*'",
        "method.response.header.X-None": "integration.response.header.absent",
    }, headers, body)
    assert mapped == [
        ("ETag", "e1"),
        ("Cookies", "a=1,b=2"),
        ("X-Id", "9"),
        ("X-Tags", '["t"]'),
        ("X-Body", '{"data": {"id": 9, "tags": ["t"]}}'),
        ("X-Stage", "test"),
        ("X-V", "1"),
        ("Access-Control-Allow-Origin", "*"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://${stageVariables.host}/x", "http://example.com/x"),
        ("http://h/${stageVariables.path}/${stageVariables.path}", "http://h/p1/p1"),
        ("arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}", "arn:aws:lambda:us-east-1:1:function:"),
        ("http://plain/{id}", "http://plain/{id}"),
    ],
)
def test_substitute_stage_variables(text: str, expected: str) -> None:
    assert substitute_stage_variables(text, {"host": "example.com", "path": "p1"}) == expected
