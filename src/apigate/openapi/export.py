"""GetExport's engine: a stage's deployment snapshot as a Swagger 2.0 or OpenAPI 3.0 document.

``build_document`` makes the document (a plain dict, in AWS's key order) and ``render`` writes it as
JSON (indented, like AWS's) or YAML. Which ``x-amazon-apigateway-*`` extensions appear depends on the
``extensions`` parameter, as on AWS:

- none: plain OpenAPI (``x-amazon-apigateway-any-method`` is still used for ANY: OpenAPI has no
  other way to say it);
- ``integrations``: plus ``x-amazon-apigateway-integration`` on every operation;
- ``authorizers``: plus ``x-amazon-apigateway-authtype`` / ``-authorizer`` on the security schemes;
- ``apigateway``: all of the above and the API-level extensions (binary media types, gateway
  responses, request validators, policy, documentation, ...);
- ``postman``: accepted; AWS does not document what it adds, and Postman imports the plain document.

Values combine with commas (``integrations,authorizers``).
"""

from __future__ import annotations

import orjson
import yaml

from apigate.openapi import export_oas30, export_swagger
from apigate.openapi.export_shared import Doc, ExportSource, Extensions

__all__ = [
    "EXPORT_TYPES",
    "ExportSource",
    "Extensions",
    "build_document",
    "file_name",
    "render",
    "wants_yaml",
]

EXPORT_TYPES = {"oas30": export_oas30.document, "swagger": export_swagger.document}

# The libyaml emitter when PyYAML has it (10x faster on a 200-operation API), else pure Python.
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    """No ``&id001`` anchors for values that happen to be one object twice: a plain document."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def build_document(export_type: str, source: ExportSource, extensions: Extensions) -> Doc:
    """The document of ``source`` (``export_type`` is one of ``EXPORT_TYPES``)."""
    return EXPORT_TYPES[export_type](source, extensions)


def render(document: Doc, as_yaml: bool) -> bytes:
    if as_yaml:
        text = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 16)
        return text.encode("utf-8")
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


def wants_yaml(accept: str | None) -> bool:
    """``Accept: application/yaml`` (or any yaml type) asks for YAML; anything else gets JSON."""
    return "yaml" in (accept or "").lower()


def file_name(export_type: str, version: str, as_yaml: bool) -> str:
    """AWS's attachment name: ``swagger_2016-10-13T22:07:39Z.json``, ``oas30_1.0.0.yaml``."""
    return f"{export_type}_{version}.{'yaml' if as_yaml else 'json'}"
