"""Lambda's errors, in Lambda's wire form.

Lambda answers ``x-amzn-ErrorType: <code>`` and a JSON body ``{"Type": "User", "Message": ...}``.
The message member is spelled as the botocore model spells it per exception: ``Message`` for
ResourceNotFoundException and ServiceException, ``message`` for the others (botocore reads either).
TooManyRequestsException adds ``Reason`` (``ReservedFunctionConcurrentInvocationLimitExceeded``, ...).
Model validation errors are the shared ``ValidationException`` (``{"message": ...}``, as Lambda).
"""

from __future__ import annotations

from typing import ClassVar

from apigate.control.errors import ServiceError, ValidationException

__all__ = [
    "InvalidParameterValueException",
    "InvalidRequestContentException",
    "LambdaError",
    "PreconditionFailedException",
    "RequestTooLargeException",
    "ResourceConflictException",
    "ResourceNotFoundException",
    "ServiceException",
    "TooManyRequestsException",
    "ValidationException",
]


class LambdaError(ServiceError):
    """Base of Lambda's modelled exceptions."""

    message_member: ClassVar[str] = "message"
    error_type: ClassVar[str] = "User"

    def body(self) -> dict[str, str]:
        return {"Type": self.error_type, self.message_member: self.message}


class ResourceNotFoundException(LambdaError):
    code = "ResourceNotFoundException"
    status = 404
    message_member = "Message"


class ResourceConflictException(LambdaError):
    code = "ResourceConflictException"
    status = 409


class InvalidParameterValueException(LambdaError):
    code = "InvalidParameterValueException"
    status = 400


class InvalidRequestContentException(LambdaError):
    code = "InvalidRequestContentException"
    status = 400


class PreconditionFailedException(LambdaError):
    code = "PreconditionFailedException"
    status = 412


class RequestTooLargeException(LambdaError):
    code = "RequestTooLargeException"
    status = 413


class ServiceException(LambdaError):
    code = "ServiceException"
    status = 500
    message_member = "Message"
    error_type = "Service"


class TooManyRequestsException(LambdaError):
    """A throttled invocation: AWS's message is always ``Rate Exceeded.``, the cause is in ``Reason``."""

    code = "TooManyRequestsException"
    status = 429

    def __init__(self, reason: str, message: str = "Rate Exceeded.") -> None:
        super().__init__(message)
        self.reason = reason

    def body(self) -> dict[str, str]:
        return {**super().body(), "Reason": self.reason}


REVISION_MISMATCH = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)
