"""Gateway errors: one class per gateway-response type.

A pipeline stage ends a request by raising one of these. ``gateway_responses.py`` turns it into the
stage's gateway response (the API's customised response for the type, else DEFAULT_4XX/DEFAULT_5XX,
else the built-in default below). Statuses, messages and ``x-amzn-ErrorType`` values are AWS's.
"""

from __future__ import annotations

from typing import ClassVar


class GatewayError(Exception):
    response_type: ClassVar[str]
    status: ClassVar[int]
    default_message: ClassVar[str | None]
    error_type: ClassVar[str]  # the x-amzn-ErrorType header
    # AWS's authorisation failures spell the key "Message"; everything else "message".
    message_key: ClassVar[str] = "message"

    def __init__(self, message: str | None = None, *, log: str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        # Why it happened, for the execution log (never shown to the client).
        self.log = log
        super().__init__(self.message or self.response_type)



class ACCESS_DENIED(GatewayError):
    response_type = "ACCESS_DENIED"
    status = 403
    default_message = "User is not authorized to access this resource"
    error_type = "AccessDeniedException"
    message_key = "Message"


class API_CONFIGURATION_ERROR(GatewayError):
    response_type = "API_CONFIGURATION_ERROR"
    status = 500
    default_message = "Internal server error"
    error_type = "InternalServerErrorException"


class AUTHORIZER_CONFIGURATION_ERROR(GatewayError):
    response_type = "AUTHORIZER_CONFIGURATION_ERROR"
    status = 500
    default_message = None
    error_type = "AuthorizerConfigurationException"


class AUTHORIZER_FAILURE(GatewayError):
    response_type = "AUTHORIZER_FAILURE"
    status = 500
    default_message = None
    error_type = "AuthorizerFailureException"


class BAD_REQUEST_PARAMETERS(GatewayError):
    response_type = "BAD_REQUEST_PARAMETERS"
    status = 400
    default_message = "Missing required request parameters"
    error_type = "BadRequestException"


class BAD_REQUEST_BODY(GatewayError):
    response_type = "BAD_REQUEST_BODY"
    status = 400
    default_message = "Invalid request body"
    error_type = "BadRequestException"


class EXPIRED_TOKEN(GatewayError):
    response_type = "EXPIRED_TOKEN"
    status = 403
    default_message = "Signature expired"
    error_type = "InvalidSignatureException"


class INTEGRATION_FAILURE(GatewayError):
    response_type = "INTEGRATION_FAILURE"
    status = 504
    default_message = "Internal server error"
    error_type = "InternalServerErrorException"


class INTEGRATION_TIMEOUT(GatewayError):
    response_type = "INTEGRATION_TIMEOUT"
    status = 504
    default_message = "Endpoint request timed out"
    error_type = "InternalServerErrorException"


class INVALID_API_KEY(GatewayError):
    response_type = "INVALID_API_KEY"
    status = 403
    default_message = "Forbidden"
    error_type = "ForbiddenException"


class INVALID_SIGNATURE(GatewayError):
    response_type = "INVALID_SIGNATURE"
    status = 403
    default_message = "The request signature we calculated does not match the signature you provided."
    error_type = "InvalidSignatureException"


class MISSING_AUTHENTICATION_TOKEN(GatewayError):
    response_type = "MISSING_AUTHENTICATION_TOKEN"
    status = 403
    default_message = "Missing Authentication Token"
    error_type = "MissingAuthenticationTokenException"


class QUOTA_EXCEEDED(GatewayError):
    response_type = "QUOTA_EXCEEDED"
    status = 429
    default_message = "Limit Exceeded"
    error_type = "LimitExceededException"


class REQUEST_TOO_LARGE(GatewayError):
    response_type = "REQUEST_TOO_LARGE"
    status = 413
    default_message = "Request Too Long"
    error_type = "RequestTooLargeException"


class RESOURCE_NOT_FOUND(GatewayError):
    response_type = "RESOURCE_NOT_FOUND"
    status = 404
    default_message = "Not Found"
    error_type = "NotFoundException"


class THROTTLED(GatewayError):
    response_type = "THROTTLED"
    status = 429
    default_message = "Too Many Requests"
    error_type = "TooManyRequestsException"


class UNAUTHORIZED(GatewayError):
    response_type = "UNAUTHORIZED"
    status = 401
    default_message = "Unauthorized"
    error_type = "UnauthorizedException"


class UNSUPPORTED_MEDIA_TYPE(GatewayError):
    response_type = "UNSUPPORTED_MEDIA_TYPE"
    status = 415
    default_message = "Unsupported Media Type"
    error_type = "UnsupportedMediaTypeException"


class WAF_FILTERED(GatewayError):
    response_type = "WAF_FILTERED"
    status = 403
    default_message = "Forbidden"
    error_type = "WAFFilteredException"


class BAD_GATEWAY(API_CONFIGURATION_ERROR):
    """A malformed Lambda proxy response or a proxy function error: AWS answers 502, not 500."""

    status = 502


class LAMBDA_INVOCATION_FAILED(INTEGRATION_FAILURE):
    """Lambda refused the invocation (throttled, function missing, payload refused) or the
    integration cannot call it (not POST): AWS answers 500 ``Internal server error`` with the
    INTEGRATION_FAILURE gateway response (an AWS-recorded customisation without a status code
    keeps the 500; Lambda's documentation: "If the Lambda API rejects the invocation request, API
    Gateway returns a 500 error code")."""

    status = 500


ALL_TYPES: dict[str, type[GatewayError]] = {
    cls.response_type: cls
    for cls in (
        ACCESS_DENIED, API_CONFIGURATION_ERROR, AUTHORIZER_CONFIGURATION_ERROR, AUTHORIZER_FAILURE,
        BAD_REQUEST_PARAMETERS, BAD_REQUEST_BODY, EXPIRED_TOKEN, INTEGRATION_FAILURE,
        INTEGRATION_TIMEOUT, INVALID_API_KEY, INVALID_SIGNATURE, MISSING_AUTHENTICATION_TOKEN,
        QUOTA_EXCEEDED, REQUEST_TOO_LARGE, RESOURCE_NOT_FOUND, THROTTLED, UNAUTHORIZED,
        UNSUPPORTED_MEDIA_TYPE, WAF_FILTERED,
    )
}
# DEFAULT_4XX / DEFAULT_5XX have no status of their own; they only carry customisations.
GATEWAY_RESPONSE_TYPES: tuple[str, ...] = ("DEFAULT_4XX", "DEFAULT_5XX", *sorted(ALL_TYPES))
