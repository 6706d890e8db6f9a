"""Handlers: restapis (to be written)."""
