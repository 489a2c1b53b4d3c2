"""The story's main news: which of a document's reported frames stay the news (a
follow-up naming who the lead's arrest was about, the lead's first word on a person) and
which the headline or lead demote (a release, an appeal, custody that goes on).
"""
from __future__ import annotations

from dataclasses import replace

from ..model import EventFrame, Sentence
from .index import lemma
from .lexicon import (
    ACCUSATION_NOUNS, ARREST_LEMMAS, COMPETING_LEMMAS, COMPETING_WORDS, REFUSAL_LEMMAS, RELEASE_NOUNS, REMAND_NOUNS,
)


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
        if (lemma(v) in COMPETING_LEMMAS or v.lower_ in COMPETING_WORDS) and not _upholds_custody(v) \
                and not _denies_accusation(v) and not _refuses_release(v) or _releases(v):
            return v
    return None


_CUSTODY_RULINGS = frozenset({"conviction", "sentence", "verdict", "detention", "jailing", "term", "imprisonment"})


def _upholds_custody(verb) -> bool:
    """"upheld the conviction", "the sentence was upheld": ``uphold`` whose object or
    passive subject is a custody ruling (_CUSTODY_RULINGS; the jailing stands) is not
    news that competes with the custody. Other verbs never uphold it."""
    objs = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    if lemma(verb) == "uphold":
        return any(o.lemma_.lower() in _CUSTODY_RULINGS for o in objs)
    return False


# How far past the lead a frame may name who the lead's arrest was about.
FOLLOW_UP_SENTENCES = 6


def follow_up(frames: list, lead_ids: frozenset) -> list:
    """The story's main news decides, not a sentence's index: when the headline or the
    lead reports an arrest, the next sentences that name who was arrested ("The leader
    of Tanzania's main opposition party Chadema and other members were arrested")
    report the same news, unless they are themselves dated, subordinate or released."""
    if not lead_ids or not any(f.status == "reported" and f.sentence.index in lead_ids
                               and f.details.get("target_kind") not in {None, "none"}
                               and (f.target or f.details.get("target_kind") != "pronoun") for f in frames):
        # (a pronoun the story never resolves, "letting her into the jail", names no one)
        return frames  # the lead reports no one's arrest ("mistreatment in Evin prison")
    last = max(lead_ids) + FOLLOW_UP_SENTENCES
    out = []
    for f in frames:
        if f.status == "background" and f.details.get("status_reason") == "not in the lead" \
                and f.sentence.index <= last:
            f = replace(f, status="reported",
                        details={**f.details, "status_reason": "follows the lead's report of an arrest"})
        out.append(f)
    return out


# What the first lead frame on a person may say that later lead frames must not undo.
_GOES_ON = frozenset({"continued", "released", "died"})


def first_word(frames: list, lead_ids: frozenset) -> list:
    """The lead's first word on a person decides: "A court ordered the continued detention
    of X ... The ECHR lambasted the pre-trial detention of X" is a detention that goes on,
    not a new one."""
    first: dict[str, EventFrame] = {}
    for f in sorted(frames, key=lambda f: f.trigger_start):
        if f.target and f.sentence.index in lead_ids and f.status != "background":
            # (a relative clause's history, "X, who was arrested on ..., has been further
            # remanded", is not the first word on X)
            first.setdefault(f.target, f)
    out = []
    for f in frames:
        head = first.get(f.target) if f.target else None
        if f.status == "reported" and head is not None and head is not f and head.status in _GOES_ON:
            f = replace(f, status="background",
                        details={**f.details, "status_reason": f"the lead's first word on {f.target}: '{head.status}'"})
        out.append(f)
    return out


def _held_subject(span, triggers, index):
    """"Jailed former vice-president accepts Madrid rule": a headline whose main verb is
    not an arrest, about someone it calls already held. (trigger, main verb) or None."""
    root = span.root
    if root.pos_ not in {"VERB", "AUX"} or (index, root.idx) in triggers or lemma(root) in ARREST_LEMMAS:
        return None
    subj = next((c for c in root.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subj is None:
        return None
    held = next((c for c in subj.children if c.dep_ in {"amod", "compound"} and lemma(c) in ARREST_LEMMAS
                 and c.i < subj.i), None)
    return (held, root) if held is not None else None


def _releases(verb) -> bool:
    """"ordered the release of X", "granted him bail", "dropped the charges / the case":
    a verb whose object is the end of the custody."""
    objs = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    lem = lemma(verb)
    if lem in {"order", "grant", "approve", "secure", "win", "announce"}:
        return any(o.lemma_.lower() in RELEASE_NOUNS for o in objs)
    if lem in {"drop", "withdraw", "scrap"}:
        return any(o.lemma_.lower() in {"charge", "case", "prosecution", "indictment"} for o in objs)
    return False


def _extends_custody(verb) -> bool:
    """"Court extends pretrial detention of X", "X's remand was prolonged": custody that
    goes on, so the arrest in the lead is its history."""
    if lemma(verb) not in {"extend", "prolong", "renew", "lengthen"}:
        return False
    objs = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    return any(o.lemma_.lower() in REMAND_NOUNS | {"arrest", "sentence", "term"} for o in objs)


def _denies_accusation(verb) -> bool:
    """"X has denied the charges / any wrongdoing": the accused's standard answer,
    not news that competes with the custody (unlike "police deny arresting X" or "court
    denies bail")."""
    if lemma(verb) != "deny":
        return False
    objs = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    return bool(objs) and all(o.lemma_.lower() in ACCUSATION_NOUNS for o in objs)


def _competing_word(tok) -> bool:
    """A headline word that announces other news: "freed", "appeals", "drops charges";
    not "without bail", not "denies the charges"."""
    if tok.lower_ in COMPETING_WORDS:
        return not _refused(tok) and not _denies_accusation(tok) and not _refuses_release(tok)
    return tok.pos_ in {"VERB", "NOUN"} and _releases(tok) and not _refused(tok)


def _refuses_release(verb) -> bool:
    """"Court denies bail to X": bail is heard right after an arrest, so that custody is the
    news (not "rejects an appeal for release": a detention that goes on)."""
    return lemma(verb) in REFUSAL_LEMMAS and any(c.dep_ in {"dobj", "dative"} and c.lower_ == "bail"
                                                 for c in verb.children)


def _refused(tok) -> bool:
    """"remanded without bail", "denied bail", "refuses release": the competing news
    did not happen, so the custody is still the news."""
    if tok.lemma_.lower() in REFUSAL_LEMMAS:
        return False  # the refusal itself ("denies arresting") competes
    prev = tok.doc[tok.i - 1] if tok.i else None
    if prev is not None and prev.lower_ in {"without", "no"}:
        return True
    if tok.head != tok and tok.head.lemma_.lower() in REFUSAL_LEMMAS:
        return True
    # "refuses to grant bail": the release verb is itself refused
    up = tok.head
    return up.dep_ == "xcomp" and up.head.lemma_.lower() in REFUSAL_LEMMAS


def main_news(frames: list, doc, sentences, headline_end: int, body_sents, titles=()) -> list:
    """Demote "reported" frames to background when the story's main news is something
    else: the headline announces a release/pardon/appeal/denial, or the lead sentence's
    main verb does. An arrest the headline itself reports (as its main verb) stands."""
    reported = [f for f in frames if f.status == "reported"]
    if not reported:
        return frames
    head_sents = [s for s in sentences if s.start < headline_end]
    first_body = body_sents[0] if body_sents else None
    reason = None
    tops = {x.index for x in [*head_sents, *titles]}
    freed = next((f for f in frames if f.status == "released" and f.sentence.index in tops), None)
    if freed is not None:
        # "Agency arrested and released ex-PM X": the headline's own arrest ends in a release
        reason = f"headline reports the release ('{freed.details.get('status_reason', '')}')"
    triggers = {(f.sentence.index, f.trigger_start) for f in reported}
    for s in head_sents if reason is None else ():
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is None:
            continue
        if (s.index, span.root.idx) in triggers:
            return frames  # "Police arrest opposition leader ..." is the news
        if _extends_custody(span.root):
            reason = f"headline is about custody that goes on ('{span.root.text}')"
            break
        held = _held_subject(span, triggers, s.index)
        if held is not None:
            reason = f"headline is about a person already '{held[0].text.lower()}', who '{held[1].text}'"
            break
        hit = next((t for t in span if _competing_word(t)), None)
        if hit is not None:
            reason = f"headline is about '{hit.text}'"
            break
    for s in titles if reason is None else ():
        # a headline the page layout left in the body ("Opposition Leader Appeals")
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        hit = next((t for t in span or () if _competing_word(t)), None)
        if hit is not None:
            reason = f"title line is about '{hit.text}'"
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
