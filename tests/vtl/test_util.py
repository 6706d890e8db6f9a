"""``$util``: AWS's six helper functions."""

from __future__ import annotations

import pytest

from apigate.vtl import compile_template
from apigate.vtl.util import UTIL, escape_javascript, url_encode
from tests.integrations.contexts import build_context, integration


def render(source: str, body: bytes = b"") -> str:
    return compile_template(source).render(build_context(integration()), body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('say "hi"', 'say \\"hi\\"'),
        ("it's", "it\\'s"),  # AWS escapes single quotes too (invalid JSON, documented by AWS)
        ("a\\b", "a\\\\b"),
        ("line1\nline2\ttab\r", "line1\\nline2\\ttab\\r"),
        ("caf\u00e9", "caf\\u00E9"),
        ("\x01", "\\u0001"),
        ("a/b", "a/b"),
        ("\U0001f600", "\\uD83D\\uDE00"),
    ],
)
def test_escape_javascript(text: str, expected: str) -> None:
    assert escape_javascript(text) == expected


def test_escape_javascript_in_a_template() -> None:
    out = render('{"raw": "$util.escapeJavaScript($input.body)"}', b'{"a": "x"}')
    assert out == '{"raw": "{\\"a\\": \\"x\\"}"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # AWS-recorded test_input_body_formatting (response-url-encode).
        ('{"some": "value"}', "%7B%22some%22%3A+%22value%22%7D"),
        ("some raw data", "some+raw+data"),
        ("{}", "%7B%7D"),
        ("a*b~c.d-e_f", "a*b%7Ec.d-e_f"),  # Java's URLEncoder keeps * and encodes ~
        ("\u00e9", "%C3%A9"),
    ],
)
def test_url_encode_is_javas_form_encoding(text: str, expected: str) -> None:
    assert url_encode(text) == expected


def test_url_encode_in_a_template_with_a_null_argument() -> None:
    source = "EncodedBody=$util.urlEncode($input.body)&EncodedBodyAccess=$util.urlEncode($input.body.some)"
    expected = "EncodedBody=%7B%22some%22%3A+%22value%22%7D&EncodedBodyAccess="
    assert render(source, b'{"some": "value"}') == expected


def test_url_decode_and_base64_round_trips() -> None:
    assert render("$util.urlDecode('a+b%26c')") == "a b&c"
    assert render("$util.base64Encode('h\u00e9llo')") == "aMOpbGxv"
    assert render("$util.base64Decode('aMOpbGxv')") == "h\u00e9llo"
    assert render("[$util.base64Decode('%%%')]") == "[]"


def test_parse_json_gives_template_objects() -> None:
    source = (
        "#set($o = $util.parseJson($input.body))"
        "$o.name|$o.tags.size()|$o.tags[0]|$o.owner|$o.tags"
    )
    body = b'{"name": "Rex", "tags": ["a", "b"], "owner": {"id": 1}}'
    assert render(source, body) == 'Rex|2|a|{id=1}|["a","b"]'


def test_null_arguments_give_null() -> None:
    for name in ("escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode"):
        assert getattr(UTIL, name)(None) is None
