"""Views: HTML rendered from service state, mounted with pyscript.web."""
