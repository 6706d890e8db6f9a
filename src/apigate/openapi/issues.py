"""Errors and warnings found while importing a document, reported the way AWS reports them.

AWS's contract (developer guide, "Errors and warnings during import"): an **error** (a major issue,
like an invalid integration) fails the import with a BadRequestException and changes nothing; a
**warning** (a minor issue, like a missing model reference) drops the offending part and, unless
``failonwarnings=true``, the rest is imported and the warnings are returned in ``RestApi.warnings``.

The exception message lists them one per line::

    Errors found during import:
    \tUnable to put integration on 'GET' for resource at path '/pets': Invalid HTTP endpoint specified for URI
    Additionally, these warnings were found:
    \tUnable to find model 'Pet' referenced by 'GET /pets'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from apigate.control.errors import BadRequestException, ServiceError


class ImportIssues:
    """Collects what an import found; ``check`` raises AWS's BadRequestException at the end."""

    __slots__ = ("errors", "warnings")

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, message: str) -> None:
        self.errors.append(message)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @contextmanager
    def unable(self, what: str) -> Iterator[None]:
        """Turn a handler-style validation error raised inside into an import error ``what: why``
        (``Unable to put integration on 'GET' for resource at path '/'``), and carry on."""
        try:
            yield
        except ServiceError as exc:
            self.error(f"{what}: {exc.message}")

    def check(self, fail_on_warnings: bool) -> None:
        """Raise if the import must fail: any error, or any warning under ``failonwarnings``."""
        if self.errors:
            message = "Errors found during import:\n\t" + "\n\t".join(self.errors)
            if self.warnings:
                message += "\nAdditionally, these warnings were found:\n\t" + "\n\t".join(self.warnings)
            raise BadRequestException(message)
        if fail_on_warnings and self.warnings:
            raise BadRequestException("Warnings found during import:\n\t" + "\n\t".join(self.warnings))
