"""Arrest-family event frames read off the dependency parse.

Who was arrested/detained/jailed/charged/indicted/remanded, by whom, where and when,
what role the target has (opposition / government / unknown; ``event_roles``) and
whether the sentence actually reports the event (status "reported") or only mentions
it: negated, released, called_for, warrant, possible, background (``event_status``).
"""
from __future__ import annotations

from dataclasses import replace

from ..genders import person_genders
from ..model import EventFrame
from ..titles import PERSON_NOUNS
from ..watchlist import EMPTY, Watchlist
from .index import FrameContext, lemma
from .roles import doc_roles, group_role, np_words, role_of
from .status import STATE_PREPS, main_news, status_of

EVENT = "arrest"

VERB_ACTIONS = {
    "arrest": "arrest", "detain": "detain", "jail": "jail", "imprison": "jail",
    "charge": "charge", "indict": "indict", "remand": "remand", "sentence": "jail",
    "apprehend": "arrest", "rearrest": "arrest", "re-arrest": "arrest", "incarcerate": "jail",
}
# Nouns that report a detention only as a state: "under house arrest", "in jail".
STATE_NOUNS = {"jail": "jail", "prison": "jail", "custody": "detain", "detention": "detain",
               "arrest": "arrest"}
NOUN_ACTIONS = {
    "arrest": "arrest", "detention": "detain", "imprisonment": "jail", "jailing": "jail",
    "indictment": "indict", "remand": "remand", "charge": "charge", "incarceration": "jail",
    "rearrest": "arrest", "re-arrest": "arrest",
}
PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
QUANTIFIER_PRONOUNS = frozenset({"all", "both"})
FIRST_PERSON = frozenset({"i", "me", "my"})
PLURAL_PRONOUNS = frozenset({"them", "they", "their"})
FEMININE = frozenset({"she", "her", "hers"})
SPEECH_LEMMAS = frozenset({"say", "tell", "write", "add", "declare", "insist"})
LEAD_SENTENCES = 2
# Chains of coordinated verbs or quantifiers followed to find an argument; real ones are
# a handful long, hostile text can make them as long as a sentence.
_MAX_CHAIN = 20


def _antecedent(tok, ctx: FrameContext):
    """Nearest earlier PERSON mention whose gender agrees with the pronoun.

    A person with a known gender (first name, title, "she"/"he" use is not tracked)
    that disagrees is skipped; persons of unknown gender stay candidates.
    """
    return ctx.antecedent(tok.idx, "f" if tok.lower_ in FEMININE else "m")


def _resolve_target(tok, ctx: FrameContext, depth: int = 0):
    """(target name, role-bearing token, kind) for a token in argument position."""
    if tok.lower_ in {"who", "whom", "that", "which"} and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "Kem Sokha, who was arrested in September"
    if tok.lower_ in QUANTIFIER_PRONOUNS and not any(c.dep_ == "prep" for c in tok.children):
        # "X appeared in court with her mother, all charged with forgery"
        h = tok.head
        for _ in range(3):
            subj = next((c for c in h.children if c.dep_ in {"nsubj", "nsubjpass"} and c is not tok), None)
            if subj is not None:
                return _resolve_target(subj, ctx, depth + 1) if depth < _MAX_CHAIN else ("", tok, "none")
            if h.head is h:
                break
            h = h.head
    m = ctx.mention_at(tok.idx)
    if m and m.label == "PERSON":
        return m.canonical, tok, "person"
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
    if tok.lemma_.lower() in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS:
        # "the leader of the opposition party, Yusuf Ali": the name hangs off the party
        for t in np_words(tok, 20):
            if t.dep_ == "appos" and t is not tok:
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
            if h.head is h:
                break
            h = h.head
            subj = next((c for c in h.children if c.dep_ == "nsubj"), None)
            sm = ctx.mention_at(subj.idx) if subj is not None else None
            # only a plural subject ("X, her mother and sister") can be "them"
            if sm and sm.label == "PERSON" and any(t.dep_ == "conj" for t in subj.subtree):
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


def _expand_conj(tok):
    """``tok`` and its nominal conjuncts, in pre-order (a loop: a list of a thousand
    names must not hit the recursion limit)."""
    out = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(reversed([c for c in t.children if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN", "PRON"}]))
    return out


def _verb_args(tok, depth: int = 0):
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
    if not targets:
        head = tok.head
        if tok.dep_ == "conj" and head is not tok:
            h_targets, h_agent = _verb_args(head, depth + 1) \
                if head.pos_ in {"VERB", "AUX"} and depth < _MAX_CHAIN else ([], None)
            if passive or not h_targets:
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
    return [x for t in targets for x in _expand_conj(t)], agent


def _state_args(tok):
    """"X is under house arrest", "held him in jail", "X, languishing in jail":
    the target is whoever the governing clause is about."""
    prep = tok.head
    gov = prep.head
    targets = []
    for c in gov.children:
        if c.dep_ in {"dobj", "nsubjpass"}:
            targets.append(c)
    if not targets:
        targets = [c for c in gov.children if c.dep_ == "nsubj"]
    if not targets and gov.pos_ in {"NOUN", "PROPN"}:
        targets = [c for c in gov.children if c.dep_ == "poss"]  # "his term in jail"
    if not targets and gov.dep_ in {"acl", "relcl", "amod"} and gov.head.pos_ in {"NOUN", "PROPN"}:
        targets = [gov.head]
    if not targets and gov.dep_ in {"xcomp", "ccomp", "conj"}:
        targets = [c for c in gov.head.children if c.dep_ in {"nsubj", "nsubjpass", "dobj"}]
    return [x for t in targets for x in _expand_conj(t)], None


_AIM_VERBS = frozenset({"aim", "bring", "level", "file", "lodge", "press"})


def _noun_args(tok):
    targets, agent = [], None
    for c in tok.children:
        if c.dep_ == "poss":
            targets.append(c)
        elif c.dep_ == "prep" and c.lower_ in {"of", "against"}:
            targets += [p for p in c.children if p.dep_ == "pobj"]
        elif c.dep_ == "prep" and c.lower_ == "by":
            agent = next((p for p in c.children if p.dep_ == "pobj"), None)
        elif c.dep_ == "compound" and c.pos_ == "PROPN":
            targets.append(c)  # "the Navalny arrest"
        elif c.dep_ == "acl" and c.lemma_.lower() in _AIM_VERBS:
            # "the charges aimed at Demirtas", "charges brought against him"
            for p in c.children:
                if p.dep_ == "prep" and p.lower_ in {"at", "against"}:
                    targets += [o for o in p.children if o.dep_ == "pobj"]
    if not targets and tok.dep_ == "dobj" and any(c.lower_ == "house" for c in tok.children):
        # "X, who escaped house arrest this month": the subject was under house arrest
        targets = [c for c in tok.head.children if c.dep_ == "nsubj"]
    return [x for t in targets for x in _expand_conj(t)], agent


def _place_time(tok, ctx: FrameContext):
    place = None
    for t in tok.subtree:
        m = ctx.mention_at(t.idx)
        if m and m.label in {"GPE", "LOC", "FAC"} and t.head.dep_ == "prep" \
                and t.head.lower_ in {"in", "at", "near", "outside"}:
            place = m.canonical
            break
    return place or ctx.dateline, ctx.time_for(tok)


def _is_charge_sense(tok) -> bool:
    """"charged with treason", "charges against him" -- not "in charge", "charged a fee"."""
    if tok.pos_ in {"VERB", "AUX"}:
        # "charged another official and eight others with forming an armed group"
        if any(t.dep_ == "prep" and t.lower_ == "with" and t.head.dep_ in {"dobj", "conj"}
               for c in tok.children if c.dep_ == "dobj" for t in c.subtree):
            return True
        return any(c.dep_ == "prep" and c.lower_ in {"with", "over", "for"} for c in tok.children) \
            or any(c.dep_ == "nsubjpass" for c in tok.children) and tok.dep_ != "amod"
    return any(c.dep_ == "prep" and c.lower_ in {"against"} for c in tok.children) or \
        any(c.dep_ == "acl" and c.lemma_.lower() in _AIM_VERBS and
            any(p.dep_ == "prep" and p.lower_ in {"at", "against"} for p in c.children)
            for c in tok.children) or \
        any(c.lower_ in {"criminal", "treason", "terrorism", "corruption", "fraud", "murder",
                         "sedition", "espionage", "incitement"} for c in tok.children)


def find_frames(doc, text: str, sentences, mentions, entities, headline_end: int,
                dateline: str | None, watchlist: Watchlist = EMPTY) -> tuple[EventFrame, ...]:
    """All arrest-family frames in a parsed document."""
    party_roles, person_roles = doc_roles(doc, mentions, entities, watchlist)
    body_sents = [s for s in sentences if s.start >= headline_end]
    lead = {s.index for s in sentences if s.start < headline_end}
    lead |= {s.index for s in body_sents[:LEAD_SENTENCES]}
    ctx = FrameContext(doc, mentions, sentences, headline_end, frozenset(lead), watchlist,
                       party_roles, person_roles, dateline, person_genders(doc, mentions))
    frames: list[EventFrame] = []
    described: list = []  # lead frames about one unnamed opposition figure
    for tok in doc:
        lem = lemma(tok)
        is_verb = tok.pos_ in {"VERB", "AUX"} or tok.tag_.startswith("VB") or \
            (tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.lower_.endswith("ed"))
        if is_verb and lem in VERB_ACTIONS:
            action = VERB_ACTIONS[lem]
            if action == "charge" and not _is_charge_sense(tok):
                continue
            if lem == "sentence" and not any(t.lower_ in {"prison", "jail", "years", "months", "death"}
                                             for t in tok.subtree):
                continue
            targets, agent = _verb_args(tok)
            is_noun = False
        elif tok.pos_ in {"NOUN", "PROPN"} and lem in STATE_NOUNS and tok.dep_ == "pobj" \
                and tok.head.lower_ in STATE_PREPS and not any(
                    c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in {"of", "against", "by"}
                    for c in tok.children):
            # "is under house arrest in South Africa", "held in a jail in Edirne"
            action = STATE_NOUNS[lem]
            targets, agent = _state_args(tok)
            is_noun = True
        elif tok.pos_ in {"NOUN", "PROPN"} and lem in NOUN_ACTIONS:
            action = NOUN_ACTIONS[lem]
            if action == "charge" and not _is_charge_sense(tok):
                continue
            if tok.dep_ == "compound" and tok.head.lower_ not in {"warrant", "warrants"}:
                continue  # "arrest record", "detention centre"
            targets, agent = _noun_args(tok)
            is_noun = True
        else:
            continue
        sent = ctx.sentence_of(tok.idx)
        if sent is None:
            continue
        status, why = status_of(tok, is_noun, sent, ctx)
        place, time = _place_time(tok, ctx)
        agent_name = None
        if agent is not None:
            am = ctx.mention_at(agent.idx)
            agent_name = am.canonical if am else " ".join(
                t.text for t in sorted(np_words(agent, 6), key=lambda t: t.i))
        resolved = [_resolve_target(t, ctx) for t in targets] or [("", tok, "none")]
        seen = set()
        for name, rtok, kind in resolved:
            if name in seen:
                continue
            seen.add(name)
            details = {"status_reason": why, "target_kind": kind, "lemma": lem}
            if kind in {"person", "pronoun"} and name:
                role, evidence = role_of(rtok, name, ctx)
            elif kind == "group":
                role, evidence = group_role(rtok, ctx)
                if role == "opposition" and rtok.tag_ in {"NN", "NNP"} and sent.index in ctx.lead_ids:
                    described.append((sent, name))
                # A target is a named person: "the opposition leader" is kept as the
                # phrase, and only names someone if the story makes clear who.
                details["target_phrase"] = name
                if rtok.tag_ in {"NN", "NNP"} and (rtok.lemma_.lower() in PERSON_NOUNS
                                                   or rtok.lower_ in PERSON_NOUNS):
                    details["describes_person"] = True
                name = ""
            else:
                role, evidence = "unknown", "no named target"
            frames.append(EventFrame(
                event=EVENT, action=action, trigger=text[tok.idx:tok.idx + len(tok)],
                trigger_start=tok.idx, trigger_end=tok.idx + len(tok), target=name,
                target_role=role, role_evidence=evidence, sentence=sent, agent=agent_name,
                place=place, time=time, status=status, details=details,
            ))
    frames = _name_the_described(frames, described, mentions, person_roles)
    frames = _resolve_descriptions(frames)
    return tuple(main_news(frames, doc, sentences, headline_end, body_sents))


def _resolve_descriptions(frames: list) -> list:
    """"Police arrest opposition leader" over "... arrested opposition leader Kem Sokha":
    a frame about one unnamed person ("the opposition leader") is about the story's
    named target of the same role when there is exactly one; otherwise it stays
    unnamed (target ""), so a description never becomes an alert target of its own."""
    named: dict[str, set[str]] = {}
    for f in frames:
        if f.target and f.details.get("target_kind") in {"person", "pronoun"}:
            named.setdefault(f.target_role, set()).add(f.target)
    out = []
    for f in frames:
        who = named.get(f.target_role, ())
        if f.details.get("describes_person") and len(who) == 1:
            (name,) = who
            phrase = f.details["target_phrase"]
            f = replace(f, target=name, role_evidence=f"{f.role_evidence}; '{phrase}' is {name}, "
                        f"the story's only {f.target_role} target", details={**f.details, "target_kind": "description"})
        out.append(f)
    return out


def _name_the_described(frames: list, described: list, mentions, person_roles) -> list:
    """Wire leads often describe before they name: "A Hungarian MEP who belongs to the
    opposition Jobbik party has been charged with spying ..." and then "The charges
    against Bela Kovacs ...". The first person named after such a lead who is also the
    target of an arrest-family frame inherits the lead's opposition role."""
    if not described:
        return frames
    sent, phrase = described[0]
    targets = {f.target for f in frames if f.target and f.details.get("target_kind") in {"person", "pronoun"}}
    first_person = next((m for m in mentions if m.label == "PERSON" and m.start >= sent.start), None)
    if first_person is None or first_person.canonical not in targets:
        return frames
    name = first_person.canonical
    if person_roles.get(name, ("unknown",))[0] not in {"unknown", "opposition"}:
        return frames
    if any(m.canonical != name and m.label == "PERSON" and m.start < first_person.start
           for m in mentions if m.start >= sent.start):
        return frames
    evidence = f"named after the lead's '{phrase}'"
    return [replace(f, target_role="opposition", role_evidence=evidence)
            if f.target == name and f.target_role == "unknown" else f for f in frames]

