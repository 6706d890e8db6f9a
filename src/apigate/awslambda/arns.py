"""Function names and ARNs as Lambda reads them.

Every ``FunctionName`` parameter takes one of (AWS's "Name formats"), each optionally followed by
``:{version or alias}``:

* a name: ``my-function``
* a partial ARN: ``123456789012:function:my-function``
* an ARN: ``arn:aws:lambda:us-west-2:123456789012:function:my-function``

A qualifier may come both from the name and from the ``Qualifier`` parameter only if the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apigate.awslambda.errors import InvalidParameterValueException, ResourceNotFoundException

LATEST = "$LATEST"

_REGION = r"(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d"
_REFERENCE = re.compile(
    r"(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    rf"(?:(?P<region>{_REGION}):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9_.-]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9_-]+))?"
)
_VERSION = re.compile(r"[0-9]+")

QUALIFIER_MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."
UNQUALIFIED_ONLY = (
    "This operation is permitted on Lambda functions only. Aliases and versions do not support this "
    "operation. Please specify either a function name or an unqualified function ARN."
)


@dataclass(frozen=True, slots=True)
class FunctionRef:
    """A function of the caller's region and account, and the qualifier the request named (if any)."""

    name: str
    qualifier: str | None
    region: str
    account_id: str

    @property
    def arn(self) -> str:
        return function_arn(self.region, self.account_id, self.name)

    @property
    def qualified_arn(self) -> str:
        """The ARN the request named: qualified when it named a qualifier."""
        return qualified_arn(self.region, self.account_id, self.name, self.qualifier)

    def arn_with(self, qualifier: str | None) -> str:
        return qualified_arn(self.region, self.account_id, self.name, qualifier)


def function_arn(region: str, account_id: str, name: str) -> str:
    return f"arn:aws:lambda:{region}:{account_id}:function:{name}"


def qualified_arn(region: str, account_id: str, name: str, qualifier: str | None) -> str:
    base = function_arn(region, account_id, name)
    return f"{base}:{qualifier}" if qualifier else base


def is_version(qualifier: str) -> bool:
    """A published version number (``"1"``); ``$LATEST`` and alias names are not."""
    return _VERSION.fullmatch(qualifier) is not None


def parse(function_name: str, qualifier: str | None, region: str, account_id: str) -> FunctionRef:
    """The function and qualifier a request names.

    A name that does not parse is reported as a missing function (the model's pattern, checked
    earlier, already refused what AWS refuses); an ARN of another region or account names a
    function that is not here.
    """
    match = _REFERENCE.fullmatch(function_name)
    if match is None:
        raise ResourceNotFoundException(
            f"Function not found: {function_arn(region, account_id, function_name)}"
        )
    name, named = match["name"], match["qualifier"]
    if qualifier and named and qualifier != named:
        raise InvalidParameterValueException(QUALIFIER_MISMATCH)
    arn_region, arn_account = match["region"], match["account"]
    if arn_region and arn_region != region:
        raise ResourceNotFoundException(
            f"Functions from '{arn_region}' are not reachable in this region ('{region}')"
        )
    ref = FunctionRef(name=name, qualifier=qualifier or named, region=region, account_id=account_id)
    if arn_account and arn_account != account_id:
        foreign = qualified_arn(region, arn_account, name, ref.qualifier)
        raise ResourceNotFoundException(f"Function not found: {foreign}")
    return ref


def parse_unqualified(function_name: str, region: str, account_id: str) -> FunctionRef:
    """For operations on the function itself (concurrency, publishing, aliases, updates)."""
    ref = parse(function_name, None, region, account_id)
    if ref.qualifier is not None:
        raise InvalidParameterValueException(UNQUALIFIED_ONLY)
    return ref
