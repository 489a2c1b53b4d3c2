"""Errors in a user's YAML file, each with its file, line and reason, all reported at once."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LocatedError:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ConfigFileError(ValueError):
    """Every error found in one file; `what` names the file's kind in the message."""

    what = "configuration"

    def __init__(self, errors: list[LocatedError]):
        self.errors = list(errors)
        n = len(self.errors)
        head = f"{n} error{'s' if n != 1 else ''} in {self.what}:"
        super().__init__("\n".join([head] + [f"  {e}" for e in self.errors]))
