"""Security schemes become Authorizers; security requirements set a method's authorization.

Recorded from AWS (``test_import_swagger_api``, ``..._global_api_key_authorizer``,
``..._cognito_auth_identity_source``):

- a scheme with ``x-amazon-apigateway-authorizer`` becomes an Authorizer named after the scheme, used
  or not; ``x-amazon-apigateway-authtype`` is its ``authType``; without an ``identitySource`` a TOKEN
  or Cognito authorizer reads the header the scheme names (``method.request.header.{name}``); no TTL
  is set unless the document gives one;
- an operation's ``security`` (else the document's) picks the authorizer: ``CUSTOM`` for TOKEN /
  REQUEST, ``COGNITO_USER_POOLS`` with the requirement's scopes as ``authorizationScopes``;
- a plain ``apiKey`` scheme (the ``x-api-key`` header) makes the method ``apiKeyRequired``;
- ``x-amazon-apigateway-authtype: awsSigv4`` is ``AWS_IAM``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from apigate.control.authorizers import check_authorizer
from apigate.control.errors import BadRequestException
from apigate.openapi.issues import ImportIssues
from apigate.openapi.spec import Operation, Spec

AUTHORIZER_TYPES = ("TOKEN", "REQUEST", "COGNITO_USER_POOLS", "JWT")
_AUTHORIZATION = {"TOKEN": "CUSTOM", "REQUEST": "CUSTOM", "COGNITO_USER_POOLS": "COGNITO_USER_POOLS",
                  "JWT": "JWT"}
# Members of the extension copied as given when present and not empty.
_MEMBERS = ("authorizerUri", "authorizerCredentials", "identityValidationExpression", "providerARNs",
            "jwtConfiguration")


@dataclass(frozen=True, slots=True)
class MethodAuth:
    """A Method's authorization members (AWS's names)."""

    authorizationType: str = "NONE"
    authorizerId: str | None = None
    authorizationScopes: tuple[str, ...] = ()
    apiKeyRequired: bool = False


class Security:
    """The authorizers of a document and the authorization of each of its operations."""

    def __init__(self, spec: Spec, ids: dict[str, str], issues: ImportIssues) -> None:
        """``ids`` gives every authorizer name its id (existing ones keep theirs)."""
        self.spec = spec
        self.issues = issues
        self.authorizers: list[dict[str, Any]] = []
        self._authorizer_of: dict[str, dict[str, Any]] = {}  # scheme name -> Authorizer
        self._api_keys: set[str] = set()
        self._iam: set[str] = set()
        self._unsupported: set[str] = set()
        for name, scheme in spec.security_schemes().items():
            self._read_scheme(str(name), scheme, ids)

    def _read_scheme(self, name: str, scheme: Any, ids: dict[str, str]) -> None:
        if not isinstance(scheme, dict):
            return
        extension = scheme.get("x-amazon-apigateway-authorizer")
        authtype = str(scheme.get("x-amazon-apigateway-authtype") or "")
        if isinstance(extension, dict):
            with self.issues.unable(f"Unable to create authorizer '{name}'"):
                doc = _authorizer(name, scheme, extension, authtype, ids[name])
                self.authorizers.append(doc)
                self._authorizer_of[name] = doc
        elif authtype.lower() == "awssigv4":
            self._iam.add(name)
        elif scheme.get("type") == "apiKey":
            self._api_keys.add(name)
        else:
            self._unsupported.add(name)

    def for_operation(self, op: Operation) -> MethodAuth:
        authorizer: dict[str, Any] | None = None
        scopes: tuple[str, ...] = ()
        api_key = iam = False
        for requirement in self.spec.security(op) or []:
            for name, required_scopes in (requirement if isinstance(requirement, dict) else {}).items():
                if name in self._authorizer_of:
                    if authorizer is None:
                        authorizer = self._authorizer_of[name]
                        scopes = tuple(str(s) for s in required_scopes or ())
                elif name in self._api_keys:
                    api_key = True
                elif name in self._iam:
                    iam = True
                elif name in self._unsupported:
                    self.issues.warn(f"Security scheme '{name}' used by '{op.label}' is not supported")
                else:
                    self.issues.warn(f"Security scheme '{name}' used by '{op.label}' is not defined")
        if authorizer is not None:
            kind = _AUTHORIZATION[authorizer["type"]]
            with_scopes = scopes if kind in ("COGNITO_USER_POOLS", "JWT") else ()
            return MethodAuth(kind, authorizer["id"], with_scopes, api_key)
        return MethodAuth("AWS_IAM" if iam else "NONE", None, (), api_key)


def _authorizer(
    name: str, scheme: dict[str, Any], extension: dict[str, Any], authtype: str, authorizer_id: str
) -> dict[str, Any]:
    kind = str(extension.get("type") or "").upper()
    if kind not in AUTHORIZER_TYPES:
        raise BadRequestException(
            f"Invalid authorizer type specified: {extension.get('type')}. "
            "Valid options are TOKEN,REQUEST,COGNITO_USER_POOLS"
        )
    doc: dict[str, Any] = {"id": authorizer_id, "name": name, "type": kind}
    if authtype:
        doc["authType"] = authtype
    for member in _MEMBERS:
        if extension.get(member):
            doc[member] = extension[member]
    source = extension.get("identitySource")
    if not source and kind in ("TOKEN", "COGNITO_USER_POOLS") and scheme.get("in") == "header":
        source = f"method.request.header.{scheme.get('name')}" if scheme.get("name") else None
    if source:
        doc["identitySource"] = str(source)
    ttl = extension.get("authorizerResultTtlInSeconds")
    if ttl is not None:
        try:
            doc["authorizerResultTtlInSeconds"] = int(ttl)
        except (TypeError, ValueError):
            raise BadRequestException(f"Invalid authorizer result TTL: {ttl}") from None
    # CreateAuthorizer's checks, on a copy: they fill in the 300 s TTL, which AWS's import does not.
    check_authorizer(copy.deepcopy(doc))
    return doc
