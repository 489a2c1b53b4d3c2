"""Boolean text queries: parse once, evaluate against a ``Document``.

Syntax (operators are UPPER-CASE; lower-case "and"/"or"/"not" are ordinary words)::

    coup                      a word (case-insensitive, whole token)
    arrest*                   a word prefix (at least 3 characters before the *)
    "military coup"           a phrase (consecutive tokens; words may end in *)
    a AND b    a b            both (juxtaposition is an implicit AND)
    a OR b                    either
    NOT a      a NOT b        negation (a AND NOT b)
    a NEAR/5 b                a and b within 5 tokens of each other, either order;
                              operands are words, phrases or (x OR y) groups of them
    ( ... )                   grouping
    headline:x  lead:x  body:x    field scope for a word, phrase or group;
                              lead = first N body sentences (per topic), body = body
                              only; unscoped terms search headline and body.

Precedence, loosest first: OR, AND, NOT, NEAR. A query word that tokenises into
several tokens ("U.S.", "pro-democracy") is a phrase. Phrases and NEAR never span the
headline/body boundary.

``QueryError`` carries the 0-based character position of the problem. Parsing is
bounded (length, nesting, NEARs in a row; see the MAX_* limits and complexity.py), and
NEAR is evaluated on distinct spans under a work budget (spans.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

from consumers.matching.complexity import complexity_error
from consumers.matching.document import BODY, HEADLINE, LEAD, tokenize
from consumers.matching.spans import (  # noqa: F401  (QueryContext, TermHit: re-exported)
    QueryContext, TermHit, leaf_spans, near_mark, near_spans,
)

FIELDS = (HEADLINE, LEAD, BODY)
MIN_PREFIX = 3
MAX_NEAR = 100
# Parsing is bounded before it recurses: a topic edit must not be able to exhaust the
# stack (200 nested parentheses, 1,000 NOTs) or build an AST nothing can walk.
MAX_QUERY_CHARS = 4000
MAX_DEPTH = 16  # levels of parentheses and NOT
MAX_NEAR_CHAIN = 4  # NEAR operators in a row: a NEAR/5 b NEAR/5 c ... (5 operands)


class QueryError(ValueError):
    def __init__(self, position: int, reason: str, query: str = ""):
        self.position, self.reason, self.query = position, reason, query
        super().__init__(f"at position {position}: {reason}")


# --- AST ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Leaf:
    """A word or phrase. ``words`` are (text, is_prefix) pairs."""

    words: tuple[tuple[str, bool], ...]
    scope: str | None = None
    label: str = field(default="", compare=False)  # the term as shown in explanations

    def __post_init__(self):
        text = " ".join(w + ("*" if p else "") for w, p in self.words)
        object.__setattr__(self, "label", f'"{text}"' if len(self.words) > 1 else text)

    def __str__(self) -> str:
        return (f"{self.scope}:" if self.scope else "") + self.label

    # Evaluation is a method per node type: cheaper than an isinstance chain, and the
    # brute-force oracle runs it for every (topic, document) pair.
    def ev(self, ctx):
        return leaf_spans(self, ctx) or None

    def exists(self, ctx) -> bool:
        """Whether the term occurs at all (NOT and exclude need nothing more): a bare
        word is one vocabulary lookup, a headline word a look at the headline."""
        if len(self.words) == 1 and not self.words[0][1]:
            word = self.words[0][0]
            if self.scope is None:
                return word in ctx.doc.vocab()
            if self.scope == HEADLINE:
                doc = ctx.doc
                return word in doc.vocab() and word in doc.tokens[:doc.n_headline]
        return bool(leaf_spans(self, ctx))

    # Positional protocol (NEAR operands, see spans.py): distinct (first, last) spans,
    # then the hits on the spans a NEAR used.
    def spans(self, ctx):
        return [(h.first, h.last) for h in self._hits(ctx)]

    def mark(self, ctx, used, out) -> None:
        out.extend(h for h in self._hits(ctx) if (h.first, h.last) in used)

    def _hits(self, ctx):
        hits = ctx.cached(self)
        if hits is None:
            hits = leaf_spans(self, ctx)
            ctx.store(self, hits)
        return hits


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def ev(self, ctx):
        hits = []
        for c in self.children:
            r = c.ev(ctx)
            if r is None:
                return None
            hits.extend(r)
        return hits

    def exists(self, ctx) -> bool:
        return all(c.exists(ctx) for c in self.children)


@dataclass(frozen=True)
class Or:
    # Nodes; spans/mark (the positional protocol) are only called on an Or whose
    # children are all positional (see _positional), which mypy cannot tell from the type.
    children: tuple

    def ev(self, ctx):
        # every branch is evaluated so the explanation lists all matched terms
        hits, matched = [], False
        for c in self.children:
            r = c.ev(ctx)
            if r is not None:
                matched = True
                hits.extend(r)
        return hits if matched else None

    def exists(self, ctx) -> bool:
        return any(c.exists(ctx) for c in self.children)

    def spans(self, ctx):
        if len(self.children) == 1:  # pragma: no cover - the parser never builds one
            return self.children[0].spans(ctx)
        out = set()
        for c in self.children:
            out.update(c.spans(ctx))
        return sorted(out)

    def mark(self, ctx, used, out) -> None:
        for c in self.children:
            c.mark(ctx, used, out)


@dataclass(frozen=True)
class Not:
    child: Node

    def ev(self, ctx):
        return None if self.child.exists(ctx) else []

    def exists(self, ctx) -> bool:
        return not self.child.exists(ctx)


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int

    def ev(self, ctx):
        spans = near_spans(self, ctx)
        if not spans:
            return None
        found: list = []
        near_mark(self, ctx, set(spans), found)
        return list(dict.fromkeys(found))  # distinct, first occurrence order

    def exists(self, ctx) -> bool:
        return bool(near_spans(self, ctx))

    def spans(self, ctx):
        return near_spans(self, ctx)

    def mark(self, ctx, used, out) -> None:
        near_mark(self, ctx, used, out)


# A parsed query is a tree of these.
Node = Union[Leaf, And, Or, Not, Near]


def render(node: Node) -> str:
    """Canonical text of a parsed query (used in rule strings and fingerprints)."""
    if isinstance(node, Leaf):
        return str(node)
    if isinstance(node, Not):
        return f"NOT {_group(node.child)}"
    if isinstance(node, Near):
        return f"{_group(node.left)} NEAR/{node.distance} {_group(node.right)}"
    op = " AND " if isinstance(node, And) else " OR "
    return op.join(_group(c) for c in node.children)


def _group(node) -> str:
    return render(node) if isinstance(node, (Leaf, Not)) else f"({render(node)})"


# --- lexer ----------------------------------------------------------------------------
_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<lparen>\()|(?P<rparen>\))
      | (?P<phrase>["“”](?P<ptext>[^"“”]*)(?P<pclose>["“”])?)
      | (?P<field>[A-Za-z]+):
      | (?P<word>[^\s()"“”]+)
    )""",
    re.VERBOSE,
)
_NEAR_RE = re.compile(r"NEAR(?:/(\d+))?$")


@dataclass
class _Tok:
    kind: str  # lparen rparen phrase field word and or not near end
    text: str
    pos: int
    value: Any = None  # the field name or phrase text (str), or the NEAR distance (int)


def _lex(query: str) -> list[_Tok]:
    toks, pos = [], 0
    while True:
        m = _TOKEN_RE.match(query, pos)
        if not m or m.end() == pos:
            rest = query[pos:]
            if rest.strip():  # pragma: no cover - the word pattern accepts anything else
                raise QueryError(pos + len(rest) - len(rest.lstrip()), "unexpected character")
            break
        group = m.lastgroup
        assert group is not None  # every alternative of _TOKEN_RE is a named group
        kind = group if group not in ("ptext", "pclose") else "phrase"
        start = m.start(kind)
        text = m.group(kind)
        pos = m.end()
        if kind == "phrase":
            if m.group("pclose") is None:
                raise QueryError(start, "unterminated phrase (missing closing quote)")
            toks.append(_Tok("phrase", text, start, m.group("ptext")))
        elif kind == "field":
            name = text.lower()
            if name not in FIELDS:
                raise QueryError(start, f"unknown field {text!r} (use headline:, lead: or body:)")
            if pos >= len(query) or query[pos].isspace():
                raise QueryError(start, f"{text}: must be followed directly by a word, phrase or (")
            toks.append(_Tok("field", text, start, name))
        elif kind == "word":
            if text in ("AND", "OR", "NOT"):
                toks.append(_Tok(text.lower(), text, start))
            elif text.startswith("NEAR"):
                nm = _NEAR_RE.match(text)
                if not nm or nm.group(1) is None:
                    raise QueryError(start, "NEAR needs a distance, e.g. NEAR/5")
                n = int(nm.group(1))
                if not 1 <= n <= MAX_NEAR:
                    raise QueryError(start, f"NEAR distance must be 1..{MAX_NEAR}")
                toks.append(_Tok("near", text, start, n))
            else:
                toks.append(_Tok("word", text, start))
        else:
            toks.append(_Tok(kind, text, start))
    toks.append(_Tok("end", "", len(query)))
    return toks


def _words(text: str, pos: int) -> tuple[tuple[str, bool], ...]:
    """Tokenise a query word or phrase into (token, is_prefix) pairs."""
    words: list[tuple[str, bool]] = []
    for chunk in text.split():
        star = chunk.endswith("*")
        core = chunk[:-1] if star else chunk
        if "*" in core:
            raise QueryError(pos, f"{chunk!r}: a wildcard may only end a word")
        toks = tokenize(core)
        if not toks:
            raise QueryError(pos, f"{chunk!r} has no searchable characters")
        if star and len(toks[-1]) < MIN_PREFIX:
            raise QueryError(pos, f"{chunk!r}: a wildcard needs at least {MIN_PREFIX} letters before *")
        words.extend((t, False) for t in toks[:-1])
        words.append((toks[-1], star))
    if not words:
        raise QueryError(pos, "empty phrase")
    return tuple(words)


# --- parser ---------------------------------------------------------------------------
class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.toks = _lex(query)
        self.i = 0
        self.depth = 0

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(pos, f"nested too deeply (more than {MAX_DEPTH} levels of parentheses "
                                  "and NOT): flatten it, e.g. 'a OR b OR c' instead of '(a OR (b OR c))'")

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def take(self) -> _Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def parse(self):
        if self.tok.kind == "end":
            raise QueryError(0, "empty query")
        node = self.or_expr()
        if self.tok.kind == "rparen":
            raise QueryError(self.tok.pos, "unbalanced ')'")
        if self.tok.kind != "end":  # pragma: no cover - and_expr consumes all term starts
            raise QueryError(self.tok.pos, f"unexpected {self.tok.text!r}")
        if _only_negative(node):
            raise QueryError(0, "a query needs at least one positive term (NOT alone matches everything)")
        return node

    def or_expr(self):
        children = [self.and_expr()]
        while self.tok.kind == "or":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    _STARTS = ("word", "phrase", "lparen", "field", "not")

    def and_expr(self):
        children = [self.unary()]
        while self.tok.kind == "and" or self.tok.kind in self._STARTS:
            if self.tok.kind == "and":
                self.take()
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self):
        if self.tok.kind == "not":
            self.enter(self.take().pos)
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.near()

    def near(self):
        start = self.tok.pos
        node = self.primary(None)
        chain = 0
        while self.tok.kind == "near":
            op = self.take()
            chain += 1
            if chain > MAX_NEAR_CHAIN:
                raise QueryError(op.pos, f"more than {MAX_NEAR_CHAIN} NEARs in a row: each one multiplies "
                                         "the work per story; split the topic or use fewer NEARs")
            right_pos = self.tok.pos
            right = self.primary(None)
            for side, p in ((node, start), (right, right_pos)):
                if not _positional(side):
                    raise QueryError(p, "NEAR operands must be words, phrases or (x OR y) groups of them")
            node = Near(node, right, op.value)
        return node

    def primary(self, scope):
        t = self.tok
        if t.kind == "field":
            self.take()
            if self.tok.kind not in ("word", "phrase", "lparen"):
                raise QueryError(self.tok.pos, f"expected a word, phrase or ( after {t.text}:")
            return self.primary(t.value)
        if t.kind == "lparen":
            self.enter(self.take().pos)
            if self.tok.kind == "rparen":
                raise QueryError(self.tok.pos, "empty parentheses")
            node = self.or_expr()
            if self.tok.kind != "rparen":
                raise QueryError(self.tok.pos, "expected ')'" if self.tok.kind == "end"
                                 else f"unexpected {self.tok.text!r}, expected ')'")
            self.take()
            self.depth -= 1
            return _scoped(node, scope) if scope else node
        if t.kind == "word":
            self.take()
            return Leaf(_words(t.text, t.pos), scope)
        if t.kind == "phrase":
            self.take()
            return Leaf(_words(t.value, t.pos), scope)
        if t.kind == "end":
            raise QueryError(t.pos, "unexpected end of query, expected a term")
        raise QueryError(t.pos, f"unexpected {t.text!r}, expected a term")


def _scoped(node, scope):
    """Push a field scope down to the leaves; an inner scope wins over an outer one."""
    if isinstance(node, Leaf):
        return node if node.scope else Leaf(node.words, scope)
    if isinstance(node, Not):
        return Not(_scoped(node.child, scope))
    if isinstance(node, Near):
        return Near(_scoped(node.left, scope), _scoped(node.right, scope), node.distance)
    return type(node)(tuple(_scoped(c, scope) for c in node.children))


def _positional(node) -> bool:
    if isinstance(node, (Leaf, Near)):
        return True
    return isinstance(node, Or) and all(_positional(c) for c in node.children)


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return any(_only_negative(c) for c in node.children)
    return False


def parse_query(query: str):
    """Parse ``query`` into an AST; raises ``QueryError`` with a position. Queries over
    the complexity limits (see complexity.py) are refused too."""
    try:
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError(MAX_QUERY_CHARS, f"query longer than {MAX_QUERY_CHARS} characters: "
                                              "split it into several topics")
        node = _Parser(query).parse()
        problem = complexity_error(node)
        if problem:
            raise QueryError(0, problem)
        return node
    except QueryError as e:
        e.query = query
        raise


# --- evaluation -----------------------------------------------------------------------
def spans(node, ctx: QueryContext) -> list[tuple[int, int]]:
    """Distinct (first, last) token spans of a positional node (word, phrase, OR of
    them, NEAR)."""
    return node.spans(ctx)


def evaluate(node, ctx: QueryContext) -> list[TermHit] | None:
    """None if the query does not match; else the positive hits that made it match."""
    return node.ev(ctx)


def leaves(node):
    """Every Leaf of a query (for presearch and tests)."""
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, Not):
        yield from leaves(node.child)
    elif isinstance(node, Near):
        yield from leaves(node.left)
        yield from leaves(node.right)
    else:
        for c in node.children:
            yield from leaves(c)
