"""Mark the trigger and the target inside an evidence sentence, as (text, kind) segments.

The template escapes every segment; only the <mark> around it is ours.
"""
from __future__ import annotations

import re

TRIGGER, TARGET = "trigger", "target"


def marked(sentence: str, trigger: str | None, target: str | None) -> list[tuple[str, str | None]]:
    """Segments of ``sentence``; kind is "trigger", "target" or None. The longer phrase wins an overlap."""
    if not sentence:
        return [("", None)]
    wanted = [(w.strip(), kind) for w, kind in ((target, TARGET), (trigger, TRIGGER)) if w and len(w.strip()) >= 2]
    wanted.sort(key=lambda wk: len(wk[0]), reverse=True)
    if not wanted:
        return [(sentence, None)]
    kinds = {w.lower(): kind for w, kind in wanted}
    pattern = re.compile("|".join(r"(?<!\w)" + re.escape(w) + r"(?!\w)" for w, _ in wanted), re.I)
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in pattern.finditer(sentence):
        if m.start() > pos:
            out.append((sentence[pos:m.start()], None))
        out.append((m.group(0), kinds.get(m.group(0).lower())))
        pos = m.end()
    if pos < len(sentence):
        out.append((sentence[pos:], None))
    return out
