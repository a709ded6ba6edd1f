"""Rules that two runtimes must agree on, each defined once.

Standard library only: the browser app (Pyodide), the server and the build tooling all
import this package, and the site build writes the worker's copy as JSON.

- ``contracts.protocol``: messages between the Python app and the ML worker.
- ``contracts.sync``: the sync wire rules (clock, kinds, ids, limits) and the merge rule.
- ``contracts.library``: the compiled course library the browser reads.
"""
