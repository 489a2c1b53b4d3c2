"""Complexity limits of one parsed query, checked when a topic is loaded.

The work a query costs per story grows with its terms, its wildcards (each one
expands to every matching word of the story) and above all its NEARs (each one pairs
the spans of both sides). NEAR evaluation is budgeted anyway (see spans.py); these
limits refuse, with a message saying how to fix it, the topics that would spend that
budget on every story. Real topics are far below them (the 10,000 generated benchmark
topics use at most 12 terms, 1 wildcard, 1 NEAR).

The walk is duck-typed on the AST's attributes (``words``, ``child``, ``left``/
``right``, ``children``) so this module needs nothing from query.py, which calls it.
The parser has already bounded the AST's depth, so recursion here is safe.
"""
from __future__ import annotations

MAX_TERMS = 200  # words and phrases
MAX_WILDCARDS = 40  # words ending in *
MAX_NEARS = 8  # NEAR operators in the whole query
MAX_NEAR_NESTING = 4  # NEARs on one path from the root: (a NEAR/5 b) NEAR/5 c is 2


def _measure(node) -> tuple[int, int, int, int]:
    """(terms, wildcards, NEAR operators, deepest NEAR nesting) of a query node."""
    if hasattr(node, "words"):
        return 1, sum(1 for _, prefix in node.words if prefix), 0, 0
    if hasattr(node, "child"):
        return _measure(node.child)
    if hasattr(node, "left"):
        lt, lw, ln, ld = _measure(node.left)
        rt, rw, rn, rd = _measure(node.right)
        return lt + rt, lw + rw, ln + rn + 1, max(ld, rd) + 1
    terms = wild = nears = nest = 0
    for c in node.children:
        t, w, n, d = _measure(c)
        terms, wild, nears, nest = terms + t, wild + w, nears + n, max(nest, d)
    return terms, wild, nears, nest


def complexity_error(node) -> str | None:
    """Why ``node`` is over a limit (with how to fix it), or None."""
    terms, wild, nears, nest = _measure(node)
    if terms > MAX_TERMS:
        return f"too complex: {terms} terms (at most {MAX_TERMS}); split it into several topics"
    if wild > MAX_WILDCARDS:
        return (f"too complex: {wild} wildcard words (at most {MAX_WILDCARDS}); "
                "list the word forms instead, or split the topic")
    if nears > MAX_NEARS:
        return f"too complex: {nears} NEAR operators (at most {MAX_NEARS}); split it into several topics"
    if nest > MAX_NEAR_NESTING:
        return (f"too complex: NEARs nested {nest} deep (at most {MAX_NEAR_NESTING}); "
                "use fewer NEARs in a chain, or AND of separate NEARs")
    return None
