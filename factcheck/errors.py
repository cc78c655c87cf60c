"""The errors users can meet. Only the CLI turns them into messages and exit codes.

Anything else that escapes is a bug and should stay a traceback.
"""

from __future__ import annotations


class FactcheckError(Exception):
    """Something wrong with what the user gave us: a file, an option, a database."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        if hint is not None:
            self.hint = hint


class InputError(FactcheckError):
    """A file the user wrote or pointed at cannot be read as they meant it.

    Carries the location so every message names the file and the line.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str | None = None):
        self.path = path
        self.line = line
        self.reason = message
        super().__init__(self._located(message), hint=hint)

    def __reduce__(self):
        # Picklable with its location (index workers send their parse errors back).
        return (_input_error, (self.reason, self.path, self.line, self.__dict__.get("hint")))

    def _located(self, message: str) -> str:
        if self.path is None:
            return message
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {message}"


def _input_error(reason: str, path: str | None, line: int | None, hint: str | None) -> InputError:
    return InputError(reason, path=path, line=line, hint=hint)


class StoreError(FactcheckError):
    """The index database cannot be opened, written or trusted."""


class StoreBusyError(StoreError):
    """Another run holds the index; we refuse rather than interleave writes."""

    hint = "Wait for the other `factcheck index` to finish, or point --db elsewhere."

