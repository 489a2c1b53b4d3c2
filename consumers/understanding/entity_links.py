"""Linking a document's name mentions to one entity: an acronym to its expansion
("CNRP" -> "Cambodia National Rescue Party"), a surname or watchlist alias to the
full name, two transliterations of one name to each other.

Each step looks names up in indexes built once per document (by end token, by
initials, by first and last word), not by comparing every pair of names.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from .gazetteer import PLACE_WORDS

_ACRONYM_STOP = frozenset({"of", "the", "and", "for", "'s", "&", "de", "du", "des", "la", "le", "on", "in"})
_NON_WORD = re.compile(r"[^\w]+")


@lru_cache(maxsize=65536)
def norm_key(text: str) -> str:
    """A name's surface key: lower case, runs of non-word characters as one space."""
    # Cached: watchlist names are normalised again for every document otherwise.
    return _NON_WORD.sub(" ", text.lower()).strip()


def _initials(doc, c) -> str:
    return "".join(t.text[0] for t in doc[c.tok_start:c.tok_end]
                   if t.lower_ not in _ACRONYM_STOP and t.text[:1].isalpha()).upper()


def is_acronym(text: str) -> bool:
    t = text.replace(".", "")
    return 2 <= len(t) <= 8 and t.isupper() and t.isalpha()


def link_acronyms(doc, cands: list, labels: dict[str, str], link: dict[str, str], doc_text: str) -> None:
    """"Cambodia National Rescue Party (CNRP)" or matching initials: the acronym's key
    links to the expansion's, and takes its label."""
    multi_orgs = [c for c in cands if c.label in {"ORG", "GPE", "LOC", "FAC", "NORP", "EVENT"}
                  and c.tok_end - c.tok_start >= 2]
    ending_at = {m.tok_end: m for m in multi_orgs}  # the last one ending at a token
    by_initials: dict = {}  # the first one with those initials
    for m in multi_orgs:
        by_initials.setdefault(_initials(doc, m), m)
    for c in cands:
        surf = doc_text[c.start:c.end]
        if not is_acronym(surf) or c.key in link:
            continue
        target = None
        # explicit parenthesis right after an expansion
        if c.tok_start >= 2 and doc[c.tok_start - 1].text == "(":
            target = ending_at.get(c.tok_start - 1)
        if target is None:
            target = by_initials.get(surf.replace(".", ""))
        if target is not None and target.key != c.key:
            link[c.key] = target.key
            labels[c.key] = labels.get(target.key, target.label)


def link_people(cands: list, labels: dict[str, str], link: dict[str, str], known_people: dict[str, str],
                doc_text: str) -> None:
    """Watchlist aliases, surnames and spelling variants of full names."""
    persons = {c.key for c in cands if labels.get(c.key) == "PERSON" and len(c.key.split()) >= 2}
    cand_keys = {x.key for x in cands}
    for c in cands:
        if c.key in known_people:
            canon_key = norm_key(known_people[c.key])
            if canon_key != c.key and canon_key in cand_keys:
                link.setdefault(c.key, canon_key)
    by_last: dict[str, set[str]] = defaultdict(set)
    by_first: dict[str, set[str]] = defaultdict(set)
    by_tail: dict[str, set[str]] = defaultdict(set)  # the last two words of longer names
    for p in persons:
        by_last[p.split()[-1]].add(p)
        by_first[p.split()[0]].add(p)
        if len(p.split()) >= 3:
            by_tail[" ".join(p.split()[-2:])].add(p)
    for c in cands:
        tail = by_tail.get(c.key, set())
        if c.key not in link and len(tail) == 1 and labels.get(c.key) in {"PERSON", None}:
            # a two-word surname repeated alone: "Zaki Bani Rsheid ... Bani Rsheid"
            link[c.key] = next(iter(tail))
            continue
        if c.key in link or c.key in persons:
            continue
        words = c.key.split()
        if len(words) == 1 and labels.get(c.key) in {"PERSON", "ORG", "NORP", "GPE", None} \
                and not is_acronym(doc_text[c.start:c.end]):
            # Khmer/Chinese names are family-name first, but wire copy repeats
            # the last part as well ("Sokha"), so last token wins, first token
            # only when the model itself said PERSON.
            hits = by_last.get(words[0]) or (by_first.get(words[0], set())
                                              if labels.get(c.key) == "PERSON" else set())
            # a surname the model called a place ("Singh ... said") links to the person
            # named in full, unless the word is a place we know
            if len(hits) == 1 and (labels.get(c.key) != "GPE" or words[0] not in PLACE_WORDS):
                link[c.key] = next(iter(hits))
                labels[c.key] = "PERSON"
    _link_transliterations(cands, persons, link)


def _link_transliterations(cands: list, persons: set[str], link: dict[str, str]) -> None:
    """"So Eysan" / "Sok Eysan": one person, two transliterations; the later spelling
    links to the first. Only two-word names sharing a surname are compared, and only
    where one first name starts with the other: in sorted order those follow the
    shorter one directly (a space sorts before any word character)."""
    first_at: dict[str, tuple[int, int]] = {}  # key -> (start, position) of its first mention
    for pos, x in enumerate(cands):
        if x.key not in first_at or x.start < first_at[x.key][0]:
            first_at[x.key] = (x.start, pos)
    by_surname: dict[str, list[str]] = defaultdict(list)
    for p in sorted(persons):
        w = p.split()
        if len(w) == 2:
            by_surname[w[1]].append(p)
    for group in by_surname.values():
        for i, a in enumerate(group):
            prefix = a.split()[0]
            for b in group[i + 1:]:
                if a in link or not b.startswith(prefix):
                    break
                if b in link:
                    continue
                first = a if first_at[a] <= first_at[b] else b
                link[b if first == a else a] = first
