"""Handlers: integrations (to be written)."""
