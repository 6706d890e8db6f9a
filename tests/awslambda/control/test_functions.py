"""CreateFunction, GetFunction(Configuration), ListFunctions, Update*, DeleteFunction through botocore."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import uuid
import zipfile

import orjson
import pytest

from apigate.awslambda.documents import KIND_FUNCTION
from tests.awslambda.control.conftest import ECHO, ROLE, LambdaClient, arn, zipped
from tests.support.client import error_of

LAST_MODIFIED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000")


def public(result: dict) -> dict:
    return {k: v for k, v in result.items() if k != "ResponseMetadata"}


async def stored_functions(lam: LambdaClient) -> list[str]:
    async with lam.services.store.transaction() as tx:
        return [key for key, _ in await tx.list(KIND_FUNCTION)]


async def test_create_function_answers_aws_configuration(lam: LambdaClient) -> None:
    code = zipped({"app.py": ECHO})
    created = await lam.create("fn", Code={"ZipFile": code}, Environment={"Variables": {"AB": "1"}})
    assert lam.last is not None and lam.last.status == 201
    assert list(public(created)) == [
        "FunctionName",
        "FunctionArn",
        "Runtime",
        "Role",
        "Handler",
        "CodeSize",
        "Description",
        "Timeout",
        "MemorySize",
        "LastModified",
        "CodeSha256",
        "Version",
        "Environment",
        "TracingConfig",
        "RevisionId",
        "State",
        "LastUpdateStatus",
        "PackageType",
        "Architectures",
        "EphemeralStorage",
        "SnapStart",
        "LoggingConfig",
    ]
    assert created["FunctionArn"] == arn("fn")
    assert (created["Runtime"], created["Role"], created["Handler"]) == ("python3.12", ROLE, "app.handler")
    assert (created["Timeout"], created["MemorySize"], created["Description"]) == (3, 128, "")
    assert created["CodeSize"] == len(code)
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(code).digest()).decode()
    assert LAST_MODIFIED.fullmatch(created["LastModified"])
    uuid.UUID(created["RevisionId"])
    assert created["Version"] == "$LATEST"
    assert created["Environment"] == {"Variables": {"AB": "1"}}
    assert (created["State"], created["LastUpdateStatus"], created["PackageType"]) == (
        "Active",
        "Successful",
        "Zip",
    )
    assert created["Architectures"] == ["x86_64"]
    assert created["EphemeralStorage"] == {"Size": 512}
    assert created["TracingConfig"] == {"Mode": "PassThrough"}
    assert created["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/aws/lambda/fn"}


async def test_create_and_get_agree(lam: LambdaClient) -> None:
    created = public(await lam.create("fn", Tags={"team": "a"}, Description="d", Timeout=10, MemorySize=256))
    got = await lam.call("GetFunction", FunctionName="fn")
    assert got["Configuration"] == created
    assert got["Code"]["RepositoryType"] == "S3" and got["Code"]["Location"].startswith("https://")
    assert got["Tags"] == {"team": "a"}
    assert "Concurrency" not in got
    assert public(await lam.call("GetFunctionConfiguration", FunctionName="fn")) == created


async def test_function_names_arns_and_qualifiers(lam: LambdaClient) -> None:
    await lam.create("fn")
    for name in ("fn", arn("fn"), "000000000000:function:fn"):
        assert (await lam.call("GetFunctionConfiguration", FunctionName=name))["FunctionArn"] == arn("fn")
    for name, qualifier in ((f"{arn('fn')}:$LATEST", None), ("fn", "$LATEST"), ("fn:$LATEST", "$LATEST")):
        params = {"Qualifier": qualifier} if qualifier else {}
        got = await lam.call("GetFunctionConfiguration", FunctionName=name, **params)
        assert got["FunctionArn"] == arn("fn", "$LATEST")
    error = await error_of(lam.call("GetFunction", FunctionName="fn:$LATEST", Qualifier="1"))
    assert (error.status, error.code) == (400, "InvalidParameterValueException")
    assert (
        error.message
        == "The derived qualifier from the function name does not match the specified qualifier."
    )


async def test_unknown_function_is_aws_404_with_lambdas_error_body(lam: LambdaClient) -> None:
    error = await error_of(lam.call("GetFunction", FunctionName="nope"))
    assert (error.status, error.code) == (404, "ResourceNotFoundException")
    assert error.message == f"Function not found: {arn('nope')}"
    assert lam.last is not None
    assert lam.last.headers["x-amzn-ErrorType"] == "ResourceNotFoundException"
    assert orjson.loads(lam.last.body) == {"Type": "User", "Message": f"Function not found: {arn('nope')}"}
    error = await error_of(lam.call("GetFunctionConfiguration", FunctionName="nope", Qualifier="live"))
    assert error.message == f"Function not found: {arn('nope', 'live')}"
    await lam.create("fn")
    error = await error_of(lam.call("GetFunction", FunctionName="fn", Qualifier="7"))
    assert error.message == f"Function not found: {arn('fn', '7')}"
    error = await error_of(
        lam.call("GetFunction", FunctionName="arn:aws:lambda:eu-west-1:000000000000:function:fn")
    )
    assert error.code == "ResourceNotFoundException"


async def test_duplicate_function_is_a_conflict(lam: LambdaClient) -> None:
    first = await lam.create("fn")
    error = await error_of(lam.create("fn", Description="other"))
    assert (error.status, error.code, error.message) == (
        409,
        "ResourceConflictException",
        "Function already exist: fn",
    )
    assert lam.last is not None and orjson.loads(lam.last.body)["message"] == "Function already exist: fn"
    assert (await lam.call("GetFunctionConfiguration", FunctionName="fn"))["RevisionId"] == first[
        "RevisionId"
    ]


@pytest.mark.parametrize(
    ("params", "code", "message"),
    [
        ({"Runtime": "python9.9"}, "InvalidParameterValueException", "or be a valid ARN"),
        (
            {"Runtime": "java21"},
            "InvalidParameterValueException",
            "The runtime parameter of java21 is not supported",
        ),
        ({"Handler": None}, "InvalidParameterValueException", "Runtime and Handler are mandatory parameters"),
        ({"Handler": ""}, "ValidationException", "Value '' at 'handler' failed to satisfy constraint"),
        ({"Role": "lambda-role"}, "ValidationException", "Value 'lambda-role' at 'role' failed to satisfy"),
        (
            {"Code": {"ZipFile": b"not a zip"}},
            "InvalidParameterValueException",
            "Could not unzip uploaded file",
        ),
        (
            {"Code": {"ZipFile": zipped({"../escape.py": "x"})}},
            "InvalidParameterValueException",
            "Unsafe zip",
        ),
        ({"Code": {"S3Bucket": "bucket", "S3Key": "k.zip"}}, "InvalidParameterValueException", "no S3"),
        ({"Timeout": 100000}, "ValidationException", "at 'timeout' failed to satisfy constraint"),
        (
            {"Environment": {"Variables": {"AWS_REGION": "x"}}},
            "InvalidParameterValueException",
            "reserved keys",
        ),
        ({"Environment": {"Variables": {"1bad": "x"}}}, "ValidationException", "Map keys must satisfy"),
        (
            {"Environment": {"Variables": {"A": "x"}}},
            "ValidationException",
            "Value at 'environment.variables'",
        ),
        ({"Environment": {"Variables": {"BIG": "x" * 5000}}}, "InvalidParameterValueException", "4KB limit"),
    ],
)
async def test_bad_create_input_is_refused_and_changes_nothing(
    lam: LambdaClient, params: dict, code: str, message: str
) -> None:
    error = await error_of(lam.create("fn", **params))
    assert (error.status, error.code) == (400, code), error.message
    assert message in error.message
    assert await stored_functions(lam) == []
    async with lam.services.store.transaction() as tx:
        assert await tx.get_blob("anything") is None


async def test_node_runtime_without_node_is_refused_at_create(
    lam: LambdaClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    error = await error_of(lam.create("fn", Runtime="nodejs20.x", Handler="index.handler"))
    assert error.code == "InvalidParameterValueException"
    assert "needs Node.js" in error.message
    assert await stored_functions(lam) == []


async def test_missing_role_is_lambdas_validation_error(lam: LambdaClient) -> None:
    body = orjson.dumps({"FunctionName": "fn", "Runtime": "python3.12", "Handler": "a.b", "Code": {}})
    response = await lam.request(
        "POST", "/2015-03-31/functions", headers={"Content-Type": "application/json"}, body=body
    )
    assert response.status == 400
    assert response.headers["x-amzn-ErrorType"] == "ValidationException"
    assert response.json() == {
        "message": "1 validation error detected: Value null at 'role' failed to satisfy constraint: "
        "Member must not be null"
    }


async def test_list_functions_pages_with_marker(lam: LambdaClient) -> None:
    for name in ("e", "a", "c", "b", "d"):
        await lam.create(name)
    names, marker, pages = [], None, 0
    while True:
        params = {"MaxItems": 2} | ({"Marker": marker} if marker else {})
        page = await lam.call("ListFunctions", **params)
        names += [f["FunctionName"] for f in page["Functions"]]
        pages += 1
        marker = page.get("NextMarker")
        if not marker:
            break
    assert (names, pages) == (["a", "b", "c", "d", "e"], 3)
    item = (await lam.call("ListFunctions"))["Functions"][0]
    assert "State" not in item and "LastUpdateStatus" not in item and item["FunctionArn"] == arn("a")
    error = await error_of(lam.call("ListFunctions", Marker="garbage!"))
    assert error.code == "InvalidParameterValueException"


async def test_list_functions_all_versions(lam: LambdaClient) -> None:
    await lam.create("fn", Publish=True)
    listed = await lam.call("ListFunctions", FunctionVersion="ALL")
    assert [f["FunctionArn"] for f in listed["Functions"]] == [arn("fn", "$LATEST"), arn("fn", "1")]


async def test_update_configuration(lam: LambdaClient) -> None:
    created = await lam.create(
        "fn", source="import os\ndef handler(e, c):\n    return os.environ.get('GREETING')\n"
    )
    assert await lam.invoke_json("fn") is None
    updated = await lam.call(
        "UpdateFunctionConfiguration",
        FunctionName="fn",
        Environment={"Variables": {"GREETING": "hi"}},
        Timeout=30,
        MemorySize=512,
        Description="new",
        RevisionId=created["RevisionId"],
    )
    assert (updated["Timeout"], updated["MemorySize"], updated["Description"]) == (30, 512, "new")
    assert updated["Environment"] == {"Variables": {"GREETING": "hi"}}
    assert updated["RevisionId"] != created["RevisionId"]
    assert updated["CodeSha256"] == created["CodeSha256"]
    assert await lam.invoke_json("fn") == "hi"  # the warm environment was retired

    error = await error_of(
        lam.call(
            "UpdateFunctionConfiguration", FunctionName="fn", Timeout=5, RevisionId=created["RevisionId"]
        )
    )
    assert (error.status, error.code) == (412, "PreconditionFailedException")
    assert error.message.startswith("The Revision Id provided does not match the latest Revision Id.")
    error = await error_of(lam.call("UpdateFunctionConfiguration", FunctionName="fn", Runtime="cobol"))
    assert error.code == "InvalidParameterValueException"
    error = await error_of(lam.call("UpdateFunctionConfiguration", FunctionName="fn", MemorySize=40000))
    assert error.code == "ValidationException"
    assert public(await lam.call("GetFunctionConfiguration", FunctionName="fn")) == public(updated)


async def test_update_handler_and_runtime(lam: LambdaClient) -> None:
    source = "def handler(e, c):\n    return 'one'\ndef other(e, c):\n    return 'two'\n"
    await lam.create("fn", source=source)
    await lam.call(
        "UpdateFunctionConfiguration", FunctionName="fn", Handler="app.other", Runtime="python3.11"
    )
    assert await lam.invoke_json("fn") == "two"


async def test_update_code_and_publish(lam: LambdaClient) -> None:
    created = await lam.create("fn", source="def handler(e, c):\n    return 'v1'\n")
    new_code = zipped({"app.py": "def handler(e, c):\n    return 'v2'\n"})
    updated = await lam.call("UpdateFunctionCode", FunctionName="fn", ZipFile=new_code)
    assert updated["CodeSha256"] != created["CodeSha256"]
    assert updated["CodeSize"] == len(new_code)
    assert updated["FunctionArn"] == arn("fn")
    assert await lam.invoke_json("fn") == "v2"
    published = await lam.call(
        "UpdateFunctionCode",
        FunctionName="fn",
        Publish=True,
        ZipFile=zipped({"app.py": "def handler(e, c):\n    return 'v3'\n"}),
    )
    assert (published["Version"], published["FunctionArn"]) == ("1", arn("fn", "1"))
    assert await lam.invoke_json("fn", Qualifier="1") == "v3"
    async with lam.services.store.transaction() as tx:  # the first code is referenced by nothing now
        assert await tx.get_blob(created["CodeSha256"]) is None
        assert await tx.get_blob(published["CodeSha256"]) is not None


async def test_delete_function_removes_everything(lam: LambdaClient) -> None:
    created = await lam.create("fn", Publish=True)
    await lam.call("CreateAlias", FunctionName="fn", Name="live", FunctionVersion="1")
    await lam.invoke_json("fn")
    deleted = await lam.call("DeleteFunction", FunctionName="fn")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    for call in (
        lam.call("GetFunction", FunctionName="fn"),
        lam.call("GetAlias", FunctionName="fn", Name="live"),
    ):
        assert (await error_of(call)).code == "ResourceNotFoundException"
    assert lam.services.lambdas.runtime.environments(arn("fn")) == 0
    async with lam.services.store.transaction() as tx:
        assert await tx.get_blob(created["CodeSha256"]) is None
    error = await error_of(lam.call("DeleteFunction", FunctionName="fn"))
    assert (error.status, error.message) == (404, f"Function not found: {arn('fn')}")


async def test_delete_a_version(lam: LambdaClient) -> None:
    await lam.create("fn", Publish=True)
    await lam.call("UpdateFunctionConfiguration", FunctionName="fn", Description="2")
    await lam.call("PublishVersion", FunctionName="fn")
    await lam.call(
        "CreateAlias",
        FunctionName="fn",
        Name="live",
        FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    for version in ("1", "2"):
        error = await error_of(lam.call("DeleteFunction", FunctionName="fn", Qualifier=version))
        assert (error.status, error.code) == (409, "ResourceConflictException")
        assert error.message == "Unable to delete version because the following aliases reference it: [live]"
    error = await error_of(lam.call("DeleteFunction", FunctionName="fn", Qualifier="$LATEST"))
    assert error.message == "$LATEST version cannot be deleted without deleting the function."
    await lam.call("DeleteAlias", FunctionName="fn", Name="live")
    await lam.call("DeleteFunction", FunctionName="fn:2")
    versions = await lam.call("ListVersionsByFunction", FunctionName="fn")
    assert [v["Version"] for v in versions["Versions"]] == ["$LATEST", "1"]
    assert (await lam.call("GetFunction", FunctionName="fn"))["Configuration"]["FunctionName"] == "fn"


async def test_tags(lam: LambdaClient) -> None:
    await lam.create("fn", Tags={"a": "1"})
    await lam.call("TagResource", Resource=arn("fn"), Tags={"b": "2"})
    assert (await lam.call("ListTags", Resource=arn("fn")))["Tags"] == {"a": "1", "b": "2"}
    await lam.call("UntagResource", Resource=arn("fn"), TagKeys=["a"])
    assert (await lam.call("GetFunction", FunctionName="fn"))["Tags"] == {"b": "2"}
    error = await error_of(lam.call("TagResource", Resource=arn("fn", "1"), Tags={"c": "3"}))
    assert error.code == "InvalidParameterValueException"


async def test_a_package_of_tens_of_megabytes_is_taken_as_on_aws(lam: LambdaClient) -> None:
    # 20 MB that does not compress: ~27 MB of base64 in the request body, under AWS's 50 MB quota.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("app.py", ECHO)
        archive.writestr("blob.bin", os.urandom(20 * 1024 * 1024))
    created = await lam.create("big", Code={"ZipFile": buffer.getvalue()})
    assert created["CodeSize"] == len(buffer.getvalue())
    assert (await lam.call("Invoke", FunctionName="big", Payload=b'{"a": 1}'))["StatusCode"] == 200
