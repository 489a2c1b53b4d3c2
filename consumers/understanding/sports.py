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


_MONTHS = frozenset("""
jan jan. january feb feb. february mar mar. march apr apr. april may jun june jul july aug aug.
august sep sep. sept sept. september oct oct. october nov nov. november dec dec. december
""".split())
_AGENCIES = frozenset({"Reuters", "REUTERS", "AP", "AFP", "dpa", "DPA", "UPI"})


def _opens_line(doc, i: int, breaks: frozenset[int] | set[int] = frozenset()) -> bool:
    return i == 0 or i in breaks or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_


def is_dateline(doc, tok_start: int, tok_end: int, breaks: frozenset[int] | set[int] = frozenset()) -> bool:
    """The name opens a line (or follows a line-opening place and a comma) and a
    dateline's date (a year or a month), agency or dash follows it (a score does not): "LONDON 1996-08-30",
    "ARLINGTON, Texas 1996-08-31", "LONDON, Aug 30 (Reuters) -", "WASHINGTON (AP) --".
    ``breaks``: tokens that open a line of the original layout (clean-up may join lines)."""
    if not _opens_line(doc, tok_start, breaks):
        k = tok_start - 1
        if k < 1 or doc[k].text != ",":
            return False
        k -= 1
        while k > 0 and tok_start - k < 6 and doc[k].text[:1].isupper() and not _opens_line(doc, k, breaks):
            k -= 1
        if not (doc[k].text[:1].isupper() and _opens_line(doc, k, breaks)):
            return False
    comma = False
    for k, t in enumerate(doc[tok_end:tok_end + 7]):
        if "\n" in t.text:
            return False
        if t.text in {",", "("}:
            comma = comma or t.text == ","
            continue
        if comma and t.text[:1].isupper() and t.is_alpha and t.lower_ not in _MONTHS:
            continue  # the region: ", Tajikistan", ", West Bank"
        if t.is_digit and len(t.text) == 4 or t.lower_ in _MONTHS or t.text in _AGENCIES:
            return True
        return k == 0 and t.text in {"-", "--", "\u2013", "\u2014"}
    return False


def team_label(doc, tok_start: int, tok_end: int, label: str, text: str) -> str:
    """Label a name gets in team-sport copy."""
    if text in _COUNTRIES or text in NATIONALITY_NAMES:
        return label
    if label not in {"GPE", "LOC", "PERSON", "ORG", "NORP"} and label:
        return label
    if text not in _PLACEISH and label not in {"GPE", "LOC"}:
        return label
    if is_dateline(doc, tok_start, tok_end):
        return label  # a dateline names the place the story was filed from
    prev = doc[tok_start - 1] if tok_start > 0 else None
    if prev is not None and prev.lower_ in _PLACE_PREPS:
        return label
    nxt = doc[tok_end] if tok_end < len(doc) else None
    if prev is not None and prev.text == "," and nxt is not None and nxt.text in {")", "."}:
        return label  # the town after a venue: "(at The Oval, London)"
    return "ORG"


# Results and standings lines in team-sport copy: "Stoke 2 Barnsley 1",
# "Proleter (Z) 3 Mladost (L) 0", "Stoke 10 6 2 2 15 9 20". The names there are teams.
# A name is words joined by single spaces, plus bracketed initials that may be glued on
# ("Mladost(L)"). Only the bracket may follow without a space: an optional space before
# a word made "AAAA" splittable in 2^n ways, and a line of capitals then backtracked
# exponentially. Every repetition now starts with a character a word cannot contain, so
# a match attempt is linear in the line.
_WORD = r"[A-Z][\w.'&-]*"
_NAME_SPACED = rf"{_WORD}(?: (?:{_WORD}|of|de|la|del|the|'s)| ?\( ?[A-Z]{{1,3}} ?\))*"
_RESULT_LINE = re.compile(rf"^[ \t]*(?P<a>{_NAME_SPACED}) (?P<sa>\d+) (?P<b>{_NAME_SPACED}) (?P<sb>\d+)\b[^\n]*$",
                          re.MULTILINE)
_STANDING_LINE = re.compile(rf"^[ \t]*(?P<a>{_NAME_SPACED})(?: \d+){{4,}}[^\n]*$", re.MULTILINE)


def table_teams(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of team names in results/standings lines of team-sport copy.

    National sides keep the place label (CoNLL/Reuters convention)."""
    out = []
    for rx, groups in ((_RESULT_LINE, ("a", "b")), (_STANDING_LINE, ("a",))):
        for m in rx.finditer(text):
            for g in groups:
                name = m.group(g)
                if name.isupper() and len(name) > 3 and " " not in name and name not in _PLACEISH \
                        and name not in _COUNTRIES:
                    continue  # "TOTAL 4 ..." style all-caps words that are not places
                label = "GPE" if name in _COUNTRIES else "ORG"
                out.append((m.start(g), m.end(g), label))
    return out
