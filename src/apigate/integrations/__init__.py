"""Integrations: one class per integration type, each with one ``async invoke(ctx)``, found by type.

``registry.get(type)`` returns the integration for MOCK, HTTP, HTTP_PROXY, and AWS / AWS_PROXY to
Lambda functions (``lambda_*`` modules; other AWS services answer a configuration error until
AWS-service integrations land). Adding one touches one new module and one registry line.
"""
