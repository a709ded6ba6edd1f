"""Views: pure functions from service state to HTML, and the shell that puts them on the
page through the ``app.ports.Page`` port (no ``js``/``pyscript`` imports here)."""
