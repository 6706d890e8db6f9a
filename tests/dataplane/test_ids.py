"""Request ids: UUID version 4 strings and x-amz-apigw-id-shaped extended ids, never repeated."""

from __future__ import annotations

import base64
import re
import uuid

from apigate import ids


def test_request_ids_have_the_shapes_aws_uses() -> None:
    seen = set()
    for _ in range(2000):
        for request_id, extended in (ids.request_ids(), (ids.request_id(), ids.extended_request_id())):
            parsed = uuid.UUID(request_id)
            assert str(parsed) == request_id
            assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
            assert re.fullmatch(r"[A-Za-z0-9+/]{15}=", extended)
            assert len(base64.b64decode(extended)) == 11
            seen.add(request_id)
    assert len(seen) == 4000
