"""Errors raised by the build tooling."""


class BuildError(Exception):
    """A build step cannot go on; the message says what is wrong and where."""
