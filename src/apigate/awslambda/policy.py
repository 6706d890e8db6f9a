"""Resource-based policies of functions: the statements AddPermission writes, and their evaluation.

Scope (AWS's rule, from the AddPermission reference): a permission added without a qualifier
applies only to requests that use the unqualified function ARN; one added with a version or alias
qualifier applies only to requests using that qualified ARN. ``$LATEST`` cannot carry a policy of
its own: requests for ``function:$LATEST`` are judged by the function's policy.

Evaluation follows IAM for what AddPermission can write: an explicit Deny wins, else any matching
Allow; a statement matches when its Action covers ``lambda:InvokeFunction``, its Principal the
caller, its Resource the invoked ARN, and every condition holds. Conditions on keys apigate cannot
know (``aws:PrincipalOrgID``, ``lambda:FunctionUrlAuthType``, ...) do not hold, so such a statement
grants nothing here rather than too much.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

POLICY_VERSION = "2012-10-17"
POLICY_ID = "default"
INVOKE_ACTION = "lambda:InvokeFunction"
MAX_POLICY_BYTES = 20480  # AWS: "The final policy size (...) is bigger than the limit (20480)."

_ACCOUNT = re.compile(r"\d{12}")


def principal_of(principal: str) -> str | dict[str, str]:
    """AddPermission's ``Principal`` as AWS writes it into the statement.

    ``*`` stays ``*``; an account id becomes its root ARN (``{"AWS": "arn:aws:iam::123...:root"}``);
    an ARN is an AWS principal; anything else is a service (``apigateway.amazonaws.com``).
    """
    if principal == "*":
        return "*"
    if _ACCOUNT.fullmatch(principal):
        return {"AWS": f"arn:aws:iam::{principal}:root"}
    if principal.startswith("arn:"):
        return {"AWS": principal}
    return {"Service": principal}


def build_statement(resource: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The statement of one AddPermission call (member order as AWS returns it)."""
    statement: dict[str, Any] = {
        "Sid": params["StatementId"],
        "Effect": "Allow",
        "Principal": principal_of(params["Principal"]),
        "Action": params["Action"],
        "Resource": resource,
    }
    equals: dict[str, str] = {}
    if params.get("SourceAccount"):
        equals["AWS:SourceAccount"] = params["SourceAccount"]
    if params.get("PrincipalOrgID"):
        equals["aws:PrincipalOrgID"] = params["PrincipalOrgID"]
    if params.get("EventSourceToken"):
        equals["lambda:EventSourceToken"] = params["EventSourceToken"]
    if params.get("FunctionUrlAuthType"):
        equals["lambda:FunctionUrlAuthType"] = params["FunctionUrlAuthType"]
    condition: dict[str, dict[str, str]] = {}
    if equals:
        condition["StringEquals"] = equals
    if params.get("SourceArn"):
        condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
    if condition:
        statement["Condition"] = condition
    return statement


def new_policy() -> dict[str, Any]:
    return {"Version": POLICY_VERSION, "Id": POLICY_ID, "Statement": []}


def to_json(document: Any) -> str:
    """Compact JSON, as Lambda returns policies and statements."""
    return json.dumps(document, separators=(",", ":"))


# --- evaluation ----------------------------------------------------------------------------------


def allows(
    policy: Mapping[str, Any] | None,
    resource: str,
    principal: str,
    source_arn: str | None,
    action: str = INVOKE_ACTION,
) -> bool:
    """Whether ``policy`` lets ``principal`` (a service or account) do ``action`` on ``resource``."""
    allowed = False
    for statement in _statements(policy):
        if not _matches(statement, resource, principal, source_arn, action):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def _statements(policy: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    if not policy:
        return []
    statements = policy.get("Statement") or []
    items = statements if isinstance(statements, list) else [statements]
    return [s for s in items if isinstance(s, Mapping)]


def _matches(
    statement: Mapping[str, Any], resource: str, principal: str, source_arn: str | None, action: str
) -> bool:
    return (
        any(_glob(pattern, action, ignore_case=True) for pattern in _strings(statement.get("Action")))
        and _principal_matches(statement.get("Principal"), principal)
        and any(arn_like(pattern, resource) for pattern in _strings(statement.get("Resource")))
        and _conditions_hold(statement.get("Condition"), source_arn)
    )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _principal_matches(value: Any, principal: str) -> bool:
    if value == "*":
        return True
    if not isinstance(value, Mapping):
        return False
    if principal in _strings(value.get("Service")):
        return True
    accounts = _strings(value.get("AWS"))
    if "*" in accounts:
        return True
    caller = f"arn:aws:iam::{principal}:root" if _ACCOUNT.fullmatch(principal) else principal
    return caller in accounts or principal in accounts


def _conditions_hold(condition: Any, source_arn: str | None) -> bool:
    if condition is None:
        return True
    if not isinstance(condition, Mapping):
        return False
    for operator, entries in condition.items():
        if not isinstance(entries, Mapping):
            return False
        for key, expected in entries.items():
            actual = _context_value(str(key), source_arn)
            if actual is None or not _compare(str(operator), _strings(expected), actual):
                return False
    return True


def _context_value(key: str, source_arn: str | None) -> str | None:
    """The request's value of a condition key (IAM keys are case-insensitive)."""
    lowered = key.lower()
    if lowered == "aws:sourcearn":
        return source_arn
    if lowered == "aws:sourceaccount" and source_arn:
        parts = source_arn.split(":", 5)
        return parts[4] if len(parts) == 6 and parts[4] else None
    return None


def _compare(operator: str, expected: Iterable[str], actual: str) -> bool:
    op = operator.lower()
    if op == "stringequals":
        return actual in expected
    if op == "stringequalsignorecase":
        return actual.lower() in (e.lower() for e in expected)
    if op == "stringlike":
        return any(_glob(e, actual) for e in expected)
    if op == "arnequals":
        return actual in expected
    if op == "arnlike":
        return any(arn_like(e, actual) for e in expected)
    return False  # an operator this evaluator does not know grants nothing


def arn_like(pattern: str, arn: str) -> bool:
    """IAM's ArnLike: each of the six ``:``-separated parts matched on its own, with ``*`` (any
    run of characters) and ``?`` (one character) -- so a ``*`` never crosses a ``:`` boundary of
    the first five parts. A pattern of fewer parts matches nothing, except a lone ``*``."""
    if pattern == "*":
        return True
    pattern_parts = pattern.split(":", 5)
    arn_parts = arn.split(":", 5)
    if len(pattern_parts) != 6 or len(arn_parts) != 6:
        return False
    return all(_glob(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


def _glob(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    return _compiled(pattern, ignore_case).fullmatch(value) is not None


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)
