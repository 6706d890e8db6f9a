"""Route matching: AWS's precedence rules (digest §3.2) over a compiled deployment."""

from __future__ import annotations

from typing import Any

import pytest

from apigate.dataplane.compile import compile_deployment
from apigate.dataplane.router import Router, extract_path_parameters, path_segments
from tests.dataplane.factories import resource, snapshot


def router(*resources: dict[str, Any]) -> Router:
    return compile_deployment("api", "dep", snapshot(*resources), compile_template=str).router


def route(r: Router, verb: str, path: str) -> tuple[str, str, dict[str, str]] | None:
    found = r.match(verb, path)
    if found is None:
        return None
    res, meth, params = found
    return res.path, meth.http_method, params


def test_literal_beats_parameter_beats_greedy_at_each_segment() -> None:
    r = router(
        resource("/", "GET"),
        resource("/pets", "GET"),
        resource("/pets/{id}", "GET"),
        resource("/pets/mine", "GET"),
        resource("/{proxy+}", "GET"),
    )
    assert route(r, "GET", "/pets/mine") == ("/pets/mine", "GET", {})
    assert route(r, "GET", "/pets/42") == ("/pets/{id}", "GET", {"id": "42"})
    assert route(r, "GET", "/pets") == ("/pets", "GET", {})
    assert route(r, "GET", "/pets/42/toys") == ("/{proxy+}", "GET", {"proxy": "pets/42/toys"})
    assert route(r, "GET", "/") == ("/", "GET", {})


def test_most_specific_path_wins_over_greedy_root() -> None:
    # AWS-validated example: /part1/hardcoded-value beats /{param+}; /part1/random falls to it.
    r = router(resource("/part1/hardcoded-value", "GET"), resource("/{param+}", "GET"))
    assert route(r, "GET", "/part1/hardcoded-value") == ("/part1/hardcoded-value", "GET", {})
    assert route(r, "GET", "/part1/random") == ("/{param+}", "GET", {"param": "part1/random"})


def test_exact_verb_beats_any_on_the_same_resource() -> None:
    r = router(resource("/items", "GET", "ANY"))
    assert route(r, "GET", "/items") == ("/items", "GET", {})
    assert route(r, "DELETE", "/items") == ("/items", "ANY", {})


def test_resource_without_the_verb_falls_through_to_a_greedy_resource() -> None:
    # AWS-validated: resources POST /test and OPTIONS /{proxy+}; OPTIONS /test is served by /{proxy+}.
    r = router(resource("/test", "POST"), resource("/{proxy+}", "OPTIONS"))
    assert route(r, "OPTIONS", "/test") == ("/{proxy+}", "OPTIONS", {"proxy": "test"})
    assert route(r, "POST", "/test") == ("/test", "POST", {})
    assert route(r, "GET", "/test") is None


def test_fall_through_backtracks_from_literal_to_parameter_branch() -> None:
    r = router(resource("/a/{x}", "GET"), resource("/{y}/b", "POST"), resource("/{z+}", "PUT"))
    assert route(r, "GET", "/a/b") == ("/a/{x}", "GET", {"x": "b"})
    assert route(r, "POST", "/a/b") == ("/{y}/b", "POST", {"y": "a"})
    # Captures of an abandoned branch do not leak into the answer.
    assert route(r, "PUT", "/a/b") == ("/{z+}", "PUT", {"z": "a/b"})


def test_greedy_child_below_a_parameter_falls_back_to_the_parameter_resource() -> None:
    r = router(resource("/users/{id}", "GET"), resource("/users/{id}/{rest+}", "POST"))
    assert route(r, "POST", "/users/7/a/b") == ("/users/{id}/{rest+}", "POST", {"id": "7", "rest": "a/b"})
    assert route(r, "GET", "/users/7/a") is None  # /users/{id} takes exactly one segment


def test_get_does_not_answer_head_but_any_does() -> None:
    r = router(resource("/only-get", "GET"), resource("/any", "ANY"))
    assert route(r, "HEAD", "/only-get") is None
    assert route(r, "HEAD", "/any") == ("/any", "ANY", {})


@pytest.mark.parametrize("verb", ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def test_any_covers_the_seven_verbs(verb: str) -> None:
    assert route(router(resource("/x", "ANY")), verb, "/x") == ("/x", "ANY", {})


def test_unknown_path_and_wrong_method_do_not_match() -> None:
    r = router(resource("/pets", "GET"))
    assert route(r, "GET", "/dogs") is None
    assert route(r, "POST", "/pets") is None
    assert route(router(), "GET", "/") is None


def test_trailing_slash_and_leading_slashes_are_ignored() -> None:
    r = router(resource("/hardcoded", "GET"), resource("/{proxy+}", "GET"))
    assert route(r, "GET", "/hardcoded/") == ("/hardcoded", "GET", {})
    # AWS-recorded: /stage//hardcoded reaches /hardcoded.
    assert route(r, "GET", "//hardcoded") == ("/hardcoded", "GET", {})
    assert route(r, "GET", "/proxy-value/") == ("/{proxy+}", "GET", {"proxy": "proxy-value"})


def test_greedy_keeps_inner_empty_segments() -> None:
    # AWS-recorded: /stage/proxy-value//double-slash -> proxy "proxy-value//double-slash".
    r = router(resource("/{proxy+}", "GET"))
    assert route(r, "GET", "/proxy-value//double-slash") == (
        "/{proxy+}",
        "GET",
        {"proxy": "proxy-value//double-slash"},
    )


def test_root_is_not_matched_by_a_greedy_resource() -> None:
    r = router(resource("/{proxy+}", "ANY"))
    assert route(r, "GET", "/") is None
    assert route(r, "GET", "") is None


def test_parameter_needs_a_non_empty_segment() -> None:
    r = router(resource("/a/{x}/b", "GET"))
    assert route(r, "GET", "/a//b") is None
    assert route(r, "GET", "/a/1/b") == ("/a/{x}/b", "GET", {"x": "1"})


def test_encoded_slash_does_not_split_a_segment() -> None:
    r = router(resource("/files/{name}", "GET"))
    assert route(r, "GET", "/files/a%2Fb") == ("/files/{name}", "GET", {"name": "a%2Fb"})
    assert route(r, "GET", "/files/a/b") is None


def test_path_parameter_values_stay_as_the_client_sent_them() -> None:
    # AWS-recorded: test%2Balias@gmail.com reaches the proxy event still percent-encoded.
    r = router(resource("/user/{email}", "GET"), resource("/{proxy+}", "GET"))
    assert route(r, "GET", "/user/test%2Balias@gmail.com") == (
        "/user/{email}",
        "GET",
        {"email": "test%2Balias@gmail.com"},
    )
    assert route(r, "GET", "/x/test%2Balias@gmail.com/plus/test+alias@gmail.com") == (
        "/{proxy+}",
        "GET",
        {"proxy": "x/test%2Balias@gmail.com/plus/test+alias@gmail.com"},
    )


def test_percent_encoded_literal_segment_matches_its_decoded_part() -> None:
    r = router(resource("/pets", "GET"), resource("/{other}", "GET"))
    assert route(r, "GET", "/p%65ts") == ("/pets", "GET", {})


def test_literal_match_is_case_sensitive() -> None:
    r = router(resource("/Pets", "GET"))
    assert route(r, "GET", "/pets") is None


def test_path_segments() -> None:
    assert path_segments("") == []
    assert path_segments("/") == []
    assert path_segments("//a/b/") == ["a", "b"]
    assert path_segments("/a//b") == ["a", "", "b"]


def test_extract_path_parameters_for_test_invoke() -> None:
    assert extract_path_parameters("/pets/{id}", "/pets/7") == {"id": "7"}
    assert extract_path_parameters("/files/{p+}", "/files/a/b") == {"p": "a/b"}
    assert extract_path_parameters("/pets/{id}", "/dogs/7") is None
    assert extract_path_parameters("/pets/{id}", "/pets/7/x") is None
    assert extract_path_parameters("/", "/") == {}


def test_repeated_matches_come_from_the_memo_with_their_own_parameters() -> None:
    r = router(resource("/pets/{id}", "GET"))
    first = r.match("GET", "/pets/7")
    second = r.match("GET", "/pets/7")
    assert first is not None and second is not None
    assert first[0] is second[0] and first[1] is second[1]
    assert first[2] == second[2] == {"id": "7"}
    first[2]["id"] = "changed"  # a caller's dict is its own
    third = r.match("GET", "/pets/7")
    assert third is not None and third[2] == {"id": "7"}
    assert r.match("GET", "/nope") is None and r.match("GET", "/nope") is None


def test_the_memo_is_bounded() -> None:
    r = router(resource("/{proxy+}", "GET"))
    for i in range(Router.MEMO_SIZE + 10):
        found = r.match("GET", f"/p{i}")
        assert found is not None and found[2] == {"proxy": f"p{i}"}
    assert len(r._memo) <= Router.MEMO_SIZE
