"""Model constraints checked before a handler runs, worded as AWS's front end words them.

Recorded from AWS (``aws-recorded/test_apigateway_api.snapshot.json``)::

    1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy
    constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]

Body members are named ``{operation}Input.{member}`` (lists: ``.1.member.``, 1-based), URI/query/
header members by their bare member name (``statusCode``), and body errors come before the others.
The enum value sets are printed in AWS's (hash) order where it was recorded, else in model order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from botocore.model import OperationModel, Shape

from apigate.control.errors import BadRequestException, ValidationException

# Enum orders as AWS prints them, keyed by (service, shape name). Used only while the model's value
# set equals the recorded one (a newer model falls back to its own order).
AWS_ENUM_ORDER: dict[tuple[str, str], tuple[str, ...]] = {
    ("apigateway", name): tuple(values.split())
    for name, values in {
        "Op": "add remove move test replace copy",
        "IntegrationType": "HTTP MOCK AWS_PROXY HTTP_PROXY AWS",
        "EndpointType": "PRIVATE EDGE REGIONAL",
        "IpAddressType": "ipv4 dualstack",
        "GatewayResponseType": """REQUEST_TOO_LARGE RESOURCE_NOT_FOUND AUTHORIZER_CONFIGURATION_ERROR
            MISSING_AUTHENTICATION_TOKEN BAD_REQUEST_BODY INVALID_SIGNATURE INVALID_API_KEY
            BAD_REQUEST_PARAMETERS AUTHORIZER_FAILURE UNAUTHORIZED INTEGRATION_TIMEOUT ACCESS_DENIED
            DEFAULT_4XX DEFAULT_5XX WAF_FILTERED QUOTA_EXCEEDED THROTTLED API_CONFIGURATION_ERROR
            UNSUPPORTED_MEDIA_TYPE INTEGRATION_FAILURE EXPIRED_TOKEN""",
        "DocumentationPartType": """RESPONSE_BODY RESPONSE METHOD MODEL AUTHORIZER RESPONSE_HEADER
            RESOURCE PATH_PARAMETER REQUEST_BODY QUERY_PARAMETER API REQUEST_HEADER""",
    }.items()
}


class _Check:
    """Constraint checks of one shape; ``None`` stands for "nothing to check below here"."""

    __slots__ = ("enum", "kind", "members", "nested", "pattern")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.enum: tuple[frozenset[str], str] | None = None
        self.pattern: tuple[re.Pattern[str], str] | None = None
        self.nested: _Check | None = None  # list member / map value
        self.members: dict[str, _Check] = {}

    def errors(self, value: Any, path: str) -> Iterator[str]:
        if self.kind == "string":
            yield from self._scalar(value, path)
        elif self.kind == "list" and self.nested is not None and isinstance(value, list):
            if self.nested.kind == "string":
                # AWS reports a list of scalars once, as a Java list: Value '[wrong]' at '...types'
                if any(True for v in value for _ in self.nested._scalar(v, path)):
                    inner = self.nested._rule()
                    shown = "[" + ", ".join(map(str, value)) + "]"
                    rule = f"Member must satisfy constraint: [{inner}]"
                    yield f"Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"
            else:
                for i, item in enumerate(value):
                    yield from self.nested.errors(item, f"{path}.{i + 1}.member")
        elif self.kind == "map" and self.nested is not None and isinstance(value, dict):
            for key, item in value.items():
                yield from self.nested.errors(item, f"{path}.{key}")
        elif self.kind == "structure" and isinstance(value, dict):
            for member, check in self.members.items():
                if member in value:
                    yield from check.errors(value[member], f"{path}.{member}")

    def _scalar(self, value: Any, path: str) -> Iterator[str]:
        if not isinstance(value, str):
            return
        bad_enum = self.enum is not None and value not in self.enum[0]
        bad_pattern = self.pattern is not None and not self.pattern[0].fullmatch(value)
        if bad_enum or bad_pattern:
            yield f"Value '{value}' at '{path}' failed to satisfy constraint: {self._rule()}"

    def _rule(self) -> str:
        if self.enum is not None:
            return f"Member must satisfy enum value set: [{self.enum[1]}]"
        assert self.pattern is not None
        return f"Member must satisfy regular expression pattern: {self.pattern[1]}"


class _Compiler:
    def __init__(self, service: str) -> None:
        self.service = service
        self._cache: dict[str, _Check | None] = {}

    def check(self, shape: Shape) -> _Check | None:
        if shape.name in self._cache:
            return self._cache[shape.name]
        self._cache[shape.name] = None  # a recursive reference has nothing to add while compiling
        check = self._compile(shape)
        self._cache[shape.name] = check
        return check

    def _compile(self, shape: Shape) -> _Check | None:
        kind = shape.type_name
        check = _Check(kind)
        if kind == "string":
            enum = shape.enum
            if enum:
                order = AWS_ENUM_ORDER.get((self.service, shape.name))
                shown = order if order is not None and set(order) == set(enum) else tuple(enum)
                check.enum = (frozenset(enum), ", ".join(shown))
            elif "pattern" in shape.metadata:
                check.pattern = (re.compile(shape.metadata["pattern"]), shape.metadata["pattern"])
            return check if check.enum or check.pattern else None
        if kind in ("list", "map"):
            check.nested = self.check(shape.member if kind == "list" else shape.value)
            return check if check.nested is not None else None
        if kind == "structure":
            for name, member in shape.members.items():
                inner = self.check(member)
                if inner is not None:
                    check.members[name] = inner
            return check if check.members else None
        return None


class InputValidator:
    """Required members and enum/pattern constraints of one operation's input."""

    __slots__ = ("checks", "prefix", "required")

    def __init__(self, operation: OperationModel, service: str) -> None:
        shape = operation.input_shape
        self.prefix = operation.name[:1].lower() + operation.name[1:] + "Input"
        self.required: tuple[tuple[str, str], ...] = ()
        self.checks: tuple[tuple[str, str, _Check], ...] = ()
        if shape is None:
            return
        compiler = _Compiler(service)
        body: list[tuple[str, str, _Check]] = []
        located: list[tuple[str, str, _Check]] = []
        for name, member in shape.members.items():
            path = f"{self.prefix}.{name}" if "location" not in member.serialization else name
            check = compiler.check(member)
            if check is not None:
                (located if "location" in member.serialization else body).append((name, path, check))
        self.checks = tuple(body + located)
        self.required = tuple(
            (name, name if "location" in shape.members[name].serialization else f"{self.prefix}.{name}")
            for name in shape.required_members
        )

    def validate(self, params: dict[str, Any]) -> None:
        missing = [path for name, path in self.required if params.get(name) is None]
        if missing:
            # The contract: a missing required member is a BadRequestException (worded like AWS).
            null = "failed to satisfy constraint: Member must not be null"
            raise BadRequestException(_summary([f"Value null at '{path}' {null}" for path in missing]))
        errors = [
            error
            for name, path, check in self.checks
            if name in params
            for error in check.errors(params[name], path)
        ]
        if errors:
            raise ValidationException(_summary(errors))


def _summary(errors: list[str]) -> str:
    count = len(errors)
    return f"{count} validation error{'s' if count > 1 else ''} detected: " + "; ".join(errors)
