"""Presearch (after Lucene Monitor): skip topics that cannot match a document.

From each topic we extract *clauses*: sets of terms such that every match contains at
least one term of every clause (a conjunctive approximation of the topic):

* word / phrase: one clause per word;      prefix ``arrest*``: a clause {arrest*}
* AND, NEAR: the children's clauses together
* OR: distributed over the branches' clauses, (a AND b) OR c -> (a OR c) AND (b OR c),
  while the product stays small (<= 16 clauses); beyond that, one clause: the union of
  each branch's most selective clause. If a branch has no clause, neither does the OR.
* NOT and ``exclude``: nothing (they only remove matches)
* a ``headline:`` word is the term ``h:<word>``, met only by a headline token (every
  token of a headline-scoped word or phrase lies in the headline); other scopes (and
  headline-scoped prefixes) are ignored
* entities / event conditions: pseudo-terms ``entity:<name>``, ``type:<LABEL>``,
  ``country:<name>``, ``event:<family>/<role or *>/<status>`` (one per status the
  topic accepts, so a frame of the wrong role or status selects nothing), and
  ``target:<name>`` for an event restricted
  to named targets (the document provides each frame's target and, when the target is
  an entity's canonical name, every name of every such entity: a superset of what
  ``EventCondition.frames`` accepts)

A topic with no clause is evaluated for every document. For the others, the most
selective clause is the *anchor*, indexed term -> topics; a document's terms select the
anchored topics, and each is kept only if its other clauses also meet the document's
terms (one ``isdisjoint`` per clause, most selective first, in C). Whole words are found by set
intersection with the document vocabulary;
prefixes by one pyahocorasick pass over the space-joined vocabulary. The cost per
document therefore follows the number of anchored and candidate topics, not the
total number of topics.

Selectivity: with ``doc_freq`` (word -> fraction of past items containing it, see
``document_frequencies``) a term costs its document frequency (a prefix: the sum over
known words with that prefix; unknown words count as rare). Without it, a heuristic:
longer words are rarer, news stop words are common. Analysis pseudo-terms are rare;
with ``doc_freq`` a name pseudo-term (entity, country, target) costs no more than the
frequency of its rarest word (a name usually appears in the text), so "arrest in
Cambodia" anchors on Cambodia rather than on every arrest.

Presearch must never drop a topic that would match: ``Matcher(presearch=False)`` is the
oracle, and the tests check both give identical matches.
"""
from __future__ import annotations

from bisect import bisect_left
from itertools import chain
from operator import itemgetter

import ahocorasick

from consumers.matching.conditions import COUNTRY_LABELS, dateline_ngrams
from consumers.matching.document import HEADLINE, Document, normalise_name, tokenize
from consumers.matching.query import And, Leaf, Near, Not, Or, leaves
from consumers.matching.topics import Topic

# Words so frequent in wire copy that they make poor anchors.
_COMMON = frozenset("""
a an and are as at be been but by for from had has have he her his i in is it its not
of on or our said says say she that the their them they this to was we were which who
will with would after also about more over new one two year years told reuters
government president minister state people last first percent could up out other
""".split())
_MAX_DISTRIBUTED = 16
_PSEUDO_COST = {"event": 0.1, "entity": 0.05, "type": 0.5, "country": 0.2, "target": 0.05}
_NAMED = ("entity", "country", "target")
_HEADLINE_SHARE = 0.1
_second = itemgetter(1)


def _word_key(word: str, prefix: bool, scope: str | None = None) -> str:
    if prefix:
        return f"p:{word}"
    return f"h:{word}" if scope == HEADLINE else f"w:{word}"


def document_frequencies(texts, min_count: int = 2) -> dict[str, float]:
    """word -> fraction of ``texts`` containing it (words seen fewer than ``min_count``
    times are left out: unknown words are treated as rare anyway)."""
    counts: dict[str, int] = {}
    n = 0
    for text in texts:
        n += 1
        for w in set(tokenize(text)):
            counts[w] = counts.get(w, 0) + 1
    return {w: c / n for w, c in counts.items() if c >= min_count} if n else {}


class TermCost:
    """Relative document frequency of a term key (lower = more selective)."""

    def __init__(self, doc_freq: dict[str, float] | None = None):
        self.doc_freq = doc_freq
        self._sorted = sorted(doc_freq) if doc_freq else []
        self._floor = (min(doc_freq.values()) / 2) if doc_freq else 0.0
        self._cache: dict[str, float] = {}

    def __call__(self, key: str) -> float:
        cost = self._cache.get(key)
        if cost is None:
            cost = self._cache[key] = self._cost(key)
        return cost

    def _cost(self, key: str) -> float:
        kind, _, value = key.partition(":")
        if kind == "x":
            sub, _, name = value.partition(":")
            base = _PSEUDO_COST.get(sub, 0.5)
            if self.doc_freq is not None and sub in _NAMED and name:
                words = name.split()
                return min(base, min(self.doc_freq.get(w, self._floor) for w in words))
            return base
        if kind == "h":  # a word in a ~12-token headline, not anywhere in ~400 tokens
            return _HEADLINE_SHARE * self(f"w:{value}")
        if self.doc_freq is not None:
            if kind == "w":
                return self.doc_freq.get(value, self._floor)
            total = self._floor
            for k in range(bisect_left(self._sorted, value), len(self._sorted)):
                word = self._sorted[k]
                if not word.startswith(value):
                    break
                total += self.doc_freq[word]
            return min(total, 1.0)
        if kind == "w" and value in _COMMON:
            return 1.0
        base = 1.0 / max(len(value), 1)
        return base * 2 if kind == "p" else base


_default_cost = TermCost()


def clause_cost(clause: frozenset[str], cost=_default_cost) -> float:
    return sum(cost(k) for k in clause)


def _best(clauses: list[frozenset[str]], cost=_default_cost) -> frozenset[str]:
    return min(clauses, key=lambda c: (clause_cost(c, cost), sorted(c)))


def query_clauses(node, cost=_default_cost) -> list[frozenset[str]]:
    """Clauses every match of the query satisfies ([] = no usable constraint)."""
    if isinstance(node, Leaf):
        return [frozenset({_word_key(w, p, node.scope)}) for w, p in node.words]
    if isinstance(node, Not):
        return []
    if isinstance(node, Near):
        return query_clauses(node.left, cost) + query_clauses(node.right, cost)
    if isinstance(node, And):
        out = []
        for c in node.children:
            out.extend(query_clauses(c, cost))
        return out
    if isinstance(node, Or):
        branches = []
        for c in node.children:
            cl = query_clauses(c, cost)
            if not cl:
                return []
            branches.append(list(dict.fromkeys(cl)))
        size = 1
        for b in branches:
            size *= len(b)
        if size > _MAX_DISTRIBUTED:
            return [frozenset().union(*(_best(b, cost) for b in branches))]
        out = [frozenset()]
        for b in branches:
            out = [acc | c for acc in out for c in b]
        return list(dict.fromkeys(out))
    raise TypeError(f"not a query node: {node!r}")


def topic_clauses(topic: Topic, cost=_default_cost) -> list[frozenset[str]]:
    out = query_clauses(topic.query_ast, cost) if topic.query_ast is not None else []
    ent = topic.entities
    if ent is not None:
        if ent.any:
            out.append(frozenset(f"x:entity:{n}" for n in ent.names))
        if ent.types:
            out.append(frozenset(f"x:type:{t}" for t in ent.types))
        if ent.countries:
            out.append(frozenset(f"x:country:{c}" for c in ent.country_names))
    ev = topic.event
    if ev is not None:
        role = ev.target_role or "*"
        out.append(frozenset(f"x:event:{ev.type}/{role}/{status}" for status in ev.status))
        if ev.target:
            out.append(frozenset(f"x:target:{n}" for n in ev.target_names))
    return list(dict.fromkeys(out))  # dedupe, keep order


def _phrase_partners(topic: Topic) -> set[frozenset[str]]:
    """Pairs of term keys that are words of one phrase of the topic's query."""
    out: set[frozenset[str]] = set()
    if topic.query_ast is not None:
        for leaf in leaves(topic.query_ast):
            keys = [_word_key(w, p, leaf.scope) for w, p in leaf.words]
            out.update(frozenset((a, b)) for i, a in enumerate(keys) for b in keys[i + 1:] if a != b)
    return out


def _tied(anchor: frozenset[str], clause: frozenset[str], partners: set[frozenset[str]]) -> bool:
    return all(frozenset((a, b)) in partners for a in anchor for b in clause)


_PSEUDO_KINDS = ("event", "type", "entity", "country", "target")


def analysis_values(doc: Document, kinds=_PSEUDO_KINDS) -> dict[str, set[str]]:
    """What a document's analysis provides for each pseudo-term kind (a superset of what
    the conditions test), only for the ``kinds`` asked for."""
    a = doc.analysis
    if a is None:
        return {}
    out: dict[str, set[str]] = {}
    if "event" in kinds:
        out["event"] = {f"{f.event}/{role}/{f.status}" for f in a.events for role in (f.target_role, "*")}
    if "type" in kinds:
        out["type"] = {e.label for e in a.entities}
    known = doc.entity_names() if {"entity", "country", "target"} & set(kinds) else ()
    if "entity" in kinds:
        out["entity"] = set().union(*known)
    if "country" in kinds:
        out["country"] = set(dateline_ngrams(a.dateline)).union(
            *(n for e, n in zip(a.entities, known) if e.label in COUNTRY_LABELS))
    if "target" in kinds:
        targets = out["target"] = set()
        if a.events:
            by_canonical: dict[str, set[str]] = {}
            for e, names in zip(a.entities, known):
                by_canonical.setdefault(normalise_name(e.canonical), set()).update(names)
            for f in a.events:
                key = normalise_name(f.target)
                targets.add(key)
                targets.update(by_canonical.get(key, ()))
    return out


class Presearcher:
    """Anchors each topic on its most selective clause and, below that, on its second
    most selective one: a document selects the topics whose anchor *and* second clause
    it meets with a few set intersections per matched anchor term (in C), so the cost
    follows the number of candidates, not the number of topics sharing a common word
    with the document. Clauses beyond the second are checked per surviving topic."""

    def __init__(self, topics: list[Topic], doc_freq: dict[str, float] | None = None):
        cost = TermCost(doc_freq) if doc_freq else _default_cost
        # Term ids are strings: a plain word is itself (so a document's vocabulary
        # intersects the index directly), any other key keeps its "h:", "p:" or "x:"
        # prefix (tokens never hold a colon).
        ids: dict[str, str] = {}
        shared: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct clause

        def term(key: str) -> str:
            t = ids.get(key)
            if t is None:
                t = ids[key] = key[2:] if key.startswith("w:") else key
            return t

        self.always: list[int] = []
        # anchor term -> topics anchored on it with no second clause
        self.anchor_only: dict[str, list[int]] = {}
        # anchor term -> (second-clause terms, {second term: topics})
        pairs: dict[str, dict[str, list[int]]] = {}
        # per topic, its clauses beyond the second, most selective first
        self.checks: list[tuple[frozenset[str], ...]] = [()] * len(topics)
        for t_idx, topic in enumerate(topics):
            clauses = topic_clauses(topic, cost)
            if not clauses:
                self.always.append(t_idx)
                continue
            ordered = sorted(clauses, key=lambda c: (clause_cost(c, cost), sorted(c)))
            anchor = [term(k) for k in sorted(ordered[0])]
            if len(ordered) == 1:
                for a in anchor:
                    self.anchor_only.setdefault(a, []).append(t_idx)
                continue
            # The second clause should filter: not the anchor's partner in a phrase
            # ("kem" for "sokha"), which nearly every document with the anchor has.
            partners = _phrase_partners(topic)
            pick = next((i for i, c in enumerate(ordered[1:], 1) if not _tied(ordered[0], c, partners)), 1)
            ordered.insert(1, ordered.pop(pick))
            second = [term(k) for k in sorted(ordered[1])]
            for a in anchor:
                by_second = pairs.setdefault(a, {})
                for b in second:
                    by_second.setdefault(b, []).append(t_idx)
            checks = []
            for clause in ordered[2:]:
                terms = frozenset(map(term, clause))
                checks.append(shared.setdefault(terms, terms))
            self.checks[t_idx] = tuple(checks)
        self.pairs = {a: (frozenset(d), d) for a, d in pairs.items()}
        self.pair_keys = frozenset(self.pairs)
        self.anchor_only_keys = frozenset(self.anchor_only)
        self.checked = frozenset(t for t, c in enumerate(self.checks) if c)
        self.word_set = frozenset(k[2:] for k in ids if k.startswith("w:"))
        self.head_words = {k[2:]: k for k in ids if k.startswith("h:")}
        self.head_word_set = frozenset(self.head_words)
        # kind -> (values, {value: term}) for the analysis pseudo-terms
        pseudo: dict[str, dict[str, str]] = {}
        for k in ids:
            if k.startswith("x:"):
                kind, _, value = k[2:].partition(":")
                pseudo.setdefault(kind, {})[value] = k
        self.pseudo = {kind: (frozenset(d), d) for kind, d in pseudo.items()}
        self.prefixes: ahocorasick.Automaton | None = None
        prefix_keys = [k for k in ids if k.startswith("p:")]
        if prefix_keys:
            self.prefixes = ahocorasick.Automaton()
            for k in prefix_keys:
                self.prefixes.add_word(" " + k[2:], k)  # leading space anchors at a token start
            self.prefixes.make_automaton()

    def doc_terms(self, doc: Document) -> set[str]:
        """The indexed terms the document contains."""
        found = doc.vocab() & self.word_set
        if self.head_words and doc.n_headline:
            head = self.head_words
            found.update(map(head.__getitem__, self.head_word_set.intersection(doc.tokens[:doc.n_headline])))
        if self.prefixes is not None:
            found.update(map(_second, self.prefixes.iter(doc.joined_vocab())))
        if self.pseudo and doc.analysis is not None:
            for kind, values in analysis_values(doc, self.pseudo).items():
                keys, terms = self.pseudo[kind]
                found.update(map(terms.__getitem__, keys.intersection(values)))
        return found

    def candidates(self, doc: Document) -> list[int]:
        """Indices of topics that may match ``doc``, ascending."""
        found = self.doc_terms(doc)
        out = set(self.always)
        only = self.anchor_only
        out.update(chain.from_iterable(map(only.__getitem__, self.anchor_only_keys.intersection(found))))
        pairs = self.pairs
        for a in self.pair_keys.intersection(found):
            seconds, by_second = pairs[a]
            for b in seconds.intersection(found):
                out.update(by_second[b])
        checked = self.checked.intersection(out)
        if checked:
            checks, disjoint = self.checks, found.isdisjoint
            out.difference_update([t for t in checked if any(map(disjoint, checks[t]))])
        return sorted(out)
