"""Handlers: tags (to be written)."""
