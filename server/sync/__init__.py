"""Tropa server."""
