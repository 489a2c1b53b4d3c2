"""Text analysis entry point: wire item (headline, body) -> Analysis.

spaCy loads lazily on first use (never at import), so consumers that only route
messages pay nothing. ``analyse_many`` feeds ``nlp.pipe`` for throughput, in chunks
the caps in ``limits`` keep small enough for memory.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Iterable

from . import entities as entity_mod
from .events import find_frames
from .gazetteer import NATIONALITY_NAMES, PLACE_WORDS
from .events.other_languages import cue_frames
from .language import NOT_ENGLISH, not_english_note
from .limits import DEFAULT_CAPS, Caps, bound, pipe_chunks
from .model import Analysis, Sentence
from .party_kb import PartyKB, load_party_kb
from .watchlist import EMPTY, Watchlist, load_watchlist
from .page_date import page_date
from .page_layout import is_title_case, read_layout, truecase_title
from .wire_text import blank, case_map, is_caps_line, normalise_body, normalise_headline, truecase_line

EXTRACTOR_VERSION = "wirewatch-understanding/2.0 en_core_web_sm-3.8.0"

_TITLED = PLACE_WORDS | frozenset(n.lower() for n in NATIONALITY_NAMES if " " not in n)


def prepare_text(headline: str, body: str, limit: int | None = None) -> tuple[str, str, int, str | None]:
    """(original text, text for the parser, headline_end, dateline place).

    The parser text indexes the original: it has the same length, or with ``limit`` it
    may stop early (only about the first ``limit`` characters are cleaned, so the cost
    of a huge body is not paid for text that will not be analysed).

    Web text is read for its layout first (``page_layout``): furniture lines at the
    top become blanks, and an item without a headline (a pasted page) gets its first
    headline-like line as the headline, so the lead is the page's real lead.
    """
    headline = headline or ""
    body = body or ""
    original = headline + "\n\n" + body
    if limit is not None and len(headline) >= limit:
        clean = normalise_headline(headline[:limit])  # nothing of the body fits
        return original, clean, len(headline), None
    if limit is not None:
        body = body[:max(0, limit - len(headline) - 2)]
    head_is_furniture, layout = read_layout(headline, body)
    for start, end in layout.furniture:
        body = blank(body, start, end)
    clean_body, dateline = normalise_body(body, layout.lead_start)
    clean_head = " " * len(headline) if head_is_furniture else normalise_headline(headline)
    headline_end = len(headline)
    if layout.headline is not None:
        hs, he = layout.headline
        headline_end = len(headline) + 2 + he
        clean_body = clean_body[:hs] + _recase(clean_body[hs:he], blank(clean_body, hs, he)) + clean_body[he:]
    else:
        clean_head = _recase(clean_head, clean_body)
    clean = clean_head + "\n\n" + clean_body
    assert len(clean) == len(headline) + 2 + len(body)
    return original, clean, headline_end, dateline.place if dateline else None


def _recase(line: str, body: str) -> str:
    """An ALL-CAPS or Title-Cased headline re-cased from the story's own spelling."""
    if is_caps_line(line):
        return truecase_line(line, case_map(body), _TITLED)
    if is_title_case(line):
        return truecase_title(line, case_map(body))
    return line


def sentences_of(doc, original: str) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    clean = doc.text  # blanked dateline is whitespace here, not in the original
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while start < end and clean[start].isspace():
            start += 1
        while end > start and clean[end - 1].isspace():
            end -= 1
        if end > start:
            out.append(Sentence(len(out), start, end, original[start:end]))
    return tuple(out)


class Analyzer:
    """Entity extraction plus arrest-event frames for wire items.

    ``caps`` bound the work per item and per nlp.pipe call (see ``limits``);
    ``max_chars`` overrides just the character cap.
    """

    def __init__(self, nlp=None, watchlist: Watchlist | str | None = None, model: str | None = None,
                 caps: Caps | None = None, max_chars: int | None = None,
                 parties: PartyKB | str | None = None):
        self._nlp = nlp
        self._model = model
        self.caps = caps or DEFAULT_CAPS
        if max_chars is not None:
            self.caps = replace(self.caps, max_chars=max_chars)
        if watchlist is None or isinstance(watchlist, str):
            self._watchlist_source = watchlist
            self._watchlist: Watchlist | None = None
        else:
            self._watchlist_source = None
            self._watchlist = watchlist
        self._parties_source = parties if isinstance(parties, str) else None
        self._parties: PartyKB | None = parties if isinstance(parties, PartyKB) else None

    @property
    def nlp(self):
        if self._nlp is None:
            from .pipeline import DEFAULT_MODEL, load_model

            self._nlp = load_model(self._model or DEFAULT_MODEL)
        if "wirewatch_places" not in self._nlp.pipe_names:
            from .pipeline import prepare

            prepare(self._nlp)
        return self._nlp

    @property
    def watchlist(self) -> Watchlist:
        if self._watchlist is None:
            try:
                self._watchlist = load_watchlist(self._watchlist_source)
            except Exception:  # a broken watchlist must not stop extraction
                self._watchlist = EMPTY
        return self._watchlist

    @property
    def parties(self) -> PartyKB:
        """The knowledge base of parties and figures (config/parties/), read on first use."""
        if self._parties is None:
            try:
                self._parties = load_party_kb(self._parties_source)
            except Exception:  # a broken knowledge base must not stop extraction
                self._parties = PartyKB()
        return self._parties

    def analyse(self, headline: str, body: str, published=None) -> Analysis:
        return self.analyse_many([(headline, body, published)])[0]

    def analyse_many(self, pairs: Iterable[tuple], batch_size: int = 32) -> list[Analysis]:
        """Analyse (headline, body) or (headline, body, published) items; ``published``
        (a date, datetime or ISO string) is the day roles are resolved on."""
        caps = self.caps
        prepared = []
        for h, b, *rest in pairs:
            # a margin past the cap, so clean-up sees the characters after the cut point
            original, clean, headline_end, dateline = prepare_text(h, b, caps.max_chars + caps.max_word)
            text, notes = bound(clean, caps, total=len(original))
            foreign = not_english_note(clean)
            if foreign:
                notes = (*notes, foreign)
            prepared.append((original, text, headline_end, dateline, notes, as_date(rest[0] if rest else None)))
        out: list[Analysis] = []
        # a poll of large items is parsed a few at a time: memory follows the chunk
        for chunk in pipe_chunks([p[1] for p in prepared], caps):
            items = [prepared[i] for i in chunk]
            docs = self.nlp.pipe((p[1] for p in items), batch_size=min(batch_size, len(items)))
            out.extend(self._build(doc, *p) for doc, p in zip(docs, items))
        return out

    def _build(self, doc, original: str, clean: str, headline_end: int, dateline: str | None,
               notes: tuple[str, ...] = (), on: dt.date | None = None) -> Analysis:
        wl = self.watchlist
        layout = original[:len(clean)]  # the analysed part of the original, same length as the doc
        mentions, ents = entity_mod.extract(doc, layout, wl.people)
        sentences = sentences_of(doc, layout)
        # a page that came without a publication date is dated by its own date line
        frames = find_frames(doc, layout, sentences, mentions, ents, headline_end, dateline, wl,
                             kb=self.parties, on=on or page_date(layout))
        if any(n.startswith(NOT_ENGLISH) for n in notes) and not any(
                f.status == "reported" and f.target for f in frames):
            # the English parse of foreign copy finds next to nothing: cue words as well
            # (telegraphic English that merely looks foreign keeps its own frames)
            frames += cue_frames(layout, sentences, headline_end)
        return Analysis(
            text=original, headline_end=headline_end, dateline=dateline, sentences=sentences,
            mentions=mentions, entities=ents, events=frames, extractor_version=EXTRACTOR_VERSION,
            limits=notes,
        )


def as_date(value) -> dt.date | None:
    """A publication time as a date: a date, a datetime or an ISO-8601 string."""
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def predict_document(analysis: Analysis) -> bool:
    """Document-level call: the story reports (not merely mentions) the arrest of an
    opposition figure."""
    return any(f.event == "arrest" and f.target_role == "opposition" and f.status == "reported"
               and f.target for f in analysis.events)


_SHARED: dict[str, Analyzer] = {}


def shared_analyzer() -> Analyzer:
    """One process-wide Analyzer (the model is loaded once, on first use)."""
    if "default" not in _SHARED:
        _SHARED["default"] = Analyzer()
    return _SHARED["default"]
