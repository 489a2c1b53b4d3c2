"""The date a pasted page gives itself: its date line near the top ("Sunday July 18 2021",
"Latest update : 2011-02-20", "PUBLISHED : Monday, 09 June, 2014, 5:16pm", "date
2023-12-20 ..."). A page that comes without a publication date is dated by it, so that its
lead's "arrested on February 6, 2015" is not read as years past and its roles are those of
its own day.

Pure string work.
"""
from __future__ import annotations

import datetime as dt
import re

# Month names and their short forms ("Sept." too), by number; the frame rules read them too.
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())} | {"sept": 9})
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_FORMS = (
    (re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+((?:19|20)\d\d)\b", re.IGNORECASE), ("d", "b", "y")),
    (re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d\d)\b", re.IGNORECASE), ("b", "d", "y")),
)
# Only the top of a page carries its date line; a date line is short.
_TOP_LINES = 14
_LINE_CHARS = 160
_PREFIXED = re.compile(r"^\s*(?:date|published|posted|updated|last updated|latest update)\b", re.IGNORECASE)


def _parse(line: str) -> dt.date | None:
    for pattern, order in _FORMS:
        m = pattern.search(line)
        if m is None:
            continue
        parts = dict(zip(order, m.groups()))
        month = MONTHS[parts["b"][:3].lower()] if "b" in parts else int(parts["m"])
        try:
            return dt.date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            continue
    return None


def page_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The first date line among the top lines of ``text`` (not after ``today``), or None.

    A date line is a short line, or one that starts "date" / "published" / "updated"; a
    sentence that merely mentions a date is not one."""
    today = today or dt.date.today()
    seen = 0
    for line in text[:4000].splitlines():
        if not line.strip():
            continue
        seen += 1
        if seen > _TOP_LINES:
            break
        if len(line) > _LINE_CHARS and not _PREFIXED.match(line):
            continue
        found = _parse(line[:_LINE_CHARS])
        if found is not None and found <= today:
            return found
    return None
