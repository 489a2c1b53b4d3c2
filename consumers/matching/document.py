"""The per-item text view the matcher evaluates against: tokens, sections, lead.

Tokens are runs of word characters, lower-cased one token at a time (lower-casing a
whole string can change its length, e.g. "İ", and would shift offsets). A possessive
"'s" is dropped ("Sokha's" -> "sokha") by blanking it before tokenising, which keeps
offsets intact. Queries are tokenised by the same function, so both sides agree.

Token positions are list indices; headline tokens come first, then body tokens.
Character offsets are computed lazily (only a match needs them): into
``Analysis.text`` when an analysis is given, else into the section's own string.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import islice
from operator import itemgetter

from consumers.understanding.model import Analysis, Entity

WORD_RE = re.compile(r"\w+")
# On ASCII text \w is exactly [A-Za-z0-9_], and the explicit class scans about twice as
# fast (tokenising is most of the per-item cost). Same tokens, same offsets.
_ASCII_WORD_RE = re.compile(r"[A-Za-z0-9_]+")


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def _ascii_words(text: str) -> bool:
    """True if every word character of ``text`` is ASCII (curly quotes and dashes are
    fine; letters such as "é" are not). Then lower-casing the whole text keeps its
    length and word boundaries, and its tokens are those of the ASCII pattern."""
    if text.isascii():
        return True
    return not any(c.isalnum() or len(c.lower()) != 1 for c in set(_NON_ASCII_RE.findall(text)))


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _word_re(text: str) -> re.Pattern:
    return _ASCII_WORD_RE if text.isascii() else WORD_RE
# A possessive "'s" (after a word char, before a non-word char) is blanked with two
# spaces, which keeps offsets. Searching for the quote first is much cheaper than a
# look-behind at every position.
_POSSESSIVE_RE = re.compile(r"['’]s\b")
# Fallback sentence splitter when no analysis is given: end punctuation, optional
# closing quote/bracket, whitespace, then something that starts a sentence.
_SENTENCE_END_RE = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")

HEADLINE, BODY, LEAD = "headline", "body", "lead"
_match_span = re.Match.span
_first = itemgetter(0)


def _strip_possessives(text: str) -> str:
    if "s" not in text or ("'" not in text and "’" not in text):
        return text
    parts, last = [], 0
    for m in _POSSESSIVE_RE.finditer(text):
        s = m.start()
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] == "_"):
            parts.append(text[last:s])
            parts.append("  ")
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


def tokenize(text: str) -> list[str]:
    """Lower-cased tokens of ``text`` (the shared rule for queries, names and documents)."""
    return _tokens(_strip_possessives(text))


def _tokens(text: str) -> list[str]:
    """Tokens of text whose possessives are already blanked."""
    if text.isascii():  # lower() of ASCII keeps length and token boundaries: one call
        return _ASCII_WORD_RE.findall(text.lower())
    return list(map(str.lower, WORD_RE.findall(text)))


def token_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token of ``text``, aligned with ``tokenize(text)``."""
    text = _strip_possessives(text)
    return list(map(_match_span, _word_re(text).finditer(text)))


@lru_cache(maxsize=1 << 12)
def _prefix_re(prefix: str) -> re.Pattern:
    """Matches, in ``Document.joined_vocab``, each whole word that starts with ``prefix``."""
    return re.compile(" (" + re.escape(prefix) + "[^ ]*)")


@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Names (entities, countries) compare as their space-joined tokens: "U.S." == "u s".
    Cached: the same names recur in every analysis and every condition check."""
    return " ".join(tokenize(name))


def entity_names(entity: Entity) -> frozenset[str]:
    """Every name an entity goes by (canonical name and aliases), normalised."""
    names = {normalise_name(entity.canonical)}
    names.update(map(normalise_name, entity.aliases))
    names.discard("")
    return frozenset(names)


def iter_sentences(text: str):
    """Rough (start, end) sentence spans, lazily; used only when there is no analysis."""
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        yield start, m.start() + 1
        start = m.end()
    if start < len(text) and text[start:].strip():
        yield start, len(text.rstrip())


def split_sentences(text: str) -> list[tuple[int, int]]:
    return list(iter_sentences(text))


# Distinct words looked up by scanning (list.index, C speed, but each lookup scans the
# whole token list) before a full position index is built. Measured on Reuters
# stories: a scan costs ~5 us, the full index ~70 us (one dict append per token).
_SCAN_LOOKUPS = 14



class Document:
    """One item prepared for matching. Everything beyond the token list is lazy."""

    __slots__ = (
        "id", "headline", "body", "analysis", "_sections", "tokens", "n_headline",
        "_index", "_index_full", "_prefix_cache", "_spans", "_span_iter", "_lead_cache",
        "_sentences", "_sentence_iter", "_vocab", "_body_stripped", "_body_low",
        "_starts", "_entity_names", "_joined",
    )
    # The lazily filled slots (declared here, set in __init__: no class attributes).
    _body_low: str | None
    _starts: dict[str, list]  # word -> [its whole-word starts so far, scan position]
    _index: dict[str, list[int]] | None
    _sentence_iter: Iterator[tuple[int, int]] | None
    _span_iter: Iterator[tuple[int, int]] | None
    _prefix_cache: dict[str, list[int]]
    _spans: list[tuple[int, int]] | None
    _lead_cache: dict[int, int]
    _sentences: list[tuple[int, int]] | None
    _entity_names: list[frozenset[str]] | None
    _joined: str | None

    def __init__(self, id: str, headline: str, body: str, analysis: Analysis | None = None):
        self.id = id
        self.analysis = analysis
        if analysis is not None:
            text = analysis.text
            h_end = analysis.headline_end
            b_start = h_end + 2 if text[h_end:h_end + 2] == "\n\n" else h_end
            self.headline, self.body = text[:h_end], text[b_start:]
            # (section text, base offset of that section in the offset space)
            self._sections = ((self.headline, 0), (self.body, b_start))
        else:
            self.headline, self.body = headline or "", body or ""
            self._sections = ((self.headline, 0), (self.body, 0))
        self._body_stripped = body_s = _strip_possessives(self.body)
        head = tokenize(self.headline)
        self.n_headline = len(head)
        if _ascii_words(body_s):
            # kept: body offsets are then found by searching this text (see span)
            self._body_low = body_s.lower()
            self.tokens = head + _ASCII_WORD_RE.findall(self._body_low)
        else:
            self._body_low = None
            self.tokens = head + _tokens(body_s)
        self._starts = {}
        self._index = None
        self._index_full = False
        self._sentence_iter = None
        self._span_iter = None
        self._prefix_cache = {}
        self._spans = None
        self._lead_cache = {}
        self._sentences = None
        self._vocab = set(self.tokens)  # presearch and every lookup need it
        self._entity_names = None
        self._joined = None

    def entity_names(self) -> list[frozenset[str]]:
        """``entity_names`` of each analysis entity, aligned with ``analysis.entities``;
        computed once per document (presearch and every condition use them)."""
        if self._entity_names is None:
            a = self.analysis
            self._entity_names = list(map(entity_names, a.entities)) if a is not None else []
        return self._entity_names

    # --- sections -------------------------------------------------------------------
    @property
    def offsets_in(self) -> str:
        """What hit offsets index: "analysis.text" or the hit's own field text."""
        return "analysis.text" if self.analysis is not None else "field"

    def body_base(self) -> int:
        return self._sections[1][1]

    def _sentences_until(self, need_count: int = 0, need_offset: int = -1) -> list[tuple[int, int]]:
        """Body sentence spans (offset space), produced lazily until there are
        ``need_count`` of them and one ends after ``need_offset`` (or the body ends)."""
        if self._sentences is None:
            if self.analysis is not None:
                base = self.body_base()
                spans = [(s.start, s.end) for s in self.analysis.sentences]
                spans.sort(key=_first)
                self._sentences = [sp for sp in spans if sp[0] >= base]
                self._sentence_iter = None
            else:
                self._sentences = []
                self._sentence_iter = iter_sentences(self.body)
        sents, it = self._sentences, self._sentence_iter
        if it is not None:
            while len(sents) < need_count or (need_offset >= 0 and (not sents or sents[-1][1] <= need_offset)):
                nxt = next(it, None)
                if nxt is None:
                    self._sentence_iter = None
                    break
                sents.append(nxt)
        return sents

    def lead_char_end(self, n: int) -> int:
        """End offset of the body's first ``n`` sentences (offset space)."""
        sents = self._sentences_until(need_count=n)
        if not sents:
            return self.body_base() + len(self.body)
        return sents[min(n, len(sents)) - 1][1]

    def lead_end(self, n: int) -> int:
        """Token position just past the lead: body tokens starting before its end."""
        end = self._lead_cache.get(n)
        if end is None:
            cut = max(self.lead_char_end(n) - self.body_base(), 0)
            if self._body_low is not None:  # same tokens (see _ascii_words), faster pattern
                end = self.n_headline + len(_ASCII_WORD_RE.findall(self._body_low, 0, cut))
            else:
                body = self._stripped_body()
                end = self.n_headline + len(WORD_RE.findall(body, 0, cut))
            self._lead_cache[n] = end
        return end

    def _stripped_body(self) -> str:
        return self._body_stripped

    # --- positions ------------------------------------------------------------------
    def vocab(self) -> set[str]:
        return self._vocab

    def positions(self, word: str) -> Sequence[int]:
        """Token positions of ``word``. The first few words are found with list.index
        (C speed, no setup); after that a full index is cheaper."""
        index = self._index
        if index is None:
            index = self._index = {}
        elif self._index_full:
            return index.get(word, ())
        found = index.get(word)
        if found is not None:
            return found
        if word not in self._vocab:
            return ()
        if len(index) >= _SCAN_LOOKUPS:
            return self._build_index().get(word, ())
        toks, found, i = self.tokens, [], -1
        try:
            while True:
                i = toks.index(word, i + 1)
                found.append(i)
        except ValueError:
            pass
        index[word] = found
        return found

    def positions_between(self, word: str, lo: int, hi: int) -> Sequence[int]:
        """Token positions of ``word`` in ``lo <= i < hi`` (a scope's range of tokens)."""
        index = self._index
        if index is not None and (self._index_full or word in index):
            found = index.get(word, ())
            return found[bisect_left(found, lo):bisect_left(found, hi)]
        if word not in self._vocab:
            return ()
        toks, found, i = self.tokens, [], lo - 1
        try:
            while True:
                i = toks.index(word, i + 1, hi)
                found.append(i)
        except ValueError:
            pass
        return found

    def _build_index(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, tok in enumerate(self.tokens):
            if tok in index:
                index[tok].append(i)
            else:
                index[tok] = [i]
        self._index, self._index_full = index, True
        return index

    def joined_vocab(self) -> str:
        """The vocabulary as one string, each word after a space: whole words starting
        with a prefix are then found by one C-level scan (tokens hold no spaces)."""
        if self._joined is None:
            self._joined = " " + " ".join(self._vocab)
        return self._joined

    def prefix_positions(self, prefix: str) -> list[int]:
        found = self._prefix_cache.get(prefix)
        if found is None:
            found = []
            for word in _prefix_re(prefix).findall(self.joined_vocab()):
                found.extend(self.positions(word))
            found.sort()
            self._prefix_cache[prefix] = found
        return found

    # --- offsets --------------------------------------------------------------------
    def span(self, i: int) -> tuple[int, int]:
        """Character span of token ``i`` in the offset space.

        Headline spans come from one regex pass over the (short) headline. A body token
        of a body whose word characters are all ASCII (see ``_ascii_words``) is found
        without walking the tokens before it: token ``i`` is the k-th occurrence of its
        word among the body tokens, and the body tokens equal to a word are exactly the
        whole-word occurrences of that word in the lower-cased body (no word character
        on either side), so a few ``str.find`` calls locate it. Other bodies: spans are
        produced lazily and in C (islice over finditer), only as far as requested."""
        nh = self.n_headline
        if i >= nh and self._body_low is not None:
            word = self.tokens[i]
            pos = self.positions(word)
            k = bisect_left(pos, i) - bisect_left(pos, nh)
            start = self._word_start(word, k)
            base = self._sections[1][1]
            return start + base, start + len(word) + base
        spans = self._spans
        if spans is None:
            (head, hbase), (_, bbase) = self._sections
            spans = self._spans = [(s + hbase, e + hbase) for s, e in token_spans(head)]
            body = self._stripped_body()
            self._span_iter = map(_match_span, _word_re(body).finditer(body))
        if len(spans) <= i:
            assert self._span_iter is not None  # set together with self._spans
            more = list(islice(self._span_iter, i + 1 - len(spans) + 32))
            bbase = self._sections[1][1]
            spans.extend([(s + bbase, e + bbase) for s, e in more] if bbase else more)
        return spans[i]

    def _word_start(self, word: str, k: int) -> int:
        """Start (in the body) of the k-th whole-word occurrence of ``word`` in the
        lower-cased ASCII body; found lazily and cached per word."""
        found = self._starts.get(word)
        if found is None:
            found = self._starts[word] = [[], 0]
        starts = found[0]
        if k < len(starts):
            return starts[k]
        text = self._body_low
        assert text is not None  # only ASCII bodies, which keep their lower-cased text, come here
        n, pos, find = len(word), found[1], text.find
        while len(starts) <= k:
            s = find(word, pos)
            if s < 0:  # pragma: no cover - positions() says the word is there
                raise ValueError(f"token {word!r} #{k} not found in the body")
            pos = s + 1
            e = s + n
            if (s == 0 or not _is_word_char(text[s - 1])) and (e == len(text) or not _is_word_char(text[e])):
                starts.append(s)
                pos = e
        found[1] = pos
        return starts[k]

    def char_span(self, first: int, last: int) -> tuple[int, int]:
        if first == last:  # most hits are one word
            return self.span(first)
        return self.span(first)[0], self.span(last)[1]

    def text_of(self, section: str, start: int, end: int) -> str:
        """Surface text for an offset range of a section."""
        if self.analysis is not None:
            return self.analysis.text[start:end]
        return (self.headline if section == HEADLINE else self.body)[start:end]

    def sentence_around(self, section: str, start: int) -> tuple[int, int]:
        """Span of the sentence holding offset ``start`` (the whole headline for headline)."""
        if section == HEADLINE:
            return 0, len(self.headline)
        for s, e in self._sentences_until(need_offset=start):
            if s <= start < e:
                return s, e
        base = self.body_base()
        return base, base + len(self.body)
