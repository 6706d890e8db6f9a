"""Compare our responses with the ones recorded from real AWS in ``../shared/reference/aws-recorded/``.

The recordings are LocalStack snapshot files: ids were replaced by placeholders such as ``<id:1>`` or
``<root-resource-id:1>``, timestamps by ``"datetime"``, and ``ResponseMetadata`` was cut down to the
status code. ``normalise()`` brings both sides to one canonical form — every id (and every value the
test names) becomes ``<id:N>``, numbered by first appearance in a key-sorted walk — so a recorded
document and our document compare equal exactly when they have the same shape, values and id
*structure* (which field repeats which id).
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

# ``../shared/reference/aws-recorded`` beside the repository (overridable for other checkouts).
_DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference" / "aws-recorded"
RECORDED_DIR = Path(os.environ.get("APIGATE_AWS_RECORDED", _DEFAULT_DIR))
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_.\- ]+:\d+>")
# Members whose values are generated ids (RestApi, Resource, Deployment, ... shapes).
ID_KEYS = frozenset({"id", "rootResourceId", "parentId", "deploymentId", "restApiId", "resourceId",
                     "cacheNamespace", "authorizerId", "requestValidatorId"})
DATE_KEYS = frozenset({"createdDate", "lastUpdatedDate"})
# The recordings' account id (LocalStack's placeholder) and ours both read "<account>".
ACCOUNT_IDS = ("111111111111", "000000000000")
_DROP_METADATA = ("RequestId", "HostId", "RetryAttempts")


@cache
def _load(file: str) -> dict[str, Any]:
    return json.loads((RECORDED_DIR / file).read_text())


def recorded(file: str, test: str, key: str | None = None) -> Any:
    """The recorded content of ``test`` (the part after the last ``::``, parameters included)."""
    name = file if file.endswith(".json") else f"{file}.snapshot.json"
    data = _load(name)
    matches = [v for k, v in data.items() if k.rsplit("::", 1)[-1] == test]
    if len(matches) != 1:
        raise KeyError(f"{len(matches)} recordings named {test!r} in {name}")
    content = matches[0]["recorded-content"]
    return content if key is None else content[key]


needs_recorded = pytest.mark.skipif(
    not RECORDED_DIR.is_dir(), reason=f"AWS recordings not found at {RECORDED_DIR}"
)


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
    alternatives += [_PLACEHOLDER.pattern, *ACCOUNT_IDS]
    return _canon(doc, re.compile("|".join(alternatives)), {})


def _collect_ids(doc: Any, id_keys: frozenset[str], out: set[str]) -> None:
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in id_keys and isinstance(value, str) and value and not _PLACEHOLDER.fullmatch(value):
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


def error_response(exc: Exception) -> dict[str, Any]:
    """``ClientError.response`` of a botocore error (the shape the recordings keep for errors)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        raise TypeError(f"not a botocore ClientError: {exc!r}")
    return response


def assert_parity(actual: Any, expected: Any, *, ids: Iterable[str] = ()) -> None:
    """Assert that ``actual`` (ours) and ``expected`` (recorded) are equal after ``normalise()``."""
    ours, theirs = normalise(actual, ids=ids), normalise(expected)
    assert ours == theirs, (
        f"\nours:     {json.dumps(ours, sort_keys=True)}\nrecorded: {json.dumps(theirs, sort_keys=True)}"
    )
