"""Load benchmarks of the gateway (``make bench`` / ``python -m bench.run``); never run as tests."""
