"""The management view of a REST API that a round trip must preserve, with its ids taken out.

``management_view`` reads an API through boto3 (GetRestApi, GetResources?embed=methods, GetModels,
GetRequestValidators, GetAuthorizers, GetGatewayResponses, GetDocumentationParts) and writes every
id as what it names: resources by path, authorizers and validators by name, the API id as ``<api>``.
Two APIs with equal views serve the same routes the same way.
"""

from __future__ import annotations

import json
from typing import Any

# Members of a RestApi that describe the API (not its identity or creation).
API_MEMBERS = (
    "name",
    "description",
    "version",
    "binaryMediaTypes",
    "apiKeySource",
    "minimumCompressionSize",
    "policy",
    "disableExecuteApiEndpoint",
    "endpointConfiguration",
)


def _items(call: Any, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paginated v1 list."""
    items: list[dict[str, Any]] = []
    position = None
    while True:
        page = call(**params, limit=500, **({"position": position} if position else {}))
        items.extend(page.get("items", []))
        position = page.get("position")
        if not position:
            return items


def _json(text: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return text


def _schema(text: Any) -> Any:
    schema = _json(text)
    if isinstance(schema, dict):
        schema = {k: v for k, v in schema.items() if k != "$schema"}
    return schema


def _method(method: dict[str, Any], resource: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    out = {k: v for k, v in method.items() if k != "ResponseMetadata"}
    for member in ("authorizerId", "requestValidatorId"):
        if member in out:
            out[member] = names.get(out[member], out[member])
    integration = dict(out.get("methodIntegration") or {})
    if integration.get("cacheNamespace") == resource["id"]:
        integration["cacheNamespace"] = "<resource>"
    if integration:
        out["methodIntegration"] = integration
    return out


def view_of(
    api: dict[str, Any],
    resources: list[dict[str, Any]],
    models: list[dict[str, Any]],
    validators: list[dict[str, Any]],
    authorizers: list[dict[str, Any]],
    gateway_responses: list[dict[str, Any]],
    documentation: list[dict[str, Any]],
) -> dict[str, Any]:
    """The view of what GetRestApi, GetResources, ... answered (pure: tested on its own below)."""
    names = {v["id"]: v.get("name", "") for v in validators} | {a["id"]: a["name"] for a in authorizers}
    view = {
        "api": {k: api[k] for k in API_MEMBERS if k in api},
        "resources": {
            r["path"]: {verb: _method(m, r, names) for verb, m in (r.get("resourceMethods") or {}).items()}
            for r in resources
        },
        # An OpenAPI document carries neither a model's description nor (as AWS exports it) the
        # schema's "$schema": both are lost by a round trip on AWS too.
        "models": {
            m["name"]: {"contentType": m.get("contentType"), "schema": _schema(m.get("schema"))}
            for m in models
        },
        "validators": {v.get("name"): {k: v[k] for k in v if k not in ("id", "name")} for v in validators},
        "authorizers": {a["name"]: {k: a[k] for k in a if k not in ("id", "name")} for a in authorizers},
        "gatewayResponses": {g["responseType"]: g for g in gateway_responses},
        "documentation": sorted(
            (json.dumps(d.get("location"), sort_keys=True), _json(d.get("properties"))) for d in documentation
        ),
    }
    return json.loads(json.dumps(view, sort_keys=True, default=str).replace(api["id"], "<api>"))


def management_view(apigw: Any, api_id: str) -> dict[str, Any]:
    return view_of(
        apigw.get_rest_api(restApiId=api_id),
        _items(apigw.get_resources, restApiId=api_id, embed=["methods"]),
        _items(apigw.get_models, restApiId=api_id),
        _items(apigw.get_request_validators, restApiId=api_id),
        _items(apigw.get_authorizers, restApiId=api_id),
        _items(apigw.get_gateway_responses, restApiId=api_id),
        _items(apigw.get_documentation_parts, restApiId=api_id),
    )


def test_view_names_what_ids_point_at() -> None:
    api = {"id": "a1", "name": "n", "createdDate": 1, "policy": "arn:...:a1/*"}
    resources = [
        {
            "id": "r1",
            "path": "/x",
            "resourceMethods": {
                "GET": {
                    "authorizerId": "z9",
                    "requestValidatorId": "v1",
                    "methodIntegration": {"cacheNamespace": "r1"},
                }
            },
        }
    ]
    view = view_of(
        api,
        resources,
        [{"id": "m", "name": "M", "schema": '{"$ref": "x/a1/models/N"}'}],
        [{"id": "v1", "name": "all"}],
        [{"id": "z9", "name": "tok", "type": "TOKEN"}],
        [],
        [],
    )
    assert view["api"] == {"name": "n", "policy": "arn:...:<api>/*"}
    assert view["resources"]["/x"]["GET"] == {
        "authorizerId": "tok",
        "requestValidatorId": "all",
        "methodIntegration": {"cacheNamespace": "<resource>"},
    }
    assert view["models"]["M"]["schema"] == {"$ref": "x/<api>/models/N"}
    assert view["authorizers"] == {"tok": {"type": "TOKEN"}}


def differences(left: Any, right: Any, where: str = "") -> list[str]:
    """Where two views (or answers) differ, one line each: what a failed round trip reports."""
    if isinstance(left, dict) and isinstance(right, dict):
        found: list[str] = []
        for key in sorted(set(left) | set(right), key=str):
            if key not in right or key not in left:
                side = "only before" if key not in right else "only after"
                value = left.get(key, right.get(key))
                found.append(f"{where}/{key}: {side}: {json.dumps(value, default=str)[:300]}")
            else:
                found.extend(differences(left[key], right[key], f"{where}/{key}"))
        return found
    if isinstance(left, list | tuple) and isinstance(right, list | tuple) and len(left) == len(right):
        return [
            d
            for i, (a, b) in enumerate(zip(left, right, strict=True))
            for d in differences(a, b, f"{where}[{i}]")
        ]
    if left != right:
        return [f"{where}: {json.dumps(left, default=str)[:300]} != {json.dumps(right, default=str)[:300]}"]
    return []
