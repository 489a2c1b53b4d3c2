"""Named-entity mentions cleaned up and consolidated at document level.

spaCy's small model labels each mention on its own; wire copy needs a document view:
one name keeps one type, "CNRP" is the Cambodia National Rescue Party, "Sokha" is
Kem Sokha. Input: a parsed spaCy Doc whose text is the normalised analysis text.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .entity_links import link_acronyms, link_people, norm_key
from .gazetteer import (AMBIGUOUS, CITY_NAMES, COUNTRY_NAMES, COUNTY_NAMES, NATIONALITY_NAMES, ORG_NAMES,
                        ORG_NAMES_NO_RULER, REGION_NAMES)
from .model import Entity, Mention
from .sports import is_dateline, is_team_sport, table_teams, team_label
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
    while end - start > 1 and doc[end - 1].is_lower and doc[end - 1].is_alpha:
        end -= 1
    return start, end, titled


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
                                         "chairman", "senator", "lawmaker", "dissident", "activist"})


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
                and t.lower_ not in _LEADING_DROP \
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


def raw_candidates(doc, layout_text: str | None = None) -> list[_Cand]:
    """Mentions from doc.ents, trimmed and with gazetteer label fixes.

    ``layout_text`` is the same-length original text whose line breaks show table
    rows (clean-up joins wrapped lines); results/standings rows are read from it."""
    cands: list[_Cand] = []
    doc_text = doc.text  # Doc.text is rebuilt from the tokens on every access
    breaks = _unwrapped_breaks(doc, doc_text, layout_text)
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        # a newline never sits inside a name; split there
        pieces = []
        s = ent.start
        for i in range(ent.start, ent.end):
            t = doc[i]
            spaced = t.text in _SPLITTERS and (t.whitespace_ or i == 0 or doc[i - 1].whitespace_) \
                and not (t.text == "-" and not t.whitespace_)
            if "\n" in t.text or i in breaks and i > ent.start or spaced \
                    or (t.like_num and t.text.replace(".", "").replace("-", "").isdigit() and i > ent.start):
                if i > s:
                    pieces.append((s, i))
                s = i + 1
        if ent.end > s:
            pieces.append((s, ent.end))
        for ps, pe in pieces:
            label = ent.label_
            ts, te, titled = _trim(doc, ps, pe, label)
            if te <= ts:
                continue
            span = doc[ts:te]
            text = span.text
            if not any(c.isalpha() for c in text):
                continue
            if label == "PERSON" and te - ts > 2 and _PLACE_LABEL.get(doc[ts].text) == "NORP":
                # "American Dennis Mitchell": a nationality, then the person
                nt = doc[ts]
                cands.append(_Cand(ts, ts + 1, nt.idx, nt.idx + len(nt), "NORP"))
                ts += 1
                span = doc[ts:te]
                text = span.text
            if text in ORG_NAMES and label in {"PERSON", "GPE", "LOC", "NORP", "FAC", "PRODUCT"}:
                label = "ORG"
            fixed = _PLACE_LABEL.get(text)
            if fixed and text not in _AMBIGUOUS and label in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}:
                label = fixed
            if label == "ORG" and len(span) == 1 and span[0].lower_ in _ORG_WORDS:
                continue  # "Party" alone
            if len(span) == 1 and span[0].lower_ in _SPORTS:
                continue
            if label in {"ORG", "PERSON"} and span[0].lower_ in _NOT_NAMES and len(span) <= 2:
                continue  # "Men 's singles", "Women": category words in results copy
            clear = titled or (label == "PERSON" and _is_clear_person(doc, ts, te))
            cands.append(_Cand(ts, te, span.start_char, span.end_char, label, clear))
    _company_suffixes(doc, cands)
    _org_heads(doc, cands)
    team_sport = is_team_sport(doc_text)
    spans = titled_names(doc)
    taken = {i for a, b in spans for i in range(a, b)}
    more = initial_names(doc) if "." in doc_text else []
    if not team_sport and "(" in doc_text:
        # a lone word is a person only if the model saw a name there and not an ORG
        # (a cycling team or a firm: "Telekom (Germany)")
        named = {i for c in cands if c.label != "ORG" for i in range(c.tok_start, c.tok_end)}
        more += [(a, b) for a, b in country_tagged_names(doc) if b - a > 1 or a in named]
    for a, b in sorted(more):
        if not any(i in taken for i in range(a, b)):
            spans.append((a, b))
            taken.update(range(a, b))
    cands = _titled_people(doc, cands, sorted(spans))
    _given_names(doc, cands, breaks)
    cands = _dateline_places(doc, cands, breaks)
    for c in cands:
        if (c.label in {"GPE", "LOC"} or doc_text[c.start:c.end] in _PLACE_LABEL) \
                and is_dateline(doc, c.tok_start, c.tok_end, breaks):
            # "NEW YORK 1996-08-30" heads a story that calls the Mets "New York"
            c.label = c.label if c.label in {"GPE", "LOC"} else _PLACE_LABEL[doc_text[c.start:c.end]]
            c.fixed = c.clear = True
    if team_sport:
        for c in cands:
            if c.fixed:
                continue
            c.label = team_label(doc, c.tok_start, c.tok_end, c.label, doc_text[c.start:c.end])
        rows_text = layout_text if layout_text is not None and len(layout_text) == len(doc_text) else doc_text
        for a, b, label in table_teams(rows_text):
            span = doc.char_span(a, b)
            if span is None:
                continue
            cands = [c for c in cands if not (c.tok_start < span.end and span.start < c.tok_end)]
            cands.append(_Cand(span.start, span.end, a, b, label, True))
        cands.sort(key=lambda c: c.start)
    return cands


def _majority_labels(cands: list[_Cand]) -> dict[str, str]:
    """One label per surface key: the first clear mention wins, else the majority
    (ties go to the first mention)."""
    groups: dict[str, list[_Cand]] = defaultdict(list)
    for c in cands:
        groups[c.key].append(c)
    out = {}
    for key, group in groups.items():
        clear = [c for c in group if c.clear]
        if clear:
            out[key] = clear[0].label
            continue
        words = set(key.split())
        counts = Counter(c.label for c in group)
        if words & _ORG_WORDS and "ORG" in counts:
            out[key] = "ORG"
            continue
        best = max(counts.values())
        out[key] = next(c.label for c in group if counts[c.label] == best)
    return out


def propagate(doc, cands: list[_Cand], labels: dict[str, str]) -> list[_Cand]:
    """Tag unlabelled repeats of names already found in the document (results
    tables, headlines and short references the model missed)."""
    covered = [False] * len(doc)
    for c in cands:
        for i in range(c.tok_start, c.tok_end):
            covered[i] = True
    surfaces: dict[tuple, str] = {}
    for c in cands:
        toks = tuple(t.text for t in doc[c.tok_start:c.tok_end])
        if not toks[0][:1].isupper() or (len(toks) == 1 and len(toks[0]) < 3):
            continue
        surfaces[toks] = labels.get(c.key, c.label)
        if labels.get(c.key, c.label) == "PERSON" and len(toks) >= 2 and len(toks[-1]) >= 3 \
                and toks[-1][:1].isupper():
            surfaces.setdefault((toks[-1],), "PERSON")  # later references by surname
    if not surfaces:
        return cands
    # Only lengths of surfaces that start with the token can match there, and a hit only
    # covers tokens before the scan position: prefix sums of the first coverage answer
    # "is any of these tokens taken?" (trying every length up to the longest name at
    # every token, each with a slice, was quadratic in long names).
    by_first: dict[str, set[int]] = defaultdict(set)
    for key in surfaces:
        by_first[key[0]].add(len(key))
    lengths = {first: sorted(ls, reverse=True) for first, ls in by_first.items()}
    taken = [0]
    for flag in covered:
        taken.append(taken[-1] + flag)
    added = []
    i = 0
    n = len(doc)
    while i < n:
        text = doc[i].text
        if covered[i] or not text[:1].isupper() or text not in lengths:
            i += 1
            continue
        hit = None
        for L in lengths[text]:
            if L > n - i or taken[i + L] - taken[i]:
                continue
            key = tuple(t.text for t in doc[i:i + L])
            if key in surfaces:
                # a longer capitalised run around it means it is part of another name
                if (i + L < n and doc[i + L].is_title and not doc[i + L].is_sent_start
                        and doc[i + L].pos_ == "PROPN"):
                    break
                hit = (L, surfaces[key])
                break
        if hit:
            L, label = hit
            span = doc[i:i + L]
            added.append(_Cand(i, i + L, span.start_char, span.end_char, label))
            for j in range(i, i + L):
                covered[j] = True
            i += L
        else:
            i += 1
    return sorted(cands + added, key=lambda c: c.start)


def consolidate(doc, cands: list[_Cand], original_text: str | None = None,
                known_people: dict[str, str] | None = None) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    """Give every name one type and one canonical form; link acronyms and surnames.

    ``known_people`` maps a normalised alias to a canonical person name (from the
    watchlist), which both fixes the type and links aliases.
    """
    doc_text = doc.text  # Doc.text is rebuilt from the tokens on every access: read it once
    text = original_text if original_text is not None else doc_text
    known_people = known_people or {}
    for c in cands:
        c.key = norm_key(doc_text[c.start:c.end])
        if c.fixed:
            c.key += " #place"  # its own entity: the filing place, not the team
            continue
        if c.key in known_people:
            c.label = "PERSON"
            c.clear = True
    labels = _majority_labels(cands)
    cands = propagate(doc, cands, labels)
    for c in cands:
        if not c.key:
            c.key = norm_key(doc_text[c.start:c.end])
        c.label = labels.get(c.key, c.label)

    # canonical key per surface key (union-find light: key -> target key)
    link: dict[str, str] = {}
    link_acronyms(doc, cands, labels, link, doc_text)
    link_people(cands, labels, link, known_people, doc_text)

    def root(k: str) -> str:
        seen = set()
        while k in link and k not in seen:
            seen.add(k)
            k = link[k]
        return k

    groups: dict[str, list[_Cand]] = defaultdict(list)
    for c in cands:
        groups[root(c.key)].append(c)

    known_canon: dict[str, str] = {}
    for v in known_people.values():
        known_canon.setdefault(norm_key(v), v)
    entities = []
    mentions: list[Mention] = []
    for rk, group in groups.items():
        label = labels.get(rk) or group[0].label
        surfaces = [doc_text[c.start:c.end] for c in group]
        own = [doc_text[c.start:c.end] for c in group if c.key == rk]
        counts = Counter(own)
        canonical = max(own, key=lambda s: (len(s.split()), counts[s])) if own else surfaces[0]
        if rk in known_canon:
            canonical = known_canon[rk]
        ms = tuple(Mention(c.start, c.end, text[c.start:c.end], label, canonical)
                   for c in sorted(group, key=lambda c: c.start))
        aliases = tuple(sorted({s for s in surfaces if s != canonical}))
        entities.append(Entity(canonical, label, ms, ms[0].start, aliases))
        mentions.extend(ms)
    entities.sort(key=lambda e: e.first_position)
    mentions.sort(key=lambda m: m.start)
    return tuple(mentions), tuple(entities)


def extract(doc, original_text: str | None = None, known_people: dict[str, str] | None = None):
    """Mentions and entities of a parsed doc."""
    return consolidate(doc, raw_candidates(doc, original_text), original_text, known_people)
