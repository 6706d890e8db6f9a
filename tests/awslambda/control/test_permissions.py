"""AddPermission / RemovePermission / GetPolicy: AWS's statement and policy shapes, per qualifier."""

from __future__ import annotations

import json

from tests.awslambda.control.conftest import LambdaClient, arn
from tests.support.client import error_of

SOURCE = "arn:aws:execute-api:us-east-1:000000000000:abc123/*/GET/pets"


async def test_add_permission_answers_the_statement(lam: LambdaClient) -> None:
    created = await lam.create("fn")
    added = await lam.call(
        "AddPermission",
        FunctionName="fn",
        StatementId="apigw",
        Action="lambda:InvokeFunction",
        Principal="apigateway.amazonaws.com",
        SourceArn=SOURCE,
        SourceAccount="000000000000",
    )
    assert lam.last is not None and lam.last.status == 201
    statement = json.loads(added["Statement"])
    assert list(statement) == ["Sid", "Effect", "Principal", "Action", "Resource", "Condition"]
    assert statement == {
        "Sid": "apigw",
        "Effect": "Allow",
        "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": arn("fn"),
        "Condition": {
            "StringEquals": {"AWS:SourceAccount": "000000000000"},
            "ArnLike": {"AWS:SourceArn": SOURCE},
        },
    }
    policy = await lam.call("GetPolicy", FunctionName="fn")
    document = json.loads(policy["Policy"])
    assert (document["Version"], document["Id"], document["Statement"]) == (
        "2012-10-17",
        "default",
        [statement],
    )
    latest = await lam.call("GetFunctionConfiguration", FunctionName="fn")
    assert policy["RevisionId"] == latest["RevisionId"] != created["RevisionId"]


async def test_principals_as_aws_writes_them(lam: LambdaClient) -> None:
    await lam.create("fn")
    principals = {"account": "123456789012", "role": "arn:aws:iam::123456789012:role/r", "anyone": "*"}
    for sid, principal in principals.items():
        await lam.call(
            "AddPermission", FunctionName="fn", StatementId=sid, Action="lambda:*", Principal=principal
        )
    statements = json.loads((await lam.call("GetPolicy", FunctionName="fn"))["Policy"])["Statement"]
    assert [s["Principal"] for s in statements] == [
        {"AWS": "arn:aws:iam::123456789012:root"},
        {"AWS": "arn:aws:iam::123456789012:role/r"},
        "*",
    ]


async def test_duplicate_sid_and_removal(lam: LambdaClient) -> None:
    await lam.create("fn")
    permission = {"FunctionName": "fn", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}
    await lam.call("AddPermission", StatementId="one", **permission)
    error = await error_of(lam.call("AddPermission", StatementId="one", **permission))
    assert (error.status, error.code) == (409, "ResourceConflictException")
    assert error.message == (
        "The statement id (one) provided already exists. Please provide a new statement id, or remove the "
        "existing statement."
    )
    await lam.call("AddPermission", StatementId="two", **permission)
    removed = await lam.call("RemovePermission", FunctionName="fn", StatementId="one")
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    statements = json.loads((await lam.call("GetPolicy", FunctionName="fn"))["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["two"]
    error = await error_of(lam.call("RemovePermission", FunctionName="fn", StatementId="one"))
    assert (error.status, error.message) == (404, "Statement one is not found in resource policy.")
    await lam.call("RemovePermission", FunctionName="fn", StatementId="two")
    error = await error_of(lam.call("GetPolicy", FunctionName="fn"))
    assert (error.status, error.message) == (404, "The resource you requested does not exist.")
    error = await error_of(lam.call("RemovePermission", FunctionName="fn", StatementId="two"))
    assert error.message == "No policy is associated with the given resource."


async def test_permissions_are_scoped_per_qualifier(lam: LambdaClient) -> None:
    await lam.create("fn", Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    permission = {"Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com"}
    await lam.call("AddPermission", FunctionName="fn", Qualifier="live", StatementId="s", **permission)
    await lam.call(
        "AddPermission", FunctionName="fn:1", StatementId="s", **permission
    )  # same Sid, other policy
    alias_policy = json.loads((await lam.call("GetPolicy", FunctionName="fn", Qualifier="live"))["Policy"])
    assert alias_policy["Statement"][0]["Resource"] == arn("fn", "live")
    version_policy = json.loads((await lam.call("GetPolicy", FunctionName="fn:1"))["Policy"])
    assert version_policy["Statement"][0]["Resource"] == arn("fn", "1")
    assert (await error_of(lam.call("GetPolicy", FunctionName="fn"))).status == 404
    alias = await lam.call("GetAlias", FunctionName="fn", Name="live")
    assert (await lam.call("GetPolicy", FunctionName="fn:live"))["RevisionId"] == alias["RevisionId"]

    error = await error_of(
        lam.call("AddPermission", FunctionName="fn", Qualifier="$LATEST", StatementId="x", **permission)
    )
    assert (error.code, error.message) == (
        "InvalidParameterValueException",
        "We currently do not support adding policies for $LATEST.",
    )
    error = await error_of(
        lam.call("AddPermission", FunctionName="fn", Qualifier="nope", StatementId="x", **permission)
    )
    assert (error.status, error.message) == (404, f"Cannot find alias arn: {arn('fn', 'nope')}")
    error = await error_of(
        lam.call("AddPermission", FunctionName="fn", Qualifier="5", StatementId="x", **permission)
    )
    assert error.message == f"Function not found: {arn('fn', '5')}"
    error = await error_of(lam.call("AddPermission", FunctionName="gone", StatementId="x", **permission))
    assert error.message == f"Function not found: {arn('gone')}"
    error = await error_of(lam.call("RemovePermission", FunctionName="gone", StatementId="x"))
    assert error.message == f"No policy found for: {arn('gone')}"


async def test_revision_id_guards_policy_changes(lam: LambdaClient) -> None:
    created = await lam.create("fn")
    permission = {"FunctionName": "fn", "Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com"}
    error = await error_of(lam.call("AddPermission", StatementId="a", RevisionId="stale", **permission))
    assert (error.status, error.code) == (412, "PreconditionFailedException")
    await lam.call("AddPermission", StatementId="a", RevisionId=created["RevisionId"], **permission)
    error = await error_of(
        lam.call("RemovePermission", FunctionName="fn", StatementId="a", RevisionId="stale")
    )
    assert error.code == "PreconditionFailedException"
    assert [
        s["Sid"] for s in json.loads((await lam.call("GetPolicy", FunctionName="fn"))["Policy"])["Statement"]
    ] == ["a"]


async def test_policy_size_limit(lam: LambdaClient) -> None:
    await lam.create("fn")
    permission = {"FunctionName": "fn", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"}
    for n in range(200):
        try:
            await lam.call(
                "AddPermission",
                StatementId=f"statement-{n:03d}",
                SourceArn=f"arn:aws:s3:::{'b' * 60}{n}",
                **permission,
            )
        except Exception as exc:
            error = exc
            break
    else:
        raise AssertionError("the policy never reached 20 KB")
    assert getattr(error, "code", None) == "PolicyLengthExceededException"
    assert "is bigger than the limit (20480)" in getattr(error, "message", "")
