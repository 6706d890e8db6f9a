"""The v1 patch engine: every container kind, escapes, AWS's error wordings, and an untouched input."""

from __future__ import annotations

import copy

import pytest

from apigate.control.errors import BadRequestException, NotFoundException
from apigate.control.patch import PatchSpec, Rule, apply_patch, split_pointer, unescape


def _bad(doc: dict, ops: list[dict], spec: PatchSpec) -> str:
    with pytest.raises(BadRequestException) as info:
        apply_patch(doc, ops, spec)
    return info.value.message


REST_API = PatchSpec(
    {
        "/name": Rule("replace", nullable=False),
        "/description": Rule("add", "remove", "replace"),
        "/minimumCompressionSize": Rule("replace", type=int),
        "/disableExecuteApiEndpoint": Rule("replace", type=bool),
        "/binaryMediaTypes/{type}": Rule("add", "remove", "replace", container="set"),
        "/endpointConfiguration/ipAddressType": Rule("replace"),
    },
    style="plain",
)

RESOURCE = PatchSpec({"/parentId": Rule("replace"), "/pathPart": Rule("replace")})


# --- scalars -------------------------------------------------------------------------------------


def test_replace_returns_a_new_dict_and_leaves_the_input_untouched() -> None:
    doc = {"name": "a", "endpointConfiguration": {"types": ["EDGE"], "ipAddressType": "ipv4"}}
    before = copy.deepcopy(doc)
    out = apply_patch(
        doc,
        [
            {"op": "replace", "path": "/name", "value": "b"},
            {"op": "replace", "path": "/endpointConfiguration/ipAddressType", "value": "dualstack"},
        ],
        REST_API,
    )
    assert out == {"name": "b", "endpointConfiguration": {"types": ["EDGE"], "ipAddressType": "dualstack"}}
    assert doc == before
    assert out["endpointConfiguration"] is not doc["endpointConfiguration"]
    assert out["endpointConfiguration"]["types"] is not doc["endpointConfiguration"]["types"]


def test_remove_makes_a_field_absent_and_add_sets_it() -> None:
    out = apply_patch({"name": "a", "description": "d"}, [{"op": "remove", "path": "/description"}], REST_API)
    assert out == {"name": "a"}
    out = apply_patch(out, [{"op": "add", "path": "/description", "value": "x"}], REST_API)
    assert out == {"name": "a", "description": "x"}


def test_nested_objects_are_created_as_needed() -> None:
    out = apply_patch(
        {}, [{"op": "replace", "path": "/endpointConfiguration/ipAddressType", "value": "v"}], REST_API
    )
    assert out == {"endpointConfiguration": {"ipAddressType": "v"}}


def test_values_are_converted_by_type() -> None:
    spec = PatchSpec({"/i": Rule("replace", type=int), "/f": Rule("replace", type=float)})
    out = apply_patch(
        {},
        [{"op": "replace", "path": "/i", "value": "10"}, {"op": "replace", "path": "/f", "value": "0.5"}],
        spec,
    )
    assert out == {"i": 10, "f": 0.5}
    assert type(out["i"]) is int


def test_booleans_follow_javas_lenient_parse() -> None:
    # AWS answers UpdateMethod replace /apiKeyRequired "whatever" with apiKeyRequired=false.
    ops = [{"op": "replace", "path": "/disableExecuteApiEndpoint", "value": v} for v in ("TRUE",)]
    assert apply_patch({}, ops, REST_API) == {"disableExecuteApiEndpoint": True}
    ops = [{"op": "replace", "path": "/disableExecuteApiEndpoint", "value": "whatever"}]
    assert apply_patch({"disableExecuteApiEndpoint": True}, ops, REST_API) == {
        "disableExecuteApiEndpoint": False
    }


def test_empty_value_of_a_non_string_type_means_absent() -> None:
    # AWS disables compression with replace /minimumCompressionSize "" (and with no value at all).
    doc = {"minimumCompressionSize": 10}
    assert (
        apply_patch(doc, [{"op": "replace", "path": "/minimumCompressionSize", "value": ""}], REST_API) == {}
    )
    assert apply_patch(doc, [{"op": "replace", "path": "/minimumCompressionSize"}], REST_API) == {}
    out = apply_patch(doc, [{"op": "replace", "path": "/minimumCompressionSize", "value": "0"}], REST_API)
    assert out == {"minimumCompressionSize": 0}


def test_empty_string_stays_for_string_fields() -> None:
    assert apply_patch(
        {"description": "d"}, [{"op": "replace", "path": "/description", "value": ""}], REST_API
    ) == {"description": ""}


def test_unconvertible_value_is_a_bad_request() -> None:
    message = _bad({}, [{"op": "replace", "path": "/minimumCompressionSize", "value": "test"}], REST_API)
    assert message == "Invalid value 'test' specified for path /minimumCompressionSize"


def test_a_converter_may_raise_its_own_aws_error() -> None:
    def compression(value: str) -> int:
        if not value.isdigit() or int(value) > 10485760:
            raise BadRequestException("Invalid minimum compression size, must be between 0 and 10485760")
        return int(value)

    spec = PatchSpec({"/minimumCompressionSize": Rule("replace", type=compression)}, style="plain")
    message = _bad({}, [{"op": "replace", "path": "/minimumCompressionSize", "value": "-1"}], spec)
    assert message == "Invalid minimum compression size, must be between 0 and 10485760"


def test_not_nullable_rejects_missing_and_empty_values() -> None:
    for value in (None, ""):
        op = {"op": "replace", "path": "/name"} | ({} if value is None else {"value": value})
        assert _bad({"name": "a"}, [op], REST_API) == "Invalid null or empty value in name"


def test_remove_of_an_absent_scalar_is_a_no_op_unless_not_found_is_set() -> None:
    assert apply_patch({}, [{"op": "remove", "path": "/description"}], REST_API) == {}
    spec = PatchSpec({"/x": Rule("remove", not_found="Invalid x specified")})
    with pytest.raises(NotFoundException, match="Invalid x specified"):
        apply_patch({}, [{"op": "remove", "path": "/x"}], spec)


# --- maps ---------------------------------------------------------------------------------------

METHOD = PatchSpec(
    {
        "/operationName": Rule("replace"),
        "/requestParameters/{name}": Rule("add", "remove", "replace", type=bool, container="map"),
        "/requestModels/{contentType}": Rule("add", "remove", "replace", container="map"),
    },
    style="plain",
)


def test_map_add_replace_remove_with_escaped_keys() -> None:
    doc: dict = {"httpMethod": "ANY"}
    out = apply_patch(
        doc,
        [
            {"op": "add", "path": "/requestParameters/method.request.querystring.optional", "value": "true"},
            {"op": "add", "path": "/requestModels/application~1json", "value": "Empty"},
        ],
        METHOD,
    )
    assert out == {
        "httpMethod": "ANY",
        "requestParameters": {"method.request.querystring.optional": True},
        "requestModels": {"application/json": "Empty"},
    }
    out = apply_patch(
        out,
        [
            {
                "op": "replace",
                "path": "/requestParameters/method.request.querystring.optional",
                "value": "false",
            },
            {"op": "replace", "path": "/requestModels/application~1json", "value": "Other"},
        ],
        METHOD,
    )
    assert out["requestParameters"] == {"method.request.querystring.optional": False}
    assert out["requestModels"] == {"application/json": "Other"}
    out = apply_patch(
        out,
        [
            {"op": "remove", "path": "/requestParameters/method.request.querystring.optional", "value": "x"},
            {"op": "remove", "path": "/requestModels/application~1json"},
        ],
        METHOD,
    )
    assert out == {"httpMethod": "ANY", "requestParameters": {}, "requestModels": {}}
    assert doc == {"httpMethod": "ANY"}


def test_tilde_escape_and_a_key_with_a_tilde() -> None:
    out = apply_patch({}, [{"op": "add", "path": "/requestModels/a~0b~1c", "value": "M"}], METHOD)
    assert out == {"requestModels": {"a~b/c": "M"}}


def test_map_replace_of_a_missing_key_adds_it_by_default() -> None:
    out = apply_patch({}, [{"op": "replace", "path": "/requestModels/text~1plain", "value": "M"}], METHOD)
    assert out == {"requestModels": {"text/plain": "M"}}


def test_map_not_found_message_for_replace_and_remove_of_a_missing_key() -> None:
    # AWS: UpdateGatewayResponse/UpdateMethodResponse on an absent parameter -> 404.
    spec = PatchSpec(
        {
            "/responseParameters/{name}": Rule(
                "add", "remove", "replace", container="map", not_found="Invalid parameter name specified"
            )
        },
        style="plain",
    )
    for op in ("replace", "remove"):
        with pytest.raises(NotFoundException, match=r"^Invalid parameter name specified$"):
            apply_patch(
                {"responseParameters": {}},
                [{"op": op, "path": "/responseParameters/x", "value": "'v'"}],
                spec,
            )
    out = apply_patch({}, [{"op": "add", "path": "/responseParameters/x", "value": "'v'"}], spec)
    assert out == {"responseParameters": {"x": "'v'"}}


def test_map_value_not_nullable_names_the_map() -> None:
    spec = PatchSpec(
        {"/responseTemplates/{type}": Rule("replace", nullable=False, container="map")}, style="plain"
    )
    message = _bad({}, [{"op": "replace", "path": "/responseTemplates/application~1json"}], spec)
    assert message == "Invalid null or empty value in responseTemplates"


def test_too_many_segments_do_not_match_a_map_pattern() -> None:
    # AWS: "Invalid patch path /requestModels/application/json" (the slash was not escaped).
    message = _bad({}, [{"op": "add", "path": "/requestModels/application/json", "value": "Empty"}], METHOD)
    assert message == "Invalid patch path /requestModels/application/json"


def test_map_pattern_needs_a_trailing_key() -> None:
    with pytest.raises(ValueError):
        PatchSpec({"/variables": Rule("add", container="map")})


# --- sets ----------------------------------------------------------------------------------------


def test_keyed_set_follows_aws_binary_media_types() -> None:
    # Recorded from AWS: add takes the element from the path and ignores value; replace removes the
    # named element and appends the value at the end; remove drops it.
    out = apply_patch(
        {"name": "a"},
        [
            {"op": "add", "path": "/binaryMediaTypes/image~1png"},
            {"op": "add", "path": "/binaryMediaTypes/image~1jpeg"},
        ],
        REST_API,
    )
    assert out["binaryMediaTypes"] == ["image/png", "image/jpeg"]
    out = apply_patch(
        out, [{"op": "replace", "path": "/binaryMediaTypes/image~1png", "value": "image/gif"}], REST_API
    )
    assert out["binaryMediaTypes"] == ["image/jpeg", "image/gif"]
    out = apply_patch(out, [{"op": "remove", "path": "/binaryMediaTypes/image~1gif"}], REST_API)
    assert out["binaryMediaTypes"] == ["image/jpeg"]
    out = apply_patch(out, [{"op": "add", "path": "/binaryMediaTypes/image~1jpeg"}], REST_API)
    assert out["binaryMediaTypes"] == ["image/jpeg"]  # unique


def test_keyed_set_add_uses_the_path_even_with_a_value() -> None:
    out = apply_patch({}, [{"op": "add", "path": "/binaryMediaTypes/-", "value": "image/png"}], REST_API)
    assert out == {"binaryMediaTypes": ["-"]}


def test_bare_set_field_is_an_invalid_path() -> None:
    for op in ("add", "replace", "remove"):
        message = _bad({}, [{"op": op, "path": "/binaryMediaTypes", "value": "image/gif"}], REST_API)
        assert message == "Invalid patch path /binaryMediaTypes"


def test_unkeyed_set_takes_the_element_from_value() -> None:
    spec = PatchSpec(
        {"/apiStages": Rule("add", "remove", container="set", not_found="Invalid API Stage specified")}
    )
    out = apply_patch({}, [{"op": "add", "path": "/apiStages", "value": "abc:prod"}], spec)
    out = apply_patch(out, [{"op": "add", "path": "/apiStages", "value": "abc:dev"}], spec)
    assert out == {"apiStages": ["abc:prod", "abc:dev"]}
    out = apply_patch(out, [{"op": "remove", "path": "/apiStages", "value": "abc:prod"}], spec)
    assert out == {"apiStages": ["abc:dev"]}
    with pytest.raises(NotFoundException):
        apply_patch(out, [{"op": "remove", "path": "/apiStages", "value": "abc:prod"}], spec)


# --- errors --------------------------------------------------------------------------------------


def test_paths_style_lists_the_paths_valid_for_the_op() -> None:
    message = _bad({}, [{"op": "replace", "path": "/invalid", "value": "dogs"}], RESOURCE)
    assert (
        message
        == "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: [/parentId, /pathPart]"
    )


def test_paths_style_op_supported_nowhere() -> None:
    for op in ("add", "remove"):
        message = _bad({}, [{"op": op, "path": "/pathPart", "value": "x"}], RESOURCE)
        assert (
            message
            == f"Invalid patch path  '/pathPart' specified for op '{op}'. Please choose supported operations"
        )


def test_paths_style_known_path_wrong_op_lists_paths_of_that_op() -> None:
    spec = PatchSpec({"/a": Rule("replace"), "/b": Rule("add", "replace")})
    message = _bad({}, [{"op": "add", "path": "/a", "value": "x"}], spec)
    assert message == "Invalid patch path  '/a' specified for op 'add'. Must be one of: [/b]"


def test_plain_style_unknown_path_and_wrong_op() -> None:
    assert (
        _bad({}, [{"op": "add", "path": "/httpMethod", "value": "PUT"}], METHOD)
        == "Invalid patch path /httpMethod"
    )
    message = _bad({}, [{"op": "add", "path": "/operationName", "value": "x"}], METHOD)
    assert message == "Invalid patch operation specified. Must be one of: [replace]"


def test_plain_style_missing_path_is_null() -> None:
    assert _bad({}, [{"op": "replace", "value": "x"}], METHOD) == "Invalid patch path null"


def test_paths_style_missing_path_is_null() -> None:
    message = _bad({}, [{"op": "replace", "value": "x"}], RESOURCE)
    assert (
        message
        == "Invalid patch path  'null' specified for op 'replace'. Must be one of: [/parentId, /pathPart]"
    )


def test_path_without_leading_slash_is_invalid() -> None:
    assert _bad({}, [{"op": "replace", "path": "name", "value": "x"}], REST_API) == "Invalid patch path name"


def test_rule_op_message_overrides_the_plain_wrong_op_message() -> None:
    spec = PatchSpec(
        {
            "/endpointConfiguration/types/{type}": Rule(
                "add",
                "remove",
                "replace",
                container="set",
                op_message="Invalid patch operation specified. Must be 'add'|'remove'|'replace'",
            )
        },
        style="plain",
    )
    message = _bad({}, [{"op": "copy", "path": "/endpointConfiguration/types/EDGE", "from": "/x"}], spec)
    assert message == "Invalid patch operation specified. Must be 'add'|'remove'|'replace'"


def test_invalid_path_message_of_the_spec() -> None:
    spec = PatchSpec(
        {"/description": Rule("replace")},
        invalid_path="Invalid method setting path: {path}. Must be one of: [/description]",
    )
    message = _bad({}, [{"op": "replace", "path": "/tags/tag1", "value": "x"}], spec)
    assert message == "Invalid method setting path: /tags/tag1. Must be one of: [/description]"


def test_op_that_is_not_one_of_the_six() -> None:
    message = _bad({}, [{"op": "wrong", "path": "/name", "value": "x"}], REST_API)
    assert message == "Invalid patch operation specified. Must be one of: [add, remove, replace]"
    assert (
        _bad({}, [{"path": "/name"}], RESOURCE)
        == "Invalid patch operation specified. Must be one of: [replace]"
    )


def test_a_failing_operation_leaves_the_input_untouched() -> None:
    doc = {"name": "a", "binaryMediaTypes": ["image/png"]}
    before = copy.deepcopy(doc)
    ops = [
        {"op": "remove", "path": "/binaryMediaTypes/image~1png"},
        {"op": "replace", "path": "/nope", "value": "x"},
    ]
    _bad(doc, ops, REST_API)
    assert doc == before


def test_rule_rejects_unknown_ops_and_containers() -> None:
    with pytest.raises(ValueError):
        Rule("upsert")
    with pytest.raises(ValueError):
        Rule()
    with pytest.raises(ValueError):
        Rule("add", container="list")
    with pytest.raises(ValueError):
        PatchSpec({"/a": Rule("add")}, style="fancy")


# --- patterns, handlers, copy/move, test ---------------------------------------------------------


def test_literal_star_beats_a_capture_and_handler_gets_keys_and_converted_value() -> None:
    seen: list[tuple[str, dict, dict]] = []

    def star(doc: dict, op: dict, keys: dict[str, str]) -> None:
        seen.append(("star", op, keys))

    def method(doc: dict, op: dict, keys: dict[str, str]) -> None:
        seen.append(("method", op, keys))
        doc.setdefault("methodSettings", {})[f"{keys['path'].lstrip('/')}/{keys['method']}"] = {
            "throttlingRateLimit": op["value"]
        }

    spec = PatchSpec(
        {
            "/{path}/{method}/throttling/rateLimit": Rule("replace", type=float, handler=method),
            "/*/*/throttling/rateLimit": Rule("replace", type=float, handler=star),
        }
    )
    out = apply_patch({}, [{"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "5"}], spec)
    assert out == {}
    assert seen[-1] == ("star", {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": 5.0}, {})
    out = apply_patch(
        {}, [{"op": "replace", "path": "/~1pets~1{id}/GET/throttling/rateLimit", "value": "2.5"}], spec
    )
    assert seen[-1][0] == "method"
    assert seen[-1][2] == {"path": "/pets/{id}", "method": "GET"}
    assert out == {"methodSettings": {"pets/{id}/GET": {"throttlingRateLimit": 2.5}}}


def test_copy_and_move_with_from() -> None:
    spec = PatchSpec(
        {
            "/deploymentId": Rule("replace", "copy"),
            "/variables/{name}": Rule("add", "copy", "move", container="map"),
        }
    )
    doc = {
        "deploymentId": "d1",
        "canarySettings": {"deploymentId": "d2", "stageVariableOverrides": {"a": "1"}},
    }
    out = apply_patch(
        doc, [{"op": "copy", "from": "/canarySettings/deploymentId", "path": "/deploymentId"}], spec
    )
    assert out["deploymentId"] == "d2"
    assert out["canarySettings"]["deploymentId"] == "d2"
    out = apply_patch(
        out,
        [{"op": "move", "from": "/canarySettings/stageVariableOverrides/a", "path": "/variables/a"}],
        spec,
    )
    assert out["variables"] == {"a": "1"}
    assert out["canarySettings"]["stageVariableOverrides"] == {}
    assert doc["deploymentId"] == "d1"


def test_copy_errors() -> None:
    spec = PatchSpec({"/deploymentId": Rule("copy")})
    assert "'from' is required" in _bad({}, [{"op": "copy", "path": "/deploymentId"}], spec)
    assert (
        _bad({}, [{"op": "copy", "path": "/deploymentId", "from": "/nope"}], spec)
        == "Invalid from path /nope"
    )


def test_test_op() -> None:
    spec = PatchSpec({"/name": Rule("test", "replace")})
    assert apply_patch({"name": "a"}, [{"op": "test", "path": "/name", "value": "a"}], spec) == {"name": "a"}
    assert "Patch test failed" in _bad({"name": "a"}, [{"op": "test", "path": "/name", "value": "b"}], spec)


def test_no_operations_returns_a_copy() -> None:
    doc = {"a": {"b": 1}}
    for ops in (None, []):
        out = apply_patch(doc, ops, RESOURCE)
        assert out == doc
        assert out is not doc and out["a"] is not doc["a"]


def test_pointer_helpers() -> None:
    assert unescape("a~1b~0c~01") == "a/b~c~1"
    assert split_pointer("/~1pets~1{id}/GET") == ["/pets/{id}", "GET"]
    with pytest.raises(ValueError):
        split_pointer("pets")
