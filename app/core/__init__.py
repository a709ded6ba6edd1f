"""Pure domain code: standard library only, tested under CPython."""
