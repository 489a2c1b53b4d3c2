"""Named-entity mentions cleaned up and consolidated at document level.

spaCy's small model labels each mention on its own; wire copy needs a document view:
one name keeps one type, "CNRP" is the Cambodia National Rescue Party, "Sokha" is
Kem Sokha. Input: a parsed spaCy Doc whose text is the normalised analysis text.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from .entity_links import link_acronyms, link_people, norm_key
from .gazetteer import EPONYM_ORGS, ORG_NAMES
from .genders import FEMALE_NAMES, MALE_NAMES
from .model import Entity, Mention
from .name_shapes import (
    _AMBIGUOUS, _NOT_NAMES, _ORG_WORDS, _PLACE_LABEL, _SPLITTERS, _SPORTS, NAME_LABELS, _Cand,
    _company_suffixes, _dateline_places, _given_names, _is_clear_person, _org_heads, _titled_people,
    _trim, _unwrapped_breaks, country_tagged_names, initial_names, titled_names,
)
from .sports import is_dateline, is_team_sport, table_teams, team_label

_GIVEN_NAMES = FEMALE_NAMES | MALE_NAMES


def _given_name_first(span) -> bool:
    """Two or three capitalised words, a common given name first and no organisation word:
    a person the model typed ORG."""
    return 2 <= len(span) <= 3 and span[0].lower_ in _GIVEN_NAMES and all(
        t.is_title and t.is_alpha and t.lower_ not in _ORG_WORDS for t in span)


def raw_candidates(doc, layout_text: str | None = None) -> list[_Cand]:
    """Mentions from doc.ents, trimmed and with gazetteer label fixes.

    ``layout_text`` is the same-length original text whose line breaks show table
    rows (clean-up joins wrapped lines); results/standings rows are read from it."""
    cands: list[_Cand] = []
    doc_text = doc.text  # Doc.text is rebuilt from the tokens on every access
    breaks = _unwrapped_breaks(doc, doc_text, layout_text)
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS:
            continue
        # a newline never sits inside a name; split there
        pieces = []
        s = ent.start
        for i in range(ent.start, ent.end):
            t = doc[i]
            spaced = t.text in _SPLITTERS and (t.whitespace_ or i == 0 or doc[i - 1].whitespace_) \
                and not (t.text == "-" and not t.whitespace_)
            if "\n" in t.text or i in breaks and i > ent.start or spaced \
                    or (t.like_num and t.text.replace(".", "").replace("-", "").isdigit() and i > ent.start):
                if i > s:
                    pieces.append((s, i))
                s = i + 1
        if ent.end > s:
            pieces.append((s, ent.end))
        for ps, pe in pieces:
            label = ent.label_
            ts, te, titled = _trim(doc, ps, pe, label)
            if te <= ts:
                continue
            span = doc[ts:te]
            text = span.text
            if not any(c.isalpha() for c in text):
                continue
            if label == "PERSON" and te - ts > 2 and _PLACE_LABEL.get(doc[ts].text) == "NORP":
                # "American Dennis Mitchell": a nationality, then the person
                nt = doc[ts]
                cands.append(_Cand(ts, ts + 1, nt.idx, nt.idx + len(nt), "NORP"))
                ts += 1
                span = doc[ts:te]
                text = span.text
            if text in ORG_NAMES and label in {"PERSON", "GPE", "LOC", "NORP", "FAC", "PRODUCT"}:
                label = "ORG"
            fixed = _PLACE_LABEL.get(text)
            if fixed and text not in _AMBIGUOUS and label in {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}:
                label = fixed
            if label == "ORG" and _given_name_first(span) and text not in EPONYM_ORGS:
                label = "PERSON"  # "Sandra Torres" read as an organisation
            if label == "ORG" and len(span) == 1 and span[0].lower_ in _ORG_WORDS:
                continue  # "Party" alone
            if len(span) == 1 and span[0].lower_ in _SPORTS:
                continue
            if label in {"ORG", "PERSON"} and span[0].lower_ in _NOT_NAMES and len(span) <= 2:
                continue  # "Men 's singles", "Women": category words in results copy
            clear = titled or (label == "PERSON" and _is_clear_person(doc, ts, te))
            cands.append(_Cand(ts, te, span.start_char, span.end_char, label, clear))
    _company_suffixes(doc, cands)
    _org_heads(doc, cands)
    team_sport = is_team_sport(doc_text)
    spans = titled_names(doc)
    taken = {i for a, b in spans for i in range(a, b)}
    more = initial_names(doc) if "." in doc_text else []
    if not team_sport and "(" in doc_text:
        # a lone word is a person only if the model saw a name there and not an ORG
        # (a cycling team or a firm: "Telekom (Germany)")
        named = {i for c in cands if c.label != "ORG" for i in range(c.tok_start, c.tok_end)}
        more += [(a, b) for a, b in country_tagged_names(doc) if b - a > 1 or a in named]
    for a, b in sorted(more):
        if not any(i in taken for i in range(a, b)):
            spans.append((a, b))
            taken.update(range(a, b))
    cands = _titled_people(doc, cands, sorted(spans))
    _given_names(doc, cands, breaks)
    cands = _dateline_places(doc, cands, breaks)
    for c in cands:
        if (c.label in {"GPE", "LOC"} or doc_text[c.start:c.end] in _PLACE_LABEL) \
                and is_dateline(doc, c.tok_start, c.tok_end, breaks):
            # "NEW YORK 1996-08-30" heads a story that calls the Mets "New York"
            c.label = c.label if c.label in {"GPE", "LOC"} else _PLACE_LABEL[doc_text[c.start:c.end]]
            c.fixed = c.clear = True
    if team_sport:
        for c in cands:
            if c.fixed:
                continue
            c.label = team_label(doc, c.tok_start, c.tok_end, c.label, doc_text[c.start:c.end])
        rows_text = layout_text if layout_text is not None and len(layout_text) == len(doc_text) else doc_text
        for a, b, label in table_teams(rows_text):
            span = doc.char_span(a, b)
            if span is None:
                continue
            cands = [c for c in cands if not (c.tok_start < span.end and span.start < c.tok_end)]
            cands.append(_Cand(span.start, span.end, a, b, label, True))
        cands.sort(key=lambda c: c.start)
    return cands


def _majority_labels(cands: list[_Cand]) -> dict[str, str]:
    """One label per surface key: the first clear mention wins, else the majority
    (ties go to the first mention)."""
    groups: dict[str, list[_Cand]] = defaultdict(list)
    for c in cands:
        groups[c.key].append(c)
    out = {}
    for key, group in groups.items():
        clear = [c for c in group if c.clear]
        if clear:
            out[key] = clear[0].label
            continue
        words = set(key.split())
        counts = Counter(c.label for c in group)
        if words & _ORG_WORDS and "ORG" in counts:
            out[key] = "ORG"
            continue
        best = max(counts.values())
        out[key] = next(c.label for c in group if counts[c.label] == best)
    return out


def propagate(doc, cands: list[_Cand], labels: dict[str, str]) -> list[_Cand]:
    """Tag unlabelled repeats of names already found in the document (results
    tables, headlines and short references the model missed)."""
    covered = [False] * len(doc)
    for c in cands:
        for i in range(c.tok_start, c.tok_end):
            covered[i] = True
    surfaces: dict[tuple, str] = {}
    for c in cands:
        toks = tuple(t.text for t in doc[c.tok_start:c.tok_end])
        if not toks[0][:1].isupper() or (len(toks) == 1 and len(toks[0]) < 3):
            continue
        surfaces[toks] = labels.get(c.key, c.label)
        if labels.get(c.key, c.label) == "PERSON" and len(toks) >= 2 and len(toks[-1]) >= 3 \
                and toks[-1][:1].isupper():
            surfaces.setdefault((toks[-1],), "PERSON")  # later references by surname
    if not surfaces:
        return cands
    # Only lengths of surfaces that start with the token can match there, and a hit only
    # covers tokens before the scan position: prefix sums of the first coverage answer
    # "is any of these tokens taken?" (trying every length up to the longest name at
    # every token, each with a slice, was quadratic in long names).
    by_first: dict[str, set[int]] = defaultdict(set)
    for key in surfaces:
        by_first[key[0]].add(len(key))
    lengths = {first: sorted(ls, reverse=True) for first, ls in by_first.items()}
    taken = [0]
    for flag in covered:
        taken.append(taken[-1] + flag)
    added = []
    i = 0
    n = len(doc)
    while i < n:
        text = doc[i].text
        if covered[i] or not text[:1].isupper() or text not in lengths:
            i += 1
            continue
        hit = None
        for L in lengths[text]:
            if L > n - i or taken[i + L] - taken[i]:
                continue
            key = tuple(t.text for t in doc[i:i + L])
            if key in surfaces:
                # a longer capitalised run around it means it is part of another name
                if (i + L < n and doc[i + L].is_title and not doc[i + L].is_sent_start
                        and doc[i + L].pos_ == "PROPN"):
                    break
                hit = (L, surfaces[key])
                break
        if hit:
            L, label = hit
            span = doc[i:i + L]
            added.append(_Cand(i, i + L, span.start_char, span.end_char, label))
            for j in range(i, i + L):
                covered[j] = True
            i += L
        else:
            i += 1
    return sorted(cands + added, key=lambda c: c.start)


def consolidate(doc, cands: list[_Cand], original_text: str | None = None,
                known_people: dict[str, str] | None = None) -> tuple[tuple[Mention, ...], tuple[Entity, ...]]:
    """Give every name one type and one canonical form; link acronyms and surnames.

    ``known_people`` maps a normalised alias to a canonical person name (from the
    watchlist), which both fixes the type and links aliases.
    """
    doc_text = doc.text  # Doc.text is rebuilt from the tokens on every access: read it once
    text = original_text if original_text is not None else doc_text
    known_people = known_people or {}
    for c in cands:
        c.key = norm_key(doc_text[c.start:c.end])
        if c.fixed:
            c.key += " #place"  # its own entity: the filing place, not the team
            continue
        if c.key in known_people:
            c.label = "PERSON"
            c.clear = True
    labels = _majority_labels(cands)
    cands = propagate(doc, cands, labels)
    for c in cands:
        if not c.key:
            c.key = norm_key(doc_text[c.start:c.end])
        c.label = labels.get(c.key, c.label)

    # canonical key per surface key (union-find light: key -> target key)
    link: dict[str, str] = {}
    link_acronyms(doc, cands, labels, link, doc_text)
    link_people(cands, labels, link, known_people, doc_text)

    def root(k: str) -> str:
        seen = set()
        while k in link and k not in seen:
            seen.add(k)
            k = link[k]
        return k

    groups: dict[str, list[_Cand]] = defaultdict(list)
    for c in cands:
        groups[root(c.key)].append(c)

    known_canon: dict[str, str] = {}
    for v in known_people.values():
        known_canon.setdefault(norm_key(v), v)
    entities = []
    mentions: list[Mention] = []
    for rk, group in groups.items():
        label = labels.get(rk) or group[0].label
        surfaces = [doc_text[c.start:c.end] for c in group]
        own = [doc_text[c.start:c.end] for c in group if c.key == rk]
        counts = Counter(own)
        canonical = max(own, key=lambda s: (len(s.split()), counts[s])) if own else surfaces[0]
        if rk in known_canon:
            canonical = known_canon[rk]
        ms = tuple(Mention(c.start, c.end, text[c.start:c.end], label, canonical)
                   for c in sorted(group, key=lambda c: c.start))
        aliases = tuple(sorted({s for s in surfaces if s != canonical}))
        entities.append(Entity(canonical, label, ms, ms[0].start, aliases))
        mentions.extend(ms)
    entities.sort(key=lambda e: e.first_position)
    mentions.sort(key=lambda m: m.start)
    return tuple(mentions), tuple(entities)


def extract(doc, original_text: str | None = None, known_people: dict[str, str] | None = None):
    """Mentions and entities of a parsed doc."""
    return consolidate(doc, raw_candidates(doc, original_text), original_text, known_people)
