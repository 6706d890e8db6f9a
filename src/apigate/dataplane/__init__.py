"""The data plane (execute-api): serves deployed stages through one pipeline of small stages."""
