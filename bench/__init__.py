"""Benchmark and load-test scripts: `python -m bench.run` and `python -m bench.load`."""
