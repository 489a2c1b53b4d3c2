"""What the event-frame rules look up in one parsed document, indexed once per document.

Each trigger used to scan every mention, sentence and date entity of the document
(and spaCy rebuilds ``doc.ents`` on every access), which made event-dense text
quadratic: 180 KB of "Police arrested opposition leader Kem Sokha." took 35 s. Here
each lookup is a dict hit or a bisection.
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right

from ..model import Mention, Sentence
from ..page_date import MONTHS
from ..party_kb import PartyKB
from ..watchlist import Watchlist
from .lexicon import LEMMA_FIX


def lemma(tok) -> str:
    low = tok.lower_
    if low == "bars":
        # the state is "behind bars" only: the lemmatiser makes "bars" "bar" (unless the
        # tagger reads "Bars" as a name), and people fight "in bars"
        return "bars" if tok.head.lower_ == "behind" else "bar"
    return LEMMA_FIX.get(low, tok.lemma_.lower())


def _calendar(ent) -> tuple[int | None, int | None]:
    """(year, month) named in a DATE entity, each None when absent."""
    year = month = None
    for t in ent:
        if t.text.isdigit() and len(t.text) == 4:
            year = int(t.text)
        elif month is None:
            month = MONTHS.get(t.lower_.rstrip("."))
    return year, month


_YEAR_SPAN = re.compile(r"\b(?:19|20)\d\d\s*[-\u2013/]\s*(?:(?:19|20)\d\d|\d\d)\b")


def _is_dated(ent, on: dt.date | None = None) -> bool:
    """A date that places an event in the past: a year, "... ago", "last year". Against
    the story's date ``on``, a month of a year that is this month or the last is not past
    ("arrested on October 5, 2023" in a story of October 6); an older one is."""
    if re.search(r"\b(?:days?|hours?|minutes?|nights?)\s+ago\b", ent.text):
        return False  # "two days ago": this week's news
    if "ago" in ent.text or "last year" in ent.text or "last month" in ent.text:
        return True
    if _YEAR_SPAN.search(ent.text):
        return False  # "president 2006-2019", "an MP in 1993-97": a tenure, not when it happened
    year, month = _calendar(ent)
    if month is not None and any(t.lower_ == "last" for t in ent):
        return True  # "arrested last August": a month gone by, not this week's
    if year is None:
        # "on January 25" with no year: stories give these for this week's events, and a
        # story dated only by its year (a pasted page) could not place the month
        return False
    if on is None or month is None:
        return True  # a bare year, even this one's: "arrested in 2023"
    return (on.year - year) * 12 + on.month - month > 1


_CLAUSE_DEPS = frozenset({"relcl", "acl", "ccomp"})


def _in_other_clause(tok, verb) -> bool:
    """A date inside a relative or complement clause below ``verb`` dates that clause:
    "arrested ... over coup attempts that happened over a decade ago"."""
    t = tok
    while t.i != verb.i and t.head.i != t.i:  # by index: spaCy makes a new Token per access
        if t.dep_ in _CLAUSE_DEPS:
            return True
        if t.dep_ == "conj" and t.pos_ in {"VERB", "AUX"} and any(c.dep_ in {"aux", "auxpass"} for c in t.children):
            return True  # "has been charged ..., and was resolved more than 20 years ago"
        t = t.head
    return False


_PREMOD_DEPS = frozenset({"nummod", "compound", "amod", "nmod", "poss"})
_WHEN_PREPS = frozenset({"during", "in", "amid", "at", "after", "before", "since", "following", "ahead", "until"})


def _dates_a_noun(root) -> bool:
    """A year in front of a noun dates that noun, not a verb above it: "arrested over the
    2019 Easter Sunday attacks" (but "arrested during the 2019 protests" is dated)."""
    t = root
    for _ in range(6):
        if t.dep_ not in _PREMOD_DEPS or t.i > t.head.i or t.head.pos_ not in {"NOUN", "PROPN"}:
            break
        t = t.head
    if t is root:
        return False
    return not (t.dep_ == "pobj" and t.head.lower_ in _WHEN_PREPS)


class FrameContext:
    """One document's mentions, sentences, roles and date entities, with the lookups
    the frame rules make per trigger and per token."""

    def __init__(self, doc, mentions: tuple[Mention, ...], sentences: tuple[Sentence, ...],
                 headline_end: int, lead_ids: frozenset, watchlist: Watchlist, party_roles: dict,
                 person_roles: dict, dateline: str | None, genders: dict, kb: PartyKB | None = None,
                 on: dt.date | None = None):
        self.doc = doc
        self.mentions = mentions
        self.sentences = sentences
        self.headline_end = headline_end
        self.lead_ids = lead_ids
        self.watchlist = watchlist
        self.party_roles = party_roles
        self.person_roles = person_roles
        self.dateline = dateline
        self.genders = genders
        self.kb = kb or PartyKB()
        self.on = on
        # character -> the first mention (in document order) that covers it
        self._by_char: dict[int, Mention] = {}
        for m in reversed(mentions):
            for c in range(m.start, m.end):
                self._by_char[c] = m
        self._sent_starts = [s.start for s in sentences]
        # PERSON mentions in order, and for each the latest one usable for "she" / "he"
        persons = [m for m in mentions if m.label == "PERSON"]
        self._person_starts = [m.start for m in persons]
        self._last_for: dict[str, list[Mention | None]] = {"f": [], "m": []}
        for want, out in self._last_for.items():
            best = None
            for m in persons:
                g = genders.get(m.canonical)
                if g is None or g == want:
                    best = m
                out.append(best)
        self._index_dates(doc)

    def _index_dates(self, doc) -> None:
        # Date entities, read once (doc.ents is rebuilt on every access).
        self._dated_by_head: dict[int, list[int]] = {}  # root.head.i -> past dates (ordinals)
        self._dated_roots: list[tuple[int, int]] = []  # (root.i, ordinal), sorted
        self._dated: list = []
        self._time_at: dict[int, str] = {}  # token i -> first DATE/TIME hanging off it (1-2 up)
        for e in doc.ents:
            if e.label_ not in {"DATE", "TIME"}:
                continue
            root = e.root
            for key in (root.head.i, root.head.head.i):
                self._time_at.setdefault(key, e.text)
            if e.label_ == "DATE" and _is_dated(e, self.on):
                k = len(self._dated)
                self._dated.append(e)
                self._dated_by_head.setdefault(root.head.i, []).append(k)
                if not _dates_a_noun(root):
                    self._dated_roots.append((root.i, k))
        self._dated_roots.sort()

    def mention_at(self, char: int) -> Mention | None:
        return self._by_char.get(char)

    def sentence_of(self, char: int) -> Sentence | None:
        i = bisect_right(self._sent_starts, char) - 1
        if i >= 0 and char < self.sentences[i].end:
            return self.sentences[i]
        return None

    def antecedent(self, char: int, want: str) -> Mention | None:
        """The latest PERSON mention starting before ``char`` whose gender is ``want``
        or unknown."""
        i = bisect_left(self._person_starts, char)
        return self._last_for[want][i - 1] if i else None

    def past_date_for(self, tok, is_noun: bool):
        """The first date entity in a past year ("in 2016", "two years ago") attached to
        the trigger or one of its prepositions, or (for a verb) inside its subtree after it."""
        hits = set(self._dated_by_head.get(tok.i, ()))
        for c in tok.children:
            if c.dep_ == "prep":
                hits.update(self._dated_by_head.get(c.i, ()))
        if not is_noun:
            lo = bisect_right(self._dated_roots, (tok.i, len(self._dated)))
            hi = bisect_right(self._dated_roots, (tok.right_edge.i, len(self._dated)))
            for root_i, k in self._dated_roots[lo:hi]:
                if tok.is_ancestor(self.doc[root_i]) and not _in_other_clause(self.doc[root_i], tok):
                    hits.add(k)
        return self._dated[min(hits)] if hits else None

    def time_for(self, tok) -> str | None:
        """The first DATE/TIME entity whose root hangs off the trigger (directly or one up)."""
        return self._time_at.get(tok.i)
