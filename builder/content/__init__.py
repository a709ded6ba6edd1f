"""The content compiler: validates content/ and writes the compiled library to dist/.

Run as ``python -m builder.content``. Every problem is reported as
``path:line: message``; if there is any, nothing is written.
"""
