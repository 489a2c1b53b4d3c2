"""Whether a text reads as English: the model wirewatch runs is English-only.

A cheap check, not language identification: English running text is about a third
function words ("the", "of", "and" ...); Spanish, Indonesian or Polish copy has almost
none of these. Too-short texts (a headline) are given the benefit of the doubt.
"""
from __future__ import annotations

import re

_FUNCTION_WORDS = frozenset(
    "the a an of to in and is was for on that with by he she his her said has have were are be at "
    "as from it its they their this which who after not but".split())
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS = 25
MIN_SHARE = 0.08
NOT_ENGLISH = "the text does not read as English"


def english_share(text: str, limit: int = 3000) -> tuple[float, int]:
    """(share of English function words, number of words) in the first ``limit`` characters."""
    words = _WORD.findall(text[:limit].lower())
    if not words:
        return 0.0, 0
    return sum(w in _FUNCTION_WORDS for w in words) / len(words), len(words)


def not_english_note(text: str) -> str | None:
    """A note for people when a text does not read as English, else None."""
    share, n = english_share(text)
    if n < MIN_WORDS or share >= MIN_SHARE:
        return None
    return (f"{NOT_ENGLISH} ({share:.0%} English function words in {n} words): "
            "the English model's entities and events are unreliable")
