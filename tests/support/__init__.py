"""Helpers shared by several test packages and the benchmarks."""
