"""The role of an event's target (opposition / government / unknown) and the
evidence for it: the target's own phrase first, then what the document says of the
person or party, then the watchlist.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import chain

from ..party_kb import PartyKB
from ..titles import GOVERNMENT_WORDS, OPPOSITION_WORDS
from ..watchlist import Watchlist
from .index import FrameContext
from .lexicon import (
    CANDIDACY_WORDS, CANDIDATE_NOUNS, CRITIC_NOUNS, CRITICIZED, DEPUTY_NOUNS, FIGURE_NOUNS, FORMER_WORDS,
    LOCAL_OFFICES, MEMBERSHIP_VERBS, PROFESSION_OF, RULING_WORDS,
)

# Words that say opposition outright, which outrank a profession ("opposition activist").
EXPLICIT_OPPOSITION = OPPOSITION_WORDS | {"pro-democracy"}

_DISSIDENT = frozenset({"dissident", "dissidents"})

ORGANISATION_NOUNS = frozenset({"party", "alliance", "coalition", "movement", "front", "bloc", "union"})

# Role evidence from a list someone curated, which outranks a title seen in the story.
_LISTED = ("watchlist", "knowledge base")


_PHRASE_DEPS = frozenset({"compound", "amod", "nmod", "det", "poss", "nummod", "punct", "case", "npadvmod"})


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
            if c.dep_ == "acl" and c.lemma_.lower() in MEMBERSHIP_VERBS:
                stack.append(c)  # "a former premier now leading the opposition"
                continue
            if c.dep_ in {"acl", "punct", "cc", "advcl", "conj", "poss", "case"}:
                continue
            if c.dep_ == "relcl" and c.lemma_.lower() not in MEMBERSHIP_VERBS:
                continue
            stack.append(c)
    return out



# "secretary general", "attorney general": offices, not army ranks
_CIVIL_GENERALS = frozenset({"secretary", "attorney", "solicitor", "inspector", "director", "governor", "consul",
                             "auditor", "comptroller", "surgeon", "postmaster", "accountant"})


def trade_of(t) -> str | None:
    """The role a noun names (PROFESSION_OF), but not the "general" of "secretary general"."""
    if t.lower_ in {"general", "generals"} and t.i > 0 and t.doc[t.i - 1].lower_.rstrip("-") in _CIVIL_GENERALS:
        return None
    return PROFESSION_OF.get(t.lower_)


def profession(words) -> tuple[str, str] | None:
    """(role, noun) when a phrase names what its person is: journalist, activist, ..."""
    for t in sorted(words, key=lambda w: w.i):
        role = trade_of(t)
        if role and t.pos_ in {"NOUN", "PROPN"}:
            return role, t.text
        if t.lower_ in {"lawyer", "lawyers", "attorney"} and any(c.lower_ == "rights" for c in t.children):
            return "activist", f"rights {t.text}"  # "a human rights lawyer"
    return None


def is_former(title) -> bool:
    """"former interior minister", "ex-premier": an office no longer held."""
    mods = [c for c in title.children if c.dep_ in {"amod", "compound", "advmod"}]
    if title.dep_ == "conj" and title.head.i < title.i:
        # "former MP and Minister of Industry X": "former" covers both offices
        mods += [c for c in title.head.children if c.dep_ in {"amod", "advmod"} and c.i < title.head.i]
    prev = title.doc[title.i - 1] if title.i else None
    return any(m.lower_ in FORMER_WORDS for m in mods) or prev is not None and prev.lower_ in FORMER_WORDS \
        or title.lower_.startswith(("ex-", "former-"))


def has_opposition(words) -> str | None:
    """The word that makes a phrase opposition: an explicit one ("opposition",
    "dissident") before a derived one ("critic of the president", "candidate")."""
    for t in words:
        if t.lower_ in OPPOSITION_WORDS:
            return t.text
    for t in words:
        low = t.lower_
        if low in OPPOSITION_WORDS:
            return t.text
        if low == "democracy" and t.i >= 2 and t.doc[t.i - 1].text == "-" and t.doc[t.i - 2].lower_ == "pro":
            return "pro-democracy"
        if low in CRITIC_NOUNS:
            # "a prominent critic of Rwanda's president", "the Kremlin critic",
            # "President Erdogan's main rival", "the main challenger to Lukashenko"
            # whom they criticise is the object itself ("of President Putin", "of
            # Rwanda's president"), not a modifier ("of the government crackdown")
            pobjs = [g for c in t.children if c.dep_ == "prep" and c.lower_ in {"of", "to"}
                     for g in c.children if g.dep_ == "pobj"]
            objs = pobjs + [c for g in pobjs if g.pos_ == "PROPN" for c in g.children if c.dep_ in {"compound", "poss"}]
            objs += [c for c in t.children if c.dep_ in {"compound", "amod"}]
            objs += [g for c in t.children if c.dep_ == "poss" for g in c.subtree]
            if any(o.lower_ in CRITICIZED or o.lemma_.lower() in CRITICIZED for o in objs):
                return t.text
        if low in CANDIDATE_NOUNS and not any(w.lower_ in RULING_WORDS for w in words):
            # "presidential candidate", "would-be challenger", "opposition hopeful"
            mods = {c.lower_ for c in t.children if c.dep_ in {"amod", "compound", "nmod"}}
            if mods & CANDIDACY_WORDS or low in {"pre-candidate", "hopeful", "aspirant"}:
                return t.text
    return None


def doc_roles(doc, mentions, entities, watchlist: Watchlist, kb: PartyKB | None = None,
              on: dt.date | None = None):
    """Role of each named party and person as the document, the watchlist or the
    knowledge base (as of ``on``) states it."""
    kb = kb or PartyKB()
    party_roles: dict[str, tuple[str, str]] = {}
    person_roles: dict[str, tuple[str, str]] = {}
    trades: dict[str, tuple[str, str]] = {}  # what the story says a person is, anywhere
    critics: set[str] = set()  # opposition only because they "criticise" someone
    for e in entities:
        if e.label in {"ORG", "NORP"}:
            wl = None
            for name in (e.canonical, *e.aliases):
                wl = watchlist.role_of_party(name)
                if wl:
                    break
            if wl:
                party_roles[e.canonical] = (wl, f"watchlist party {e.canonical}")
                continue
            # the first words last and lazily: most parties match by their own name
            for name in chain((e.canonical, *e.aliases), (m.text for m in e.mentions),
                              _first_words(doc, e.mentions)):
                known = kb.role_of_party(name, on)
                if known:
                    party_roles[e.canonical] = known
                    break
    by_start = {m.start: m for m in mentions}
    for m in mentions:
        if m.label not in {"ORG", "NORP", "PERSON"}:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        root = span.root
        # the words before the name count only when they are part of its phrase ("the
        # opposition leader X"), not the clause before it ("police arrested X")
        before = range(max(span.start - 3, 0), span.end)
        ctx_words = [t for t in doc[max(span.start - 3, 0):span.start]
                     if t.head.i in before and t.dep_ in _PHRASE_DEPS]
        ctx_words += [c for c in root.children if c.dep_ in {"compound", "amod", "appos", "nmod"}
                      and not (span.start <= c.i < span.end)]
        appos_head = root.head if root.dep_ == "appos" else None
        if appos_head is not None:
            ctx_words += np_words(appos_head)
        for c in root.children:
            if c.dep_ == "appos":
                ctx_words += np_words(c)
            elif c.dep_ == "prep" and c.lower_ == "of" and m.label == "PERSON":
                # "Rep. Lee Seok-ki of the minor opposition Unified Progressive Party"
                ctx_words += [w for p in c.children if p.dep_ == "pobj" for w in np_words(p)]
        if root.dep_ == "nsubj" and root.head.lemma_ == "be":
            # "Imamoglu is Erdogan's main political rival"
            ctx_words += [w for c in root.head.children if c.dep_ == "attr" for w in np_words(c)]
        opp = has_opposition(ctx_words)
        founded = _founded(root.head) if m.label == "PERSON" and root.dep_ in {"nsubj", "nsubjpass"} else []
        if not opp and has_opposition(founded) and m.canonical not in person_roles:
            # "X was arrested shortly after setting up an opposition party"
            party = " ".join(t.text for t in sorted(founded, key=lambda t: t.i))
            person_roles[m.canonical] = ("opposition", f"document: {m.text} founded '{party}'")
        if opp and m.label != "PERSON" and opp.lower() not in OPPOSITION_WORDS:
            opp = None  # "critics of the Vietnamese government" says nothing about "Vietnamese"
        if opp and opp.lower() not in EXPLICIT_OPPOSITION and profession(ctx_words):
            opp = None  # "a rights lawyer and critic of the government": a lawyer, not a politician
        ruling = any(t.lower_ in RULING_WORDS for t in ctx_words)
        table = person_roles if m.label == "PERSON" else party_roles
        if m.label == "PERSON" and m.canonical not in trades:
            trade = profession(ctx_words)
            if trade:
                trades[m.canonical] = (trade[0], f"document: '{trade[1]}' {m.text}")
        if opp and m.canonical not in table:
            phrase = doc[max(span.start - 3, 0):span.end].text
            table[m.canonical] = ("opposition", f"document: '{phrase}'")
            if opp.lower() not in EXPLICIT_OPPOSITION:
                critics.add(m.canonical)
        elif ruling and m.canonical not in table and m.label != "PERSON":
            table[m.canonical] = ("government", "document: ruling party")
        if m.label == "PERSON" and m.canonical not in person_roles:
            member = _member_of(doc, span, party_roles, watchlist, kb, on) or \
                _appos_party(root, appos_head, by_start, party_roles)
            if member:
                person_roles[m.canonical] = member
        if m.label == "PERSON" and m.canonical not in person_roles and not opp:
            if m.canonical in trades:
                person_roles[m.canonical] = trades[m.canonical]
        if m.label == "PERSON" and m.canonical not in person_roles:
            gov = [t for t in ctx_words if t.lower_ in GOVERNMENT_WORDS and t.lower_ not in LOCAL_OFFICES
                   and not is_former(t)]
            if gov and not opp:
                person_roles[m.canonical] = ("government", f"title '{gov[0].text}'")
    for name in critics & trades.keys():
        # "a rights lawyer ... and critic of the government": what they are, not whom
        # they criticise
        person_roles[name] = trades[name]
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
        else:
            for name in (e.canonical, *e.aliases):
                known = kb.role_of_person(name, on)
                if known:
                    # as the watchlist: outranks a title, but the story's own
                    # "opposition" wording stands
                    cur = person_roles.get(e.canonical)
                    if cur is None or cur[0] != "opposition":
                        person_roles[e.canonical] = known
                    break
    return party_roles, person_roles


_FOUNDING = frozenset({"set", "found", "form", "launch", "establish", "create", "start", "co-found"})


def _founded(verb) -> list:
    """The words of the party the subject of ``verb`` founds in a clause under it ("after
    setting up an opposition party"), or nothing."""
    for t in verb.subtree:
        if t.lemma_.lower() in _FOUNDING and t.pos_ == "VERB" and t.dep_ in {"pcomp", "advcl", "conj", "xcomp", "ROOT"}:
            for o in t.children:
                if o.dep_ == "dobj" and o.lemma_.lower() in {"party", "movement", "alliance", "coalition", "bloc"}:
                    return np_words(o)
    return []


def _first_words(doc, mentions) -> Iterator[str]:
    """The first word of a longer mention inside a "party" phrase: the tagger's "Balad
    Arab" of "the Balad Arab nationalist party" (not "Vox Media")."""
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is not None and len(span) > 1 and span[0].text[:1].isupper() \
                and span.root.head.lemma_.lower() in ORGANISATION_NOUNS:
            yield span[0].text


def _member_of(doc, span, party_roles: dict, watchlist: Watchlist, kb: PartyKB, on) -> tuple[str, str] | None:
    """"BNP vice-chairman Abdul Awal Mintu", "PTI leader X": a party named in the few
    words before a name, with no verb or preposition between, is the person's party."""
    for t in reversed(doc[max(span.start - 5, 0):span.start]):
        if t.pos_ in {"VERB", "AUX", "ADP", "CCONJ", "SCONJ"} or t.is_punct and t.text != "-":
            break
        if t.pos_ != "PROPN":
            continue
        for known in (party_roles.get(t.text), _wl_party(watchlist, t.text), kb.role_of_party(t.text, on)):
            if known:
                phrase = doc[t.i:span.end].text
                return known[0], f"{known[1]}; member: '{phrase}'"
    return None


def _appos_party(root, appos_head, by_start: dict, party_roles: dict) -> tuple[str, str] | None:
    """"Singh, a senior leader of the Aam Aadmi Party": a figure of a party whose role is
    known, said in apposition or with a copula."""
    nodes = [c for c in root.children if c.dep_ == "appos"] + ([appos_head] if appos_head is not None else [])
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        # "Ghattas is a lawmaker with the Balad party": the same, said with a copula
        nodes += [c for c in root.head.children if c.dep_ == "attr"]
    for node in nodes:
        words = np_words(node)
        if not any(w.lower_ in FIGURE_NOUNS or w.lemma_.lower() in FIGURE_NOUNS for w in words):
            continue
        for w in sorted(words, key=lambda t: t.i):
            pm = by_start.get(w.idx)
            if pm is not None and pm.label in {"ORG", "NORP"} and pm.canonical in party_roles:
                role, why = party_roles[pm.canonical]
                phrase = " ".join(t.text for t in sorted(words, key=lambda t: t.i))
                return role, f"{why}; a figure of it: '{phrase}'"
    return None


def _wl_party(watchlist: Watchlist, text: str) -> tuple[str, str] | None:
    role = watchlist.role_of_party(text)
    return (role, f"watchlist party {text}") if role else None


def party_role_in(words, ctx: FrameContext) -> tuple[str, str] | None:
    """A party named in a phrase ("leader of the CNRP", "PTI vice president") and its role."""
    for t in sorted(words, key=lambda w: w.i):
        m = ctx.mention_at(t.idx)
        if m and m.label in {"ORG", "NORP"} and m.canonical in ctx.party_roles:
            return ctx.party_roles[m.canonical]
        if m and m.label in {"ORG", "NORP"}:
            wl = ctx.watchlist.role_of_party(m.text) or ctx.watchlist.role_of_party(m.canonical)
            if wl:
                return wl, f"watchlist party {m.canonical}"
            known = ctx.kb.role_of_party(m.text, ctx.on) or ctx.kb.role_of_party(m.canonical, ctx.on)
            if known:
                return known
        if t.pos_ == "PROPN" and (m is None or m.label != "PERSON" or t.text.isupper()):
            # a party the parser did not tag: "Chadema leader", "PTI vice president"
            known = ctx.kb.role_of_party(t.text, ctx.on)
            if known:
                return known
    return None


_RULERS = frozenset({"president", "premier", "chancellor", "dictator", "ruler", "strongman"})


def _former_ruler(t) -> bool:
    """"former president", "ex-premier", "former Prime Minister"."""
    prime = t.lower_ == "minister" and t.i > 0 and t.doc[t.i - 1].lower_ == "prime"
    return (t.lower_ in _RULERS or prime) and is_former(t)


def role_of(tok, person: str | None, ctx: FrameContext) -> tuple[str, str]:
    """Role of a target: its own phrase first, then the document, then the watchlist."""
    words = np_words(tok)
    if tok.dep_ == "appos":
        words += np_words(tok.head)
    for c in tok.children:
        if c.dep_ == "appos":
            words += np_words(c)
    opp = has_opposition(words)
    phrase = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))
    trade = profession(words)
    if opp and opp.lower() in EXPLICIT_OPPOSITION and not (trade and opp.lower() in _DISSIDENT):
        # (a "dissident journalist" or "dissident activist" is what the noun says)
        return "opposition", f"title: '{opp}' in '{phrase}'"
    known = ctx.person_roles.get(person) if person else None
    if known and known[1].startswith(_LISTED):
        return known  # the watchlist or the knowledge base names this person
    if trade:
        # "Maria Ressa, journalist and Duterte critic": what she is, not whom she criticises
        return trade[0], f"title '{trade[1]}' in '{phrase}'"
    if opp:
        return "opposition", f"title: '{opp}' in '{phrase}'"
    pr = party_role_in(words, ctx)
    if pr:
        return pr
    if known:
        return known
    deputy = deputy_of(tok, ctx)
    if deputy:
        return deputy
    owner = its_party(tok, ctx)
    if owner:
        return owner
    gov = [t for t in words if t.lower_ in GOVERNMENT_WORDS and t.lower_ not in LOCAL_OFFICES
           and not is_former(t)]
    if gov:
        return "government", f"title '{gov[0].text}'"
    ruler = next((t for t in words if _former_ruler(t)), None)
    if ruler is not None:
        # the protocol's "former ruler now in opposition": out of power and prosecuted
        return "opposition", f"former ruler: '{ruler.text}' in '{phrase}'"
    return "unknown", "no opposition evidence"



def deputy_of(tok, ctx: FrameContext) -> tuple[str, str] | None:
    """"Guaido's deputy", "an aide to Navalny", "the acting leader of Sharif's party":
    one who works for an opposition figure or leads that figure's party."""
    heads = [t for t in [tok, *[c for c in tok.children if c.dep_ in {"appos", "compound"}]]
             if t.lower_ in DEPUTY_NOUNS or t.lower_ in FIGURE_NOUNS]
    for h in heads:
        owners = [c for c in h.children if c.dep_ == "poss"]
        objs = [g for c in h.children if c.dep_ == "prep" and c.lower_ in {"to", "of"}
                for g in c.children if g.dep_ == "pobj"]
        owners += objs + [c for g in objs if g.lemma_.lower() in ORGANISATION_NOUNS
                          for c in g.children if c.dep_ == "poss"]
        if h.lower_ not in DEPUTY_NOUNS:
            owners = [o for o in owners if o.head.lemma_.lower() in ORGANISATION_NOUNS]
        for o in owners:
            m = ctx.mention_at(o.idx)
            if m and m.label == "PERSON" and ctx.person_roles.get(m.canonical, ("",))[0] == "opposition":
                return "opposition", f"'{h.text}' of opposition figure {m.canonical}"
    return None


def its_party(tok, ctx: FrameContext) -> tuple[str, str] | None:
    """"... a crackdown on the main opposition party, arresting its vice-president X":
    "its" is the organisation named last before it in the sentence."""
    words = np_words(tok) + [c for c in tok.children if c.dep_ == "poss"]
    its = next((w for w in words if w.dep_ == "poss" and w.lower_ in {"its", "their"}), None)
    if its is None or not any(w.lower_ in FIGURE_NOUNS or w.lemma_.lower() in FIGURE_NOUNS for w in words):
        return None
    for w in reversed(tok.doc[its.sent.start:its.i]):
        m = ctx.mention_at(w.idx)
        if w.lemma_.lower() in ORGANISATION_NOUNS or m is not None and m.label == "ORG":
            phrase = np_words(w)
            if has_opposition(phrase):
                return "opposition", f"'{its.text}' is '{' '.join(t.text for t in sorted(phrase, key=lambda t: t.i))}'"
            return party_role_in(phrase, ctx)
    return None
