"""Errors of the domain layer."""


class TropaError(Exception):
    """Base class of the app's own errors; messages are shown to the learner."""


class LibraryError(TropaError):
    """The compiled course library is missing, malformed or lacks what was asked."""


class ApiError(TropaError):
    """A request to the server failed: the message names the path and the reason."""


class InferenceError(TropaError):
    """The ML worker failed or did not answer in time; ``code`` is a protocol error code."""

    def __init__(self, message: str, code: str = "failed") -> None:
        super().__init__(message)
        self.code = code
