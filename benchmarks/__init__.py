"""Benchmarks run by hand (``python -m benchmarks --help``); never part of the test suite."""
