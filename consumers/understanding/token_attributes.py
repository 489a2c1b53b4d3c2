"""The model's attribute ruler and lemmatizer, worked out once per kind of token.

Both are pure functions of a few token attributes: the ruler's rules read the tag, the
lower-case form, the dependency label and whether the token is a space (plus, for a few
two-token rules, the next token), and a lemma follows from the form, the POS tag and the
morphology. spaCy evaluates them token by token through the Matcher and a Python call
per token, which cost about a fifth of the model's time on wire copy. Here the answers
are kept per distinct combination (news reuses a small vocabulary), so each is worked
out once per process, from the model's own rules and lemmatizer: the annotations are the
same (``tests/unit/test_token_attributes.py`` compares them with the stock components).
"""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens._retokenize import set_token_attrs

_KEYS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
MAX_CACHED = 200_000  # distinct token kinds kept; beyond this the cache starts over (bounded memory)


def _exact(spec: dict, key: str) -> tuple:
    """The values of ``key`` a token pattern can match, or (None,) for any value."""
    want = spec.get(key)
    if isinstance(want, str):
        return (want,)
    if isinstance(want, dict) and set(want) == {"IN"}:
        return tuple(want["IN"])
    return (None,)


def _predicate(spec: dict):
    """A test on (tag, lower, dep, is_space) strings for one token pattern of the ruler."""
    tests = []
    for key, want in spec.items():
        if key not in _KEYS:
            raise ValueError(f"attribute ruler pattern key {key!r} is not supported")
        k = _KEYS[key]
        if isinstance(want, dict):
            for op, arg in want.items():
                if op == "IN":
                    tests.append(lambda v, k=k, s=frozenset(arg): v[k] in s)
                elif op == "NOT_IN":
                    tests.append(lambda v, k=k, s=frozenset(arg): v[k] not in s)
                elif op == "REGEX":
                    tests.append(lambda v, k=k, r=re.compile(arg): bool(r.search(v[k])))
                else:
                    raise ValueError(f"attribute ruler operator {op!r} is not supported")
        else:
            tests.append(lambda v, k=k, w=want: v[k] == w)
    return lambda v: all(t(v) for t in tests)


class CachedAttributeRuler:
    """Same matches as the model's AttributeRuler, handed to its own set_annotations."""

    def __init__(self, ruler):
        self.ruler = ruler
        strings = ruler.vocab.strings
        # Every token pattern, filed under the exact tag and form it needs (None: any), so
        # a new kind of token is tested only against the few patterns that can match it.
        self._tests: dict[tuple, list] = {}
        for rule, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if any("OP" in spec for spec in pattern):
                    raise ValueError("attribute ruler patterns with operators are not supported")
                for pos, spec in enumerate(pattern):
                    test = (rule, pos, len(pattern), _predicate(spec))
                    for tag in _exact(spec, "TAG"):
                        for lower in _exact(spec, "LOWER"):
                            self._tests.setdefault((tag, lower), []).append(test)
        self._ids = [strings[str(rule)] for rule in range(len(ruler.patterns))]
        self._attrs = ruler.attrs
        self._indices = ruler.indices
        self._cache: dict[tuple, tuple] = {}

    def _kind(self, key: tuple, strings) -> tuple:
        """(single-token rules met, (rule, position, length) of longer patterns met)."""
        found = self._cache.get(key)
        if found is None:
            tag, lower, dep, space = key
            values = (strings[tag], strings[lower], strings[dep], bool(space))
            tests = self._tests
            met = [(rule, pos, n) for bucket in ((values[0], values[1]), (values[0], None), (None, values[1]),
                                                 (None, None))
                   for rule, pos, n, test in tests.get(bucket, ()) if test(values)]
            found = (tuple(r for r, _, n in met if n == 1), tuple(m for m in met if m[2] > 1))
            if len(self._cache) >= MAX_CACHED:
                self._cache.clear()
            self._cache[key] = found
        return found

    def match(self, doc) -> list[tuple]:
        strings = doc.vocab.strings
        kinds = [self._kind(tuple(row), strings) for row in doc.to_array(["TAG", "LOWER", "DEP", "IS_SPACE"]).tolist()]
        matches = set()
        for i, (single, multi) in enumerate(kinds):
            for rule in single:
                matches.add((rule, i, i + 1))
            for rule, pos, n in multi:
                if pos == 0 and i + n <= len(kinds) and all(
                        (rule, k, n) in kinds[i + k][1] for k in range(1, n)):
                    matches.add((rule, i, i + n))
        return sorted((rule, self._ids[rule], s, e) for rule, s, e in matches)

    def __call__(self, doc):
        # AttributeRuler.set_annotations, without a Span per match: in rule order, so a
        # later rule overrides an earlier one, as there
        for rule, _, start, end in self.match(doc):
            index = self._indices[rule]
            at = (start if index >= 0 else end) + index
            if not start <= at < end:
                raise ValueError(f"attribute ruler rule {rule}: index {index} outside its match")
            set_token_attrs(doc[at], self._attrs[rule])
        return doc


class CachedLemmatizer:
    """The model's rule lemmatizer, once per (form, POS, morphology); tokens that already
    have a lemma (the attribute ruler sets some) keep it, as the model's does."""

    def __init__(self, lemmatizer):
        if lemmatizer.overwrite:
            raise ValueError("an overwriting lemmatizer is not supported")
        self.lemmatizer = lemmatizer
        # The model keeps each POS's known lemmas as a list (57,528 nouns) that the rules
        # search with `in` for every new word; as sets the answers are the same, found in
        # one step. (The tables are never saved back.)
        index = lemmatizer.lookups.get_table("lemma_index", None)
        if index is not None:
            for pos in list(index.keys()):
                if isinstance(index[pos], list):
                    index[pos] = frozenset(index[pos])
        self._cache: dict[tuple, int] = {}

    def __call__(self, doc):
        strings = doc.vocab.strings
        rows = doc.to_array(["ORTH", "POS", "MORPH", "LEMMA"])
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:
                continue
            key = (orth, pos, morph)
            found = self._cache.get(key)
            if found is None:
                found = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
                if len(self._cache) >= MAX_CACHED:
                    self._cache.clear()
                self._cache[key] = found
            rows[i, 3] = found
        doc.from_array(["LEMMA"], rows[:, 3:4])
        return doc


@Language.factory("wirewatch_attributes")
def make_attributes(nlp, name: str):
    return CachedAttributeRuler(nlp.get_pipe("attribute_ruler"))


@Language.factory("wirewatch_lemmas")
def make_lemmas(nlp, name: str):
    return CachedLemmatizer(nlp.get_pipe("lemmatizer"))


def install(nlp) -> None:
    """Run the cached forms in place of the model's attribute ruler and lemmatizer."""
    for stock, cached in (("attribute_ruler", "wirewatch_attributes"), ("lemmatizer", "wirewatch_lemmas")):
        if stock in nlp.pipe_names and cached not in nlp.pipe_names:
            nlp.add_pipe(cached, before=stock)
            nlp.disable_pipe(stock)
