"""Where query terms occur in a ``Document``: leaf hits, field scopes, NEAR windows,
and the per-(document, topic) evaluation context with its NEAR work budget.

NEAR is evaluated on *distinct spans* (first, last token), never on combinations of
hits. A chain ``a NEAR/5 b NEAR/5 c`` over wildcard groups used to build every
(a, b, c) combination (exponential in the chain length). Here each NEAR node keeps
the set of spans it covers, which is at most (tokens x span width), and the hits that
count are found afterwards by walking back down from the spans that matched: a hit
counts iff it lies on some valid pairing, exactly as when every combination was built.

Even so a long chain over words that occur everywhere can cost a lot, so pair checks
are counted against a budget per NEAR node and per ``QueryContext``; once it is
spent, a NEAR stops pairing and keeps the spans it found so far, i.e. those early in
the text (``QueryContext.truncated`` is then set). Topic
validation (consumers/matching/complexity.py) keeps real topics far below the budget.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from consumers.matching.document import BODY, HEADLINE, LEAD, Document

# Pair checks one (document, topic) may spend on NEAR, and one NEAR node may spend
# (so an inner NEAR cannot starve the outer ones and lose a match found early in the
# text). A realistic NEAR query spends a few hundred; 25k checks are about 0.05 s of
# pure Python, pairing plus marking.
NEAR_WORK_BUDGET = 100_000
NEAR_NODE_BUDGET = 25_000


class TermHit(NamedTuple):
    """One matched occurrence: token positions first..last of a query term.
    (A NamedTuple: created by the thousand, and cheaper than a dataclass.)"""

    term: str  # the query term as written, e.g. 'arrest*' or '"military coup"'
    first: int
    last: int
    scope: str | None


class QueryContext:
    """Evaluation state for one (document, topic): the lead size varies per topic."""

    __slots__ = ("doc", "lead_sentences", "_lead_end", "near_budget", "truncated", "_cache")
    _lead_end: int | None
    _cache: dict[int, object] | None

    def __init__(self, doc: Document, lead_sentences: int = 2, near_budget: int = NEAR_WORK_BUDGET):
        self.doc = doc
        self.lead_sentences = lead_sentences
        self._lead_end = None
        self.near_budget = near_budget
        self.truncated = False  # True once a NEAR stopped early for lack of budget
        self._cache = None  # id(node) -> per-node results (NEAR only)

    def lead_end(self) -> int:
        if self._lead_end is None:
            self._lead_end = self.doc.lead_end(self.lead_sentences)
        return self._lead_end

    def cached(self, node):
        c = self._cache
        return None if c is None else c.get(id(node))

    def store(self, node, value) -> None:
        if self._cache is None:
            self._cache = {}
        self._cache[id(node)] = value


def in_scope(ctx: QueryContext, scope: str | None, first: int, last: int) -> bool:
    nh = ctx.doc.n_headline
    if (first < nh) != (last < nh):  # spans never cross the headline/body boundary
        return False
    if scope is None:
        return True
    if scope == HEADLINE:
        return last < nh
    if scope == BODY:
        return first >= nh
    return first >= nh and last < ctx.lead_end()


def leaf_spans(node, ctx: QueryContext) -> list[TermHit]:
    """Hits of a word or phrase, in token order (one hit per first position)."""
    doc = ctx.doc
    (w0, p0), rest = node.words[0], node.words[1:]
    label, scope = node.label, node.scope
    firsts: Sequence[int]
    if p0:
        firsts = doc.prefix_positions(w0)
    elif w0 not in doc.vocab():
        return []
    elif scope == HEADLINE:  # scan only the part of the text the scope allows
        firsts = doc.positions_between(w0, 0, doc.n_headline)
    elif scope == LEAD:
        firsts = doc.positions_between(w0, doc.n_headline, ctx.lead_end())
    else:
        firsts = doc.positions(w0)
    if not firsts:
        return []
    if not rest:
        if scope is None:  # the common case: a bare word
            return [TermHit(label, i, i, None) for i in firsts]
        return [TermHit(label, i, i, scope) for i in firsts if in_scope(ctx, scope, i, i)]
    toks = doc.tokens
    n = len(toks)
    out = []
    for i in firsts:
        last = i + len(rest)
        if last >= n:
            continue
        ok = True
        for k, (w, p) in enumerate(rest, 1):
            t = toks[i + k]
            if not (t.startswith(w) if p else t == w):
                ok = False
                break
        if ok and in_scope(ctx, scope, i, last):
            out.append(TermHit(label, i, last, scope))
    return out


def near_spans(node, ctx: QueryContext) -> list[tuple[int, int]]:
    """Sorted distinct (first, last) spans of a NEAR node: a left and a right span
    whose gap is within the distance, in the same section. Cached per context."""
    got = ctx.cached(node)
    if got is not None:
        return got[0]
    left = node.left.spans(ctx)
    right = node.right.spans(ctx) if left else []
    out: set[tuple[int, int]] = set()
    limit = 0
    if right:
        d, nh = node.distance, ctx.doc.n_headline
        rfs = [r[0] for r in right]
        wr = max(r[1] - r[0] for r in right)
        split = bisect_left(rfs, nh)  # right spans before it are in the headline
        total = ctx.near_budget
        budget = min(total, NEAR_NODE_BUDGET)
        for lf, ll in left:
            if budget <= 0:
                ctx.truncated = True
                break
            lo, hi = _window(rfs, lf, ll, d, wr, split, nh)
            budget -= hi - lo + 1
            limit += 1
            edge = lf - d
            for rf, rl in right[lo:hi]:
                if rl >= edge:
                    out.add((lf if lf < rf else rf, ll if ll > rl else rl))
        ctx.near_budget = total - (min(total, NEAR_NODE_BUDGET) - budget)
    spans = sorted(out)
    ctx.store(node, (spans, left, right, limit))
    return spans


def near_mark(node, ctx: QueryContext, used: set, out: list) -> None:
    """Append to ``out`` the hits lying on a pairing that produces a span in ``used``."""
    near_spans(node, ctx)
    _, left, right, limit = ctx.cached(node)
    if not used or not limit:
        return
    d, nh = node.distance, ctx.doc.n_headline
    rfs = [r[0] for r in right]
    wr = max(r[1] - r[0] for r in right)
    split = bisect_left(rfs, nh)
    used_l, used_r = set(), set()
    for lf, ll in left[:limit]:
        lo, hi = _window(rfs, lf, ll, d, wr, split, nh)
        edge = lf - d
        for r in right[lo:hi]:
            rf, rl = r
            if rl >= edge and (lf if lf < rf else rf, ll if ll > rl else rl) in used:
                used_l.add((lf, ll))
                used_r.add(r)
    node.left.mark(ctx, used_l, out)
    node.right.mark(ctx, used_r, out)


def _window(rfs, lf, ll, d, wr, split, nh) -> tuple[int, int]:
    """Index range of the right spans that may pair with left span (lf, ll): a pair is
    valid iff rf <= ll + d and rl >= lf - d (overlap is gap 0), in the same section;
    rl <= rf + wr bounds the range from below, and the caller checks rl."""
    lo, hi = bisect_left(rfs, lf - d - wr), bisect_right(rfs, ll + d)
    if lf < nh:
        return lo, min(hi, split)
    return max(lo, split), hi
