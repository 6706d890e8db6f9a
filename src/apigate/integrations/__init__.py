"""Integrations: one class per integration type, each with one ``async invoke(ctx)``, found by type.

``registry.get(type)`` returns the integration for MOCK, HTTP, HTTP_PROXY (AWS and AWS_PROXY answer
a configuration error until the Lambda and AWS-service integrations land). Adding one touches one
new module and one registry line.
"""
