"""The role of an event's target (opposition / government / unknown) and the
evidence for it: the target's own phrase first, then what the document says of the
person or party, then the watchlist.
"""
from __future__ import annotations

from ..titles import GOVERNMENT_WORDS, OPPOSITION_WORDS
from ..watchlist import Watchlist
from .index import FrameContext
from .lexicon import CRITIC_NOUNS, CRITICIZED, CROWD_NOUNS, FIGURE_NOUNS, MEMBERSHIP_VERBS, RULING_WORDS


def np_words(tok, limit: int = 14) -> list:
    """The noun phrase of ``tok`` without relative clauses (left modifiers, appositions,
    "of" complements). Possessors are left out: "the opposition leader's lawyer" is
    not an opposition figure. Membership clauses ("who belongs to the opposition
    Jobbik party") are kept."""
    out: list = []
    stack = [tok]
    while stack and len(out) < limit:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in {"acl", "punct", "cc", "advcl", "conj", "poss", "case"}:
                continue
            if c.dep_ == "relcl" and c.lemma_.lower() not in MEMBERSHIP_VERBS:
                continue
            stack.append(c)
    return out



def has_opposition(words) -> str | None:
    for t in words:
        low = t.lower_
        if low in OPPOSITION_WORDS:
            return t.text
        if low == "democracy" and t.i >= 2 and t.doc[t.i - 1].text == "-" and t.doc[t.i - 2].lower_ == "pro":
            return "pro-democracy"
        if low in CRITIC_NOUNS:
            # "a prominent critic of Rwanda's president", "the Kremlin critic"
            objs = [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.subtree]
            objs += [c for c in t.children if c.dep_ in {"compound", "amod", "poss"}]
            if any(o.lower_ in CRITICIZED or o.lemma_.lower() in CRITICIZED for o in objs):
                return t.text
    return None


def doc_roles(doc, mentions, entities, watchlist: Watchlist):
    """Role of each named party and person as the document (or watchlist) states it."""
    party_roles: dict[str, tuple[str, str]] = {}
    person_roles: dict[str, tuple[str, str]] = {}
    for e in entities:
        if e.label in {"ORG", "NORP"}:
            wl = None
            for name in (e.canonical, *e.aliases):
                wl = watchlist.role_of_party(name)
                if wl:
                    break
            if wl:
                party_roles[e.canonical] = (wl, f"watchlist party {e.canonical}")
    for m in mentions:
        if m.label not in {"ORG", "NORP", "PERSON"}:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        ctx_words = [t for t in doc[max(span.start - 3, 0):span.start]]
        ctx_words += [c for c in root.children if c.dep_ in {"compound", "amod", "appos", "nmod"}
                      and not (span.start <= c.i < span.end)]
        appos_head = root.head if root.dep_ == "appos" else None
        if appos_head is not None:
            ctx_words += np_words(appos_head)
        for c in root.children:
            if c.dep_ == "appos":
                ctx_words += np_words(c)
        opp = has_opposition(ctx_words)
        if opp and m.label != "PERSON" and opp.lower() not in OPPOSITION_WORDS:
            opp = None  # "critics of the Vietnamese government" says nothing about "Vietnamese"
        ruling = any(t.lower_ in RULING_WORDS for t in ctx_words)
        table = person_roles if m.label == "PERSON" else party_roles
        if opp and m.canonical not in table:
            phrase = doc[max(span.start - 3, 0):span.end].text
            table[m.canonical] = ("opposition", f"document: '{phrase}'")
        elif ruling and m.canonical not in table and m.label != "PERSON":
            table[m.canonical] = ("government", "document: ruling party")
        if m.label == "PERSON" and m.canonical not in person_roles:
            gov = [t for t in ctx_words if t.lower_ in GOVERNMENT_WORDS and t.lower_ not in OPPOSITION_WORDS]
            if gov and not opp:
                person_roles[m.canonical] = ("government", f"title '{gov[0].text}'")
    for e in entities:
        if e.label != "PERSON":
            continue
        for name in (e.canonical, *e.aliases):
            wl = watchlist.role_of_person(name)
            if wl:
                # the watchlist outranks a "minister" title seen in passing, but a
                # document that explicitly says opposition already agrees
                cur = person_roles.get(e.canonical)
                if cur is None or cur[0] != wl:
                    person_roles[e.canonical] = (wl, f"watchlist person {watchlist.person(name)}")
                break
    return party_roles, person_roles


def party_role_in(words, ctx: FrameContext) -> tuple[str, str] | None:
    """A party named in a phrase ("leader of the CNRP") and its role."""
    for t in words:
        m = ctx.mention_at(t.idx)
        if m and m.label in {"ORG", "NORP"} and m.canonical in ctx.party_roles:
            return ctx.party_roles[m.canonical]
        if m and m.label in {"ORG", "NORP"}:
            wl = ctx.watchlist.role_of_party(m.text) or ctx.watchlist.role_of_party(m.canonical)
            if wl:
                return wl, f"watchlist party {m.canonical}"
    return None


def role_of(tok, person: str | None, ctx: FrameContext) -> tuple[str, str]:
    """Role of a target: its own phrase first, then the document, then the watchlist."""
    words = np_words(tok)
    if tok.dep_ == "appos":
        words += np_words(tok.head)
    for c in tok.children:
        if c.dep_ == "appos":
            words += np_words(c)
    opp = has_opposition(words)
    if opp:
        phrase = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))
        return "opposition", f"title: '{opp}' in '{phrase}'"
    pr = party_role_in(words, ctx)
    if pr:
        return pr
    if person and person in ctx.person_roles:
        return ctx.person_roles[person]
    gov = [t for t in words if t.lower_ in GOVERNMENT_WORDS]
    if gov:
        return "government", f"title '{gov[0].text}'"
    return "unknown", "no opposition evidence"



def group_role(tok, ctx: FrameContext) -> tuple[str, str]:
    """Role of an unnamed group ("three opposition lawmakers"): only figures count as
    opposition; crowds of supporters or protesters are a different story."""
    words = np_words(tok)
    head = tok.lemma_.lower()
    if head in CROWD_NOUNS or tok.lower_ in CROWD_NOUNS:
        return "crowd", f"group noun '{tok.text}'"
    opp = has_opposition(words)
    if opp and (head in FIGURE_NOUNS or tok.lower_ in FIGURE_NOUNS):
        phrase = " ".join(t.text for t in sorted(words, key=lambda t: t.i) if not t.is_space)
        return "opposition", f"group '{phrase}'"
    owner = [c for c in tok.children if c.dep_ == "poss"]
    if owner and owner[0].lower_ == "whose" and tok.head.dep_ == "relcl":
        owner = [tok.head.head]  # "the HDP, whose leaders have been jailed"
    pr = party_role_in(words + owner, ctx)
    if pr and (head in FIGURE_NOUNS or tok.lower_ in FIGURE_NOUNS):
        return pr
    if any(t.lower_ in GOVERNMENT_WORDS for t in words):
        return "government", "group of officials"
    return "unknown", "unnamed group"

