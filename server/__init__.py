"""Tropa server: a thin FastAPI app (auth, profiles, sync, billing, static files)."""
