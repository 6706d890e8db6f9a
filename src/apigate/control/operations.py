"""Imports every handler module so that its ``@operation`` registrations take effect."""

from apigate.awslambda import control as lambda_control  # noqa: F401  (service "lambda")
from apigate.control import (  # noqa: F401
    deployments,
    integrations,
    methods,
    resources,
    restapis,
    stages,
    tags,
    testinvoke,
)
