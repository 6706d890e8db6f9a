"""PublishVersion, ListVersionsByFunction and the alias operations, with AWS's routing checks."""

from __future__ import annotations

import pytest

from tests.awslambda.control.conftest import LambdaClient, arn, zipped
from tests.support.client import error_of


def returning(value: str) -> str:
    return f"def handler(e, c):\n    return {{'value': {value!r}, 'version': c.function_version}}\n"


async def new_code(lam: LambdaClient, value: str) -> None:
    await lam.call("UpdateFunctionCode", FunctionName="fn", ZipFile=zipped({"app.py": returning(value)}))


async def test_publish_freezes_the_code_and_skips_unchanged(lam: LambdaClient) -> None:
    await lam.create("fn", source=returning("one"))
    v1 = await lam.call("PublishVersion", FunctionName="fn", Description="first")
    assert lam.last is not None and lam.last.status == 201
    assert (v1["Version"], v1["FunctionArn"], v1["Description"]) == ("1", arn("fn", "1"), "first")
    again = await lam.call("PublishVersion", FunctionName="fn")
    assert (again["Version"], again["RevisionId"]) == ("1", v1["RevisionId"])  # nothing changed: v1 again
    await new_code(lam, "two")
    v2 = await lam.call("PublishVersion", FunctionName="fn")
    assert v2["Version"] == "2" and v2["CodeSha256"] != v1["CodeSha256"]
    await new_code(lam, "latest")
    assert await lam.invoke_json("fn", Qualifier="1") == {"value": "one", "version": "1"}
    assert await lam.invoke_json("fn:2") == {"value": "two", "version": "2"}
    assert await lam.invoke_json("fn") == {"value": "latest", "version": "$LATEST"}
    result = await lam.invoke("fn", Qualifier="2")
    assert result["ExecutedVersion"] == "2"


async def test_publish_checks_code_sha_and_revision(lam: LambdaClient) -> None:
    created = await lam.create("fn")
    error = await error_of(lam.call("PublishVersion", FunctionName="fn", CodeSha256="abc"))
    assert error.code == "InvalidParameterValueException"
    assert error.message == (
        f"CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST ({created['CodeSha256']}). "
        "Please try again with the CodeSHA256 in $LATEST."
    )
    error = await error_of(lam.call("PublishVersion", FunctionName="fn", RevisionId="nope"))
    assert (error.status, error.code) == (412, "PreconditionFailedException")
    error = await error_of(lam.call("PublishVersion", FunctionName="fn:1"))
    assert error.code == "InvalidParameterValueException"
    assert (await lam.call("ListVersionsByFunction", FunctionName="fn"))["Versions"][1:] == []


async def test_versions_are_listed_in_numeric_order_and_paged(lam: LambdaClient) -> None:
    await lam.create("fn", Publish=True)
    for n in range(2, 12):
        await lam.call("UpdateFunctionConfiguration", FunctionName="fn", Description=str(n))
        await lam.call("PublishVersion", FunctionName="fn")
    listed = await lam.call("ListVersionsByFunction", FunctionName="fn")
    assert [v["Version"] for v in listed["Versions"]] == ["$LATEST", *map(str, range(1, 12))]
    assert listed["Versions"][0]["FunctionArn"] == arn("fn", "$LATEST")
    first = await lam.call("ListVersionsByFunction", FunctionName="fn", MaxItems=5)
    rest = await lam.call("ListVersionsByFunction", FunctionName="fn", Marker=first["NextMarker"])
    assert [v["Version"] for v in first["Versions"] + rest["Versions"]] == [
        v["Version"] for v in listed["Versions"]
    ]
    assert "NextMarker" not in rest


async def test_create_with_publish_answers_version_1(lam: LambdaClient) -> None:
    created = await lam.create("fn", Publish=True)
    assert (created["Version"], created["FunctionArn"]) == ("1", arn("fn", "1"))


async def test_alias_lifecycle(lam: LambdaClient) -> None:
    await lam.create("fn", source=returning("one"), Publish=True)
    await new_code(lam, "two")
    await lam.call("PublishVersion", FunctionName="fn")
    alias = await lam.call(
        "CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1", Description="d"
    )
    assert lam.last is not None and lam.last.status == 201
    assert {k: v for k, v in alias.items() if k not in ("ResponseMetadata", "RevisionId")} == {
        "AliasArn": arn("fn", "live"),
        "Name": "live",
        "FunctionVersion": "1",
        "Description": "d",
    }
    assert await lam.invoke_json("fn:live") == {"value": "one", "version": "1"}
    got = await lam.call("GetAlias", FunctionName="fn", Name="live")
    assert got["RevisionId"] == alias["RevisionId"]

    updated = await lam.call(
        "UpdateAlias", FunctionName="fn", Name="live", FunctionVersion="2", RevisionId=alias["RevisionId"]
    )
    assert updated["FunctionVersion"] == "2" and updated["RevisionId"] != alias["RevisionId"]
    assert updated["Description"] == "d"
    result = await lam.invoke("fn", Qualifier="live")
    assert (result["Result"]["value"], result["ExecutedVersion"]) == ("two", "2")
    error = await error_of(
        lam.call("UpdateAlias", FunctionName="fn", Name="live", RevisionId=alias["RevisionId"])
    )
    assert (error.status, error.code) == (412, "PreconditionFailedException")

    config = await lam.call("GetFunctionConfiguration", FunctionName="fn", Qualifier="live")
    assert (config["FunctionArn"], config["Version"]) == (arn("fn", "live"), "2")

    await lam.call("CreateAlias", FunctionName="fn", Name="old", FunctionVersion="1")
    listed = await lam.call("ListAliases", FunctionName="fn")
    assert [a["Name"] for a in listed["Aliases"]] == ["live", "old"]
    only_v1 = await lam.call("ListAliases", FunctionName="fn", FunctionVersion="1")
    assert [a["Name"] for a in only_v1["Aliases"]] == ["old"]

    deleted = await lam.call("DeleteAlias", FunctionName="fn", Name="old")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    again = await lam.call("DeleteAlias", FunctionName="fn", Name="old")  # AWS: 204 for a missing alias
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert [a["Name"] for a in (await lam.call("ListAliases", FunctionName="fn"))["Aliases"]] == ["live"]


async def test_alias_errors(lam: LambdaClient) -> None:
    await lam.create("fn", Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    error = await error_of(lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1"))
    assert (error.status, error.code, error.message) == (
        409,
        "ResourceConflictException",
        f"Alias already exists: {arn('fn', 'live')}",
    )
    error = await error_of(lam.call("CreateAlias", FunctionName="fn", Name="x", FunctionVersion="9"))
    assert (error.status, error.message) == (404, f"Function not found: {arn('fn', '9')}")
    error = await error_of(lam.call("GetAlias", FunctionName="fn", Name="nope"))
    assert (error.status, error.message) == (404, f"Cannot find alias arn: {arn('fn', 'nope')}")
    error = await error_of(lam.call("UpdateAlias", FunctionName="fn", Name="nope", FunctionVersion="1"))
    assert (error.status, error.message) == (404, f"Alias not found: {arn('fn', 'nope')}")
    error = await error_of(lam.call("GetAlias", FunctionName="other", Name="live"))
    assert error.message == f"Function not found: {arn('other')}"
    error = await error_of(lam.call("CreateAlias", FunctionName="fn", Name="123", FunctionVersion="1"))
    assert error.code == "ValidationException"
    error = await error_of(lam.invoke("fn", Qualifier="nope"))
    assert (error.status, error.message) == (404, f"Function not found: {arn('fn', 'nope')}")


@pytest.mark.parametrize(
    ("target", "weights", "code", "message"),
    [
        (
            "1",
            {"2": 0.1, "3": 0.1},
            "InvalidParameterValueException",
            "Number of items in AdditionalVersionWeights cannot be greater than 1",
        ),
        (
            "1",
            {"2": 1.5},
            "ValidationException",
            "1 validation error detected: Value '{2=1.5}' at 'routingConfig.additionalVersionWeights' "
            "failed to satisfy constraint: Map value must satisfy constraint: [Member must have value "
            "less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must "
            "not be null]",
        ),
        (
            "1",
            {"1": 0.5},
            "InvalidParameterValueException",
            "Invalid function version 1. Function version 1 is already included in routing configuration.",
        ),
        (
            "$LATEST",
            {"1": 0.5},
            "InvalidParameterValueException",
            "$LATEST is not supported for an alias pointing to more than 1 version",
        ),
        ("1", {"$LATEST": 0.5}, "ValidationException", "Map keys must satisfy constraint"),
        ("1", {"7": 0.5}, "ResourceNotFoundException", f"Function not found: {arn('fn', '7')}"),
    ],
)
async def test_routing_config_is_checked_as_aws_checks_it(
    lam: LambdaClient, target: str, weights: dict, code: str, message: str
) -> None:
    await lam.create("fn", Publish=True)
    await lam.call("UpdateFunctionConfiguration", FunctionName="fn", Description="2")
    await lam.call("PublishVersion", FunctionName="fn")
    routing = {"AdditionalVersionWeights": weights}
    error = await error_of(
        lam.call("CreateAlias", FunctionName="fn", Name="a", FunctionVersion=target, RoutingConfig=routing)
    )
    assert error.code == code
    assert message in error.message
    await lam.call("CreateAlias", FunctionName="fn", Name="b", FunctionVersion="1")
    error = await error_of(
        lam.call("UpdateAlias", FunctionName="fn", Name="b", FunctionVersion=target, RoutingConfig=routing)
    )
    assert error.code == code
    assert [a["Name"] for a in (await lam.call("ListAliases", FunctionName="fn"))["Aliases"]] == ["b"]
    assert (await lam.call("GetAlias", FunctionName="fn", Name="b"))["FunctionVersion"] == "1"


async def test_weighted_alias_routes_both_versions(lam: LambdaClient) -> None:
    await lam.create("fn", source=returning("one"), Publish=True)
    await new_code(lam, "two")
    await lam.call("PublishVersion", FunctionName="fn")
    alias = await lam.call(
        "CreateAlias",
        FunctionName="fn",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    assert alias["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.5}}
    seen = {(await lam.invoke("fn:live"))["ExecutedVersion"] for _ in range(40)}
    assert seen == {"1", "2"}  # 40 draws at 50%: both appear unless p = 2 * 0.5**40
    cleared = await lam.call("UpdateAlias", FunctionName="fn", Name="live", RoutingConfig={})
    assert "RoutingConfig" not in cleared
