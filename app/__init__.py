"""Tropa's browser app: Python that runs on Pyodide through PyScript.

Layers, inner to outer: ``core`` (pure domain), ``services`` (use cases over the
``ports`` Protocols), ``bridge`` (the only code touching ``js``/``pyscript``),
``ui`` (views) and ``main`` (composition root).
"""
