"""Synthetic deliveries, minute curves and baselines for tests, the demo and benchmarks.

Kept out of the production package `audience_assets`: nothing in it runs in the pipeline."""
