"""The one error type raised for bad network or configuration input."""

from __future__ import annotations

from pathlib import Path


class NetworkFileError(ValueError):
    """A problem in a ``.bnd``/``.cfg`` file or an override, located by file, line and item.

    The message reads ``FILE:LINE: MESSAGE`` and names the offending item; the parts are
    kept as attributes for programs.
    """

    def __init__(
        self, message: str, *, file: str | Path | None, line: int | None, item: str | None
    ):
        self.file = str(file) if file is not None else "<string>"
        self.line = line
        self.item = item
        self.reason = message
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {message}")
