"""Arguments of an arrest-family trigger: who (targets, resolved to a named person,
a pronoun's antecedent or an unnamed group), by whom, where and when.

Chains (coordinated verbs, quantifiers, conjoined names) are followed in loops or up
to ``_MAX_CHAIN`` deep, so hostile text cannot hit the recursion limit.
"""
from __future__ import annotations

from ..titles import PERSON_NOUNS
from .index import FrameContext
from .lexicon import (
    AIM_VERBS, FEMININE, FIRST_PERSON, PLURAL_PRONOUNS, PRONOUNS, QUANTIFIER_PRONOUNS,
    RELATIVE_PRONOUNS, SPEECH_LEMMAS,
)
from .roles import np_words

# Chains of coordinated verbs or quantifiers followed to find an argument; real ones are
# a handful long, hostile text can make them as long as a sentence.
_MAX_CHAIN = 20


def _antecedent(tok, ctx: FrameContext):
    """The previous sentence's subject when a sentence opens with a pronoun subject and
    that subject is a person of an agreeing gender ("X had backed the protests against
    the government of Y. He was arrested ..." is X); else the nearest earlier PERSON
    mention whose gender agrees with the pronoun.

    A person with a known gender (first name, title, "she"/"he" use is not tracked)
    that disagrees is skipped; persons of unknown gender stay candidates.
    """
    want = "f" if tok.lower_ in FEMININE else "m"
    if tok.dep_ in {"nsubj", "nsubjpass"} and tok.i == tok.sent.start and tok.i > 0:
        prev = tok.doc[tok.i - 1].sent
        subj = next((c for c in prev.root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        m = ctx.mention_at(subj.idx) if subj is not None else None
        if m is not None and m.label == "PERSON" and ctx.genders.get(m.canonical) in {None, want}:
            return m
    return ctx.antecedent(tok.idx, want)


def resolve_target(tok, ctx: FrameContext, depth: int = 0):
    """(target name, role-bearing token, kind) for a token in argument position."""
    if tok.lower_ in RELATIVE_PRONOUNS and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "Kem Sokha, who was arrested in September"
    if tok.lower_ in QUANTIFIER_PRONOUNS and not any(c.dep_ == "prep" for c in tok.children):
        # "X appeared in court with her mother, all charged with forgery"
        h = tok.head
        for _ in range(3):
            subj = next((c for c in h.children if c.dep_ in {"nsubj", "nsubjpass"} and c != tok), None)
            if subj is not None:
                return resolve_target(subj, ctx, depth + 1) if depth < _MAX_CHAIN else ("", tok, "none")
            if h.head == h:
                break
            h = h.head
    m = ctx.mention_at(tok.idx)
    if m and m.label == "PERSON":
        return m.canonical, tok, "person"
    if tok.lower_ == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        # "One of the fiercest critics of President X, Senator Y, was arrested": the
        # parser hangs the closing apposition on the last name of the "of" phrase
        appos = [ctx.mention_at(t.idx) for t in tok.subtree if t.dep_ == "appos" and t.i > tok.i]
        people = [p for p in appos if p is not None and p.label == "PERSON"]
        if len(people) == 1:
            inner = next(o for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                         for o in [*c.children, c] if o.dep_ == "pobj" or o is c)
            return people[0].canonical, inner, "person"
    if tok.dep_ == "appos" and tok.lemma_.lower() in PERSON_NOUNS:
        # "said Antonio Ledezma, an opposition leader who escaped house arrest"
        hm = ctx.mention_at(tok.head.idx)
        if hm and hm.label == "PERSON":
            return hm.canonical, tok, "person"
    if tok.dep_ == "compound" and tok.lemma_.lower() in PERSON_NOUNS:
        # "jailed student leader Joshua Wong"
        hm = ctx.mention_at(tok.head.idx)
        if hm and hm.label == "PERSON":
            return hm.canonical, tok, "person"
    for c in tok.children:
        if c.dep_ == "appos":
            cm = ctx.mention_at(c.idx)
            if cm and cm.label == "PERSON":
                return cm.canonical, tok, "person"
    named = _office_of_name(tok, ctx)
    if named is not None:
        return named, tok, "person"
    if tok.lemma_.lower() in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS:
        # "the leader of the opposition party, Yusuf Ali": the name hangs off the party
        for t in np_words(tok, 20):
            if t.dep_ == "appos" and t != tok:
                cm = ctx.mention_at(t.idx)
                if cm and cm.label == "PERSON":
                    return cm.canonical, tok, "person"
    if tok.lower_ in FIRST_PERSON:
        # "I ended up in prison," Tymoshenko said: the speaker of the quote
        root = tok.sent.root
        if root.lemma_.lower() in SPEECH_LEMMAS:
            subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
            sm = ctx.mention_at(subj.idx) if subj is not None else None
            if sm and sm.label == "PERSON":
                return sm.canonical, subj, "pronoun"
        return "", tok, "pronoun"
    if tok.lower_ in PLURAL_PRONOUNS:
        # "Rwigara and her mother said the charges against them were political"
        h = tok.head
        for _ in range(6):
            if h.head == h:
                break
            h = h.head
            subj = next((c for c in h.children if c.dep_ == "nsubj"), None)
            sm = ctx.mention_at(subj.idx) if subj is not None else None
            # only a plural subject ("X, her mother and sister") can be "them"
            if sm and subj is not None and sm.label == "PERSON" and any(t.dep_ == "conj" for t in subj.subtree):
                return sm.canonical, subj, "pronoun"
        return "", tok, "pronoun"
    if tok.lower_ in PRONOUNS:
        best = _antecedent(tok, ctx)
        if best:
            return best.canonical, tok, "pronoun"
        return "", tok, "pronoun"
    if m and m.label in {"ORG", "NORP", "GPE"}:
        # a mislabelled person with a person title next to it ("Demirtas, co-leader of ...")
        if any(c.dep_ in {"appos", "compound"} and c.lemma_.lower() in PERSON_NOUNS for c in tok.children):
            return m.canonical, tok, "person"
        return "", tok, "org"
    if tok.pos_ in {"NOUN", "PROPN", "ADJ", "PRON"}:
        for prep in tok.children:
            # "several including student protest leader Joshua Wong"
            if prep.dep_ == "prep" and prep.lower_ in {"including", "among"}:
                for p in prep.children:
                    pm = ctx.mention_at(p.idx)
                    if p.dep_ == "pobj" and pm and pm.label == "PERSON":
                        return pm.canonical, p, "person"
    if tok.pos_ in {"NOUN", "PROPN"}:
        words = sorted(np_words(tok, 8), key=lambda t: t.i)
        return " ".join(t.text for t in words if not t.is_punct and not t.is_space), tok, "group"
    return "", tok, "none"


_OFFICES = frozenset({"minister", "secretary", "governor", "mayor", "chairman", "commissioner", "director",
                      "chief", "head", "president", "speaker", "ministers"})


def _office_of_name(tok, ctx: FrameContext) -> str | None:
    """"former minister of the interior Mariusz Kaminski": the parser hangs the name off
    "of" with the office's own words ("the interior"); not "son of opposition leader X",
    where the words before the name are a title of its own."""
    if tok.lemma_.lower() not in _OFFICES:
        return None
    for prep in tok.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for o in prep.children:
            m = ctx.mention_at(o.idx)
            mods = [c for c in o.children if c.i < o.i and c.dep_ in {"amod", "compound", "nmod", "det"}
                    and c.ent_type_ != "PERSON"]
            if o.dep_ == "pobj" and m is not None and m.label == "PERSON" and \
                    any(c.dep_ != "det" for c in mods) and \
                    not any(c.lemma_.lower() in PERSON_NOUNS or c.lower_ in PERSON_NOUNS for c in mods):
                return m.canonical
    return None


def _expand_conj(tok):
    """``tok``, its nominal conjuncts and the ones it is said to include, in pre-order (a loop: a list of a thousand
    names must not hit the recursion limit)."""
    out = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(reversed([c for c in t.children if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN", "PRON"}]))
        # "42 protesters, including party leaders X and Y"
        stack.extend(reversed([p for c in t.children if c.dep_ == "prep" and c.lower_ == "including"
                               for p in c.children if p.dep_ == "pobj" and p.pos_ in {"PROPN", "NOUN"}]))
    return out


def verb_args(tok, depth: int = 0):
    """(target tokens, agent token) of a verbal trigger, following coordination and
    subordinate clauses to find a subject shared with another verb (up a chain of at
    most ``_MAX_CHAIN`` coordinated verbs)."""
    targets, agent = [], None
    passive = (any(c.dep_ == "auxpass" for c in tok.children)
               or tok.tag_ == "VBN" and tok.dep_ in {"acl", "conj", "pcomp", "advcl", "relcl", "xcomp"})
    for c in tok.children:
        if c.dep_ == "nsubjpass":
            targets.append(c)
        elif c.dep_ == "dobj":
            targets.append(c)
        elif c.dep_ == "nsubj":
            agent = c
        elif c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    agent = p
    if not targets and passive:
        # the subject hung on the auxiliary: "X was on Monday arrested" ("X" under "was")
        targets = [s for c in tok.children if c.dep_ == "auxpass" and c.i < tok.i
                   for s in c.children if s.dep_ in {"nsubj", "nsubjpass"}]
    if not targets and not passive:
        # the object left unattached ("dep"), mostly at a headline's end: "Uganda detains
        # opposition leader X"
        targets = [c for c in tok.children if c.dep_ in {"dep", "punct"} and c.i > tok.i and is_person(c)]
    if not targets and not passive and tok.tag_ in {"VBD", "VBN", "VBZ", "VBP"} \
            and any(c.dep_ == "nsubj" and not any(g.dep_ == "case" for g in c.children) for c in tok.children):
        # the object made the subject of what follows: "Authorities have detained
        # opposition leader X, his lawyer said" ("X" the subject of "said"); not a
        # possessive read as the subject ("Ecuador's imprisoned former vice president X")
        person = _person_right_after(tok)
        targets = [person] if person is not None else []
    if not targets:
        # "Syria arrests leading political dissident": the adjective read as a participle
        # that takes the object
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
        if nxt is not None and nxt.head == tok and nxt.dep_ == "xcomp" and nxt.lower_ in PARTICIPLE_ADJECTIVES:
            targets = [c for c in nxt.children if c.dep_ == "dobj"]
    if not targets:
        head = tok.head
        if tok.dep_ == "conj" and head != tok:
            h_targets, h_agent = verb_args(head, depth + 1) \
                if head.pos_ in {"VERB", "AUX"} and depth < _MAX_CHAIN else ([], None)
            # "has been removed from a plane and detained", the second participle tagged
            # VBD: with no subject or object of its own it shares the first one's passive
            shared_passive = any(c.dep_ == "auxpass" for c in head.children) and not any(
                c.dep_ in {"nsubj", "dobj"} for c in tok.children)
            if passive or shared_passive or not h_targets:
                targets = h_targets
            else:
                targets = h_targets if any(c.dep_ == "nsubjpass" for c in head.children) and passive else []
                if not targets:
                    targets = [t for t in h_targets if t.dep_ == "dobj"] if not passive else h_targets
            agent = agent or h_agent
        elif tok.dep_ in {"acl"} and passive:
            targets = [head]  # "the leader arrested last week"
        elif tok.dep_ in {"amod", "compound", "nmod"} and head.pos_ in {"NOUN", "PROPN"}:
            targets = [head]  # "detained opposition leader Kem Sokha", "the jailed leader of ..."
        elif tok.dep_ == "relcl":
            targets = [head] if passive else []
        elif tok.dep_ in {"ccomp", "xcomp"} and tok.tag_ == "VBN" and any(c.dep_ == "nsubj" for c in tok.children):
            pass  # handled below: "ordered him detained"
        elif tok.dep_ in {"pcomp", "advcl", "xcomp"}:
            gov = head.head if tok.dep_ == "pcomp" else head
            for c in gov.children:
                if c.dep_ in {"nsubj", "nsubjpass"}:
                    targets.append(c)
    if tok.dep_ in {"ccomp", "xcomp"} and tok.tag_ == "VBN" and agent is not None and agent.dep_ == "nsubj" \
            and not targets:
        targets, agent = [agent], None  # small-clause subject: "ordered him detained"
    if passive and agent is not None and agent.dep_ == "nsubj":
        agent = None
    subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if not targets and subject is not None and any(c.dep_ == "agent" for c in tok.children):
        # a "by" agent makes it a passive whose auxiliary a headline dropped ("X detained
        # by security forces"): the subject is the one detained, not the one detaining
        targets = [subject]
    return [x for t in targets for x in _expand_conj(t)], agent


def _person_right_after(verb):
    """The person whose noun phrase starts right after ``verb`` but hangs elsewhere."""
    doc = verb.doc
    j = verb.i + 1
    while j < len(doc) and j < verb.i + 7 and doc[j].dep_ in {"compound", "amod", "det", "poss", "nummod"}:
        j += 1
    if j == verb.i + 1 or j >= len(doc):
        return None
    head = doc[j]
    if head.head == verb or head.dep_ not in {"nsubj", "nsubjpass", "appos", "npadvmod"} or not is_person(head):
        return None
    if any(not (verb.i < t.head.i <= j) for t in doc[verb.i + 1:j]):
        return None  # the words between are not all this phrase's
    return head


def state_args(tok):
    """"X is under house arrest", "held him in jail", "X, languishing in jail":
    the target is whoever the governing clause is about."""
    prep = tok.head
    gov = prep.head
    targets = []
    for c in gov.children:
        if c.dep_ in {"dobj", "nsubjpass"} and c.lemma_.lower() not in _SPANS_OF_TIME:
            targets.append(c)  # not "the night" of "will spend the night in custody"
    if not targets:
        targets = [c for c in gov.children if c.dep_ == "nsubj"]
    if not targets and gov.pos_ in {"NOUN", "PROPN"}:
        targets = [c for c in gov.children if c.dep_ == "poss"]  # "his term in jail"
    if not targets and gov.dep_ in {"acl", "relcl", "amod"} and gov.head.pos_ in {"NOUN", "PROPN"}:
        targets = [gov.head]
    if not targets and gov.dep_ in {"xcomp", "ccomp", "conj"}:
        targets = [c for c in gov.head.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}]
    if not targets and gov.pos_ in {"NOUN", "PROPN"} and prep.lower_ in {"behind", "under"} and (
            is_person(gov) or gov.dep_ == "dobj" and gov.head.lemma_.lower() in PLACING_VERBS):
        # a verbless headline, "Top Azerbaijani Journalist Behind Bars", "Court Places X
        # Under Arrest"; or "placed X, a senior official, under house arrest" with the
        # state hung on the object instead of the verb
        targets = [gov]
    if not targets and gov.pos_ == "NOUN" and gov.dep_ in {"pobj", "dobj"} and not is_person(gov):
        verb = _verb_above(gov.head)
        if verb.lemma_.lower() in _INTO_CUSTODY:
            # "will carry out her sentence for corruption under house arrest": the state
            # hung on a noun of the verb's object
            targets = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not targets and gov.pos_ == "NOUN":
        # "X received sentences of ten years in prison", "will serve five years in jail":
        # the one who receives or serves the term
        verb = _verb_above(gov)
        if verb.lemma_.lower() in {"receive", "get", "serve"}:
            targets = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    return [x for t in targets for x in _expand_conj(t)], None


def _verb_above(tok):
    """The verb a chain of prepositions and their objects hangs from ("carry out her sentence
    for corruption under ..." -> carry), or where the chain stops."""
    while tok.pos_ not in {"VERB", "AUX"} and tok.dep_ in {"pobj", "prep", "dobj"} and tok.head != tok:
        tok = tok.head
    return tok


_INTO_CUSTODY = frozenset({"return", "go", "sentence", "send", "condemn", "commit", "serve", "carry", "place", "put"})

_SPANS_OF_TIME = frozenset({"night", "weekend", "day", "days", "week", "weeks", "month", "months", "year", "years",
                            "hour", "hours", "time", "holiday", "holidays", "christmas", "decade"})

PARTICIPLE_ADJECTIVES = frozenset({"leading", "ruling", "governing", "dissenting", "outgoing", "visiting",
                                   "jailed", "exiled", "detained"})

# verbs that put someone into a state: "placed X under house arrest", "kept X behind bars"
PLACING_VERBS = frozenset({"place", "put", "keep", "hold"})


def is_person(tok) -> bool:
    return tok.ent_type_ == "PERSON" or tok.lemma_.lower() in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS or any(
        c.dep_ == "appos" and (c.lemma_.lower() in PERSON_NOUNS or c.ent_type_ == "PERSON") for c in tok.children
    ) or tok.pos_ == "PROPN" and any(c.dep_ == "compound" and c.lower_ in PERSON_NOUNS for c in tok.children)


_NOT_RECIPIENTS = frozenset({"year", "month", "week", "day", "life", "death", "prison", "jail", "term"})


def term_args(tok):
    """Who gets a prison term handed down: "hands prison terms to X", "gave X a jail
    sentence", "prison sentences ... to dozens of opposition leaders"."""
    verb = tok.head
    # "X was handed a jail term", "leaders were given life sentences"
    targets = [c for c in verb.children if c.dep_ in {"dative", "iobj", "nsubjpass"}]
    if (verb.tag_ == "VBN" or verb.lower_ == "given") and not any(c.dep_ in {"aux", "auxpass"}
                                                                   for c in verb.children):
        # a headline drops the auxiliary: "Opposition leaders given life sentences"
        targets += [c for c in verb.children if c.dep_ == "nsubj"]
    # the parser often reads the recipient of a double object as a second object
    # ("handed a firebrand opposition leader a hefty jail sentence"), or in a headline
    # as a modifier of the term ("hands opposition leader lengthy jail term": nmod, or
    # compound when the headline stands alone)
    targets += [c for c in verb.children if c.dep_ == "dobj" and c.i < tok.i and is_person(c)]
    targets += [c for c in tok.children if c.dep_ in {"nmod", "npadvmod", "compound"} and c.i < tok.i
                and is_person(c)]
    for p in [c for c in verb.children if c.dep_ == "prep"] + [t for t in tok.subtree if t.dep_ == "prep"]:
        if p.lower_ in {"to", "on"}:
            targets += [o for o in p.children if o.dep_ == "pobj" and o.pos_ in {"NOUN", "PROPN", "PRON"}
                        and o.lemma_.lower() not in _NOT_RECIPIENTS]
    agent = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if verb.lemma_.lower() in {"get", "receive"} and agent is not None:
        targets, agent = [agent, *targets], None  # "X gets 26 years": the one who gets it
    return [x for t in dict.fromkeys(targets) for x in _expand_conj(t)], agent


def _office_holder(tok):
    """The person in "the arrest of the Deputy General Secretary of the opposition National
    Democratic Congress" when the parser hangs the title on the party's name: the title."""
    if tok.pos_ == "PROPN" and not is_person(tok):
        return next((c for c in tok.children if c.dep_ in {"nmod", "compound"} and c.i < tok.i
                     and (c.lemma_.lower() in PERSON_NOUNS or c.lower_ in PERSON_NOUNS)), tok)
    return tok


def noun_args(tok):
    targets, agent = [], None
    for c in tok.children:
        if c.dep_ == "poss":
            targets.append(c)
        elif c.dep_ == "prep" and c.lower_ in {"of", "against"}:
            targets += [_office_holder(p) for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "prep" and c.lower_ == "for" and not any(t.dep_ == "prep" and t.lower_ in {"of", "against"}
                                                                  for t in tok.children):
            # "ordered house arrest for X", "jail sentence for ex-PM X"; not "arrest for fraud"
            targets += [_office_holder(p) for p in c.children if p.dep_ == "pobj" and is_person(p)]
        elif c.dep_ == "prep" and c.lower_ == "by":
            agent = next((p for p in c.children if p.dep_ == "pobj"), None)
        elif c.dep_ == "compound" and c.pos_ == "PROPN":
            targets.append(c)  # "the Navalny arrest"
        elif c.dep_ == "acl" and c.lemma_.lower() in AIM_VERBS:
            # "the charges aimed at Demirtas", "charges brought against him"
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in {"at", "against"}:
                    targets += [o for o in p.children if o.dep_ == "pobj"]
    verb = None
    if tok.dep_ == "pobj" and tok.head.lower_ in {"to", "under"}:
        verb = _verb_above(tok.head.head)  # "carry out her sentence for corruption under house arrest"
    elif tok.dep_ == "dobj" and any(t.lower_ == "to" and t.i < tok.i for t in tok.subtree) \
            and any(c.dep_ == "dobj" and c != tok and is_person(c) for c in tok.head.children):
        verb = tok.head  # "sentenced X to house arrest", "to" read as a verb's: two objects
    if not targets and verb is not None and verb.lemma_.lower() in _INTO_CUSTODY:
        # "X will return to pretrial detention", "X sentenced to house arrest", "sentenced
        # X to house arrest", "will serve her sentence under house arrest": who goes into it
        targets = [c for c in verb.children if c.dep_ == "dobj" and is_person(c)] or \
            [c for c in verb.children if c.dep_ in {"nsubjpass", "nsubj"}]
        if not targets and verb.dep_ == "acl" and verb.head.pos_ in {"NOUN", "PROPN"}:
            targets = [verb.head]
    if not targets and tok.dep_ == "dobj" and any(c.lower_ == "house" for c in tok.children):
        # "X, who escaped house arrest this month": the subject was under house arrest
        targets = [c for c in tok.head.children if c.dep_ == "nsubj"]
    return [x for t in targets for x in _expand_conj(t)], agent


def place_time(tok, ctx: FrameContext):
    place = None
    for t in tok.subtree:
        m = ctx.mention_at(t.idx)
        if m and m.label in {"GPE", "LOC", "FAC"} and t.head.dep_ == "prep" \
                and t.head.lower_ in {"in", "at", "near", "outside"}:
            place = m.canonical
            break
    return place or ctx.dateline, ctx.time_for(tok)

