"""Benchmarks for symnet (run ``python -m bench``); never imported by the package."""
