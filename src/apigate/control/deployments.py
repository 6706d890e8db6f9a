"""Handlers: deployments (to be written)."""
