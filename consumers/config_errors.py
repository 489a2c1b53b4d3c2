"""Errors in a user's YAML file, each with its file, line and reason, all reported at once,
and the node walker that collects them (topics and delivery rules share it)."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml


_INT_TAG = "tag:yaml.org,2002:int"
MAX_NUMBER_CHARS = 30


class _Unreadable:
    """What ``NodeChecker.value`` returns for a value it could not build (the error is
    already recorded, so callers need not report it again)."""

    def __repr__(self) -> str:
        return "UNREADABLE"


UNREADABLE = _Unreadable()


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


class NodeChecker:
    """Walks YAML nodes (which keep their line numbers) and collects LocatedErrors."""

    def __init__(self, source: str, loader) -> None:
        self.source = source
        self.loader = loader
        self.errors: list[LocatedError] = []

    def error(self, node, reason: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.errors.append(LocatedError(self.source, line, reason))

    def value(self, node):
        """The Python value of a scalar node, or UNREADABLE (error recorded). Non-scalars
        give None: callers want scalars, and building a deep structure would recurse."""
        if not isinstance(node, yaml.ScalarNode):
            return None
        if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_CHARS:
            # int() of thousands of digits raises ValueError (and costs quadratic time)
            self.error(node, f"number too long ({len(node.value)} characters, at most {MAX_NUMBER_CHARS})")
            return UNREADABLE
        try:
            return self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError, TypeError) as exc:
            problem = getattr(exc, "problem", None) or exc
            self.error(node, f"unreadable value {node.value[:40]!r}: {problem}")
            return UNREADABLE

    def mapping(self, node, allowed, what: str) -> dict | None:
        """{key: (key_node, value_node)} or None (error recorded)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping")
            return None
        out = {}
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else None
            if key is None:
                self.error(k, f"{what}: keys must be plain names")
            elif key in out:
                self.error(k, f"{what}: duplicate key {key!r}")
            elif key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                self.error(k, f"{what}: unknown key {key!r}{hint}; allowed: {', '.join(allowed)}")
            else:
                out[key] = (k, v)
        return out
