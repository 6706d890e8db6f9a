"""``$input``: body, json(), path(), params() as AWS renders them."""

from __future__ import annotations

import pytest

from apigate.vtl import compile_template
from tests.integrations.contexts import build_context, integration


def render(source: str, body: bytes | str = b"", *, response: bool = False, **request: object) -> str:
    ctx = build_context(integration(), **request)  # type: ignore[arg-type]
    return compile_template(source).render(ctx, body, response=response)


# --- $input.body -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # AWS-recorded test_input_body_formatting: an empty body renders as {}, others verbatim.
        (b"", "{}"),
        (b'{"some": "value"}', '{"some": "value"}'),
        (b"some raw data", "some raw data"),
    ],
)
def test_body_renders_raw_and_empty_as_braces(body: bytes, expected: str) -> None:
    assert render("$input.body", body) == expected
    rendered = render("Action=SendMessage&MessageBody=$input.body", body)
    assert rendered == f"Action=SendMessage&MessageBody={expected}"


def test_property_of_the_raw_body_string_is_null() -> None:
    # AWS-recorded: "$input.body.some" is not a JSON lookup; it renders empty for every body.
    assert render("{$input.body.some}", b'{"some": "value"}') == "{}"


def test_response_template_sees_the_integration_body_but_the_method_request_params() -> None:
    out = render("$input.body|$input.params('id')|$input.params('q')", b"backend", response=True,
                 path="/pets/7", query=[("q", "x")])
    assert out == "backend|7|x"


# --- $input.json --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", '{"name":"Rex","age":3,"tags":["a","b"],"owner":{"id":1}}'),
        ("$.name", '"Rex"'),  # strings come quoted
        ("$.age", "3"),
        ("$.owner", '{"id":1}'),
        ("$.tags", '["a","b"]'),
        ("$.tags[1]", '"b"'),
        ("$['owner']['id']", "1"),
        ("$..id", "[1]"),  # an indefinite path always yields a list
        ("$.missing", "null"),
    ],
)
def test_json_serialises_the_jsonpath_result(path: str, expected: str) -> None:
    body = b'{"name": "Rex", "age": 3, "tags": ["a", "b"], "owner": {"id": 1}}'
    quote = '"' if "'" in path else "'"
    assert render(f"$input.json({quote}{path}{quote})", body) == expected


def test_json_of_an_empty_body_is_an_empty_object() -> None:
    assert render("$input.json('$')", b"") == "{}"


# --- $input.path ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "body", "expected"),
    [
        # AWS-recorded test_input_path_template_formatting.
        ("$input.path('$.json')", b'{"json": {"foo": "bar"}}', "{foo=bar}"),
        ("$input.path('$.json')", b'{"json": [{"foo": "bar"}]}', '[{"foo":"bar"}]'),
        ("$input.path('$.json.nested')", b'{"json": {"nested": {"foo": "bar"}}}', "{foo=bar}"),
        ("$input.path('$.json.nested')", b'{"json": {"nested": [{"foo": "bar"}]}}', '[{"foo":"bar"}]'),
        ("$input.path('$.json[0]')", b'{"json": [{"foo": "bar"}]}', "{foo=bar}"),
        ("$input.path('$.json')", b'{"json": {"foo": [{"nested": "bar"}]}}', '{foo=[{"nested":"bar"}]}'),
        ("$input.path('$.json')", b'{"json": {"bigger": "dict", "to": "test", "with": "separators"}}',
         "{bigger=dict, to=test, with=separators}"),
        ("$input.path('$.json').toString()", b'{"json": {"foo": "bar"}}', "{foo=bar}"),
        ("$input.path('$.json').toString()", b'{"json": {"list": [{"foo": "bar"}]}}',
         '{list=[{"foo":"bar"}]}'),
    ],
)
def test_path_prints_maps_java_style_and_lists_as_json(source: str, body: bytes, expected: str) -> None:
    assert render(source, body) == expected


NULL_CHECKS = (
    '{"body": $input.path(\'$.json\'), "nested": $input.path(\'$.json.nested\'), '
    '"isNull": "#if($input.path(\'$.json\') == $null)true#{else}false#end", '
    '"isEmptyString": "#if("$!input.path(\'$.json\')" == "")true#{else}false#end"}'
)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # AWS-recorded: empty-body, nested-empty-list and nested-null-list.
        (b"", '{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}'),
        (b'{"json": []}', '{"body": [], "nested": , "isNull": "false", "isEmptyString": "false"}'),
        (b'{"json": null}', '{"body": , "nested": , "isNull": "true", "isEmptyString": "true"}'),
    ],
)
def test_path_null_and_empty_results(body: bytes, expected: str) -> None:
    assert render(NULL_CHECKS, body) == expected


def test_path_objects_answer_java_collection_methods() -> None:
    body = b'{"m": {"a": 1, "b": 2}, "l": [3, 4, 5]}'
    source = (
        "#set($m = $input.path('$.m'))#set($l = $input.path('$.l'))"
        "$m.size() $m.containsKey('a') $m.get('b') $m.isEmpty() "
        "#foreach($k in $m.keySet())$k=$m.get($k);#end "
        "$l.size() $l.get(0) $l[2] $l.contains(4)"
    )
    assert render(source, body) == "2 true 2 false a=1;b=2; 3 3 5 true"


def test_python_only_attributes_are_not_visible() -> None:
    # A map without an "items" key has no "items" property: null, rendered empty.
    assert render("[$input.path('$').items]", b'{"a": 1}') == "[]"
    assert render("[$input.path('$').items]", b'{"items": [1]}') == "[[1]]"


def test_changing_a_path_result_does_not_change_the_payload() -> None:
    source = "#set($o = $input.path('$'))#set($o.a = 2)$o.a $input.json('$.a')"
    assert render(source, b'{"a": 1}') == "2 1"


def test_filters_and_wildcards() -> None:
    body = b'{"l": [{"x": 1, "n": "a"}, {"x": 5, "n": "b"}]}'
    assert render("$input.json('$.l[?(@.x > 1)].n')", body) == '["b"]'
    assert render("$input.path('$.l[*].x')", body) == "[1,5]"


# --- $input.params ----------------------------------------------------------------------------------


def test_params_searches_path_then_querystring_then_header() -> None:
    out = render(
        "$input.params('id')|$input.params('q')|$input.params('X-Token')|$input.params('x-token')|"
        "[$input.params('absent')]",
        path="/pets/9",
        query=[("q", "first"), ("q", "last"), ("id", "from-query")],
        headers=[("X-Token", "t1")],
    )
    # Path wins over a query string of the same name; repeated names keep the last value;
    # header lookup ignores case; a missing parameter is an empty string.
    assert out == "9|last|t1|t1|[]"


def test_params_map() -> None:
    source = (
        "$input.params().path.get('id') $input.params().querystring.get('q') "
        "$input.params().header.get('Accept') "
        "#foreach($name in $input.params().header.keySet())$name;#end"
    )
    out = render(source, path="/pets/3", query=[("q", "v")], headers=[("Accept", "text/plain"), ("X-A", "1")])
    assert out == "3 v text/plain Accept;X-A;"
    printed = render("$input.params()", path="/pets/3", query=[("q", "v")], headers=[("H", "1")])
    assert printed == "{path={id=3}, querystring={q=v}, header={H=1}}"


def test_header_params_ignore_the_case_of_names() -> None:
    # An ASGI server hands header names over lower-cased; templates name them as clients send them.
    source = (
        "$input.params().header.get('Content-Type')|$input.params().header['X-Token']|"
        "$input.params('X-TOKEN')"
    )
    out = render(source, headers=[("content-type", "text/plain"), ("x-token", "t")])
    assert out == "text/plain|t|t"
