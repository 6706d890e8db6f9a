"""ManagementApi end to end as an ASGI app: botocore's own requests in, botocore's parser on the way out."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import orjson
import pytest
from botocore.exceptions import ClientError

from apigate.config import Settings
from apigate.control.dispatch import ManagementApi, parse_query
from apigate.control.errors import NotFoundException
from apigate.control.protocol import ServiceProtocol
from apigate.control.registry import HANDLERS, ControlContext, Handler
from tests.control.test_protocol import TOY
from tests.support.asgi import request
from tests.support.client import AwsClient

SETTINGS = Settings(state_dir=None, region="us-east-1", account_id="123456789012", port=0)


@pytest.fixture
def api() -> ManagementApi:
    return ManagementApi(SimpleNamespace(settings=SETTINGS, store=object()))


@contextmanager
def handling(name: str, fn: Handler | None, service: str = "apigateway") -> Iterator[None]:
    """Install ``fn`` as the handler of ``service.name`` (None: no handler) for the block only."""
    key = (service, name)
    previous = HANDLERS.pop(key, None)
    if fn is not None:
        HANDLERS[key] = fn
    try:
        yield
    finally:
        HANDLERS.pop(key, None)
        if previous is not None:
            HANDLERS[key] = previous


class Recorder:
    """A throwaway handler that remembers what it was given and answers ``result``."""

    def __init__(self, result: dict[str, Any] | None = None, error: Exception | None = None) -> None:
        self.result = result
        self.error = error
        self.ctx: ControlContext | None = None
        self.params: dict[str, Any] | None = None

    async def __call__(self, ctx: ControlContext, params: dict[str, Any]) -> dict[str, Any] | None:
        self.ctx, self.params = ctx, params
        if self.error is not None:
            raise self.error
        return self.result


async def test_create_rest_api_round_trip_through_botocore(api: ManagementApi) -> None:
    handler = Recorder(
        {"id": "abc123defg", "name": "demo", "createdDate": 1700000000, "_region": "us-east-1"}
    )
    with handling("CreateRestApi", handler):
        out = await AwsClient(api).call(
            "CreateRestApi", name="demo", binaryMediaTypes=["image/png"], tags={"a": "b"}
        )
    assert handler.params == {"name": "demo", "binaryMediaTypes": ["image/png"], "tags": {"a": "b"}}
    assert out["id"] == "abc123defg"
    assert out["createdDate"].timestamp() == 1700000000
    assert "_region" not in out
    meta = out["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 201
    assert handler.ctx is not None
    assert meta["RequestId"] == handler.ctx.request_id
    uuid.UUID(handler.ctx.request_id)
    assert meta["HTTPHeaders"]["content-type"] == "application/json"


async def test_context_carries_store_settings_and_services(api: ManagementApi) -> None:
    handler = Recorder({})
    with handling("GetRestApi", handler):
        await AwsClient(api).call("GetRestApi", restApiId="abc")
    ctx = handler.ctx
    assert ctx is not None
    assert ctx.store is api.services.store
    assert ctx.settings is SETTINGS
    assert ctx.services is api.services
    assert ctx.account_id == "123456789012"
    assert ctx.region == "us-east-1"


async def test_region_comes_from_the_sigv4_credential_scope(api: ManagementApi) -> None:
    handler = Recorder({})
    with handling("GetRestApi", handler):
        await AwsClient(api, region="eu-west-2").call("GetRestApi", restApiId="abc")
    assert handler.ctx is not None
    assert handler.ctx.region == "eu-west-2"


async def test_renamed_members_arn_labels_and_lists(api: ManagementApi) -> None:
    put = Recorder({"type": "HTTP", "httpMethod": "POST", "uri": "http://example.com"})
    tag = Recorder(None)
    untag = Recorder(None)
    with handling("PutIntegration", put), handling("TagResource", tag), handling("UntagResource", untag):
        caller = AwsClient(api)
        out = await caller.call(
            "PutIntegration",
            restApiId="a",
            resourceId="r",
            httpMethod="GET",
            type="HTTP",
            integrationHttpMethod="POST",
            uri="http://example.com",
        )
        arn = "arn:aws:apigateway:us-east-1::/restapis/abc/stages/dev"
        await caller.call("TagResource", resourceArn=arn, tags={"k": "v"})
        await caller.call("UntagResource", resourceArn=arn, tagKeys=["k", "j"])
    assert put.params == {
        "restApiId": "a",
        "resourceId": "r",
        "httpMethod": "GET",
        "type": "HTTP",
        "integrationHttpMethod": "POST",
        "uri": "http://example.com",
    }
    assert out["httpMethod"] == "POST"
    assert tag.params == {"resourceArn": arn, "tags": {"k": "v"}}
    assert untag.params == {"resourceArn": arn, "tagKeys": ["k", "j"]}


async def test_import_blob_payload_and_export_blob_output(api: ManagementApi) -> None:
    imported = Recorder({"id": "i", "name": "imported"})
    exported = Recorder({"body": b"openapi: 3.0.1\n", "contentType": "application/yaml"})
    with handling("ImportRestApi", imported), handling("GetExport", exported):
        caller = AwsClient(api)
        await caller.call(
            "ImportRestApi",
            body=b'{"openapi": "3.0.1"}',
            failOnWarnings=True,
            parameters={"endpointConfigurationTypes": "REGIONAL", "basepath": "ignore"},
        )
        out = await caller.call(
            "GetExport", restApiId="a", stageName="dev", exportType="oas30", accepts="application/yaml"
        )
    assert imported.params == {
        "body": b'{"openapi": "3.0.1"}',
        "failOnWarnings": True,
        "parameters": {"endpointConfigurationTypes": "REGIONAL", "basepath": "ignore"},
    }
    assert exported.params is not None
    assert exported.params["accepts"] == "application/yaml"
    body = out["body"]  # botocore hands a non-streaming blob payload back as it read it
    assert (body.encode() if isinstance(body, str) else body) == b"openapi: 3.0.1\n"
    assert out["contentType"] == "application/yaml"


async def test_handler_errors_become_aws_errors(api: ManagementApi) -> None:
    handler = Recorder(error=NotFoundException("Invalid API identifier specified 123456789012:nope"))
    with handling("GetRestApi", handler):
        caller = AwsClient(api)
        with pytest.raises(ClientError) as info:
            await caller.call("GetRestApi", restApiId="nope")
    error = info.value.response
    assert error["Error"] == {
        "Code": "NotFoundException",
        "Message": "Invalid API identifier specified 123456789012:nope",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert caller.last is not None
    assert caller.last.headers["x-amzn-errortype"] == "NotFoundException"
    assert caller.last.json() == {"message": "Invalid API identifier specified 123456789012:nope"}
    uuid.UUID(caller.last.headers["x-amzn-requestid"])


async def test_unexpected_exception_is_logged_never_sent(
    api: ManagementApi, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder(error=RuntimeError("secret internals /etc/passwd"))
    with handling("GetRestApi", handler), caplog.at_level(logging.ERROR, logger="apigate.control.dispatch"):
        result = await request(api, "GET", "/restapis/abc")
    assert result.status == 500
    assert result.headers["x-amzn-errortype"] == "InternalFailure"
    assert b"secret" not in result.body and b"Traceback" not in result.body
    assert result.json() == {"message": "An internal error occurred. Please try again later."}
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


async def test_operation_without_a_handler_names_itself(api: ManagementApi) -> None:
    with handling("GetSdkTypes", None):
        result = await request(api, "GET", "/sdktypes")
    assert result.status == 501
    assert result.headers["x-amzn-errortype"] == "NotImplementedException"
    assert "GetSdkTypes" in result.json()["message"]


async def test_unknown_path_is_an_aws_shaped_404(api: ManagementApi) -> None:
    for method, path in (("GET", "/nothing/here"), ("POST", "/restapis/abc"), ("GET", "/")):
        result = await request(api, method, path)
        assert result.status == 404
        assert result.headers["x-amzn-errortype"] == "UnknownOperationException"
        assert result.headers["content-type"] == "application/json"
        assert "message" in result.json()


async def test_validation_errors_reach_the_client(api: ManagementApi) -> None:
    with handling("UpdateRestApi", Recorder({})):
        caller = AwsClient(api)
        with pytest.raises(ClientError) as info:
            await caller.call(
                "UpdateRestApi", restApiId="a", patchOperations=[{"op": "wrong", "path": "/name"}]
            )
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


async def test_missing_required_member_and_bad_json(api: ManagementApi) -> None:
    with handling("CreateRestApi", Recorder({})):
        missing = await request(api, "POST", "/restapis", body=b"{}")
        broken = await request(api, "POST", "/restapis", body=b'{"name": "x"')
    assert missing.status == 400
    assert missing.headers["x-amzn-errortype"] == "BadRequestException"
    assert "createRestApiInput.name" in missing.json()["message"]
    assert broken.status == 400
    assert broken.headers["x-amzn-errortype"] == "BadRequestException"


async def test_body_in_several_chunks(api: ManagementApi) -> None:
    handler = Recorder({"id": "x"})
    with handling("CreateRestApi", handler):
        result = await request(api, "POST", "/restapis", body=[b'{"na', b'me": "chu', b'nked"}'])
    assert result.status == 201
    assert handler.params == {"name": "chunked"}


async def test_raw_path_keeps_encoded_slashes_in_one_label(api: ManagementApi) -> None:
    handler = Recorder({"tags": {"a": "b"}})
    with handling("GetTags", handler):
        result = await request(
            api, "GET", "/tags/arn%3Aaws%3Aapigateway%3Aus-east-1%3A%3A%2Frestapis%2Fabc"
        )
    assert result.status == 200
    assert result.json() == {"tags": {"a": "b"}}
    assert handler.params == {"resourceArn": "arn:aws:apigateway:us-east-1::/restapis/abc"}


async def test_query_string_as_bytes_and_repeated_keys(api: ManagementApi) -> None:
    handler = Recorder({"items": []})
    with handling("GetResources", handler):
        result = await request(api, "GET", "/restapis/a/resources", query="embed=methods&limit=5&position=")
    assert result.status == 200
    assert result.json() == {"item": []}
    assert handler.params == {"restApiId": "a", "embed": ["methods"], "limit": 5, "position": ""}
    assert parse_query(b"tagKeys=a&tagKeys=b&x=") == {"tagKeys": ["a", "b"], "x": [""]}


async def test_delete_answers_an_empty_body(api: ManagementApi) -> None:
    with handling("DeleteRestApi", Recorder(None)):
        result = await request(api, "DELETE", "/restapis/a")
    assert (result.status, result.body) == (202, b"")
    assert result.headers["content-length"] == "0"


async def test_non_http_scopes_are_ignored(api: ManagementApi) -> None:
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "lifespan.startup"}

    async def send(message: Any) -> None:
        sent.append(message)

    await api({"type": "lifespan"}, receive, send)
    assert sent == []


async def test_another_service_is_routed_by_its_first_segment() -> None:
    toy = ServiceProtocol("toy", TOY)
    api = ManagementApi(SimpleNamespace(settings=SETTINGS, store=None), protocols=(toy,))
    handler = Recorder({"Id": "t1", "Created": 1700000000, "Etag": "e"})
    with handling("GetThing", handler, service="toy"):
        result = await request(api, "GET", "/things/t1")
    assert result.status == 200
    assert result.json() == {"id": "t1", "createdAt": "2023-11-14T22:13:20Z"}
    assert result.headers["etag"] == "e"
    assert handler.params == {"id": "t1"}
    with handling("GetRestApis", Recorder({"items": []})):
        assert (await request(api, "GET", "/restapis")).status == 200


def test_two_services_claiming_one_first_segment_fail_at_start_up() -> None:
    clash = {
        **TOY,
        "operations": {
            "GetThing": {
                **TOY["operations"]["GetThing"],
                "http": {"method": "GET", "requestUri": "/restapis/{id}"},
            }
        },
    }
    with pytest.raises(ValueError, match="both route /restapis/"):
        ManagementApi(
            SimpleNamespace(settings=SETTINGS, store=None), protocols=(ServiceProtocol("toy", clash),)
        )


async def test_error_body_is_json_with_only_a_message(api: ManagementApi) -> None:
    result = await request(api, "GET", "/nothing")
    assert set(orjson.loads(result.body)) == {"message"}
