"""apigate: a self-hostable, AWS-compatible reimplementation of Amazon API Gateway."""

__version__ = "0.1.0"
