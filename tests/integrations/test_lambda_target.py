"""Lambda integration URIs parsed once per deployment, stage variables filled per request."""

from __future__ import annotations

import pytest

from apigate.dataplane.compile import compile_integration
from apigate.integrations.lambda_target import invoke_url, parse, source_arn

FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:orders"


def uri(function: str, region: str = "us-east-1") -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function}/invocations"


def test_a_static_target() -> None:
    target = parse(uri(f"{FUNCTION}:live"))
    assert target is not None
    assert (target.region, target.function, target.variables) == ("us-east-1", f"{FUNCTION}:live", ())
    assert target.function_arn({"alias": "x"}) == f"{FUNCTION}:live"
    expected = f"https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/{FUNCTION}:live/invocations"
    assert target.endpoint(f"{FUNCTION}:live") == expected == target.static_endpoint


def test_stage_variables_choose_the_function_and_alias() -> None:
    target = parse(
        uri(
            "arn:aws:lambda:eu-west-1:123456789012:function:${stageVariables.fn}:${stageVariables.alias}",
            region="eu-west-1",
        )
    )
    assert target is not None and target.variables == ("fn", "alias")
    assert target.function_arn({"fn": "orders", "alias": "prod"}) == (
        "arn:aws:lambda:eu-west-1:123456789012:function:orders:prod"
    )
    assert target.function_arn({"fn": "orders", "alias": "beta", "other": "x"}).endswith(":orders:beta")
    assert target.function_arn({}) == "arn:aws:lambda:eu-west-1:123456789012:function::"  # undefined: empty
    function = target.function_arn({"fn": "f", "alias": "a"})
    assert target.endpoint(function) == invoke_url("eu-west-1", function)


@pytest.mark.parametrize(
    "other",
    [
        None,
        "",
        "arn:aws:apigateway:us-east-1:s3:path/bucket/key",
        "arn:aws:apigateway:us-east-1:firehose:action/PutRecord",
        f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}",
    ],
)
def test_other_uris_are_not_lambda_targets(other: str | None) -> None:
    assert parse(other) is None


def test_the_compile_step_parses_aws_types_only() -> None:
    for kind in ("AWS", "AWS_PROXY"):
        compiled = compile_integration({"type": kind, "httpMethod": "POST", "uri": uri(FUNCTION)}, str)
        assert compiled.lambda_target is not None and compiled.lambda_target.function == FUNCTION
    http = compile_integration({"type": "HTTP", "httpMethod": "GET", "uri": uri(FUNCTION)}, str)
    assert http.lambda_target is None


def test_source_arn_names_the_method() -> None:
    assert source_arn("us-east-1", "123456789012", "abc", "prod", "GET", "/pets/{id}") == (
        "arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/{id}"
    )
    assert source_arn("us-east-1", "123456789012", "abc", "prod", "ANY", "/").endswith("abc/prod/ANY/")
