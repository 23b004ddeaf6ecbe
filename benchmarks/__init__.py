"""Benchmarks run by hand (``python -m benchmarks --help``); never part of the test suite."""

import logging

import streamlit.runtime.caching.cache_data_api  # noqa: F401 - creates the logger quietened below

# The benchmarks call the pages' reads outside a Streamlit server, where every cached read would
# warn once that it keeps its cache in memory: true, expected, and forty lines of noise.
logging.getLogger("streamlit.runtime.caching.cache_data_api").setLevel(logging.ERROR)
