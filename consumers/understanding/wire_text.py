"""Length-preserving clean-up of wire copy before it is parsed.

Every function here returns a string of exactly the same length as its input, so
character offsets computed on the cleaned text index the original text too (the
contract in ``model.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .gazetteer import CITY_NAMES, COUNTRY_NAMES

# "PHNOM PENH (Reuters) - ", "MARRAKESH, Morocco/CHICAGO (Reuters) - "
_REUTERS_DATELINE = re.compile(
    r"^(?P<lead>\s*)(?P<place>[A-Z][^\n()]{0,80}?)\s*\((?:Reuters|REUTERS|AP|AFP|IANS|PTI|ANI|UNI|BSS|APP|Xinhua|XINHUA|dpa|DPA|Bernama|AA|EFE|TASS|"
    r"UPI|AFP/Getty|RFE/RL|VOA|CNN|IRNA|KUNA|WAM|SPA|Anadolu|Agencies|AP Photo)\)"
    # the dash may be lost in scraped copy: "Manila, Philippines (CNN) One of ...", or the
    # dateline stands alone on its line
    r"(?:\s*[-\u2013\u2014:]+|[ \t]*(?=\n)|[ \t]+(?=[A-Z\"\u201c]))\s*"
)
# "MOSCOW -- ", "ISLAMABAD: ", "NAIROBI, Kenya \u2014 ": a capitals place and a dash or colon
_CAPS_DATELINE = re.compile(
    r"^(?P<lead>\s*)(?P<place>[A-Z][A-Z.'/-]{2,}(?: [A-Z][A-Z.'/-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?)"
    r"\s*(?:[-\u2013\u2014]{1,2}|:)\s+(?=[A-Z\"'])"
)
# Reuters-21578 style: "NEW YORK, March 3 - "
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|March|April|May|June|July|Aug(?:ust)?|Sept?(?:ember)?|"
           r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_DATED_DATELINE = re.compile(
    r"^(?P<lead>\s*)(?P<place>[A-Z][A-Z .'/-]{1,40}(?:, [A-Za-z .]{2,30})?), " + _MONTHS + r" \d{1,2}\s*-\s*"
)

# ISOT "worldnews" texts lost their apostrophes: "Hun Sen s government", "doesn t".
# Each pattern names the word before the gap; the gap (one space) becomes "'".
_END = r"(?=[\s,.;:!?)\"]|$)"
_CONTRACTIONS = [
    re.compile(r"[A-Za-z0-9.]( )s" + _END),
    re.compile(r"n( )t" + _END),
    re.compile(r"\bI( )m" + _END),
    re.compile(r"(?i)\b(?:we|you|they|who|what)( )re" + _END),
    re.compile(r"(?i)\b(?:I|we|you|they|could|would|should|might|must|who)( )ve" + _END),
    re.compile(r"(?i)\b(?:I|we|you|they|he|she|it|that|there|who)( )ll" + _END),
    re.compile(r"(?i)\b(?:I|we|you|they|he|she)( )d" + _END),
]

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})

# Invisible format and control characters: bidi marks and embeddings (U+200E/F,
# U+202A-E, U+2066-9), zero-width spaces and joiners, word joiners, BOMs, soft hyphens,
# C0/C1 controls other than tab and line breaks. Between words they glue the words into
# one token the parser and the matcher cannot read ("Kem\u200fSokha"); each becomes a
# space, so lengths and offsets are kept.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]")


def blank_invisible(text: str) -> str:
    """Invisible format/control characters -> spaces (same length)."""
    return _INVISIBLE.sub(" ", text)


@dataclass(frozen=True)
class Dateline:
    place: str
    start: int
    end: int  # end of the whole "PLACE (Reuters) - " prefix


def is_dateline_line(line: str) -> bool:
    """A line that is, or starts with, an agency dateline: "Manila, Philippines (CNN)"."""
    return bool(_REUTERS_DATELINE.match(line.strip() + "\n"))


# "Dhaka: Five top leaders ...", "Rawalpindi: ...": a known city or country in title
# case and a colon (checked against the gazetteer: "Update: ..." is not a place)
_NAMED_DATELINE = re.compile(r"^(?P<lead>\s*)(?P<place>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\s*:\s+(?=[A-Z\"'])")
_PLACES = frozenset(CITY_NAMES) | frozenset(COUNTRY_NAMES)


def find_dateline(body: str) -> Dateline | None:
    """Locate a dateline prefix at the very start of a body."""
    for pattern in (_REUTERS_DATELINE, _DATED_DATELINE, _CAPS_DATELINE, _NAMED_DATELINE):
        m = pattern.match(body)
        if m and pattern is _NAMED_DATELINE and m.group("place") not in _PLACES:
            continue
        if m:
            place = re.sub(r",\s*" + _MONTHS + r"\s*\d{1,2}$", "", m.group("place")).strip(" ,")
            return Dateline(place, m.start("place"), m.end())
    return None


def blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] by spaces (keeps length)."""
    return text[:start] + " " * (end - start) + text[end:]


def repair_apostrophes(text: str) -> str:
    """'Hun Sen s government' -> "Hun Sen's government" (same length)."""
    if " s " not in text and " t " not in text and " m " not in text and " re " not in text \
            and " ve " not in text and " ll " not in text and " d " not in text \
            and not re.search(r" [stmd][.,;:]", text):
        return text
    chars = list(text)
    for pattern in _CONTRACTIONS:
        for m in pattern.finditer(text):
            chars[m.start(1)] = "'"
    return "".join(chars)


def straighten_quotes(text: str) -> str:
    """Curly quotes -> straight ones, which spaCy's tokenizer handles better."""
    return text.translate(_QUOTES)


def looks_hard_wrapped(text: str) -> bool:
    """Typewriter-style copy wrapped at a fixed width (Reuters-21578): no line runs
    past 100 characters. Web text has one paragraph a line, and paragraphs do."""
    lines = [len(ln) for ln in text[:6000].split("\n") if ln.strip()]
    return len(lines) >= 2 and max(lines) <= 100


def unwrap_lines(text: str) -> str:
    """Hard-wrapped lines (Reuters-21578) become one line: a lone newline inside a
    sentence is turned into a space; paragraph breaks and indented lines stay.
    Text that is not hard-wrapped keeps its lines: there a line is a paragraph, a
    headline or a caption."""
    if "\n" not in text or not looks_hard_wrapped(text):
        return text
    out = list(text)
    for m in re.finditer(r"\n", text):
        i = m.start()
        prev = text[i - 1] if i > 0 else "\n"
        nxt = text[i + 1] if i + 1 < len(text) else "\n"
        if prev in "\n.!?:\"'" or nxt in "\n \t":
            continue
        out[i] = " "
    return "".join(out)


def is_caps_line(line: str, min_letters: int = 4) -> bool:
    letters = [c for c in line if c.isalpha()]
    if len(letters) < min_letters:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.9


_WORD = re.compile(r"[A-Za-z][A-Za-z'.-]*")


def case_map(text: str) -> dict[str, str]:
    """How each word is written in the mixed-case part of a text.

    Only words not at a sentence start count, so "The" does not teach us "the" is
    a name. Used to truecase ALL-CAPS headlines from the body of the same story.
    """
    counts: dict[str, dict[str, int]] = {}
    starts: dict[str, str] = {}
    for line in text.split("\n"):
        if is_caps_line(line):
            continue
        for m in _WORD.finditer(line):
            w = m.group()
            # the character before the word, spaces skipped (a backward scan, not a
            # copy of the line so far: that made long lines quadratic)
            j = m.start() - 1
            while j >= 0 and line[j].isspace():
                j -= 1
            at_start = j < 0 or line[j] in ".!?\"'(-:"
            if at_start and not w.isupper():
                starts.setdefault(w.lower(), w)  # fallback only: "The" must not win
                continue
            forms = counts.setdefault(w.lower(), {})
            forms[w] = forms.get(w, 0) + 1
    out = {k: max(v.items(), key=lambda kv: kv[1])[0] for k, v in counts.items()}
    for k, w in starts.items():
        if k not in out and k not in _FUNCTION_WORDS:
            out[k] = w
    return out


_FUNCTION_WORDS = frozenset("""
the a an in on at of and but or for to by from with as it he she they we i his her their its
this that these those there here when while after before if so no not one two three
""".split())


def truecase_line(line: str, known: dict[str, str], titled: set[str] | frozenset = frozenset()) -> str:
    """Re-case one ALL-CAPS line: known forms from the story, gazetteer names
    title-cased, everything else lower case. Same length as the input."""
    def fix(m: re.Match) -> str:
        w = m.group()
        low = w.lower()
        form = known.get(low)
        if form is not None and len(form) == len(w):
            return form
        if low in titled:
            return _title(w)
        if len(w) <= 3 and "." in w:  # U.S., U.N.
            return w
        return low
    return _WORD.sub(fix, line)


def _title(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def normalise_body(body: str, lead_start: int = 0) -> tuple[str, Dateline | None]:
    """Clean a wire body: blank invisible characters and the dateline (at the start of
    the lead, ``lead_start``: after a headline line a pasted page carries), repair
    apostrophes, straighten quotes, unwrap hard-wrapped lines.
    Returns (clean text, dateline or None)."""
    text = straighten_quotes(blank_invisible(body))
    dl = find_dateline(text[lead_start:])
    if dl is not None:
        dl = Dateline(dl.place, dl.start + lead_start, dl.end + lead_start)
        text = blank(text, dl.start, dl.end)
    text = repair_apostrophes(text)
    text = unwrap_lines(text)
    assert len(text) == len(body)
    return text, dl


def normalise_headline(headline: str) -> str:
    text = repair_apostrophes(straighten_quotes(blank_invisible(headline)))
    text = text.replace("\n", " ")
    return text
