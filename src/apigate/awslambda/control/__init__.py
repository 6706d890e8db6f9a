"""The ``lambda`` management API: one module of handlers per resource family (imported here so
that their ``@operation`` registrations take effect)."""

from apigate.awslambda.control import (  # noqa: F401
    aliases,
    concurrency,
    functions,
    invoke,
    permissions,
    tags,
    versions,
)
