"""The SigV4 credential scope gives the region (and access key); no signature checks."""

from __future__ import annotations

from apigate.control.sigv4 import CredentialScope, credential_scope, parse_authorization, region_of

BOTO = (
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/eu-central-1/apigateway/aws4_request, "
    "SignedHeaders=accept;host;x-amz-date, Signature=deadbeef"
)


def test_parses_what_botocore_sends() -> None:
    assert parse_authorization(BOTO) == CredentialScope(
        "AKIDEXAMPLE", "20240501", "eu-central-1", "apigateway"
    )


def test_region_of_falls_back_to_the_default() -> None:
    assert region_of({"authorization": BOTO}, "us-east-1") == "eu-central-1"
    assert region_of({}, "us-east-1") == "us-east-1"
    for bad in (
        "Basic dXNlcjpwYXNz",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=x",
        "AWS4-HMAC-SHA256 Credential=AKID/20240501/apigateway/aws4_request, Signature=x",
        "AWS4-HMAC-SHA256 Credential=AKID/20240501//apigateway/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKID/20240501/us-west-2/apigateway/aws5_request",
        "",
    ):
        assert region_of({"authorization": bad}, "us-east-1") == "us-east-1", bad


def test_presigned_query_credential() -> None:
    query = {"X-Amz-Credential": "AKID%2F20240501%2Fap-south-1%2Fexecute-api%2Faws4_request"}
    scope = credential_scope({}, query)
    assert scope is not None
    assert (scope.access_key, scope.region, scope.service) == ("AKID", "ap-south-1", "execute-api")
    assert region_of({}, "us-east-1", query) == "ap-south-1"
