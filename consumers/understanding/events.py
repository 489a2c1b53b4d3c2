"""Arrest-family event frames read off the dependency parse.

Who was arrested/detained/jailed/charged/indicted/remanded, by whom, where and when,
what role the target has (opposition / government / unknown) and whether the
sentence actually reports the event (status "reported") or only mentions it:
negated, released, called_for, warrant, possible, background.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .model import EventFrame, Mention, Sentence
from .genders import person_genders
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
ESCAPE_LEMMAS = frozenset({"escape", "flee", "leave", "end", "lift"})
RELEASE_NOUNS = frozenset({"release", "acquittal", "bail", "pardon", "amnesty", "freedom"})
SUBORDINATORS = frozenset({"after", "since", "following", "before", "until", "despite"})
NEG_WORDS = frozenset({"not", "n't", "never", "no"})
PRONOUNS = frozenset({"he", "she", "him", "her", "his"})
QUANTIFIER_PRONOUNS = frozenset({"all", "both"})
FIRST_PERSON = frozenset({"i", "me", "my"})
PLURAL_PRONOUNS = frozenset({"them", "they", "their"})
FEMININE = frozenset({"she", "her", "hers"})
SPEECH_LEMMAS = frozenset({"say", "tell", "write", "add", "declare", "insist"})
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
    genders: dict = None


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


def _antecedent(tok, ctx: _Ctx):
    """Nearest earlier PERSON mention whose gender agrees with the pronoun.

    A person with a known gender (first name, title, "she"/"he" use is not tracked)
    that disagrees is skipped; persons of unknown gender stay candidates.
    """
    want = "f" if tok.lower_ in FEMININE else "m"
    best = None
    for mm in ctx.mentions:
        if mm.start >= tok.idx:
            break
        if mm.label != "PERSON":
            continue
        g = ctx.genders.get(mm.canonical)
        if g is None or g == want:
            best = mm
    return best


def _resolve_target(tok, ctx: _Ctx):
    """(target name, role-bearing token, kind) for a token in argument position."""
    if tok.lower_ in {"who", "whom", "that", "which"} and tok.head.dep_ == "relcl":
        tok = tok.head.head  # "Kem Sokha, who was arrested in September"
    if tok.lower_ in QUANTIFIER_PRONOUNS and not any(c.dep_ == "prep" for c in tok.children):
        # "X appeared in court with her mother, all charged with forgery"
        h = tok.head
        for _ in range(3):
            subj = next((c for c in h.children if c.dep_ in {"nsubj", "nsubjpass"} and c is not tok), None)
            if subj is not None:
                return _resolve_target(subj, ctx)
            if h.head is h:
                break
            h = h.head
    m = _mention_at(ctx, tok.idx)
    if m and m.label == "PERSON":
        return m.canonical, tok, "person"
    if tok.dep_ == "appos" and tok.lemma_.lower() in PERSON_NOUNS:
        # "said Antonio Ledezma, an opposition leader who escaped house arrest"
        hm = _mention_at(ctx, tok.head.idx)
        if hm and hm.label == "PERSON":
            return hm.canonical, tok, "person"
    if tok.dep_ == "compound" and tok.lemma_.lower() in PERSON_NOUNS:
        # "jailed student leader Joshua Wong"
        hm = _mention_at(ctx, tok.head.idx)
        if hm and hm.label == "PERSON":
            return hm.canonical, tok, "person"
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
    if tok.lower_ in FIRST_PERSON:
        # "I ended up in prison," Tymoshenko said: the speaker of the quote
        root = tok.sent.root
        if root.lemma_.lower() in SPEECH_LEMMAS:
            subj = next((c for c in root.children if c.dep_ == "nsubj"), None)
            sm = _mention_at(ctx, subj.idx) if subj is not None else None
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
            sm = _mention_at(ctx, subj.idx) if subj is not None else None
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
                    pm = _mention_at(ctx, p.idx)
                    if p.dep_ == "pobj" and pm and pm.label == "PERSON":
                        return pm.canonical, p, "person"
    if tok.pos_ in {"NOUN", "PROPN"}:
        words = sorted(_np_words(tok, 8), key=lambda t: t.i)
        return " ".join(t.text for t in words if not t.is_punct and not t.is_space), tok, "group"
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
    governors = heads[1:2] if is_noun or tok.dep_ != "conj" else []
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
    if real_state and len(heads) > 1 and heads[1].lemma_.lower() in ESCAPE_LEMMAS:
        return "background", f"'{heads[1].text}' house arrest (was held, no longer is)"
    if is_noun and tok.dep_ == "pobj" and tok.head.lower_ in STATE_PREPS:
        # "has been under house arrest since 2017": an ongoing state, not news
        clause = next((h for h in heads[2:] if h.pos_ in {"VERB", "AUX"}), None)
        scope = [tok] + ([clause] if clause is not None else [])
        for h in scope:
            for c in h.children:
                if c.dep_ == "prep" and c.lower_ == "since":
                    return "background", f"ongoing 'since' state"
    for h in heads[:4] if not real_state else []:
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in h.children):
            return "possible", "modal verb"
        if h is not tok and h in governors and (h.lemma_.lower() in THREAT_VERBS or h.lower_ in THREAT_NOUNS):
            return "possible", f"'{h.text}' governs the trigger"
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in h.children):
            return "possible", "conditional"
        if h is not tok and (h.pos_ == "VERB" or h.pos_ == "AUX" and h.dep_ in {"ROOT", "ccomp", "conj", "advcl"}):
            break  # "Lopez is under arrest" inside "... the opposition may struggle"
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
    party_roles, person_roles = _doc_roles(doc, mentions, entities, watchlist)
    body_sents = [s for s in sentences if s.start >= headline_end]
    lead = {s.index for s in sentences if s.start < headline_end}
    lead |= {s.index for s in body_sents[:LEAD_SENTENCES]}
    ctx = _Ctx(doc, mentions, {m.start: m for m in mentions}, sentences, headline_end,
               frozenset(lead), watchlist, party_roles, person_roles, dateline,
               person_genders(doc, mentions))
    frames: list[EventFrame] = []
    described: list = []  # lead frames about one unnamed opposition figure
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
                if role == "opposition" and rtok.tag_ in {"NN", "NNP"} and sent.index in ctx.lead_ids:
                    described.append((sent, name))
            else:
                role, evidence = "unknown", "no named target"
            frames.append(EventFrame(
                event=EVENT, action=action, trigger=text[tok.idx:tok.idx + len(tok)],
                trigger_start=tok.idx, trigger_end=tok.idx + len(tok), target=name,
                target_role=role, role_evidence=evidence, sentence=sent, agent=agent_name,
                place=place, time=time, status=status,
                details={"status_reason": why, "target_kind": kind, "lemma": lem},
            ))
    frames = _name_the_described(frames, described, mentions, person_roles)
    return tuple(_main_news(frames, doc, sentences, headline_end, body_sents))


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


# Events that, when they are what the headline or the lead sentence is about, make an
# arrest mentioned nearby background rather than the news: "X pardoned", "court frees
# Y", "US denies role", "jailed activists win appeal".
COMPETING_LEMMAS = frozenset({
    "release", "free", "pardon", "acquit", "appeal", "deny", "reject", "overturn", "quash",
    "commute", "reduce", "dismiss", "exonerate", "amnesty", "bail", "absolve", "rebuff",
    "refute", "dispute", "uphold", "win",
})
COMPETING_WORDS = frozenset({
    "released", "releases", "freed", "frees", "pardoned", "pardons", "pardon", "acquitted",
    "acquits", "acquittal", "appeal", "appeals", "denies", "deny", "denied", "rejects",
    "rejected", "bail", "release", "overturned", "overturns", "quashed", "quashes",
    "commuted", "commutes", "amnesty", "cleared", "clears",
})


def _competing_root(doc, sentence: Sentence, arrest_starts=frozenset()):
    """The main verb of a sentence when it reports a competing event, else None.

    Main verbs are the root, its coordinated verbs and (for "X said ..." and misparses
    of it) its clausal complements; the leftmost competing or arrest verb decides.
    """
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    verbs = [root] + [c for c in root.children if c.dep_ in {"conj", "ccomp"} and c.pos_ in {"VERB", "AUX"}]
    for v in sorted(verbs, key=lambda t: t.i):
        if v.idx in arrest_starts:
            return None
        if _lemma(v) in COMPETING_LEMMAS or v.lower_ in COMPETING_WORDS:
            return v
    return None


def _main_news(frames: list, doc, sentences, headline_end: int, body_sents) -> list:
    """Demote "reported" frames to background when the story's main news is something
    else: the headline announces a release/pardon/appeal/denial, or the lead sentence's
    main verb does. An arrest the headline itself reports (as its main verb) stands."""
    reported = [f for f in frames if f.status == "reported"]
    if not reported:
        return frames
    head_sents = [s for s in sentences if s.start < headline_end]
    first_body = body_sents[0] if body_sents else None
    reason = None
    for s in head_sents:
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            continue
        if any(f.sentence.index == s.index and f.trigger_start == span.root.idx for f in reported):
            return frames  # "Police arrest opposition leader ..." is the news
        hit = next((t for t in span if t.lower_ in COMPETING_WORDS), None)
        if hit is not None:
            reason = f"headline is about '{hit.text}'"
            break
    if reason is None and first_body is not None:
        v = _competing_root(doc, first_body, frozenset(f.trigger_start for f in reported))
        if v is not None:
            reason = f"lead sentence is about '{v.text}'"
    if reason is None:
        return frames
    out = []
    for f in frames:
        if f.status == "reported":
            f = replace(f, status="background", details={**f.details, "status_reason": f"not the main news: {reason}"})
        out.append(f)
    return out


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
    owner = [c for c in tok.children if c.dep_ == "poss"]
    if owner and owner[0].lower_ == "whose" and tok.head.dep_ == "relcl":
        owner = [tok.head.head]  # "the HDP, whose leaders have been jailed"
    pr = _party_role_in(words + owner, ctx)
    if pr and (head in FIGURE_NOUNS or tok.lower_ in FIGURE_NOUNS):
        return pr
    if any(t.lower_ in GOVERNMENT_WORDS for t in words):
        return "government", "group of officials"
    return "unknown", "unnamed group"

