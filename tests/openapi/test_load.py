"""The pieces under the importer: reading documents, following references, base paths."""

from __future__ import annotations

import pytest

from apigate.control.errors import BadRequestException
from apigate.openapi.load import load_document, spec_version
from apigate.openapi.refs import RefError, Refs, pointer_parts
from apigate.openapi.tree import base_segments, path_variables


def test_yaml_types_become_json_types() -> None:
    doc = load_document(
        b"openapi: 3.0.1\ninfo: {title: t, version: 2024-01-15}\n"
        b"paths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n"
        b"x-flags: {yes: 1, on: [2]}\n"
    )
    assert doc["info"]["version"] == "2024-01-15"
    assert list(doc["paths"]["/a"]["get"]["responses"]) == ["200"]
    assert doc["x-flags"] == {"true": [2]}  # YAML 1.1: both keys read as True; the last one wins


def test_json_is_read_as_json() -> None:
    assert load_document(b'{"swagger": "2.0", "info": {"title": "t"}, "paths": {}}')["swagger"] == "2.0"


def test_an_alias_bomb_is_refused() -> None:
    lines = ["openapi: 3.0.1", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(BadRequestException, match="Invalid OpenAPI input"):
        load_document("\n".join(lines).encode())


@pytest.mark.parametrize(
    ("doc", "version"),
    [({"swagger": "2.0"}, 2), ({"openapi": "3.0.3"}, 3), ({"openapi": "2.0"}, None), ({}, None)],
)
def test_spec_version(doc: dict[str, str], version: int | None) -> None:
    assert spec_version(doc) == version


def test_references() -> None:
    doc = {"components": {
        "schemas": {"a/b": {"type": "string"}, "Pet": {"$ref": "#/components/schemas/a~1b"}},
        "parameters": {"loop": {"$ref": "#/components/parameters/loop"}},
    }}
    refs = Refs(doc, 3)
    assert pointer_parts("#/components/schemas/a~1b") == ["components", "schemas", "a/b"]
    assert refs.resolve({"$ref": "#/components/schemas/Pet"}) == {"type": "string"}
    assert refs.schema_name("#/components/schemas/Pet") == "Pet"
    assert refs.schema_name("#/components/schemas/Pet/properties/id") is None
    assert refs.schema_name("#/definitions/Pet") is None
    for broken in ("#/components/parameters/loop", "#/nowhere", "other.yaml#/x"):
        with pytest.raises(RefError):
            refs.resolve({"$ref": broken})


@pytest.mark.parametrize(
    ("base", "mode", "segments"),
    [("/v1/api", "ignore", []), ("/v1/api/", "prepend", ["v1", "api"]), ("/v1/api", "split", ["api"]),
     ("/", "prepend", []), ("", "split", [])],
)
def test_base_segments(base: str, mode: str, segments: list[str]) -> None:
    assert base_segments(base, mode) == segments


def test_path_variables() -> None:
    assert path_variables("/a/{b}/c/{rest+}") == ["b", "rest"]
