"""Text that every later stage can store: the producer boundary's clean-up.

PostgreSQL rejects NUL in text and JSONB, and UTF-8 encoding rejects lone surrogates
(JSON's "\\ud800" escapes decode to them). Either one in a single story used to stop a
whole pipeline stage, so parsers pass every string they take from input through here.
"""
from __future__ import annotations

import re
from typing import overload

# C0 controls except tab, newline and carriage return; DEL is harmless and kept.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def clean_text(text: str) -> tuple[str, int]:
    """(text without C0 controls, lone surrogates replaced by U+FFFD; number of characters changed)."""
    if not text:
        return text, 0
    text, controls = _CONTROLS.subn("", text)
    text, surrogates = _SURROGATES.subn(REPLACEMENT, text)
    return text, controls + surrogates


class Cleaner:
    """Cleans many strings and counts what it changed, so a parser can report it once."""

    def __init__(self) -> None:
        self.changed = 0

    def __call__(self, value):
        if not isinstance(value, str):
            return value
        value, n = clean_text(value)
        self.changed += n
        return value


def utf8_error(data: bytes, exc: UnicodeDecodeError) -> str:
    """Which byte is not UTF-8, and how to fix the file (the caller names the file)."""
    bad = data[exc.start:exc.end][:4].hex(" ")
    return (f"not valid UTF-8 at byte offset {exc.start} (bytes {bad}: {exc.reason}); "
            f"save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8`")


# The WireItem v1 schema's maxLength per field (schemas/json/wire_item.v1.schema.json):
# longer values would be refused by encode() and the whole item lost.
MAX_LENGTHS = {"headline": 2000, "body": 1_000_000, "url": 2000, "guid": 2000, "feed": 2000,
               "dateline_place": 200, "language": 35}


@overload
def fit(field_name: str, value: str) -> str: ...
@overload
def fit(field_name: str, value: None) -> None: ...
@overload
def fit(field_name: str, value: str | None) -> str | None: ...


def fit(field_name: str, value: str | None) -> str | None:
    """`value` cut to what the wire schema allows for `field_name`."""
    if value is None:
        return None
    limit = MAX_LENGTHS[field_name]
    return value if len(value) <= limit else value[:limit]
