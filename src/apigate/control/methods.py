"""Handlers: methods (to be written)."""
