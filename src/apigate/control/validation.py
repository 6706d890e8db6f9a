"""Model constraints checked before a handler runs, worded as AWS's front end words them.

Recorded from AWS (``aws-recorded/test_apigateway_api.snapshot.json``)::

    1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy
    constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]

Body members are named ``{operation}Input.{member}`` (lists: ``.1.member.``, 1-based), URI/query/
header members by their bare member name (``statusCode``), and body errors come before the others.
The enum value sets are printed in AWS's (hash) order where it was recorded, else in model order.

Lambda's front end words the same checks differently (``Style``): every member by its name with the
first letter lower-cased (``'role'``, ``'kMSKeyArn'``, ``'routingConfig.additionalVersionWeights'``),
no ``{operation}Input`` prefix, a missing member is a ValidationException too, and the model's
``min``/``max`` (lengths, numbers) are checked -- botocore checks only the minimums client-side::

    1 validation error detected: Value 'lambdarole' at 'role' failed to satisfy constraint: Member
    must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


def _same(name: str) -> str:
    return name


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


@dataclass(frozen=True, slots=True)
class Style:
    """How one service's front end names members and which checks it makes before a handler runs."""

    name: Callable[[str], str] = _same  # member name -> its segment in an error path
    body_prefix: bool = True  # body members under ``{operation}Input.``
    missing: type[BadRequestException | ValidationException] = BadRequestException
    ranges: bool = False  # check the model's min/max of lengths and numbers
    # Shapes whose enum the handler checks itself, with its own error (Lambda's Runtime answers
    # InvalidParameterValueException "... or be a valid ARN", not ValidationException).
    handler_enums: frozenset[str] = frozenset()


STYLES: dict[str, Style] = {
    "lambda": Style(
        name=_lower_first,
        body_prefix=False,
        missing=ValidationException,
        ranges=True,
        handler_enums=frozenset({"Runtime"}),
    ),
}
_DEFAULT_STYLE = Style()


class _Check:
    """Constraint checks of one shape; ``None`` stands for "nothing to check below here"."""

    __slots__ = ("enum", "kind", "labels", "limits", "members", "nested", "pattern")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.enum: tuple[frozenset[str], str] | None = None
        self.pattern: tuple[re.Pattern[str], str] | None = None
        self.limits: tuple[int | float | None, int | float | None] | None = None  # (min, max)
        self.nested: _Check | None = None  # list member / map value
        self.members: dict[str, _Check] = {}
        self.labels: dict[str, str] = {}  # member -> its path segment

    def errors(self, value: Any, path: str) -> Iterator[str]:
        if self.limits is not None:
            yield from self._limits(value, path)
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
                if self.nested.limits is not None:  # only Lambda's style checks limits: its map wording
                    if any(True for _ in self.nested.errors(item, path)):
                        rules = ", ".join([*self.nested._limit_rules(), "Member must not be null"])
                        yield (
                            f"Value '{{{key}={item}}}' at '{path}' failed to satisfy constraint: "
                            f"Map value must satisfy constraint: [{rules}]"
                        )
                    continue
                yield from self.nested.errors(item, f"{path}.{key}")
        elif self.kind == "structure" and isinstance(value, dict):
            for member, check in self.members.items():
                if member in value:
                    yield from check.errors(value[member], f"{path}.{self.labels[member]}")

    def _limits(self, value: Any, path: str) -> Iterator[str]:
        assert self.limits is not None
        low, high = self.limits
        if isinstance(value, bool):
            return
        if isinstance(value, int | float):
            size, what = value, "value"
        elif isinstance(value, str | list | dict):
            size, what = len(value), "length"
        else:
            return
        shown = f"[{', '.join(map(str, value))}]" if isinstance(value, list) else value
        if high is not None and size > high:
            rule = f"Member must have {what} less than or equal to {self._number(high)}"
            yield f"Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"
        if low is not None and size < low:
            rule = f"Member must have {what} greater than or equal to {self._number(low)}"
            yield f"Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"

    def _limit_rules(self) -> list[str]:
        """Every limit of this shape, maximum first (AWS's order inside a map constraint)."""
        assert self.limits is not None
        low, high = self.limits
        what = "value" if self.kind in _NUMBERS else "length"
        rules = []
        if high is not None:
            rules.append(f"Member must have {what} less than or equal to {self._number(high)}")
        if low is not None:
            rules.append(f"Member must have {what} greater than or equal to {self._number(low)}")
        return rules

    def _number(self, limit: int | float) -> str:
        """Java's rendering: a double limit always with a fraction (``1.0``), an integer without."""
        if self.kind in ("double", "float"):
            return str(float(limit))
        return str(int(limit)) if float(limit).is_integer() else str(limit)

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


def _pattern(source: str) -> tuple[re.Pattern[str], str] | None:
    """The model's (Java) pattern compiled; None for what Python's ``re`` cannot read (``\\p{L}``,
    some of Lambda's): better no check than refusing what AWS accepts."""
    try:
        return re.compile(source), source
    except re.error:
        return None


_NUMBERS = frozenset({"integer", "long", "float", "double"})


class _Compiler:
    def __init__(self, service: str, style: Style) -> None:
        self.service = service
        self.style = style
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
        if self.style.ranges and kind in ("string", "integer", "long", "float", "double", "list", "map"):
            low, high = shape.metadata.get("min"), shape.metadata.get("max")
            if low is not None or high is not None:
                check.limits = (low, high)
        if kind == "string":
            enum = shape.enum
            if enum and shape.name in self.style.handler_enums:
                pass
            elif enum:
                order = AWS_ENUM_ORDER.get((self.service, shape.name))
                shown = order if order is not None and set(order) == set(enum) else tuple(enum)
                check.enum = (frozenset(enum), ", ".join(shown))
            elif "pattern" in shape.metadata:
                check.pattern = _pattern(shape.metadata["pattern"])
            return check if check.enum or check.pattern or check.limits else None
        if kind in ("list", "map"):
            check.nested = self.check(shape.member if kind == "list" else shape.value)
            return check if check.nested is not None or check.limits else None
        if kind == "structure":
            for name, member in shape.members.items():
                inner = self.check(member)
                if inner is not None:
                    check.members[name] = inner
                    check.labels[name] = self.style.name(name)
            return check if check.members else None
        return check if check.limits else None


class InputValidator:
    """Required members and enum/pattern constraints of one operation's input."""

    __slots__ = ("checks", "missing", "prefix", "required")

    def __init__(self, operation: OperationModel, service: str) -> None:
        shape = operation.input_shape
        style = STYLES.get(service, _DEFAULT_STYLE)
        self.prefix = operation.name[:1].lower() + operation.name[1:] + "Input"
        self.missing = style.missing
        self.required: tuple[tuple[str, str], ...] = ()
        self.checks: tuple[tuple[str, str, _Check], ...] = ()
        if shape is None:
            return

        def path_of(name: str) -> str:
            located = "location" in shape.members[name].serialization
            return f"{self.prefix}.{name}" if style.body_prefix and not located else style.name(name)

        compiler = _Compiler(service, style)
        body: list[tuple[str, str, _Check]] = []
        located: list[tuple[str, str, _Check]] = []
        for name, member in shape.members.items():
            check = compiler.check(member)
            if check is not None:
                (located if "location" in member.serialization else body).append((name, path_of(name), check))
        self.checks = tuple(body + located)
        self.required = tuple((name, path_of(name)) for name in shape.required_members)

    def validate(self, params: dict[str, Any]) -> None:
        missing = [path for name, path in self.required if params.get(name) is None]
        if missing:
            # A missing required member: BadRequestException for apigateway (its contract, worded
            # like AWS), ValidationException for Lambda.
            null = "failed to satisfy constraint: Member must not be null"
            raise self.missing(_summary([f"Value null at '{path}' {null}" for path in missing]))
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
