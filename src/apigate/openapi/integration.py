"""``x-amazon-apigateway-integration`` -> the method's Integration and its IntegrationResponses.

The documents are PutIntegration's and PutIntegrationResponse's (same builder, same defaults, same
checks: ``control/integrations.py``, ``control/integration_rules.py``); a check that fails is an
import error naming the method, as AWS words it (``Unable to put integration on 'GET' for resource
at path '/pets': Invalid HTTP endpoint specified for URI``).

Recorded from AWS: enum values are read case-insensitively (``type: aws_proxy``,
``passthroughBehavior: when_no_match``), a MOCK keeps no ``httpMethod``, the ``default`` response
has no ``selectionPattern`` while any other key is one, a status code may be a YAML integer, and a
mapping value that is not a string is a warning and is left out: ``Invalid format for
'requestParameters'. Expected type string for property 'integration.request.header.nothing' of
resource '/test' and method 'GET' but got 'true'``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from apigate.control.integration_rules import check_integration, check_integration_response
from apigate.control.integrations import new_integration
from apigate.openapi.issues import ImportIssues

# Members copied as given; the enums among them upper-cased.
_PLAIN = ("uri", "connectionId", "credentials", "cacheNamespace", "integrationTarget")
_ENUMS = ("passthroughBehavior", "contentHandling", "connectionType", "responseTransferMode")
_STATUS_CODE = re.compile(r"[1-5]\d\d")


def build_integration(
    extension: dict[str, Any],
    method: dict[str, Any],
    resource: dict[str, Any],
    issues: ImportIssues,
) -> dict[str, Any] | None:
    """The Integration of ``method`` (on ``resource``), or None if it is invalid (an error)."""
    verb, path = method["httpMethod"], resource["path"]
    where = _Where(issues, path, verb)
    params: dict[str, Any] = {"type": str(extension.get("type") or "").upper()}
    if extension.get("httpMethod") and params["type"] != "MOCK":
        params["integrationHttpMethod"] = str(extension["httpMethod"]).upper()
    for member in _PLAIN:
        if extension.get(member) is not None:
            params[member] = str(extension[member])
    for member in _ENUMS:
        if extension.get(member):
            params[member] = str(extension[member]).upper()
    if extension.get("timeoutInMillis") is not None:
        params["timeoutInMillis"] = _integer(extension["timeoutInMillis"])
    if isinstance(extension.get("cacheKeyParameters"), list):
        params["cacheKeyParameters"] = [str(p) for p in extension["cacheKeyParameters"]]
    if isinstance(extension.get("tlsConfig"), dict):
        params["tlsConfig"] = dict(extension["tlsConfig"])
    for member in ("requestParameters", "requestTemplates"):
        if extension.get(member) is not None:
            params[member] = where.strings(member, extension[member]) or None
    integration = new_integration(params, resource["id"])
    with issues.unable(f"Unable to put integration on '{verb}' for resource at path '{path}'"):
        check_integration(integration, method)
        responses = _responses(extension.get("responses"), method, where)
        if responses:
            integration["integrationResponses"] = responses
        return integration
    return None


def _responses(raw: Any, method: dict[str, Any], where: _Where) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for pattern, spec in (raw if isinstance(raw, dict) else {}).items():
        if not isinstance(spec, dict):
            continue
        status = str(spec.get("statusCode", ""))
        what = f"Unable to put integration response on '{where.verb}' for resource at path '{where.path}'"
        if not _STATUS_CODE.fullmatch(status):
            where.issues.error(f"{what}: Invalid status code specified: {status or 'null'}")
            continue
        response: dict[str, Any] = {"statusCode": status}
        if pattern != "default":
            response["selectionPattern"] = str(pattern)
        for member in ("responseParameters", "responseTemplates"):
            kept = where.strings(member, spec[member]) if spec.get(member) is not None else None
            if kept:
                response[member] = kept
        if spec.get("contentHandling"):
            response["contentHandling"] = str(spec["contentHandling"]).upper()
        with where.issues.unable(what):
            responses[status] = check_integration_response(response, method)
    return responses


class _Where:
    """The method being imported, for the messages of its warnings."""

    __slots__ = ("issues", "path", "verb")

    def __init__(self, issues: ImportIssues, path: str, verb: str) -> None:
        self.issues, self.path, self.verb = issues, path, verb

    def strings(self, member: str, mapping: Any) -> dict[str, Any]:
        """A map of strings; other values are AWS's ``Invalid format`` warning and are left out."""
        if not isinstance(mapping, dict):
            self.issues.warn(f"Invalid format for '{member}'. Expected an object for resource "
                             f"'{self.path}' and method '{self.verb}'")
            return {}
        kept: dict[str, Any] = {}
        for key, value in mapping.items():
            if isinstance(value, str):
                kept[str(key)] = value
            elif value is None and member.endswith("Templates"):
                kept[str(key)] = None  # an empty template, as PutIntegration stores it
            else:
                self.issues.warn(
                    f"Invalid format for '{member}'. Expected type string for property '{key}' of "
                    f"resource '{self.path}' and method '{self.verb}' but got '{_java_text(value)}'"
                )
        return kept


def _integer(value: Any) -> Any:
    """``29000`` or ``"29000"`` as an int; anything else is left for the timeout check to refuse."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _java_text(value: Any) -> str:
    """How AWS's Java reader prints a non-string JSON value (``true``, ``5``, ``{...}``)."""
    return json.dumps(value, separators=(",", ":")) if not isinstance(value, str) else value
