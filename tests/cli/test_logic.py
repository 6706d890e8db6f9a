"""The CLI's pure parts: API names, the previous deployment, invoke URLs, endpoints, KEY=VALUE."""

from __future__ import annotations

import datetime as dt

import click
import pytest

from apigate.client.apis import invoke_url, previous_deployment
from apigate.client.errors import ClientFailure
from apigate.client.names import find_api
from apigate.client.session import EndpointError, check_endpoint
from apigate.commands.common import KeyValue

APIS = [
    {"id": "aaaaaaaaaa", "name": "shop"},
    {"id": "bbbbbbbbbb", "name": "dup"},
    {"id": "cccccccccc", "name": "dup"},
    {"id": "dddddddddd", "name": "aaaaaaaaaa"},  # named like another API's id
]


def test_an_api_is_found_by_id_or_by_its_unique_name() -> None:
    assert find_api(APIS, "bbbbbbbbbb")["id"] == "bbbbbbbbbb"
    assert find_api(APIS, "shop")["id"] == "aaaaaaaaaa"


def test_an_id_wins_over_a_name() -> None:
    assert find_api(APIS, "aaaaaaaaaa")["id"] == "aaaaaaaaaa"


def test_an_ambiguous_name_lists_the_ids() -> None:
    with pytest.raises(ClientFailure) as failure:
        find_api(APIS, "dup")
    assert str(failure.value) == (
        "2 REST APIs are named 'dup' (ids: bbbbbbbbbb, cccccccccc); give one of the ids"
    )


def test_an_unknown_api() -> None:
    with pytest.raises(ClientFailure, match="NotFoundException: no REST API has the id or name 'nope'"):
        find_api(APIS, "nope")


def _at(second: int) -> dt.datetime:
    return dt.datetime(2024, 5, 1, 12, 0, second, tzinfo=dt.UTC)


def test_previous_is_the_newest_deployment_older_than_the_current_one() -> None:
    items = [{"id": "c", "createdDate": _at(3)}, {"id": "a", "createdDate": _at(1)},
             {"id": "b", "createdDate": _at(2)}]
    assert previous_deployment(items, "c") == {"id": "b", "createdDate": _at(2)}
    assert previous_deployment(items, "b")["id"] == "a"  # type: ignore[index]
    assert previous_deployment(items, "a") is None  # the oldest
    assert previous_deployment(items, "zzz") is None


def test_deployments_of_the_same_second_keep_the_listed_order() -> None:
    items = [{"id": "first", "createdDate": _at(1)}, {"id": "second", "createdDate": _at(1)}]
    assert previous_deployment(items, "second")["id"] == "first"  # type: ignore[index]
    assert previous_deployment(items, "first") is None


def test_invoke_url_is_the_path_form() -> None:
    assert invoke_url("http://127.0.0.1:4566/", "abc", "dev") == (
        "http://127.0.0.1:4566/restapis/abc/dev/_user_request_/"
    )


@pytest.mark.parametrize("endpoint", ["localhost:4566", "ftp://x", "http://", "http://h:99999"])
def test_bad_endpoints(endpoint: str) -> None:
    with pytest.raises(EndpointError):
        check_endpoint(endpoint)


def test_good_endpoint_loses_its_trailing_slash() -> None:
    assert check_endpoint("https://gw.example:8443/") == "https://gw.example:8443"


def test_key_value() -> None:
    kv = KeyValue()
    assert kv.convert("a=b=c", None, None) == ("a", "b=c")
    assert kv.convert("empty=", None, None) == ("empty", "")
    for bad in ("novalue", "=x"):
        with pytest.raises(click.BadParameter):
            kv.convert(bad, None, None)
