"""TagResource / UntagResource / GetTags on RestApi and Stage ARNs, through the real protocol.

botocore percent-encodes the ARN into the path (``/tags/arn%3Aaws%3A...%2Frestapis%2F...``), so these
tests also exercise raw-path routing of the label.
"""

from __future__ import annotations

from apigate.control.common import rest_api_arn, stage_arn
from tests.support.client import ACCOUNT_ID, REGION, GatewayClient, error_of


async def test_tag_untag_and_get_a_rest_api(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n", tags={"created": "yes"})
    arn = rest_api_arn(REGION, api["id"])
    assert arn == f"arn:aws:apigateway:us-east-1::/restapis/{api['id']}"
    tagged = await client.call("TagResource", resourceArn=arn, tags={"team": "a", "env": "dev"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert (await client.call("GetTags", resourceArn=arn))["tags"] == {
        "created": "yes",
        "team": "a",
        "env": "dev",
    }
    await client.call("TagResource", resourceArn=arn, tags={"team": "b"})
    untagged = await client.call("UntagResource", resourceArn=arn, tagKeys=["env", "created", "absent"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert (await client.call("GetTags", resourceArn=arn))["tags"] == {"team": "b"}
    assert (await client.call("GetRestApi", restApiId=api["id"]))["tags"] == {"team": "b"}


async def test_tags_of_a_stage_live_in_the_stage_document(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n")
    async with client.services.store.transaction() as tx:
        await tx.put("stage", f"{api['id']}/dev", {"stageName": "dev", "deploymentId": "abc123"})
    arn = stage_arn(REGION, api["id"], "dev")
    await client.call("TagResource", resourceArn=arn, tags={"k": "v"})
    assert (await client.call("GetTags", resourceArn=arn))["tags"] == {"k": "v"}
    async with client.services.store.transaction() as tx:
        stage = await tx.get("stage", f"{api['id']}/dev")
    assert stage == {"stageName": "dev", "deploymentId": "abc123", "tags": {"k": "v"}}
    assert "tags" not in await client.call("GetRestApi", restApiId=api["id"])
    await client.call("UntagResource", resourceArn=arn, tagKeys=["k"])
    assert (await client.call("GetTags", resourceArn=arn))["tags"] == {}


async def test_unknown_targets(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n")
    err = await error_of(client.call("GetTags", resourceArn=rest_api_arn(REGION, "missing000")))
    assert (err.status, err.code) == (404, "NotFoundException")
    assert err.message == f"Invalid API identifier specified {ACCOUNT_ID}:missing000"
    err = await error_of(
        client.call("TagResource", resourceArn=stage_arn(REGION, api["id"], "nope"), tags={"a": "b"})
    )
    assert (err.status, err.message) == (404, "Invalid Stage identifier specified")
    err = await error_of(client.call("GetTags", resourceArn=rest_api_arn("eu-west-1", api["id"])))
    assert err.status == 404
    for arn in (
        "not-an-arn",
        f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:f",
        f"arn:aws:apigateway:{REGION}::/x",
    ):
        err = await error_of(client.call("GetTags", resourceArn=arn))
        assert (err.status, err.code, err.message) == (
            400,
            "BadRequestException",
            "Invalid ARN specified in the request",
        )


async def test_invalid_tags_change_nothing(client: GatewayClient) -> None:
    api = await client.call("CreateRestApi", name="n", tags={"a": "1"})
    arn = rest_api_arn(REGION, api["id"])
    for tags in ({"aws:reserved": "x"}, {"k" * 129: "x"}, {"k": "v" * 257}):
        err = await error_of(client.call("TagResource", resourceArn=arn, tags=tags))
        assert err.status == 400
    assert (await client.call("GetTags", resourceArn=arn))["tags"] == {"a": "1"}
