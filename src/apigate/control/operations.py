"""Imports every handler module so that its ``@operation`` registrations take effect."""

from apigate.awslambda import control as lambda_control  # noqa: F401  (service "lambda")
from apigate.control import (  # noqa: F401
    authorizers,
    deployments,
    documentation_parts,
    documentation_versions,
    exports,
    gateway_responses,
    imports,
    integrations,
    methods,
    model_ops,
    request_validators,
    resources,
    restapis,
    stages,
    tags,
    testinvoke,
)
