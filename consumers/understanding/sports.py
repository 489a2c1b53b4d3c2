"""Team-sport copy: place names there are mostly teams.

Match reports and results tables ("Chicago 5 Atlanta 1", "Surrey beat Kent") use a
city, state or county for a club; only prepositional uses ("in Chicago") and
countries (national sides are tagged as places in the Reuters/CoNLL guidelines)
stay places.
"""
from __future__ import annotations

import re

from .gazetteer import CITY_NAMES, COUNTRIES, COUNTY_NAMES, NATIONALITY_NAMES, US_STATES, _split

_TEAM_SPORT_HEADER = re.compile(
    r"^\s*(SOCCER|FOOTBALL|CRICKET|BASEBALL|BASKETBALL|RUGBY UNION|RUGBY LEAGUE|RUGBY|ICE HOCKEY|"
    r"HOCKEY|NFL|NBA|NHL|AMERICAN FOOTBALL|VOLLEYBALL|HANDBALL|AUSTRALIAN RULES)\b[^\n]*?-",
    re.IGNORECASE)
_COUNTRIES = frozenset(_split(COUNTRIES))
_PLACEISH = frozenset(CITY_NAMES) | frozenset(COUNTY_NAMES) | frozenset(_split(US_STATES))
_PLACE_PREPS = frozenset({"in", "at", "near", "from", "to", "outside", "around", "of", "into", "across"})


def is_team_sport(text: str) -> bool:
    """True when the first non-empty line is a team-sport slug ("SOCCER - ...")."""
    return bool(_TEAM_SPORT_HEADER.match(text.lstrip()[:120]))


def team_label(doc, tok_start: int, tok_end: int, label: str, text: str) -> str:
    """Label a name gets in team-sport copy."""
    if text in _COUNTRIES or text in NATIONALITY_NAMES:
        return label
    if label not in {"GPE", "LOC", "PERSON", "ORG", "NORP"} and label:
        return label
    if text not in _PLACEISH and label not in {"GPE", "LOC"}:
        return label
    prev = doc[tok_start - 1] if tok_start > 0 else None
    if prev is not None and prev.lower_ in _PLACE_PREPS:
        return label
    return "ORG"
