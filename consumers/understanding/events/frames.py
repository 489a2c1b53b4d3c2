"""Arrest-family event frames read off the dependency parse.

Who was arrested/detained/jailed/charged/indicted/remanded, by whom, where and when,
what role the target has (opposition / government / unknown; ``roles``) and
whether the sentence actually reports the event (status "reported") or only mentions
it: negated, released, called_for, warrant, possible, background (``status``).

This module finds the triggers and assembles the frames; the words live in
``lexicon``, argument finding in ``arguments``, who a described target is in
``descriptions``.
"""
from __future__ import annotations

import datetime as dt
import re

from ..genders import person_genders
from ..model import EventFrame
from ..page_layout import is_title_case
from ..party_kb import PartyKB, story_country
from ..titles import PERSON_NOUNS
from ..watchlist import EMPTY, Watchlist
from .arguments import is_person, noun_args, place_time, resolve_target, state_args, term_args, verb_args
from .descriptions import (
    crackdown_targets, critic_by_trade, name_by_title, name_the_described, name_the_lead_description,
    resolve_descriptions,
)
from .index import FrameContext, lemma
from .lexicon import (
    AIM_VERBS, CHARGE_CRIMES, CUSTODY_FORCES, CUSTODY_VERBS, NOUN_ACTIONS, PHRASAL_CUSTODY,
    SENTENCE_TERMS, STATE_NOUNS, STATE_PREPS, SURRENDER_TO, TERM_NOUNS, TERM_VERBS, VERB_ACTIONS, WARRANT_NOUNS,
)
from .group_roles import group_role
from .roles import doc_roles, np_words, role_of
from .main_news import first_word, follow_up, main_news
from .status import status_of

EVENT = "arrest"
LEAD_SENTENCES = 2


def _is_charge_sense(tok) -> bool:
    """"charged with treason", "charges against him" -- not "in charge", "charged a fee"."""
    if tok.pos_ in {"VERB", "AUX"}:
        # "charged another official and eight others with forming an armed group"
        if any(t.dep_ == "prep" and t.lower_ == "with" and t.head.dep_ in {"dobj", "conj"}
               for c in tok.children if c.dep_ == "dobj" for t in c.subtree):
            return True
        return any(c.dep_ == "prep" and c.lower_ in {"with", "over", "for"} for c in tok.children) \
            or any(c.dep_ == "nsubjpass" for c in tok.children) and tok.dep_ != "amod" \
            or tok.dep_ == "acl" and tok.tag_ == "VBN" and tok.i == tok.head.i + 1 and is_person(tok.head)
        # the last: a headline's "Opposition politician charged after winning seat"
    return any(c.dep_ == "prep" and c.lower_ in {"against"} for c in tok.children) or \
        any(c.dep_ == "acl" and c.lemma_.lower() in AIM_VERBS and
            any(p.dep_ == "prep" and p.lower_ in {"at", "against"} for p in c.children)
            for c in tok.children) or \
        any(c.lower_ in CHARGE_CRIMES for c in tok.children)


def _custody_verb(tok, lem: str, headline_end: int = 0) -> bool:
    """Verbs that mean detention only in some uses: "X was held", "police are holding X
    for questioning", "X was picked up / rounded up", "nabbed". Not "held talks", "held
    a rally", "picked up the phone": the object or subject must be a person."""
    phrasal = lem in PHRASAL_CUSTODY and any(c.dep_ == "prt" and c.lower_ == "up" for c in tok.children) \
        or lem == "take" and any(c.dep_ == "prt" and c.lower_ == "away" for c in tok.children) \
        or lem == "take" and _taken_by_forces(tok)  # "taken away by agents", "was taken by police"
    if lem not in CUSTODY_VERBS and not phrasal:
        return False
    passive = any(c.dep_ in {"auxpass", "nsubjpass", "agent"} for c in tok.children) or \
        tok.tag_ == "VBN" and tok.dep_ in {"acl", "ROOT", "conj"} and not any(c.dep_ == "dobj" for c in tok.children) \
        or tok.idx < headline_end and _headline_passive(tok)  # "Opposition chief X held"
    if lem == "hold" and any(g.lower_ in {"contempt", "responsible", "accountable", "liable", "hostage"}
                             for c in tok.children for g in [c, *c.children]):
        return False  # "held in contempt of court", "held responsible"
    if lem == "hold" and not passive:
        # active "hold" detains only "for questioning" / "in custody" / "incommunicado"
        return any(c.dep_ == "prep" and c.lower_ == "for" and any(g.lower_ == "questioning" for g in c.children)
                   for c in tok.children) or any(c.lower_ == "incommunicado" for c in tok.children)
    args = [c for c in tok.children if c.dep_ in {"dobj", "nsubjpass", "nsubj"}]
    if tok.dep_ == "acl":
        args.append(tok.head)
    return any(a.ent_type_ == "PERSON" or a.lemma_.lower() in PERSON_NOUNS or a.lower_ in PERSON_NOUNS
               or a.lower_ in {"he", "she", "him", "her", "they", "them"}
               # a name the model did not tag, with its title: "opposition chief Ana Vell"
               or a.pos_ == "PROPN" and any(c.dep_ == "compound" and c.lower_ in PERSON_NOUNS for c in a.children)
               for a in args)


def _gave_self_up(tok, lem: str) -> bool:
    """"X surrendered to police", "X turned himself in (to the National Guard)": custody
    the person walked into. Not a surrender of arms, of a passport, to pressure."""
    if lem == "turn":
        return any(c.dep_ == "prt" and c.lower_ == "in" for c in tok.children) and any(
            c.dep_ == "dobj" and c.lower_ in {"himself", "herself", "themselves"} for c in tok.children)
    if lem != "surrender" or any(c.dep_ == "dobj" for c in tok.children):
        return False
    return any(c.dep_ in {"prep", "dative"} and c.lower_ == "to" and any(
        g.lemma_.lower() in SURRENDER_TO or g.lower_ in SURRENDER_TO
        for o in c.children if o.dep_ == "pobj" for g in [o, *o.children]) for c in tok.children)


def _taken_by_forces(tok) -> bool:
    """"X was taken by police": a passive "take" whose agent is a security force, and
    not "taken by police to hospital"."""
    if not any(c.dep_ in {"auxpass", "nsubjpass"} for c in tok.children):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "to" and any(g.lower_ in {"hospital", "safety"} for g in c.subtree)
           for c in tok.children):
        return False
    if any(t.dep_ == "prep" and t.lower_ == "to" and t.head.dep_ in {"ROOT", "pobj", "conj", "advcl"}
           and _custody_place(t) for t in tok.subtree if t.i > tok.i):
        return True  # "was taken ... to the Seoul Eastern Detention Center", "taken to a police station"
    return any(g.lemma_.lower() in CUSTODY_FORCES or g.lower_ in CUSTODY_FORCES
               for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj")


def _custody_place(prep) -> bool:
    """"to the Detention Center", "to prison", "to a police station": where custody is."""
    words = {t.lower_ for t in prep.subtree}
    return bool(words & {"prison", "jail", "detention", "custody", "penitentiary", "lockup", "cell"}) \
        or "station" in words and "police" in words


def _headline_noun_verb(tok, lem: str, headline_end: int) -> bool:
    """"Court sentences opposition leader X to five years", "Police detain opposition
    leader X": a headline's present-tense verb, after the noun that does it, that the
    tagger read as a modifier of the person it happens to. A past participle there is a
    real attribute ("the detained leader")."""
    return tok.idx < headline_end and tok.dep_ in {"compound", "amod", "nmod"} and lem in VERB_ACTIONS \
        and not tok.lower_.endswith("ed") and tok.i > tok.sent.start \
        and _does(tok.doc[tok.i - 1]) and is_person(tok.head)


def _does(tok) -> bool:
    """Who can do a headline's verb: "Police", "Uganda", "Norvale" (read as an adjective)."""
    return tok.dep_ != "poss" and (tok.pos_ in {"NOUN", "PROPN"} or tok.pos_ == "ADJ" and tok.is_title)


def _np_top(tok):
    """The head of the name a modifier chain leads to: "leader" in "opposition leader Ana
    Vell" -> "Vell"."""
    while tok.dep_ == "compound" and tok.head.i > tok.i:
        tok = tok.head
    return tok


def _sent_to_jail(tok, lem: str) -> bool:
    """"X sent to prison", "court sends X to jail": "to" is a state preposition after "send"."""
    return STATE_NOUNS.get(lem) == "jail" and tok.head.lower_ == "to" and lemma(tok.head.head) == "send"


def _headline_years(tok, lem: str, headline_end: int) -> bool:
    """A headline's term in years: "Opposition figure gets 26 years", "X handed 10 years"."""
    return tok.idx < headline_end and lem in {"year", "month"} and any(c.dep_ == "nummod" for c in tok.children) \
        and lemma(tok.head) in TERM_VERBS | {"get", "receive"}


def _headline_passive(tok) -> bool:
    """Headlines drop the auxiliary: "X arrested", "X detained over protests" are
    passives whose subject is the one arrested. An active past ("Police arrested")
    has an object, or "have"."""
    if tok.tag_ not in {"VBN", "VBD"}:
        return False
    return not any(c.dep_ in {"dobj", "aux", "auxpass", "ccomp"} for c in tok.children)


def find_frames(doc, text: str, sentences, mentions, entities, headline_end: int,
                dateline: str | None, watchlist: Watchlist = EMPTY, kb: PartyKB | None = None,
                on: dt.date | None = None) -> tuple[EventFrame, ...]:
    """All arrest-family frames in a parsed document; roles as of ``on`` (default today)."""
    kb = kb or PartyKB()
    kb = kb.in_country(story_country(mentions, kb.countries()))  # "Communist Party" in a story on Russia
    party_roles, person_roles = doc_roles(doc, mentions, entities, watchlist, kb, on)
    body_sents = [s for s in sentences if s.start >= headline_end]
    lead = {s.index for s in sentences if s.start < headline_end}
    lead |= {s.index for s in body_sents[:LEAD_SENTENCES]}
    # a page's captions and credits, or a standfirst and then "DAR ES SALAAM -" on a line
    # of its own: the story's lead is the first sentences of prose after them
    opening = body_sents[:6]
    body_sents = _story_start(doc, body_sents)
    lead |= {s.index for s in body_sents[:LEAD_SENTENCES]}
    # a title left among the skipped lines is still the page's headline for what the news is
    kept = {s.index for s in body_sents[:len(opening)]}
    titles = [s for s in opening if s.index not in kept and is_title_case(s.text)]
    ctx = FrameContext(doc, mentions, sentences, headline_end, frozenset(lead), watchlist,
                       party_roles, person_roles, dateline, person_genders(doc, mentions), kb, on)
    lead_terms = any(t.lower_ in SENTENCE_TERMS for s in sentences if s.index in lead
                     for t in doc.char_span(s.start, s.end, alignment_mode="expand") or ())
    frames: list[EventFrame] = []
    described: list = []  # lead frames about one unnamed opposition figure
    for tok in doc:
        lem = lemma(tok)
        status_tok = None
        is_verb = tok.pos_ in {"VERB", "AUX"} or tok.tag_.startswith("VB") or \
            (tok.pos_ == "ADJ" and tok.dep_ == "amod" and tok.lower_.endswith("ed")) or \
            (tok.pos_ == "NOUN" and any(c.dep_ in {"dobj", "nsubjpass"} for c in tok.children))
        # (a "noun" with an object is a verb the tagger missed: "Police arrest Chadema leader X")
        headline_verb = _headline_noun_verb(tok, lem, headline_end)
        is_verb = is_verb or headline_verb
        gave_up = is_verb and _gave_self_up(tok, lem)
        if is_verb and lem not in VERB_ACTIONS and (gave_up or _custody_verb(tok, lem, headline_end)):
            lem = "detain"  # "held on terrorism suspicion", "picked up by police", "nabbed"
        if is_verb and lem in VERB_ACTIONS:
            action = VERB_ACTIONS[lem]
            if action == "charge" and not _is_charge_sense(tok):
                continue
            if lem == "sentence" and not any(t.lower_ in SENTENCE_TERMS
                                             for t in (tok.head if headline_verb else tok).subtree) \
                    and not (tok.idx < headline_end and lead_terms):
                continue  # a headline drops the term the lead gives: "X sentenced on graft charges"
            targets, agent = ([_np_top(tok.head)], None) if headline_verb else verb_args(tok)
            if gave_up:  # the one who surrendered is the one taken into custody
                targets, agent = [c for c in tok.children if c.dep_ == "nsubj"], None
            if not targets and agent is not None and tok.idx < headline_end and _headline_passive(tok):
                targets, agent = [agent], None  # "Opposition leader Kem Sokha arrested for treason"
            is_noun = False
        elif tok.pos_ in {"NOUN", "PROPN"} and lem in STATE_NOUNS and tok.dep_ == "pobj" \
                and (tok.head.lower_ in STATE_PREPS or _sent_to_jail(tok, lem)) and not any(
                    c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in {"of", "against", "by"}
                    for c in tok.children):
            # "is under house arrest in South Africa", "held in a jail in Edirne"
            action = STATE_NOUNS[lem]
            targets, agent = state_args(tok)
            is_noun = True
        elif tok.pos_ in {"NOUN", "PROPN"} and lem in NOUN_ACTIONS:
            action = NOUN_ACTIONS[lem]
            if action == "charge" and not _is_charge_sense(tok):
                continue
            if tok.dep_ == "compound" and tok.head.lower_ not in WARRANT_NOUNS:
                continue  # "arrest record", "detention centre"
            targets, agent = noun_args(tok)
            is_noun = True
            if not targets and tok.idx < headline_end and tok.dep_ == "ROOT" and lem in VERB_ACTIONS:
                # a headline verb parsed as a noun: "Tanzanian police arrest Chadema leader X"
                targets = [c for c in tok.children if c.dep_ == "appos"]
                is_noun = not targets
        elif tok.pos_ == "NOUN" and tok.dep_ in {"dobj", "nsubjpass"} and (
                lem in TERM_NOUNS and lemma(tok.head) in TERM_VERBS
                and any(t.lower_ in {"prison", "jail", "life"} for t in tok.subtree)
                or _headline_years(tok, lem, headline_end)):
            # "Tunisia hands prison terms to dozens of opposition figures", "X were given life sentences"
            action = "jail"
            targets, agent = term_args(tok)
            if not targets:
                continue
            is_noun, status_tok = False, tok.head  # the verb that hands the term down
        else:
            continue
        sent = ctx.sentence_of(tok.idx)
        if sent is None:
            continue
        gov = tok.head.head
        if is_noun and lem in STATE_NOUNS and tok.dep_ == "pobj" and lemma(gov) in VERB_ACTIONS \
                and not any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            # "refuses to remand X in custody": the state is as real as the verb it completes
            # ("12 charged in the detention of X" names whose custody, so it is not that state)
            status, why = status_of(gov, False, sent, ctx, _headline_noun_verb(gov, lemma(gov), headline_end))
        else:
            status, why = status_of(status_tok if status_tok is not None else tok, is_noun, sent, ctx,
                                    headline_verb)  # a headline verb takes the verb branch: no status_tok
        place, time = place_time(tok, ctx)
        agent_name = None
        if agent is not None:
            am = ctx.mention_at(agent.idx)
            agent_name = am.canonical if am else " ".join(
                t.text for t in sorted(np_words(agent, 6), key=lambda t: t.i))
        resolved = [resolve_target(t, ctx) for t in targets] or [("", tok, "none")]
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
                    details["target_head"] = rtok.lower_
                name = ""
            else:
                role, evidence = "unknown", "no named target"
            frames.append(EventFrame(
                event=EVENT, action=action, trigger=text[tok.idx:tok.idx + len(tok)],
                trigger_start=tok.idx, trigger_end=tok.idx + len(tok), target=name,
                target_role=role, role_evidence=evidence, sentence=sent, agent=agent_name,
                place=place, time=time, status=status, details=details,
            ))
    frames = crackdown_targets(frames, doc, ctx)
    frames = name_the_described(frames, described, mentions, person_roles)
    frames = name_by_title(frames, lead, doc, mentions, ctx)
    frames = resolve_descriptions(frames, max(lead) + 2 if lead else 0)
    frames = name_the_lead_description(frames, lead)
    frames = critic_by_trade(frames, lead)
    frames = follow_up(frames, ctx.lead_ids)
    frames = first_word(frames, ctx.lead_ids)
    return tuple(main_news(frames, doc, sentences, headline_end, body_sents, titles))


# a dateline alone on its line: "DAR ES SALAAM -", "NAIROBI, Kenya (AP) —"
_DATELINE_ONLY = re.compile(r"^[A-Z][A-Z.'’ ]{2,40}(?:,\s*[A-Z][\w.' ]{1,30})?(?:\s*\([^()]{1,30}\))?\s*[-–—:]+$")


# an agency credit alone on its line: "(Bloomberg) --", "Bloomberg) --"
_CREDIT_ONLY = re.compile(r"^\(?\s*[A-Z][\w .&]{1,30}\)\s*[-–—]+$")
_CAPTION_STARTS = ("image", "photo", "copyright", "caption", "getty", "file photo", "picture")
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _is_furniture(doc, sent) -> bool:
    """A caption, credit or label line: no finite verb, or a caption marker first."""
    text = sent.text.strip().lower()
    if text.startswith(_CAPTION_STARTS):
        return True
    span = doc.char_span(sent.start, sent.end, alignment_mode="expand")
    return span is not None and not any(t.tag_ in _FINITE for t in span)


def _story_start(doc, body_sents) -> list:
    """The body's sentences from the story's start: after a dateline or agency credit alone
    on its line ("DAR ES SALAAM -" among the first four, "(Bloomberg) --" among the first
    eight), and without the captions and credits among the first six. Unchanged when neither is found."""
    for i, sent in enumerate(body_sents[:8]):
        text = sent.text.strip()
        # an agency credit opens the story even below a photo caption and its credit
        # (Bloomberg pages); a dateline line that far down is more likely a quoted place
        if (i < 4 and _DATELINE_ONLY.match(text) or _CREDIT_ONLY.match(text)) and i + 1 < len(body_sents):
            return body_sents[i + 1:]
    head = [s for s in body_sents[:6] if not _is_furniture(doc, s)]
    return head + body_sents[6:] if head else body_sents
