"""Lambda proxy events recorded on AWS (test_apigateway_lambda.snapshot.json), made comparable to ours.

What the comparison leaves out, and why:

* headers AWS's edge adds (``CloudFront-*``, ``Via``, ``X-Amz-Cf-Id``): an edge-optimized API's
  CDN, not API Gateway; the recording's own test skips them too;
* ``X-Forwarded-For/Port/Proto``: the recording replaced their values by placeholders in a way
  that changed their shape (a string where AWS sends a list); ``assert_front_end_headers`` checks
  ours;
* the spelling of header names the client sent in mixed case (``tEsT-HEADeR``): ASGI servers hand
  names over in lower case, so the gateway canonicalises them (``Test-Header``); the recorded name
  is respelled the same way;
* the recording's account id (``111111111111``) is ours.

What remains is compared with ``assert_matches``: every recorded placeholder (``<uuid:1>``,
``<request-time>``...) must be bound consistently, every other value equal.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from tests.support.client import ACCOUNT_ID
from tests.support.recorded import RECORDED_ACCOUNT, recorded

FILE = "test_apigateway_lambda"
PROXY_TEST = "test_lambda_aws_proxy_integration"
_EDGE = ("cloudfront-", "via", "x-amz-cf-id")
FRONT_END = ("X-Forwarded-For", "X-Forwarded-Port", "X-Forwarded-Proto")
# What the recorded test's client (python-requests) sent with its GET requests.
CLIENT_HEADERS = {
    "User-Agent": "python-requests/testing",
    "Accept-Encoding": "gzip, deflate",
    "Accept": "*/*",
    "tEsT-HEADeR": "aValUE",
    "authorization": "random-value",
}


def recorded_event(key: str, test: str = PROXY_TEST) -> dict[str, Any]:
    """A recorded event without the parts ``comparable`` leaves out."""
    event = recorded(FILE, test, key)
    if "content" in event:  # the data-mapping test wrapped the event
        event = event["content"]
    text = json.dumps(event).replace(RECORDED_ACCOUNT, ACCOUNT_ID)
    # ``<rest_api_id:1>``: a placeholder spelt with underscores, which ``assert_matches`` does not bind.
    text = re.sub(r"<([a-z0-9_-]+):(\d+)>", lambda m: f"<{m[1].replace('_', '-')}:{m[2]}>", text)
    return comparable(json.loads(text), respell={"tEsT-HEADeR": "Test-Header"})


def comparable(event: dict[str, Any], respell: dict[str, str] | None = None) -> dict[str, Any]:
    """``event`` without edge and front-end headers (a copy); ``respell`` renames header names."""
    event = copy.deepcopy(event)
    for member in ("headers", "multiValueHeaders"):
        headers = event.get(member)
        if not headers:
            continue
        kept = {}
        for name, value in headers.items():
            if name.lower().startswith(_EDGE) or name in FRONT_END:
                continue
            kept[(respell or {}).get(name, name)] = value
        event[member] = kept
    return event


def assert_front_end_headers(event: dict[str, Any], source_ip: str, port: str) -> None:
    """What AWS's front end adds, as ours adds it (both maps)."""
    headers, multi = event["headers"], event["multiValueHeaders"]
    assert headers["X-Forwarded-For"] == source_ip
    assert headers["X-Forwarded-Port"] == port
    assert headers["X-Forwarded-Proto"] == "http"
    assert [multi[name] for name in FRONT_END] == [[headers[name]] for name in FRONT_END]
    assert headers["X-Amzn-Trace-Id"].startswith("Root=1-")
