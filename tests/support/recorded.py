"""Compare our responses with the ones recorded from real AWS in ``../shared/reference/aws-recorded/``.

The recordings are LocalStack snapshot files: ids were replaced by placeholders such as ``<id:1>`` or
``<root-resource-id:1>``, timestamps by ``"datetime"``, and ``ResponseMetadata`` was cut down to the
status code. ``recorded()`` loads one recorded document; two comparisons follow:

- ``assert_matches(actual, expected)`` (handler tests): a recorded placeholder matches any value, but
  always the same value within one comparison (and two different placeholders two different values);
- ``assert_parity(actual, expected)`` (end-to-end tests): ``normalise()`` brings both sides to one
  canonical form — every id (and every value the test names) becomes ``<id:N>``, numbered by first
  appearance in a key-sorted walk — so a recorded document and ours compare equal exactly when they
  have the same shape, values and id *structure* (which field repeats which id).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import ACCOUNT_ID, ApiError

# ``../shared/reference/aws-recorded`` beside the repository (overridable for other checkouts).
_DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference" / "aws-recorded"
RECORDED_DIR = Path(os.environ.get("APIGATE_AWS_RECORDED", _DEFAULT_DIR))
# The recordings' account id (LocalStack's placeholder); ours is ``ACCOUNT_ID``.
RECORDED_ACCOUNT = "111111111111"

needs_recorded = pytest.mark.skipif(
    not RECORDED_DIR.is_dir(), reason=f"AWS recordings not found at {RECORDED_DIR}"
)


@cache
def _load(name: str) -> dict[str, Any]:
    path = RECORDED_DIR / name
    if not path.exists():
        pytest.skip(f"aws-recorded not available at {path}")
    return json.loads(path.read_text())


def recorded(file: str, test: str, key: str | None = None) -> Any:
    """The recorded content (or its ``key``) of the one test whose id ends with ``::{test}``.

    ``test`` is the test's name, parameters included, optionally behind its class
    (``TestApiGatewayApiResource::test_resource_lifecycle``).
    """
    name = file if file.endswith(".json") else f"{file}.snapshot.json"
    matches = [v for k, v in _load(name).items() if k.endswith(f"::{test}")]
    assert len(matches) == 1, f"{len(matches)} recordings named {test!r} in {name}"
    content = matches[0]["recorded-content"]
    return content if key is None else content[key]


# --- placeholder binding (handler tests) --------------------------------------------------------

# ``<id:1>``, ``<resource-id:2>``, also unnumbered ones such as ``<region>``.
_BOUND_PLACEHOLDER = re.compile(r"<[a-z0-9-]+(?::\d+)?>")


def ours(response: dict[str, Any]) -> dict[str, Any]:
    """Our parsed response in the recorded form: timestamps as ``datetime``, status kept."""
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    for key in ("createdDate", "lastUpdatedDate"):
        if key in out:
            out[key] = "datetime"
    return out


def assert_recorded_error(error: ApiError, record: dict[str, Any], **placeholders: str) -> None:
    """``error`` is the recorded error: code, message (``<name>`` filled from ``placeholders``), status."""
    message = record["Error"]["Message"].replace(RECORDED_ACCOUNT, ACCOUNT_ID)
    for name, value in placeholders.items():
        message = message.replace(f"<{name}>", value)
    expected = {
        "code": record["Error"]["Code"],
        "message": message,
        "status": record["ResponseMetadata"]["HTTPStatusCode"],
    }
    assert {"code": error.code, "message": error.message, "status": error.status} == expected


def assert_matches(actual: Any, expected: Any, bindings: dict[str, Any] | None = None) -> None:
    """``actual`` equals the recorded ``expected`` up to consistently bound placeholders."""
    bindings = {} if bindings is None else bindings
    if isinstance(expected, dict):
        expected = {k: v for k, v in expected.items() if k != "ResponseMetadata"}
        assert isinstance(actual, dict), f"{actual!r} is not an object like {expected!r}"
        assert set(actual) == set(expected), f"members {sorted(actual)} != recorded {sorted(expected)}"
        for key, value in expected.items():
            assert_matches(actual[key], value, bindings)
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), f"{actual!r} vs {expected!r}"
        for a, e in zip(actual, expected, strict=True):
            assert_matches(a, e, bindings)
    elif isinstance(expected, str) and _BOUND_PLACEHOLDER.search(expected):
        _bind(str(actual), expected, bindings)
    else:
        assert actual == expected, f"{actual!r} != recorded {expected!r}"


def _bind(actual: str, expected: str, bindings: dict[str, Any]) -> None:
    names = _BOUND_PLACEHOLDER.findall(expected)
    pieces = _BOUND_PLACEHOLDER.split(expected.replace(RECORDED_ACCOUNT, ACCOUNT_ID))
    pattern = "".join(re.escape(p) + ("(.+?)" if i < len(names) else "") for i, p in enumerate(pieces))
    match = re.fullmatch(pattern, actual, re.DOTALL)
    assert match, f"{actual!r} does not match recorded {expected!r}"
    for name, value in zip(names, match.groups(), strict=True):
        if name in ("<region>", "<partition>"):
            continue
        bound = bindings.setdefault(name, value)
        assert bound == value, f"{name} was {bound!r}, now {value!r}"
        others = [n for n, v in bindings.items() if v == value and n != name]
        assert not others, f"{value!r} matches both {name} and {others}"


# --- canonical form (end-to-end tests) ----------------------------------------------------------

# Numbered placeholders only (``<id:1>``): an unnumbered ``<region>`` stays literal here.
_NUMBERED_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_.\- ]+:\d+>")
# Members whose values are generated ids (RestApi, Resource, Deployment, ... shapes).
ID_KEYS = frozenset({"id", "rootResourceId", "parentId", "deploymentId", "restApiId", "resourceId",
                     "cacheNamespace", "authorizerId", "requestValidatorId"})
DATE_KEYS = frozenset({"createdDate", "lastUpdatedDate"})
# Both account ids (the recordings' and ours) read "<account>".
ACCOUNT_IDS = (RECORDED_ACCOUNT, ACCOUNT_ID)


def normalise(doc: Any, *, ids: Iterable[str] = (), id_keys: frozenset[str] = ID_KEYS) -> Any:
    """A canonical copy of a boto3 response (or ClientError.response) or of a recorded document.

    - ``ResponseMetadata`` keeps only ``HTTPStatusCode`` (and an empty ``HTTPHeaders``);
    - datetimes and ``createdDate``/``lastUpdatedDate`` become ``"datetime"``;
    - values of ``id_keys`` members, the extra ``ids`` given, and recorded placeholders (``<x:N>``)
      become ``<id:N>``, also where they occur inside longer strings;
    - account ids (the recordings' ``111111111111``, our default ``000000000000``) become ``<account>``.
    """
    values = {v for v in ids if v}
    _collect_ids(doc, id_keys, values)
    # One alternation, longest first, applied in a single pass: a replacement is never re-scanned.
    alternatives = [re.escape(v) for v in sorted(values, key=len, reverse=True)]
    alternatives += [_NUMBERED_PLACEHOLDER.pattern, *ACCOUNT_IDS]
    return _canon(doc, re.compile("|".join(alternatives)), {})


def _collect_ids(doc: Any, id_keys: frozenset[str], out: set[str]) -> None:
    if isinstance(doc, dict):
        for key, value in doc.items():
            if (key in id_keys and isinstance(value, str) and value
                    and not _NUMBERED_PLACEHOLDER.fullmatch(value)):
                out.add(value)
            _collect_ids(value, id_keys, out)
    elif isinstance(doc, list):
        for item in doc:
            _collect_ids(item, id_keys, out)


def _canon(doc: Any, tokens: re.Pattern[str], mapping: dict[str, str], key: str | None = None) -> Any:
    if isinstance(doc, dict):
        out: dict[str, Any] = {}
        for k in sorted(doc):
            if k == "ResponseMetadata":
                out[k] = {"HTTPHeaders": {}, "HTTPStatusCode": doc[k].get("HTTPStatusCode")}
            else:
                out[k] = _canon(doc[k], tokens, mapping, k)
        return out
    if isinstance(doc, list):
        return [_canon(item, tokens, mapping) for item in doc]
    if isinstance(doc, dt.datetime) or (key in DATE_KEYS and doc is not None):
        return "datetime"
    if isinstance(doc, str):
        return tokens.sub(lambda m: _placeholder(m.group(0), mapping), doc)
    return doc


def _placeholder(token: str, mapping: dict[str, str]) -> str:
    if token in ACCOUNT_IDS:
        return "<account>"
    if token not in mapping:
        mapping[token] = f"<id:{len(mapping) + 1}>"
    return mapping[token]


def assert_parity(actual: Any, expected: Any, *, ids: Iterable[str] = ()) -> None:
    """Assert that ``actual`` (ours) and ``expected`` (recorded) are equal after ``normalise()``."""
    ours, theirs = normalise(actual, ids=ids), normalise(expected)
    assert ours == theirs, (
        f"\nours:     {json.dumps(ours, sort_keys=True)}\nrecorded: {json.dumps(theirs, sort_keys=True)}"
    )
