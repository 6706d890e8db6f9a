"""Handlers: resources (to be written)."""
