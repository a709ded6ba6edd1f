"""Implementations of ``app.ports`` on the browser: the only code that imports js/pyscript."""
