"""Handlers: stages (to be written)."""
