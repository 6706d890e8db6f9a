"""The two models every RestApi starts with (``Empty`` and ``Error``); Model CRUD comes later.

AWS creates them with the API; they can be referenced by ``requestModels`` / ``responseModels``
right away and GetModels lists them. The schema strings are AWS's own (draft-04, pretty-printed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apigate import ids
from apigate.control.common import KIND_MODEL

if TYPE_CHECKING:
    from apigate.store.base import Transaction

EMPTY_SCHEMA = (
    "{\n"
    '  "$schema": "http://json-schema.org/draft-04/schema#",\n'
    '  "title" : "Empty Schema",\n'
    '  "type" : "object"\n'
    "}"
)

ERROR_SCHEMA = (
    "{\n"
    '  "$schema" : "http://json-schema.org/draft-04/schema#",\n'
    '  "title" : "Error Schema",\n'
    '  "type" : "object",\n'
    '  "properties" : {\n'
    '    "message" : { "type" : "string" }\n'
    "  }\n"
    "}"
)

_DEFAULTS: tuple[tuple[str, str, str], ...] = (
    ("Empty", "This is a default empty schema model", EMPTY_SCHEMA),
    ("Error", "This is a default error schema model", ERROR_SCHEMA),
)


def default_models() -> list[dict[str, Any]]:
    """Fresh Model documents (new 6-character ids) for a new API."""
    return [
        {
            "id": ids.short_id(6),
            "name": name,
            "description": description,
            "schema": schema,
            "contentType": "application/json",
        }
        for name, description, schema in _DEFAULTS
    ]


async def put_default_models(tx: Transaction, rest_api_id: str) -> None:
    for model in default_models():
        await tx.put(KIND_MODEL, f"{rest_api_id}/{model['name']}", model)


async def get_model(tx: Transaction, rest_api_id: str, name: str) -> dict[str, Any] | None:
    return await tx.get(KIND_MODEL, f"{rest_api_id}/{name}")
