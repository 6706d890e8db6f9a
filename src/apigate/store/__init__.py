"""Configuration store: the durable home of APIs, deployments, stages, keys and plans."""

from apigate.store.base import ConfigStore, StoreChange, Transaction

__all__ = ["ConfigStore", "StoreChange", "Transaction"]
