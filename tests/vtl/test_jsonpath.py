"""JSONPath with Jayway's result shape."""

from __future__ import annotations

import pytest

from apigate.vtl.jsonpath import JsonPathError, compile_path, query

DOC = {"a": {"b": 1, "some-key": 2}, "l": [{"x": 1}, {"x": 5}], "q": {"a*b": 3}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", DOC),
        ("$.a.b", 1),
        ("$.a.some-key", 2),
        ("$['a']['b']", 1),
        ("$.l[1].x", 5),
        ("$.l[-1].x", 5),
        ("$.missing", None),
        ("$.q['a*b']", 3),  # a quoted name is not a wildcard
        ("$.l[*].x", [1, 5]),
        ("$..x", [1, 5]),
        ("$.l[?(@.x > 1)].x", [5]),
        ("$.l[0:1]", [{"x": 1}]),
        ("$.nothing[*]", []),
    ],
)
def test_query(path: str, expected: object) -> None:
    assert query(DOC, path) == expected


def test_compiled_expressions_are_cached() -> None:
    assert compile_path("$.a.b") is compile_path("$.a.b")


def test_invalid_expression() -> None:
    with pytest.raises(JsonPathError):
        query(DOC, "$.a[")
