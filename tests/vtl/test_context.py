"""``$context`` and ``$stageVariables`` in templates."""

from __future__ import annotations

from apigate.vtl import compile_template
from apigate.vtl.context import context_variables, lookup, request_time
from tests.integrations.contexts import API_ID, EPOCH_MS, REQUEST_ID, build_context, integration


def test_context_variables_of_a_rest_request() -> None:
    ctx = build_context(integration(), verb="POST", path="/pets/5", headers=[("User-Agent", "curl/8")])
    source = "|".join(
        f"$context.{name}"
        for name in (
            "accountId", "apiId", "stage", "requestId", "extendedRequestId", "httpMethod", "resourceId",
            "resourcePath", "path", "protocol", "requestTime", "requestTimeEpoch", "domainName",
            "domainPrefix", "deploymentId", "isCanaryRequest", "identity.sourceIp", "identity.userAgent",
            "identity.apiKey", "authorizer.principalId",
        )
    )
    out = compile_template(source).render(ctx, b"").split("|")
    assert out == [
        "123456789012", API_ID, "test", REQUEST_ID, "Gx1aBcDeFgHiJk=", "POST", "res123",
        "/pets/{id}", "/test/pets/5", "HTTP/1.1", "14/Nov/2023:22:13:20 +0000", str(EPOCH_MS),
        f"{API_ID}.execute-api.us-east-1.amazonaws.com", API_ID, "dep456", "false", "10.1.2.3", "curl/8",
        "", "",
    ]


def test_request_time_is_clf_with_english_month_names() -> None:
    assert request_time(0) == "01/Jan/1970:00:00:00 +0000"
    assert request_time(1_719_792_000_000) == "01/Jul/2024:00:00:00 +0000"


def test_lookup_of_dotted_names() -> None:
    variables = context_variables(build_context(integration()))
    assert lookup(variables, "identity.sourceIp") == "10.1.2.3"
    assert lookup(variables, "identity.nothing.deeper") is None
    assert lookup(variables, "stage.more") is None


def test_context_variables_are_computed_on_demand_and_print_whole() -> None:
    variables = context_variables(build_context(integration()))
    assert dict.__len__(variables) == 0
    assert variables["stage"] == "test" and dict.__len__(variables) == 1
    printed = str(variables)
    assert printed.startswith("{stage=test, accountId=123456789012, apiId=")
    assert "identity={" in printed
    assert "requestTime" in variables.keySet()


def test_internals_are_not_template_properties() -> None:
    out = compile_template("[$context._ctx][$context.items]").render(build_context(integration()), b"")
    assert out == "[][]"
