"""v1 paging: default and maximum limits, opaque positions, bad tokens."""

from __future__ import annotations

import pytest

from apigate.control.errors import BadRequestException
from apigate.control.paging import decode_position, encode_position, paginate

ITEMS = list(range(60))


def test_default_limit_is_25_and_pages_chain_to_the_end() -> None:
    seen: list[int] = []
    position = None
    pages = 0
    while True:
        page = paginate(ITEMS, position, None)
        pages += 1
        assert len(page["items"]) <= 25
        seen += page["items"]
        position = page.get("position")
        if position is None:
            break
    assert seen == ITEMS
    assert pages == 3


def test_last_page_has_no_position_key() -> None:
    assert paginate(ITEMS, None, 100) == {"items": ITEMS}
    assert paginate([], None, None) == {"items": []}
    exact = paginate(ITEMS, None, 60)
    assert "position" not in exact


def test_limit_is_capped_at_500() -> None:
    many = list(range(1200))
    page = paginate(many, None, 10_000)
    assert len(page["items"]) == 500
    assert paginate(many, page["position"], 10_000)["items"] == many[500:1000]


def test_limit_below_one_is_a_bad_request() -> None:
    for limit in (0, -3):
        with pytest.raises(BadRequestException):
            paginate(ITEMS, None, limit)


def test_position_is_opaque_and_round_trips() -> None:
    token = encode_position(25)
    assert "25" not in token
    assert decode_position(token) == 25
    assert paginate(ITEMS, token, 5)["items"] == [25, 26, 27, 28, 29]


def test_empty_position_starts_at_the_beginning() -> None:
    assert paginate(ITEMS, "", 2)["items"] == [0, 1]


def test_position_past_the_end_gives_an_empty_page() -> None:
    assert paginate(ITEMS, encode_position(1000), 5) == {"items": []}


@pytest.mark.parametrize("token", ["garbage!", "12", "bm9wZQ", encode_position(1)[:-1] + "*", "cDE6LTE"])
def test_bad_tokens_are_bad_requests(token: str) -> None:
    with pytest.raises(BadRequestException, match="Invalid position"):
        paginate(ITEMS, token, None)
