"""Caps that bound the work and memory of analysing one item.

spaCy's time and memory grow with the tokens it is given (about 10 KB per token), its
tokenizer is quadratic in the affixes of one whitespace-free run ("((((x))))", a wall
of emoji, "'s's's"), and the event rules walk parse subtrees, which a sentence with no
end makes as long as the text. So the text is cut and reshaped here before parsing.

Every change keeps offsets valid: the parser text is a prefix of the cleaned text, and
inside it characters are only replaced one for one (by spaces, or a newline that ends
a runaway sentence). The full story is still stored and matched; each cap that applied
is noted on the result (``Analysis.limits``).

Defaults, from the 14,180 Reuters stories in the eval data: the longest body has
12,504 characters and about 2,500 tokens (p99.9 7,873 characters); the longest stretch
without a sentence end is 1,713 characters (p99.9 716). The caps leave all of them
untouched and keep the worst case far below the 2 s / 300 MB per-item budget.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 20_000  # 1.6x the longest Reuters body: every real story's lead and body
MAX_TOKENS = 5_000  # 2x the longest Reuters story; what sets spaCy's time and memory
MAX_SYMBOL_RUN = 16  # punctuation, brackets, symbols, emoji in a row
MAX_WORD = 64  # characters without whitespace (URLs stay mostly whole)
MAX_SENTENCE = 2_000  # characters without a sentence end
PIPE_CHARS = 60_000  # characters parsed together in one nlp.pipe call
PIPE_TOKENS = 12_000  # estimated tokens parsed together in one nlp.pipe call


@dataclass(frozen=True)
class Caps:
    max_chars: int = MAX_CHARS
    max_tokens: int = MAX_TOKENS
    max_symbol_run: int = MAX_SYMBOL_RUN
    max_word: int = MAX_WORD
    max_sentence: int = MAX_SENTENCE
    pipe_chars: int = PIPE_CHARS
    pipe_tokens: int = PIPE_TOKENS

    def __post_init__(self):
        for name in ("max_chars", "max_tokens", "max_symbol_run", "max_word", "max_sentence",
                     "pipe_chars", "pipe_tokens"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"{name} must be a positive integer")
        if self.max_sentence <= 2 * self.max_word:
            raise ValueError("max_sentence must be more than twice max_word")


DEFAULT_CAPS = Caps()

# Roughly what spaCy makes a token: a word, one symbol, a whitespace run that is not a
# single space, a newline. Every alternative is a single step, so the scan is linear.
_TOKEN = re.compile(r"\w+|[^\w\s]|\s{2,}|[^\S ]")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)|\n")


def estimate_tokens(text: str, stop: int | None = None) -> tuple[int, int]:
    """(tokens, end): tokens counted from the start, stopping before token ``stop``
    (end is then where that token starts), else at the end of the text."""
    n = 0
    for m in _TOKEN.finditer(text):
        if stop is not None and n >= stop:
            return n, m.start()
        n += 1
    return n, len(text)


def _cut_point(text: str, limit: int) -> int:
    """A boundary at or before ``limit``, and not far before it (at most 2,000 characters
    or half the text): a line break, else a sentence end, else a space."""
    floor = max(limit // 2, limit - 2_000)
    for finder in (lambda: text.rfind("\n", floor, limit),
                   lambda: max(text.rfind(". ", floor, limit), text.rfind("? ", floor, limit),
                               text.rfind("! ", floor, limit)),
                   lambda: text.rfind(" ", floor, limit)):
        i = finder()
        if i > 0:
            return i + 1 if text[i] != "\n" else i
    return limit


def _symbol_runs(chars: list, text: str, k: int) -> str | None:
    """Blank all but the first ``k`` characters of longer runs of non-word symbols."""
    runs = blanked = 0
    for m in re.finditer(r"[^\w\s]{%d,}" % (k + 1), text):
        for i in range(m.start() + k, m.end()):
            chars[i] = " "
        runs += 1
        blanked += m.end() - m.start() - k
    if not runs:
        return None
    return f"blanked {blanked} characters in {runs} run(s) of more than {k} symbols"


def _long_words(chars: list, text: str, k: int) -> str | None:
    """Break whitespace-free runs longer than ``k`` with a space every ``k`` characters."""
    runs = 0
    for m in re.finditer(r"\S{%d,}" % (k + 1), text):
        for i in range(m.start() + k, m.end(), k + 1):
            chars[i] = " "
        runs += 1
    if not runs:
        return None
    return f"broke {runs} run(s) of more than {k} characters without a space"


def _long_sentences(chars: list, text: str, k: int, word: int) -> str | None:
    """End sentences longer than ``k`` characters at a space, made a newline (which the
    pipeline treats as a sentence break). Runs of non-space are at most ``word`` long by
    now, so a space is found within ``word`` characters back. Stretches that are mostly
    blank (blanked symbol runs) cost nothing and are left alone."""
    breaks = 0
    start = 0
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    ends.append(len(text))
    for end in ends:
        if end - start > k and end - start - text.count(" ", start, end) > k:
            while end - start > k:
                j = start + k
                while j > start + k - word - 1 and not chars[j].isspace():
                    j -= 1
                if not chars[j].isspace():
                    j = start + k
                chars[j] = "\n"
                breaks += 1
                start = j + 1
        start = max(start, end)
    if not breaks:
        return None
    return f"broke {breaks} sentence(s) longer than {k} characters"


def _reshape(text: str, caps: Caps) -> tuple[str, list[str]]:
    """``text`` with over-long symbol runs, whitespace-free runs and sentences broken
    up (same length), and a note per kind of change."""
    chars = list(text)
    notes = []
    # in this order: each step relies on the one before (sentences need short words)
    for step in (lambda t: _symbol_runs(chars, t, caps.max_symbol_run),
                 lambda t: _long_words(chars, t, caps.max_word),
                 lambda t: _long_sentences(chars, t, caps.max_sentence, caps.max_word)):
        done = step(text)
        if done:
            notes.append(done)
            text = "".join(chars)
    return text, notes


def bound(text: str, caps: Caps = DEFAULT_CAPS, total: int | None = None) -> tuple[str, tuple[str, ...]]:
    """(text to parse, notes on the caps that applied).

    The result is ``text`` cut at a boundary (a prefix, by length) with over-long symbol
    runs, whitespace-free runs and sentences broken up; ``total`` is the length of the
    whole original text when ``text`` is already a prefix of it. Tokens are counted
    after the reshaping (a wall of blanked emoji is one token, not thousands).
    """
    total = len(text) if total is None else total
    why = f"cap {caps.max_chars} characters"
    cut = _cut_point(text, caps.max_chars) if len(text) > caps.max_chars else len(text)
    shaped, notes = _reshape(text[:cut], caps)
    _, by_tokens = estimate_tokens(shaped, caps.max_tokens)
    if by_tokens < len(shaped):
        cut, why = _cut_point(shaped, by_tokens), f"cap {caps.max_tokens} tokens"
        shaped, notes = _reshape(text[:cut], caps)
    if cut < total:
        notes.insert(0, f"analysed the first {cut} of {total} characters ({why})")
    return shaped, tuple(notes)


def pipe_chunks(texts: list[str], caps: Caps = DEFAULT_CAPS) -> list[list[int]]:
    """Indices of ``texts`` grouped so no group exceeds the pipe caps (a single text
    over them is a group of its own), in order."""
    groups: list[list[int]] = []
    chars = tokens = 0
    for i, t in enumerate(texts):
        cost, _ = estimate_tokens(t, caps.pipe_tokens)
        if groups and (chars + len(t) > caps.pipe_chars or tokens + cost > caps.pipe_tokens):
            groups.append([])
            chars = tokens = 0
        if not groups:
            groups.append([])
        groups[-1].append(i)
        chars += len(t)
        tokens += cost
    return groups
