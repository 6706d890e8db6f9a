"""Handlers: testinvoke (to be written)."""
