"""Names found by their shape before document-level consolidation: titles and
honorifics ("Spokesman So Eysan"), initials ("P. Simmons"), a name before a bracketed
country ("Pete Sampras (U.S.)"), company suffixes and organisation words ("Jakarta
District Court"), given names beside a known surname, and dateline places.

Each finder reads a parsed spaCy Doc and returns token spans or adjusts candidates;
``entities`` runs them and consolidates the result.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from .gazetteer import (AMBIGUOUS, CITY_NAMES, COUNTRY_NAMES, COUNTY_NAMES, NATIONALITY_NAMES, ORG_NAMES,
                        ORG_NAMES_NO_RULER, REGION_NAMES)
from .sports import is_dateline
from .titles import PERSON_NOUNS, TITLE_WORDS

NAME_LABELS = frozenset({
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW",
    "LANGUAGE",
})

_ORG_WORDS = frozenset("""
party inc inc. corp corp. co co. ltd ltd. plc plc. llc group bank ministry department union
council committee commission agency association federation front movement league
organisation organization institute university college company corporation fund court
parliament assembly congress senate army police force forces service services board authority
alliance coalition foundation trust society club team airlines airline news times post
exchange reserve newsroom
""".split())
_NOT_NAMES = frozenset({"men", "women", "boys", "girls", "juniors", "seniors"})
# A sport on its own is a common noun, whatever its case: the "BASEBALL - " slug of a
# sports headline, "Golf" opening a sentence.
_SPORTS = frozenset("""
soccer football cricket baseball basketball tennis golf rugby athletics boxing cycling squash
swimming skiing hockey volleyball handball badminton rowing yachting sailing wrestling judo
gymnastics motorcycling snooker darts
""".split())
_SPEECH_VERBS = frozenset({"say", "tell", "add", "state", "announce", "write", "ask"})
_LEADING_DROP = frozenset({"the", "a", "an", "january", "february", "march", "april", "june", "july",
                           "august", "september", "october", "november", "december", "jan", "feb",
                           "aug", "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday",
                           "thursday", "friday", "saturday", "sunday"})
# Tokens that never sit inside a name: table separators, brackets, scores.
_SPLITTERS = frozenset({"(", ")", "-", "--", ":", ";", "/", "|", "[", "]", ",", "+"})

_PLACE_LABEL: dict[str, str] = {}
for _n in COUNTRY_NAMES + CITY_NAMES:
    _PLACE_LABEL[_n] = "GPE"
for _n in REGION_NAMES:
    _PLACE_LABEL.setdefault(_n, "LOC")
for _n in COUNTY_NAMES:
    _PLACE_LABEL.setdefault(_n, "GPE")
for _n in NATIONALITY_NAMES:
    _PLACE_LABEL.setdefault(_n, "NORP")
# Places in capitals: datelines ("WASHINGTON -", "NEW YORK, March 3"), capitalised
# headlines, captions and tables. Names under four letters are left out (capitalised
# initials); ambiguous names stay ambiguous in capitals too.
_AMBIGUOUS = AMBIGUOUS | frozenset(n.upper() for n in AMBIGUOUS)
for _n in list(_PLACE_LABEL):
    if _PLACE_LABEL[_n] != "NORP" and len(_n) >= 4 and not _n.isupper():
        _PLACE_LABEL.setdefault(_n.upper(), _PLACE_LABEL[_n])


def ruler_patterns() -> list[dict]:
    """Entity-ruler patterns from the gazetteer, minus names that double as people or clubs."""
    pats = []
    for name, label in _PLACE_LABEL.items():
        if name in _AMBIGUOUS:
            continue
        pats.append({"label": label, "pattern": name})
    for name in sorted(ORG_NAMES - ORG_NAMES_NO_RULER):
        if name not in _PLACE_LABEL:
            pats.append({"label": "ORG", "pattern": name})
    return pats


@dataclass
class _Cand:
    """A mention while it is being cleaned (mutable working copy)."""
    tok_start: int
    tok_end: int
    start: int
    end: int
    label: str
    clear: bool = False  # context says plainly what it is (title, apposition, speech verb)
    fixed: bool = False  # a dateline place: keeps its label whatever the same name is elsewhere
    key: str = ""
    canonical: str = ""
    aliases: set = field(default_factory=set)


def _trim(doc, start: int, end: int, label: str) -> tuple[int, int, bool]:
    """Drop leading articles/titles and trailing possessives/punctuation from a span."""
    titled = False
    while start < end and (doc[start].lower_ in _LEADING_DROP or
                           label == "PERSON" and any(ch.isdigit() for ch in doc[start].text)):
        start += 1  # "the", "March", "1990s Kovacs"
    if label == "PERSON":
        while end - start > 1 and (doc[start].lower_ in TITLE_WORDS or doc[start].lower_ + "." in TITLE_WORDS):
            start += 1
            titled = True
        # "Prime Minister Hun Sen" where the model kept only "Minister Hun Sen"
    while end > start and (doc[end - 1].lower_ in {"'s", "'", "s'"} or doc[end - 1].is_punct
                           and doc[end - 1].text not in {".", ")"} or doc[end - 1].is_space):
        end -= 1
    while end > start and (doc[start].is_punct and doc[start].text != "(" or doc[start].is_space):
        start += 1
    # "Interfax news agency" -> "Interfax": trailing common words are not the name
    # ... but not the second half of a hyphenated given name: "Ko Wen-je", "Kim Jong-un"
    while end - start > 1 and doc[end - 1].is_lower and doc[end - 1].is_alpha and not _hyphen_tail(doc, end - 1):
        end -= 1
    return start, end, titled


def _hyphen_tail(doc, i: int) -> bool:
    """Token ``i`` ends a word written with a hyphen and no spaces ("Wen-je")."""
    return i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_ \
        and doc[i - 2].is_title


def _is_clear_person(doc, start: int, end: int) -> bool:
    """Context that plainly marks a person: a title right before, an apposition to a
    person noun, or the subject of a speech verb."""
    if start > 0 and doc[start - 1].lower_ in TITLE_WORDS and doc[start - 1].lower_ not in _LEADING_DROP:
        return True
    head = doc[start:end].root
    if head.dep_ == "appos" and head.head.lemma_.lower() in PERSON_NOUNS:
        return True
    if any(c.dep_ == "appos" and c.lemma_.lower() in PERSON_NOUNS for c in head.children):
        return True
    if head.dep_ == "nsubj" and head.head.lemma_ in _SPEECH_VERBS:
        return True
    return False


_NAME_STOP = frozenset({"The", "A", "An", "In", "On", "At", "Of", "And", "But", "For", "To", "By",
                        "He", "She", "It", "They", "We", "I", "His", "Her", "Monday", "Tuesday",
                        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
# Titles after which a capitalised run is a person's name ("Spokesman So Eysan").
_NAME_TITLES = frozenset(PERSON_NOUNS | {"mr", "mrs", "ms", "dr", "spokesman", "spokeswoman",
                                         "co-leader", "president", "premier", "minister",
                                         "chairman", "senator", "lawmaker", "dissident", "activist",
                                         "hopeful", "contender"})  # "presidential hopeful X"


# The words of a portfolio ("Minister of Industry and Commerce X", "Secretary of State X").
_PORTFOLIO = frozenset("""
affairs foreign home interior internal state defence defense justice finance economy economic industry
commerce trade health education culture labour labor energy agriculture transport transportation
information communications environment tourism sports youth planning development works housing
security treasury mines mining petroleum oil water fisheries lands land public local government
social welfare women family science technology religious relations national rural urban investment
""".split())


def _past_portfolio(doc, j: int) -> int:
    """After a title, the index past "of [the] Industry and Commerce" when a name follows it."""
    if j >= len(doc) or doc[j].lower_ != "of":
        return j
    k = j + 1
    if k < len(doc) and doc[k].lower_ == "the":
        k += 1
    start = k
    while k < len(doc) and (doc[k].lower_ in _PORTFOLIO and doc[k].is_title or doc[k].lower_ in {"and", "&"}):
        k += 1
    if k == start or doc[k - 1].lower_ in {"and", "&"} or k >= len(doc) or not doc[k].is_title:
        return j
    return k


def titled_names(doc) -> list[tuple[int, int]]:
    """Token spans of capitalised runs right after a person title.

    The small model often misses or mis-types names it has not seen ("Spokesman So
    Eysan" -> ORG "Eysan"); a preceding title is strong evidence of a person.
    """
    out = []
    n = len(doc)
    i = 0
    while i < n:
        t = doc[i]
        if t.lower_.rstrip(".") in _NAME_TITLES and t.lower_ not in {"man", "woman", "head", "member"}:
            j = i + 1
            while j < n and doc[j].lower_ in TITLE_WORDS and doc[j].is_title:
                j += 1  # "Prime Minister", "Deputy Leader"
            j = _past_portfolio(doc, j)
            k = j
            while k < n and k - j < 4 and doc[k].is_title and doc[k].text not in _NAME_STOP \
                    and doc[k].lower_ not in _ORG_WORDS and doc[k].text not in _PLACE_LABEL \
                    and not doc[k].is_sent_start and doc[k].pos_ in {"PROPN", "NOUN", "ADV", "ADJ", "X"}:
                k += 1
            if k > j:
                out.append((j, k))
                i = k
                continue
        i += 1
    return out


# Words that end a company or institution name: "Homegate Hospitality Inc",
# "Gold Fields of South Africa Ltd", "First Bank".
_CORP_SUFFIX = frozenset("""
inc inc. corp corp. co co. ltd ltd. plc plc. llc ag s.a. nv n.v. gmbh spa s.p.a. bv oyj
holdings bancorp pharmaceuticals
""".split())


def _company_suffixes(doc, cands: list) -> None:
    """Extend a name over a following company suffix and type names ending in one ORG."""
    n = len(doc)
    # tokens some candidate covers (a candidate's own tokens are all before its end)
    covered = bytearray(n)
    for c in cands:
        covered[c.tok_start:c.tok_end] = b"\x01" * (c.tok_end - c.tok_start)
    for c in cands:
        if c.label not in {"PERSON", "GPE", "LOC", "NORP", "FAC", "ORG", "PRODUCT"}:
            continue
        end = c.tok_end
        while end < n and doc[end].lower_ in _CORP_SUFFIX and doc[end].text[:1].isupper() \
                and not covered[end]:
            end += 1
        if end < n and doc[end].text == "." and doc[end - 1].lower_ in {"inc", "corp", "co", "ltd"} \
                and not doc[end].whitespace_ == "" and end + 1 < n and not doc[end + 1].is_sent_start:
            end += 1  # "First of Michigan Corp ." in tokenised copy
        if end > c.tok_end:
            covered[c.tok_end:end] = b"\x01" * (end - c.tok_end)
            c.tok_end = end
            c.end = doc[end - 1].idx + len(doc[end - 1])
            c.label = "ORG"
        elif doc[c.tok_end - 1].lower_ in _CORP_SUFFIX and c.tok_end - c.tok_start >= 2 and c.label != "ORG":
            c.label = "ORG"


def _is_initial(text: str) -> bool:
    return len(text) == 2 and text[0].isupper() and text[0].isalpha() and text[1] == "."


def _name_word(t) -> bool:
    """A capitalised word that can be part of a person's name."""
    return t.text[:1].isupper() and t.text.replace("'", "").isalpha() and t.text not in _NAME_STOP \
        and t.lower_ not in _ORG_WORDS and t.lower_ not in TITLE_WORDS


def initial_names(doc) -> list[tuple[int, int]]:
    """Token spans of initialled names: "P. Simmons", "J. K. Rowling", "George W. Bush".

    An initial and a capitalised word after it are a person's name however the model
    typed the surname ("b Fleming" in a scorecard, "M. McCague" as ORG)."""
    out = []
    n = len(doc)
    i = 0
    while i < n:
        if not _is_initial(doc[i].text) or (i > 0 and _is_initial(doc[i - 1].text)):
            i += 1
            continue
        j = i
        while j < n and _is_initial(doc[j].text) and "\n" not in doc[j].whitespace_:
            j += 1
        k = j
        while k < n and k - j < 2 and _name_word(doc[k]) and doc[k].text not in _PLACE_LABEL \
                and "\n" not in doc[k - 1].whitespace_ and (k == j or doc[k - 1].whitespace_):
            k += 1
        if k > j:
            start = i
            if i > 0 and _name_word(doc[i - 1]) and doc[i - 1].whitespace_ == " " \
                    and doc[i - 1].text not in _PLACE_LABEL:
                start = i - 1  # the given name before a middle initial
            out.append((start, k))
            i = k
            continue
        i += 1
    return out


_COUNTRY_TAGS = frozenset(COUNTRY_NAMES) | {"U.S.", "US", "USA", "UK", "U.K."}
_NAME_PARTICLES = frozenset({"de", "da", "di", "van", "von", "der", "den", "le", "la", "du", "dos",
                             "del", "bin", "al", "el", "ul", "ter"})


def country_tagged_names(doc) -> list[tuple[int, int]]:
    """Token spans of names followed by a country in brackets: "Pete Sampras ( U.S. )",
    "Tegla Loroupe (Kenya)". Outside team-sport copy that is how wire copy tags a
    competitor or a person with their country (a team there would be a club)."""
    out = []
    n = len(doc)
    for i in range(1, n - 2):
        if doc[i].text != "(":
            continue
        close = next((c for c in range(i + 2, min(n, i + 6)) if doc[c].text == ")"), None)
        if close is None or doc[i + 1:close].text not in _COUNTRY_TAGS:
            continue
        k = i
        while k > 0 and i - k < 5:
            t = doc[k - 1]
            if "\n" in t.whitespace_ or "\n" in t.text:
                break
            if _name_word(t):
                k -= 1
            elif (t.lower_ in _NAME_PARTICLES or t.text == "-" and not t.whitespace_) and k - 1 > 0 \
                    and k < i:
                k -= 1
            else:
                break
        while k < i and not _name_word(doc[k]):
            k += 1
        if k == i:
            continue
        text = doc[k:i].text
        if text in _PLACE_LABEL or text in ORG_NAMES or all(t.text in _PLACE_LABEL for t in doc[k:i]):
            continue
        out.append((k, i))
    return out


def _org_heads(doc, cands: list) -> None:
    """A place or name followed by capitalised words ending in an organisation word is
    that organisation: "Jakarta [District Court]", "Bucharest [Newsroom]", "JAKARTA
    [POST]", "Yeltsin [Foundation]". The words must be free, on the same line and in
    the same case style as the name."""
    n = len(doc)
    covered = bytearray(n)
    for c in cands:
        covered[c.tok_start:c.tok_end] = b"\x01" * (c.tok_end - c.tok_start)
    for c in cands:
        if c.label not in {"GPE", "LOC", "NORP", "PERSON", "FAC", "ORG"}:
            continue
        caps = doc[c.tok_start:c.tok_end].text.isupper()
        end = c.tok_end
        last_org = None
        while end < n and end - c.tok_end < 3 and not covered[end] and "\n" not in doc[end - 1].whitespace_ \
                and doc[end - 1].whitespace_ and doc[end].is_alpha \
                and (doc[end].is_upper if caps else doc[end].is_title):
            end += 1
            if doc[end - 1].lower_ in _ORG_WORDS:
                last_org = end
        if last_org is None:
            continue
        covered[c.tok_end:last_org] = b"\x01" * (last_org - c.tok_end)
        c.tok_end = last_org
        c.end = doc[last_org - 1].idx + len(doc[last_org - 1])
        c.label = "ORG"


def _titled_people(doc, cands: list[_Cand], spans: list[tuple[int, int]] | None = None) -> list[_Cand]:
    """Make runs after a person title PERSON candidates (``titled_names``), replacing
    the candidates they overlap unless one of those already says PERSON; sorted by start.

    Titled runs are disjoint and only overlap the original candidates, so a token ->
    candidate map finds the overlaps (a scan of all candidates per run was quadratic)."""
    at: dict[int, list[int]] = defaultdict(list)
    for k, c in enumerate(cands):
        for i in range(c.tok_start, c.tok_end):
            at[i].append(k)
    dropped: set[int] = set()
    added = []
    for ts, te in (titled_names(doc) if spans is None else spans):
        overlapping = sorted({k for i in range(ts, te) for k in at.get(i, ()) if k not in dropped})
        if any(cands[k].label == "PERSON" and cands[k].tok_start <= ts and cands[k].tok_end >= te
               for k in overlapping):
            for k in overlapping:
                cands[k].clear = True
            continue
        dropped.update(overlapping)
        span = doc[ts:te]
        added.append(_Cand(ts, te, span.start_char, span.end_char, "PERSON", True))
    out = [c for k, c in enumerate(cands) if k not in dropped] + added
    out.sort(key=lambda c: c.start)
    return out


def _given_names(doc, cands: list[_Cand], breaks: frozenset[int]) -> None:
    """A person's given name the model left outside the span: "Andre [Agassi]",
    "Waqar [Younis]". The word before must be a proper noun of its own, on the same
    line, not a place, title or organisation, and not in another name."""
    covered = bytearray(len(doc))
    for c in cands:
        covered[c.tok_start:c.tok_end] = b"\x01" * (c.tok_end - c.tok_start)
    for c in cands:
        p = c.tok_start - 1
        if c.label != "PERSON" or p < 0 or covered[p] or c.tok_start in breaks:
            continue
        t = doc[p]
        if t.pos_ == "PROPN" and t.whitespace_ == " " and _name_word(t) and t.text not in _PLACE_LABEL \
                and t.lower_ not in _LEADING_DROP and t.lower_ not in _PORTFOLIO \
                and t.text not in ORG_NAMES and not t.is_upper:
            c.tok_start = p
            c.start = t.idx
            covered[p] = 1


def _dateline_places(doc, cands: list[_Cand], breaks: frozenset[int] = frozenset()) -> list[_Cand]:
    """A capitalised place opening a line before a date or agency is the dateline's
    place, known to the gazetteer or not ("TAVILDARA, Tajikistan 1996-08-30",
    "PANAMA CITY (Reuters) -"): it replaces what the model made of those words."""
    n = len(doc)
    added = []
    for i in range(n):
        if not (i == 0 or i in breaks or "\n" in doc[i - 1].text or "\n" in doc[i - 1].whitespace_):
            continue
        j = i
        while j < n and j - i < 3 and doc[j].is_upper and doc[j].text.replace(".", "").replace("-", "").isalpha() \
                and "\n" not in doc[j].whitespace_:
            j += 1
        if j == i or len(doc[i:j].text) < 3 or not is_dateline(doc, i, j, breaks):
            continue
        span = doc[i:j]
        added.append(_Cand(i, j, span.start_char, span.end_char, "GPE", True, fixed=True))
    if not added:
        return cands
    kept = [c for c in cands if not any(a.tok_start < c.tok_end and c.tok_start < a.tok_end for a in added)]
    return sorted(kept + added, key=lambda c: c.start)


def _unwrapped_breaks(doc, doc_text: str, layout_text: str | None) -> frozenset[int]:
    """Tokens that open a line in the layout text where clean-up joined the lines
    (a byline or a dateline without a full stop before the next line)."""
    if layout_text is None or len(layout_text) != len(doc_text):
        return frozenset()
    gaps = []
    k = layout_text.find("\n")
    while k != -1:
        if doc_text[k] != "\n":
            gaps.append(k)
        k = layout_text.find("\n", k + 1)
    if not gaps:
        return frozenset()
    starts = [t.idx for t in doc]
    return frozenset(i for i in (bisect_left(starts, k) for k in gaps) if i < len(starts))
