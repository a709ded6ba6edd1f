"""Build tooling run under CPython: the content compiler and the static site builder."""
