"""Reusable schemas (``definitions`` / ``components.schemas``) become Models.

As AWS does (recorded, ``test_import_swagger_api`` and ``test_import_with_circular_models``): every
schema becomes a Model of content type ``application/json`` under its own name, its ``description``
is also the Model's, and a reference to another schema becomes an absolute reference to that Model,
``https://apigateway.amazonaws.com/restapis/{restApiId}/models/{name}``, so circular schemas stay
references rather than being inlined. Import creates no ``Empty`` / ``Error`` models of its own:
a document that uses ``Empty`` defines it (recorded: a document without schemas imports no models).
"""

from __future__ import annotations

import json
import re
from typing import Any

from apigate.openapi.issues import ImportIssues
from apigate.openapi.refs import RefError
from apigate.openapi.spec import Spec

MODEL_URL = "https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"
CONTENT_TYPE = "application/json"
_NOT_NAME = re.compile(r"[^A-Za-z0-9]")
# How deep references to parts of schemas (not whole schemas) are inlined.
_MAX_INLINE_DEPTH = 16


def model_names(spec: Spec, issues: ImportIssues) -> dict[str, str]:
    """Schema name in the document -> Model name. Model names are alphanumeric: other characters
    are dropped (``pet-type`` -> ``pettype``); a name left empty or taken twice is a warning."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for name in spec.schemas():
        model = _NOT_NAME.sub("", str(name))
        if not model or model in taken:
            issues.warn(f"Unable to create model for '{name}': Invalid model name specified: {name}")
            continue
        names[str(name)] = model
        taken.add(model)
    return names


def model_of(spec: Spec, names: dict[str, str], ref: str) -> str | None:
    """The Model a schema reference names, or None if it names no schema of the document."""
    schema = spec.refs.schema_name(ref)
    return names.get(schema) if schema is not None else None


def build_models(
    spec: Spec, names: dict[str, str], api_id: str, ids: dict[str, str], issues: ImportIssues
) -> list[dict[str, Any]]:
    """Model documents in the document's order; ``ids`` gives each Model name its id."""
    models = []
    for name, schema in spec.schemas().items():
        model_name = names.get(str(name))
        if model_name is None:
            continue
        if not isinstance(schema, dict):
            issues.warn(f"Unable to create model for '{name}': the schema is not an object")
            continue
        rewritten = _rewrite(schema, spec, names, api_id, issues, str(name), 0)
        model: dict[str, Any] = {
            "id": ids[model_name],
            "name": model_name,
            "schema": schema_text(rewritten),
            "contentType": CONTENT_TYPE,
        }
        if isinstance(schema.get("description"), str):
            model["description"] = schema["description"]
        models.append(model)
    return models


def schema_text(schema: dict[str, Any]) -> str:
    """Pretty-printed the way AWS's own default schemas are (``"type" : "object"``)."""
    return json.dumps(schema, indent=2, separators=(",", " : "), ensure_ascii=False)


def _rewrite(
    node: Any, spec: Spec, names: dict[str, str], api_id: str, issues: ImportIssues, owner: str, depth: int
) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, spec, names, api_id, issues, owner, depth) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _rewrite_ref(node, ref, spec, names, api_id, issues, owner, depth)
    return {key: _rewrite(value, spec, names, api_id, issues, owner, depth) for key, value in node.items()}


def _rewrite_ref(
    node: dict[str, Any],
    ref: str,
    spec: Spec,
    names: dict[str, str],
    api_id: str,
    issues: ImportIssues,
    owner: str,
    depth: int,
) -> Any:
    model = model_of(spec, names, ref)
    if model is not None:
        return {**node, "$ref": MODEL_URL.format(api_id=api_id, name=model)}
    try:
        target = spec.refs.lookup(ref)
    except RefError:
        target = None
    if spec.refs.schema_name(ref) is None and isinstance(target, dict) and depth < _MAX_INLINE_DEPTH:
        # A reference into a schema (``#/definitions/Pet/properties/id``) names no Model: inline it.
        return _rewrite(target, spec, names, api_id, issues, owner, depth + 1)
    issues.warn(f"Unable to find model for reference '{ref}' in the schema of '{owner}'")
    rest = {k: v for k, v in node.items() if k != "$ref"}
    return _rewrite(rest, spec, names, api_id, issues, owner, depth)
