"""One typed hierarchy of management-API errors, mapped in one place to the wire.

The wire form is what botocore's rest-json parser reads: the status code, an ``x-amzn-ErrorType``
header carrying the code, and a JSON body ``{"message": ...}``.
"""

from __future__ import annotations

from typing import ClassVar


class ServiceError(Exception):
    """Base of every error a management handler may raise on purpose."""

    code: ClassVar[str] = "ServiceException"
    status: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, str]:
        return {"message": self.message}


class BadRequestException(ServiceError):
    code = "BadRequestException"
    status = 400


class ValidationException(ServiceError):
    """AWS's front-end validation of the model's constraints (enum values, patterns).

    Recorded: ``1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed
    to satisfy constraint: Member must satisfy enum value set: [...]`` with status 400.
    """

    code = "ValidationException"
    status = 400


class SerializationException(ServiceError):
    """A JSON body member of the wrong type, refused by AWS's deserializer before any handler.

    Recorded: ``class java.lang.Boolean can not be converted to an String`` with status 400.
    """

    code = "SerializationException"
    status = 400


class UnauthorizedException(ServiceError):
    code = "UnauthorizedException"
    status = 401


class AccessDeniedException(ServiceError):
    code = "AccessDeniedException"
    status = 403


class NotFoundException(ServiceError):
    code = "NotFoundException"
    status = 404


class ConflictException(ServiceError):
    code = "ConflictException"
    status = 409


class LimitExceededException(ServiceError):
    code = "LimitExceededException"
    status = 429


class TooManyRequestsException(ServiceError):
    code = "TooManyRequestsException"
    status = 429


class ServiceUnavailableException(ServiceError):
    code = "ServiceUnavailableException"
    status = 503


class NotImplementedOperation(ServiceError):
    """An operation of the service model that apigate does not implement yet.

    501 is not retried by botocore (it retries 500/502/503/504), so clients fail fast.
    """

    code = "NotImplementedException"
    status = 501

    def __init__(self, service: str, operation: str) -> None:
        super().__init__(f"The operation {operation} of service {service} is not implemented by apigate yet")
        self.operation = operation


class UnknownOperation(ServiceError):
    """No operation of the service model matches the method and path."""

    code = "UnknownOperationException"
    status = 404


class InternalFailure(ServiceError):
    """An unexpected exception inside a handler: logged with its traceback, never sent to the client."""

    code = "InternalFailure"
    status = 500

    def __init__(self) -> None:
        super().__init__("An internal error occurred. Please try again later.")
