"""Mark the trigger and the target inside an evidence sentence, as (text, kind) segments.

The matching is the alert email's (`consumers.alerting.render.highlight`); this only says
which of the two each match is. The template escapes every segment; only the <mark>
around it is ours.
"""
from __future__ import annotations

from consumers.alerting.render import highlight

TRIGGER, TARGET = "trigger", "target"


def marked(sentence: str, trigger: str | None, target: str | None) -> list[tuple[str, str | None]]:
    """Segments of ``sentence``; kind is "trigger", "target" or None. The longer phrase wins an overlap."""
    kinds = {w.strip().lower(): kind for w, kind in ((target, TARGET), (trigger, TRIGGER)) if w}
    return [(text, kinds.get(text.lower()) if hit else None) for text, hit in highlight(sentence, kinds)]
