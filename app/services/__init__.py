"""Use cases built on ``app.core`` and the ``app.ports`` Protocols."""
