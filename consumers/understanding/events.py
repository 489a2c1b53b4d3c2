"""Arrest-family event frames read off the dependency parse.

Who was arrested/detained/jailed/charged/indicted/remanded, by whom, where and when,
what role the target has (opposition / government / unknown) and whether the
sentence actually reports the event (status "reported") or only mentions it:
negated, released, called_for, warrant, possible, background.
"""
from __future__ import annotations

from dataclasses import dataclass

from .model import EventFrame, Mention, Sentence
from .titles import GOVERNMENT_WORDS, OPPOSITION_WORDS, PERSON_NOUNS
from .watchlist import EMPTY, Watchlist

EVENT = "arrest"

VERB_ACTIONS = {
    "arrest": "arrest", "detain": "detain", "jail": "jail", "imprison": "jail",
    "charge": "charge", "indict": "indict", "remand": "remand", "sentence": "jail",
    "apprehend": "arrest", "rearrest": "arrest", "re-arrest": "arrest", "incarcerate": "jail",
}
# Nouns that report a detention only as a state: "under house arrest", "in jail".
STATE_NOUNS = {"jail": "jail", "prison": "jail", "custody": "detain", "detention": "detain",
               "arrest": "arrest"}
STATE_PREPS = frozenset({"under", "in", "into", "behind"})
NOUN_ACTIONS = {
    "arrest": "arrest", "detention": "detain", "imprisonment": "jail", "jailing": "jail",
    "indictment": "indict", "remand": "remand", "charge": "charge", "incarceration": "jail",
    "rearrest": "arrest", "re-arrest": "arrest",
}
# Lemmatiser quirks of the small model ("jailed" -> "jail", but "arrests" as a verb
# sometimes stays "arrests").
_LEMMA_FIX = {"arrests": "arrest", "detained": "detain", "jailed": "jail", "charged": "charge",
              "indicted": "indict", "remanded": "remand", "arrested": "arrest"}

CALL_VERBS = frozenset({"call", "demand", "urge", "seek", "ask", "want", "request", "press",
                        "push", "appeal", "petition", "campaign", "lobby", "clamour", "clamor"})
WARRANT_VERBS = frozenset({"order", "authorize", "authorise", "approve", "sign", "issue"})
THREAT_VERBS = frozenset({"face", "risk", "threaten", "fear", "avoid", "evade", "escape", "flee",
                          "resist", "dodge", "elude", "warn", "expect", "plan", "consider",
                          "try", "attempt", "seek", "want", "intend", "vow", "pledge", "promise",
                          "could", "may", "might", "would"})
THREAT_NOUNS = frozenset({"threat", "risk", "possibility", "prospect", "fear", "danger",
                          "wave", "spate"})
MODALS = frozenset({"could", "may", "might", "would", "can", "should", "will", "must", "shall",
                    "'d", "'ll", "wo", "ca"})
RELEASE_LEMMAS = frozenset({"release", "free", "acquit", "clear", "bail", "drop", "overturn",
                            "quash", "pardon", "dismiss", "exonerate", "reverse", "lift",
                            "discharge", "withdraw", "absolve", "amnesty", "commute", "throw",
                            "scrap", "void", "annul"})
RELEASE_NOUNS = frozenset({"release", "acquittal", "bail", "pardon", "amnesty", "freedom"})
SUBORDINATORS = frozenset({"after", "since", "following", "before", "until", "despite"})
NEG_WORDS = frozenset({"not", "n't", "never", "no"})
PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
FIGURE_NOUNS = PERSON_NOUNS | frozenset({"lawmaker", "lawmakers", "mp", "mps", "deputies",
                                         "politicians", "leaders", "activists", "figures",
                                         "figure", "members", "officials", "candidates"})
CROWD_NOUNS = frozenset({"supporter", "protester", "demonstrator", "people", "marcher",
                         "student", "crowd", "youth", "rioter", "follower", "sympathizer",
                         "sympathiser", "voter", "resident", "civilian"})
LEAD_SENTENCES = 2


@dataclass
class _Ctx:
    doc: object
    mentions: tuple[Mention, ...]
    by_start: dict
    sentences: tuple[Sentence, ...]
    headline_end: int
    lead_ids: frozenset
    watchlist: Watchlist
    party_roles: dict
    person_roles: dict
    dateline: str | None


def _mention_at(ctx: _Ctx, char: int) -> Mention | None:
    for m in ctx.mentions:
        if m.start <= char < m.end:
            return m
        if m.start > char:
            break
    return None


def _lemma(tok) -> str:
    low = tok.lower_
    return _LEMMA_FIX.get(low, tok.lemma_.lower())


_MEMBERSHIP_VERBS = frozenset({"belong", "lead", "head", "represent", "chair", "found", "co-found"})


def _np_words(tok, limit: int = 14) -> list:
    """The noun phrase of ``tok`` without relative clauses (left modifiers, appositions,
    "of" complements). Possessors are left out: "the opposition leader's lawyer" is
    not an opposition figure. Membership clauses ("who belongs to the opposition
    Jobbik party") are kept."""
    out = []
    stack = [tok]
    while stack and len(out) < limit:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in {"acl", "punct", "cc", "advcl", "conj", "poss", "case"}:
                continue
            if c.dep_ == "relcl" and c.lemma_.lower() not in _MEMBERSHIP_VERBS:
                continue
            stack.append(c)
    return out


_CRITICIZED = frozenset({"president", "government", "regime", "kremlin", "leader", "ruler", "junta",
                         "premier", "minister", "authorities"})


def _has_opposition(words) -> str | None:
    for t in words:
        low = t.lower_
        if low in OPPOSITION_WORDS:
            return t.text
        if low == "democracy" and t.i >= 2 and t.doc[t.i - 1].text == "-" and t.doc[t.i - 2].lower_ == "pro":
            return "pro-democracy"
        if low in {"critic", "critics", "challenger", "rival"}:
            # "a prominent critic of Rwanda's president", "the Kremlin critic"
            objs = [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.subtree]
            objs += [c for c in t.children if c.dep_ in {"compound", "amod", "poss"}]
            if any(o.lower_ in _CRITICIZED or o.lemma_.lower() in _CRITICIZED for o in objs):
                return t.text
    return None


def _doc_roles(doc, mentions, entities, watchlist: Watchlist):
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
            ctx_words += _np_words(appos_head)
        for c in root.children:
            if c.dep_ == "appos":
                ctx_words += _np_words(c)
        opp = _has_opposition(ctx_words)
        if opp and m.label != "PERSON" and opp.lower() not in OPPOSITION_WORDS:
            opp = None  # "critics of the Vietnamese government" says nothing about "Vietnamese"
        ruling = any(t.lower_ in {"ruling", "governing", "pro-government"} for t in ctx_words)
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


def _party_role_in(words, ctx: _Ctx) -> tuple[str, str] | None:
    """A party named in a phrase ("leader of the CNRP") and its role."""
    for t in words:
        m = _mention_at(ctx, t.idx)
        if m and m.label in {"ORG", "NORP"} and m.canonical in ctx.party_roles:
            return ctx.party_roles[m.canonical]
        if m and m.label in {"ORG", "NORP"}:
            wl = ctx.watchlist.role_of_party(m.text) or ctx.watchlist.role_of_party(m.canonical)
            if wl:
                return wl, f"watchlist party {m.canonical}"
    return None


def _role(tok, person: str | None, ctx: _Ctx) -> tuple[str, str]:
    """Role of a target: its own phrase first, then the document, then the watchlist."""
    words = _np_words(tok)
    if tok.dep_ == "appos":
        words += _np_words(tok.head)
    for c in tok.children:
        if c.dep_ == "appos":
            words += _np_words(c)
    opp = _has_opposition(words)
    if opp:
        phrase = " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))
        return "opposition", f"title: '{opp}' in '{phrase}'"
    pr = _party_role_in(words, ctx)
    if pr:
        return pr
    if person and person in ctx.person_roles:
        return ctx.person_roles[person]
    gov = [t for t in words if t.lower_ in GOVERNMENT_WORDS]
    if gov:
        return "government", f"title '{gov[0].text}'"
    return "unknown", "no opposition evidence"


def _resolve_target(tok, ctx: _Ctx):
    """(target name, role-bearing token, kind) for a token in argument position."""
    if tok.lower_ in {"who", "whom", "that", "which"} and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "Kem Sokha, who was arrested in September"
    m = _mention_at(ctx, tok.idx)
    if m and m.label == "PERSON":
        return m.canonical, tok, "person"
    for c in tok.children:
        if c.dep_ == "appos":
            cm = _mention_at(ctx, c.idx)
            if cm and cm.label == "PERSON":
                return cm.canonical, tok, "person"
    if tok.lemma_.lower() in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS:
        # "the leader of the opposition party, Yusuf Ali": the name hangs off the party
        for t in _np_words(tok, 20):
            if t.dep_ == "appos" and t is not tok:
                cm = _mention_at(ctx, t.idx)
                if cm and cm.label == "PERSON":
                    return cm.canonical, tok, "person"
    if tok.lower_ in PRONOUNS:
        best = None
        for mm in ctx.mentions:
            if mm.start >= tok.idx:
                break
            if mm.label == "PERSON":
                best = mm
        if best:
            return best.canonical, tok, "pronoun"
        return "", tok, "pronoun"
    if m and m.label in {"ORG", "NORP", "GPE"}:
        # a mislabelled person with a person title next to it ("Demirtas, co-leader of ...")
        if any(c.dep_ in {"appos", "compound"} and c.lemma_.lower() in PERSON_NOUNS for c in tok.children):
            return m.canonical, tok, "person"
        return "", tok, "org"
    if tok.pos_ in {"NOUN", "PROPN"}:
        words = sorted(_np_words(tok, 8), key=lambda t: t.i)
        return " ".join(t.text for t in words if not t.is_punct), tok, "group"
    return "", tok, "none"


def _expand_conj(tok):
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in {"PROPN", "NOUN", "PRON"}:
            out.extend(_expand_conj(c))
    return out


def _verb_args(tok):
    """(target tokens, agent token) of a verbal trigger, following coordination and
    subordinate clauses to find a subject shared with another verb."""
    targets, agent = [], None
    passive = any(c.dep_ == "auxpass" for c in tok.children) or tok.tag_ == "VBN" and tok.dep_ in {"acl", "conj", "pcomp", "advcl", "relcl", "xcomp"}
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
            h_targets, h_agent = _verb_args(head) if head.pos_ in {"VERB", "AUX"} else ([], None)
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
    return [x for t in targets for x in _expand_conj(t)], agent


def _status(tok, is_noun: bool, sentence: Sentence, ctx: _Ctx) -> tuple[str, str]:
    """Whether the trigger reports a real, current event, and why not if it does not."""
    # negation on the trigger or on the verb that governs a nominal trigger
    heads = [tok]
    h = tok
    while h.head is not h and len(heads) < 6:
        h = h.head
        heads.append(h)
    if any(c.lower_ in NEG_WORDS and c.dep_ in {"neg", "det", "advmod"} for c in tok.children):
        return "negated", "negation on trigger"
    if is_noun and tok.head.pos_ in {"VERB", "AUX"} and any(c.dep_ == "neg" for c in tok.head.children):
        return "negated", f"negated '{tok.head.text}'"
    # calls for / warrants for an arrest
    governors = heads[1:2]
    if len(heads) > 2 and heads[1].dep_ == "prep" and heads[1].lower_ in {"for", "of"}:
        governors = heads[1:3]  # "called for his arrest", "warrant for the arrest"
    for h in governors:
        lem = h.lemma_.lower()
        if h.lower_ == "warrant" or h.lower_ == "warrants":
            return "warrant", "arrest warrant"
        if lem in CALL_VERBS or h.lower_ in {"call", "calls", "demand", "demands"}:
            return "called_for", f"'{h.text}' governs the trigger"
        if lem in WARRANT_VERBS and (is_noun or tok.dep_ in {"ccomp", "xcomp"}):
            return "warrant", f"'{h.text} the {tok.text}'"
    if any(c.lower_ in {"warrant", "warrants"} for c in tok.children) or tok.head.lower_ in {"warrant", "warrants"}:
        return "warrant", "arrest warrant"
    # threats and possibilities ("escaped house arrest" was real; "escape arrest" was not)
    real_state = any(c.lower_ == "house" for c in tok.children)
    for h in heads[:4] if not real_state else []:
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in h.children):
            return "possible", "modal verb"
        if h is not tok and h in governors and (h.lemma_.lower() in THREAT_VERBS or h.lower_ in THREAT_NOUNS):
            return "possible", f"'{h.text}' governs the trigger"
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in h.children):
            return "possible", "conditional"
        if h.pos_ == "VERB" and h is not tok:
            break
    # released / acquitted / bailed: the clause that contains the trigger is about release
    clause = next((h for h in heads if h.pos_ in {"VERB", "AUX"}), heads[-1])
    clause_heads = heads[:heads.index(clause) + 1] if clause in heads else heads
    if clause.dep_ in {"pcomp", "advcl"} and clause.head.lower_ in SUBORDINATORS:
        clause_heads = heads[:heads.index(clause) + 4]  # "released on bail after being charged"
    for h in clause_heads:
        lem = h.lemma_.lower()
        if lem in RELEASE_LEMMAS and h.pos_ in {"VERB", "AUX"} and h is not tok:
            return "released", f"'{h.text}'"
        if h.lower_ in RELEASE_NOUNS and h is not tok:
            return "released", f"'{h.text}'"
    if any(c.lower_ in {"bail", "acquitted", "acquittal", "freed", "released"} for c in clause.children):
        return "released", "release in same clause"
    if tok.dep_ in {"amod", "compound", "nmod"} and not is_noun:
        return "background", "attributive ('the detained leader')"
    # background: outside the lead, dated in an earlier year, or subordinate in the lead
    for e in tok.doc.ents:
        if e.label_ == "DATE" and (e.root.head in (tok, *[c for c in tok.children if c.dep_ == "prep"])
                                   or (not is_noun and e.root in set(tok.subtree) and e.root.i > tok.i)) \
                and (any(t.text.isdigit() and len(t.text) == 4 for t in e) or "ago" in e.text or "last year" in e.text):
            return "background", f"dated '{e.text}'"
    if sentence.index not in ctx.lead_ids:
        return "background", "not in the lead"
    for h in heads[:3]:
        if h.dep_ == "relcl":
            return "background", "relative clause"
        if h.dep_ in {"pcomp", "pobj", "advcl"} and h.head.lower_ in SUBORDINATORS:
            return "background", f"'{h.head.text}' clause"
        if any(c.dep_ == "mark" and c.lower_ in SUBORDINATORS for c in h.children):
            return "background", "subordinate clause"
    return "reported", "lead sentence"


def _place_time(tok, ctx: _Ctx):
    place = time = None
    for t in tok.subtree:
        m = _mention_at(ctx, t.idx)
        if place is None and m and m.label in {"GPE", "LOC", "FAC"} and t.head.dep_ == "prep" \
                and t.head.lower_ in {"in", "at", "near", "outside"}:
            place = m.canonical
    for e in tok.doc.ents:
        if e.label_ in {"DATE", "TIME"} and (e.root.head == tok or e.root.head.head == tok):
            time = e.text
            break
    return place or ctx.dateline, time


def _sentence_of(ctx: _Ctx, char: int) -> Sentence | None:
    for s in ctx.sentences:
        if s.start <= char < s.end:
            return s
    return None


def _is_charge_sense(tok) -> bool:
    """"charged with treason", "charges against him" -- not "in charge", "charged a fee"."""
    if tok.pos_ in {"VERB", "AUX"}:
        return any(c.dep_ == "prep" and c.lower_ in {"with", "over", "for"} for c in tok.children) \
            or any(c.dep_ == "nsubjpass" for c in tok.children) and tok.dep_ != "amod"
    return any(c.dep_ == "prep" and c.lower_ in {"against"} for c in tok.children) or \
        any(c.lower_ in {"criminal", "treason", "terrorism", "corruption", "fraud", "murder",
                         "sedition", "espionage", "incitement"} for c in tok.children)


def find_frames(doc, text: str, sentences, mentions, entities, headline_end: int,
                dateline: str | None, watchlist: Watchlist = EMPTY) -> tuple[EventFrame, ...]:
    """All arrest-family frames in a parsed document."""
    party_roles, person_roles = _doc_roles(doc, mentions, entities, watchlist)
    body_sents = [s for s in sentences if s.start >= headline_end]
    lead = {s.index for s in sentences if s.start < headline_end}
    lead |= {s.index for s in body_sents[:LEAD_SENTENCES]}
    ctx = _Ctx(doc, mentions, {m.start: m for m in mentions}, sentences, headline_end,
               frozenset(lead), watchlist, party_roles, person_roles, dateline)
    frames: list[EventFrame] = []
    for tok in doc:
        lem = _lemma(tok)
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
                and tok.head.lower_ in STATE_PREPS and not any(c.dep_ in {"poss", "prep"} and
                                                               c.lower_ != "for" for c in tok.children):
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
        sent = _sentence_of(ctx, tok.idx)
        if sent is None:
            continue
        status, why = _status(tok, is_noun, sent, ctx)
        place, time = _place_time(tok, ctx)
        agent_name = None
        if agent is not None:
            am = _mention_at(ctx, agent.idx)
            agent_name = am.canonical if am else " ".join(
                t.text for t in sorted(_np_words(agent, 6), key=lambda t: t.i))
        resolved = [_resolve_target(t, ctx) for t in targets] or [("", tok, "none")]
        seen = set()
        for name, rtok, kind in resolved:
            if name in seen:
                continue
            seen.add(name)
            if kind in {"person", "pronoun"} and name:
                role, evidence = _role(rtok, name, ctx)
            elif kind == "group":
                role, evidence = _group_role(rtok, ctx)
            else:
                role, evidence = "unknown", "no named target"
            frames.append(EventFrame(
                event=EVENT, action=action, trigger=text[tok.idx:tok.idx + len(tok)],
                trigger_start=tok.idx, trigger_end=tok.idx + len(tok), target=name,
                target_role=role, role_evidence=evidence, sentence=sent, agent=agent_name,
                place=place, time=time, status=status,
                details={"status_reason": why, "target_kind": kind, "lemma": lem},
            ))
    return tuple(frames)


def _group_role(tok, ctx: _Ctx) -> tuple[str, str]:
    """Role of an unnamed group ("three opposition lawmakers"): only figures count as
    opposition; crowds of supporters or protesters are a different story."""
    words = _np_words(tok)
    head = tok.lemma_.lower()
    if head in CROWD_NOUNS or tok.lower_ in CROWD_NOUNS:
        return "crowd", f"group noun '{tok.text}'"
    opp = _has_opposition(words)
    if opp and (head in FIGURE_NOUNS or tok.lower_ in FIGURE_NOUNS):
        return "opposition", f"group '{' '.join(t.text for t in sorted(words, key=lambda t: t.i))}'"
    pr = _party_role_in(words, ctx)
    if pr and (head in FIGURE_NOUNS or tok.lower_ in FIGURE_NOUNS):
        return pr
    if any(t.lower_ in GOVERNMENT_WORDS for t in words):
        return "government", "group of officials"
    return "unknown", "unnamed group"

