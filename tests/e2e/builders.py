"""Short-hands for building APIs through the real management API (boto3), as a user would."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.e2e.harness import Gateway, HttpResponse, UrlForm, http_request


@dataclass
class Api:
    """A REST API under construction: ids of what was created, keyed by resource path."""

    client: Any
    id: str
    root_id: str
    resources: dict[str, str] = field(default_factory=dict)

    def resource(self, path: str) -> str:
        """The id of ``path`` (``/a/{b}/c``), creating missing resources along the way."""
        if path in ("", "/"):
            return self.root_id
        if path in self.resources:
            return self.resources[path]
        parent_path, _, part = path.rstrip("/").rpartition("/")
        parent = self.resource(parent_path or "/")
        created = self.client.create_resource(restApiId=self.id, parentId=parent, pathPart=part)
        self.resources[path] = created["id"]
        return str(created["id"])

    def method(self, path: str, http_method: str, **kwargs: Any) -> str:
        resource_id = self.resource(path)
        kwargs.setdefault("authorizationType", "NONE")
        self.client.put_method(restApiId=self.id, resourceId=resource_id, httpMethod=http_method, **kwargs)
        return resource_id

    def mock(
        self,
        path: str,
        http_method: str,
        *,
        request_template: str = '{"statusCode": 200}',
        responses: list[dict[str, Any]] | None = None,
        method_kwargs: dict[str, Any] | None = None,
        **integration: Any,
    ) -> str:
        """A MOCK method; ``responses`` are PutIntegrationResponse arguments (with ``statusCode``).

        A method response is declared for every status code used.
        """
        resource_id = self.method(path, http_method, **(method_kwargs or {}))
        self.client.put_integration(
            restApiId=self.id, resourceId=resource_id, httpMethod=http_method, type="MOCK",
            requestTemplates={"application/json": request_template}, **integration,
        )
        self.responses(path, http_method, responses or [{"statusCode": "200"}])
        return resource_id

    def http(self, path: str, http_method: str, *, type: str, uri: str,
             integration_method: str | None = None, responses: list[dict[str, Any]] | None = None,
             method_kwargs: dict[str, Any] | None = None, **integration: Any) -> str:
        """An HTTP or HTTP_PROXY method (non-proxy ones get ``responses`` like ``mock``)."""
        resource_id = self.method(path, http_method, **(method_kwargs or {}))
        self.client.put_integration(
            restApiId=self.id, resourceId=resource_id, httpMethod=http_method, type=type, uri=uri,
            integrationHttpMethod=integration_method or ("GET" if http_method == "ANY" else http_method),
            **integration,
        )
        if responses:
            self.responses(path, http_method, responses)
        return resource_id

    def function(self, path: str, http_method: str, *, type: str, function_arn: str,
                 responses: list[dict[str, Any]] | None = None, method_kwargs: dict[str, Any] | None = None,
                 **integration: Any) -> str:
        """An AWS (custom) or AWS_PROXY method invoking ``function_arn`` (POST, as Lambda requires).

        ``function_arn`` may name a version or alias and hold ``${stageVariables.x}``.
        """
        resource_id = self.method(path, http_method, **(method_kwargs or {}))
        region = function_arn.split(":")[3] or "us-east-1"
        uri = f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{function_arn}/invocations"
        integration.setdefault("integrationHttpMethod", "POST")
        self.client.put_integration(
            restApiId=self.id, resourceId=resource_id, httpMethod=http_method, type=type, uri=uri,
            **integration,
        )
        if responses:
            self.responses(path, http_method, responses)
        return resource_id

    def responses(self, path: str, http_method: str, responses: list[dict[str, Any]]) -> None:
        resource_id = self.resource(path)
        declared: set[str] = set()
        for response in responses:
            status = str(response["statusCode"])
            if status not in declared:
                # Integration-response parameters may only set headers the method response declares.
                method_params = {name: False for name in response.get("responseParameters", {})}
                self.client.put_method_response(
                    restApiId=self.id, resourceId=resource_id, httpMethod=http_method, statusCode=status,
                    **({"responseParameters": method_params} if method_params else {}),
                )
                declared.add(status)
            self.client.put_integration_response(
                restApiId=self.id, resourceId=resource_id, httpMethod=http_method, **response,
            )

    def deploy(self, stage: str = "test", **kwargs: Any) -> str:
        return str(self.client.create_deployment(restApiId=self.id, stageName=stage, **kwargs)["id"])


def create_api(client: Any, name: str = "e2e-api", **kwargs: Any) -> Api:
    created = client.create_rest_api(name=name, **kwargs)
    return Api(client=client, id=created["id"], root_id=created["rootResourceId"])


def invoke(
    gateway: Gateway,
    api_id: str,
    stage: str,
    path: str = "",
    *,
    method: str = "GET",
    form: UrlForm = "path",
    **kwargs: Any,
) -> HttpResponse:
    """Call a deployed stage through one of the two invoke URL forms."""
    return http_request(method, gateway.execute_url(api_id, stage, path, form=form), **kwargs)
