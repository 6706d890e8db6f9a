"""REST APIs given by id or by name, as the user wrote them on the command line."""

from __future__ import annotations

from typing import Any

from apigate.client.errors import ClientFailure


def rest_apis(apigateway: Any) -> list[dict[str, Any]]:
    """Every REST API of the region, all pages."""
    items: list[dict[str, Any]] = []
    for page in apigateway.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 500}):
        items += page.get("items", [])
    return items


def find_api(apis: list[dict[str, Any]], ref: str) -> dict[str, Any]:
    """The API whose id is ``ref``, else the only one named ``ref``.

    An id wins over a name (an API may be named like another one's id). Several APIs may share a
    name on AWS and here: then the user must choose, and the error lists the candidates' ids.
    """
    for api in apis:
        if api.get("id") == ref:
            return api
    named = [api for api in apis if api.get("name") == ref]
    if len(named) == 1:
        return named[0]
    if not named:
        raise ClientFailure(f"NotFoundException: no REST API has the id or name {ref!r}")
    ids = ", ".join(sorted(str(api["id"]) for api in named))
    raise ClientFailure(f"{len(named)} REST APIs are named {ref!r} (ids: {ids}); give one of the ids")


def resolve_api(apigateway: Any, ref: str) -> dict[str, Any]:
    """``find_api`` over the gateway's REST APIs."""
    return find_api(rest_apis(apigateway), ref)
