"""Whether an arrest-family trigger reports a real, current event: negated, called_for,
warrant, possible, released, continued, died or background instead of "reported" (the
story-level decisions are in main_news).
"""
from __future__ import annotations

from ..model import Sentence
from .index import FrameContext, lemma
from .lexicon import (
    ARREST_LEMMAS, CALL_VERBS, COMPETING_LEMMAS, COMPETING_WORDS, CONTINUE_LEMMAS, CUSTODY_FORCES,
    DEATH_LEMMAS, ESCAPE_LEMMAS, GOING_ON_WORDS, HELD_LEMMAS, LONG_UNITS, MEMORIAL_NOUNS, MODALS, NEG_WORDS,
    PROTEST_LEMMAS, REFUSAL_LEMMAS, RELEASE_LEMMAS, RELEASE_NOUNS, REMAND_NOUNS, REPORT_NOUNS, STATE_PREPS,
    SUBORDINATORS, THREAT_NOUNS, THREAT_VERBS, UNTRUE_WORDS, WARRANT_NOUNS, WARRANT_VERBS,
)


def _forces_who(clause) -> bool:
    """"X surrendered to police, who arrested him": a relative clause on the force that
    makes the arrest tells the story on; one on the person ("X, who was arrested in
    2015") is background."""
    noun = clause.head
    return (noun.lemma_.lower() in CUSTODY_FORCES or noun.lower_ in CUSTODY_FORCES) and any(
        c.dep_ == "nsubj" and c.lower_ in {"who", "which", "that"} for c in clause.children)


def _in_absentia(tok, heads) -> bool:
    """"Russian court arrests Navalny's associate in absentia", "sentenced in absentia": an
    order against someone out of reach, not custody."""
    clause = next((h for h in heads if h.pos_ in {"VERB", "AUX"}), tok)
    return any(t.lower_ == "absentia" and t.i and t.doc[t.i - 1].lower_ == "in" for t in clause.subtree)


def _that_clause_misread(clause) -> bool:
    """"... published on its account that Perkins Rocha was arrested on Tuesday", parsed
    as a relative clause with "that" its object: a passive with a subject of its own has no
    place for a relative pronoun, so "that" is the complementiser of a report."""
    return any(c.dep_ == "auxpass" for c in clause.children) and any(
        c.dep_ == "nsubjpass" and c.lower_ not in {"who", "which", "that", "whom"} for c in clause.children) and any(
        c.lower_ == "that" and c.dep_ in {"dobj", "mark", "nsubj"} and c.i < clause.i for c in clause.children)


# Verbs that hold people to account for a deed: "tried for their role in the detention of X".
_ACCOUNT_LEMMAS = frozenset({"try", "convict", "prosecute", "investigate", "sanction", "punish", "fire",
                             "suspend", "dismiss", "blame", "accuse"})


def _deed_of_others(tok):
    """The verb that charges or tries others over this custody ("12 charged in the
    detention of X"): the noun names whose custody, and sits in an in/over/for phrase
    (through at most one noun: "their role in") under that verb."""
    if tok.dep_ != "pobj" or not any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ == "of"
                                     for c in tok.children):
        return None
    prep = tok.head
    for _ in range(2):
        if prep.lower_ not in {"in", "over", "for"}:
            return None
        up = prep.head
        if up.pos_ in {"VERB", "AUX"}:
            return up if up.i != tok.i and (lemma(up) in ARREST_LEMMAS or lemma(up) in _ACCOUNT_LEMMAS) else None
        if up.pos_ != "NOUN" or up.dep_ != "pobj":
            return None
        prep = up.head  # "for their role in ..."
    return None


_REPORT_LEMMAS = frozenset({"say", "tell", "add", "report", "announce", "confirm", "state", "claim", "allege",
                            "learn", "emerge", "reveal", "write", "believe", "know", "find"})


def _reported(heads) -> bool:
    """The trigger sits in what someone says or learnt: "police said X had been arrested"."""
    return any(below.dep_ in {"ccomp", "xcomp"} and lemma(h) in _REPORT_LEMMAS
               for below, h in zip(heads, heads[1:5]))


def _held_aside(tok, is_noun: bool):
    """"Biscet, jailed in Cuba, was not present", "moved opposition politicians, arrested
    earlier this month, to prison": a participle set off by commas on the subject or object
    of a clause about something else, not dated this week, describes one already held. The
    clause's verb, or None."""
    if is_noun or tok.dep_ != "acl" or tok.tag_ != "VBN" or tok.i == 0:
        return None
    held, main = tok.head, tok.head.head
    if held.dep_ not in {"nsubj", "nsubjpass", "dobj"} or main.pos_ not in {"VERB", "AUX"} \
            or lemma(main) in ARREST_LEMMAS:
        return None
    # "..., arrested on Monday, appeared in court" is this week's news; "..., arrested in a
    # crackdown earlier this month, to prison" is not
    if tok.doc[tok.i - 1].text != "," or _this_week(tok):
        return None
    return main


def _what_it_follows(tok, heads) -> bool:
    """The noun is (a conjunct of) the object of "follow", through nouns only."""
    for below, h in zip(heads, heads[1:5]):
        if h.pos_ in {"VERB", "AUX"}:
            return lemma(h) == "follow" and below.dep_ in {"dobj", "conj"} and not any(
                c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in {"police", "officers"} for c in h.children)
        if below.dep_ not in {"conj", "dobj", "pobj", "prep", "appos"}:
            return False
    return False


def _lasting(verb) -> bool:
    """A "for two years" / "for months" duration on the verb."""
    return any(c.dep_ == "prep" and c.lower_ == "for" and any(
        o.dep_ == "pobj" and o.lower_ in LONG_UNITS for o in c.children) for c in verb.children)


def status_of(tok, is_noun: bool, sentence: Sentence, ctx: FrameContext,
              headline_verb: bool = False) -> tuple[str, str]:
    """Whether the trigger reports a real, current event, and why not if it does not.

    ``headline_verb``: frames found the trigger to be a headline verb the tagger read as a
    noun compound ("Court sentences leader X"; frames._headline_noun_verb), so it is not
    attributive."""
    # negation on the trigger or on the verb that governs a nominal trigger
    heads = [tok]
    h = tok
    while h.head != h and len(heads) < 6:
        h = h.head
        heads.append(h)
    if any(c.lower_ in NEG_WORDS and c.dep_ in {"neg", "det", "advmod"} for c in tok.children):
        return "negated", "negation on trigger"
    if is_noun and tok.head.pos_ in {"VERB", "AUX"} and any(c.dep_ == "neg" for c in tok.head.children):
        return "negated", f"negated '{tok.head.text}'"
    for h in heads[1:5]:
        if h.pos_ == "NOUN" and any(c.dep_ == "amod" and c.lower_ in UNTRUE_WORDS for c in h.children):
            return "negated", f"an untrue '{h.text}'"  # "an erroneous report that X was arrested"
        if any(c.dep_ == "acomp" and c.lower_ in UNTRUE_WORDS for c in h.children):
            return "negated", f"called '{next(c.text for c in h.children if c.lower_ in UNTRUE_WORDS)}'"
        if h.lemma_.lower() == "deny" and any(t == tok or t.is_ancestor(tok) for t in h.children
                                              if t.dep_ == "ccomp"):
            return "negated", f"'{h.text}' that it happened"  # "police denied the reporter was arrested"
    prev = tok.doc[tok.i - 1] if tok.i > tok.sent.start else None
    if prev is not None and tok.tag_ in {"VBN", "VBD"} and \
            RELEASE_LEMMAS & {prev.lemma_.lower(), prev.lower_.removesuffix("s")}:
        # "Norvale frees jailed opposition leader X", however the verb before the
        # participle was parsed: the news is the release
        return "released", f"'{prev.text} {tok.text}'"
    if any(c.dep_ == "mark" and c.lower_ == "that" for c in tok.children):
        # "an erroneous report by a section of the media that X was arrested" (the
        # that-clause often hangs off the wrong noun)
        untrue = next((n for n in tok.sent if n.i < tok.i and n.lemma_.lower() in REPORT_NOUNS
                       and any(c.dep_ == "amod" and c.lower_ in UNTRUE_WORDS for c in n.children)), None)
        if untrue is not None:
            return "negated", f"an untrue '{untrue.text}'"
    if tok.dep_ in {"acl", "relcl"} and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return "background", "'the first ... to be arrested': a record, not an event"
    if len(heads) > 1 and heads[1].lemma_.lower() in REFUSAL_LEMMAS and tok.dep_ == "xcomp" and not is_noun:
        return "negated", f"'{heads[1].text}' the {tok.text}"  # "court refuses to remand X in custody"
    over = _deed_of_others(tok) if is_noun else None
    if over is not None:
        # "12 charged in detention of opposition leader", "will be tried for their role in
        # the detention of X": what others are charged over
        return "background", f"what '{over.text}' is over"
    if is_noun and tok.dep_ == "pobj" and tok.head.lower_ in {"against", "over"} \
            and tok.head.head.lemma_.lower() in PROTEST_LEMMAS:
        # "students protested against the arrest of an opposition lawmaker": it came before
        return "background", f"'{tok.head.head.text} {tok.head.text}' the {tok.text}"
    if is_noun and tok.dep_ == "dobj" and tok.head.lemma_.lower() == "cite":
        # "suspended its participation, citing the detention of its officials": a reason given
        return "background", f"'{tok.head.text}' the {tok.text}"
    if is_noun and _what_it_follows(tok, heads):
        # "The move follows weeks of tensions ... and the arrest of senior figures": before the news
        return "background", "what the news follows"
    if is_noun and tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lemma_.lower() in MEMORIAL_NOUNS:
        # "marked the fifth anniversary of his arrest": a date remembered
        return "background", f"the '{tok.head.head.text}' of the {tok.text}"
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
        if lem in WARRANT_VERBS and is_noun and (tok.lemma_.lower() in REMAND_NOUNS
                                                 or any(c.lower_ == "house" for c in tok.children)):
            break  # "the prosecutor ordered the detention of X for 15 days", "ordered house arrest for X": custody now
        if lem in WARRANT_VERBS and (is_noun or tok.dep_ in {"ccomp", "xcomp"}):
            return "warrant", f"'{h.text} the {tok.text}'"
    if _in_absentia(tok, heads):
        return "warrant", "in absentia: the person is not in custody"  # "court arrests X in absentia"
    call = _calling_verb(heads)
    if call is not None:
        return "called_for", f"'{call.text}' that it happen"  # "asked that X be ... sentenced to prison"
    if any(c.lower_ in WARRANT_NOUNS for c in tok.children) or tok.head.lower_ in WARRANT_NOUNS:
        return "warrant", "arrest warrant"
    if is_noun:
        # a headline verb the tagger made a noun: "Court orders arrest of X", "Party urges arrest"
        verb = next((c for c in tok.children if c.dep_ == "compound" and c.tag_ in {"NNS", "VBZ"}), None)
        if verb is not None and verb.lemma_.lower() in WARRANT_VERBS and tok.lemma_.lower() not in REMAND_NOUNS:
            return "warrant", f"'{verb.text} {tok.text}'"
        if verb is not None and verb.lemma_.lower() in CALL_VERBS:
            return "called_for", f"'{verb.text} {tok.text}'"
    # threats and possibilities ("escaped house arrest" was real; "escape arrest" was not)
    real_state = any(c.lower_ == "house" for c in tok.children)
    if real_state and len(heads) > 1 and heads[1].lemma_.lower() in ESCAPE_LEMMAS:
        return "background", f"'{heads[1].text}' house arrest (was held, no longer is)"
    # "has been under house arrest since 2017", "has been detained since September 5": an
    # ongoing state, not news ("has been detained since Monday" is this week's news)
    since_scope = []
    if is_noun and tok.dep_ == "pobj" and tok.head.lower_ in STATE_PREPS:
        clause = next((h for h in heads[2:] if h.pos_ in {"VERB", "AUX"}), None)
        since_scope = [tok] + ([clause] if clause is not None else [])
    elif not is_noun and any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in tok.children):
        since_scope = [tok]
    elif not is_noun and tok.tag_ == "VBG":
        # "has overseen a crackdown since taking power, locking up dissidents": the
        # participle shares the perfect clause's time
        top = tok.head if tok.dep_ == "conj" and tok.head.tag_ == "VBG" else tok
        if top.dep_ == "advcl" and any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in top.head.children):
            since_scope = [top.head]
    if any(c.dep_ == "prep" and c.lower_ == "since" and (is_noun or not _this_week(c))
           for h in since_scope for c in h.children):
        return "background", "ongoing 'since' state"
    # "X, held under house arrest for two years, ...", "has been detained for 18 months": a
    # custody that has lasted (a court that jails X, or places X under house arrest, "for
    # two years" is news)
    for h in since_scope or [tok]:
        if (h.dep_ in {"acl", "relcl"} or any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in h.children)) \
                and lemma(h) in HELD_LEMMAS and _lasting(h):
            return "background", "held for months or years: an ongoing state"
    if is_noun and tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in LONG_UNITS:
        return "background", f"'{tok.head.head.text} of {tok.text}': an ongoing state"  # "one year of house arrest"
    if not is_noun and tok.dep_ == "ROOT" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
        return "possible", "'to' + verb: a plan, not an act"  # headline "Azerbaijan to arrest X?"
    if sentence.text.rstrip().endswith("?"):
        return "possible", "a question"
    for below, h in zip([None, *heads], heads[:4]) if not real_state else []:
        if below is not None and (below.dep_ == "pcomp" and h.lower_ in {"after", "following"} or below.dep_ == "advcl"
                                  and any(c.dep_ == "mark" and c.lower_ in {"after", "once"} for c in below.children)):
            break  # "X will spend the night in custody after being charged": the charge came first
        if any(c.dep_ == "aux" and c.lower_ in MODALS for c in h.children) and not _custody_begins(h):
            return "possible", "modal verb"
        if h != tok and h in governors and (h.lemma_.lower() in THREAT_VERBS or h.lower_ in THREAT_NOUNS):
            return "possible", f"'{h.text}' governs the trigger"
        if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in h.children):
            return "possible", "conditional"
        if h != tok and (h.pos_ == "VERB" or h.pos_ == "AUX" and h.dep_ in {"ROOT", "ccomp", "conj", "advcl"}):
            break  # "Lopez is under arrest" inside "... the opposition may struggle"
    # released / acquitted / bailed: the clause that contains the trigger is about release
    clause = next((h for h in heads if h.pos_ in {"VERB", "AUX"}), heads[-1])
    clause_heads = heads[:heads.index(clause) + 1] if clause in heads else heads
    if clause.dep_ in {"pcomp", "advcl"} and clause.head.lower_ in SUBORDINATORS:
        clause_heads = heads[:heads.index(clause) + 4]  # "released on bail after being charged"
    for h in clause_heads:
        lem = h.lemma_.lower()
        if lem in RELEASE_LEMMAS and h.pos_ in {"VERB", "AUX"} and h != tok:
            return "released", f"'{h.text}'"
        if h.lower_ in RELEASE_NOUNS and h != tok:
            return "released", f"'{h.text}'"
    if any(c.lower_ in {"bail", "acquitted", "acquittal", "freed", "released"} for c in clause.children):
        return "released", "release in same clause"
    going_on = next((c for c in tok.children if c.dep_ == "amod" and c.lower_ in GOING_ON_WORDS), None)
    if is_noun and going_on is not None:
        return "continued", f"'{going_on.text} {tok.text}'"  # "ordered the continued detention of X"
    if not is_noun and any(c.dep_ == "advmod" and c.lower_ == "further" for c in tok.children):
        return "continued", f"'further {tok.text}'"  # "X has been further remanded till tomorrow"
    if tok.dep_ == "conj" and tok.head.lemma_.lower() in CONTINUE_LEMMAS:
        return "continued", f"'{tok.head.text}'"  # "extended the detention of X and held him incommunicado"
    for h in clause_heads:
        lem = h.lemma_.lower()
        if lem in DEATH_LEMMAS or h.lower_ in DEATH_LEMMAS:
            return "died", f"'{h.text}' in custody"  # "four opposition members die in custody"
        if h != tok and lem in CONTINUE_LEMMAS:
            return "continued", f"'{h.text}'"  # "court extends remand of X", "X remains in jail"
    if tok.dep_ in {"amod", "compound", "nmod"} and not is_noun and not headline_verb:
        return "background", "attributive ('the detained leader')"
    # background: outside the lead, dated in an earlier year, or subordinate in the lead
    dated = ctx.past_date_for(tok, is_noun)
    if dated is not None:
        return "background", f"dated '{dated.text}'"
    if not is_noun and any(c.dep_ in {"aux", "auxpass"} and c.lower_ == "had" for c in tok.children) \
            and not _reported(heads):
        # "X had been arrested on July 1": before the story's news (not "police said X had
        # been arrested", a report's tense)
        return "background", "past perfect"
    held = _held_aside(tok, is_noun)
    if held is not None:
        return "background", f"an aside on one already held ('{tok.text}', then '{held.text}')"
    for h in heads[:3]:
        if h.dep_ == "relcl" and not _forces_who(h) and not _that_clause_misread(h):
            return "background", "relative clause"
        if h.dep_ in {"pcomp", "pobj", "advcl"} and h.head.lower_ in SUBORDINATORS:
            if h == tok and is_noun and h.head.lower_ in {"before", "after", "following"} and _this_week(tok):
                continue  # "hours before his arrest by the ED on Wednesday evening": today's news
            return "background", f"'{h.head.text}' clause"
        if any(c.dep_ == "mark" and c.lower_ in SUBORDINATORS for c in h.children):
            if _news_of_the_lead(h, sentence, ctx):
                continue
            return "background", "subordinate clause"
    if sentence.index not in ctx.lead_ids:
        return "background", "not in the lead"
    return "reported", "lead sentence"


def _custody_begins(verb) -> bool:
    """"X will spend the night in police custody", "will return to pretrial detention for 15
    months", "will spend five years in prison": a certain "will" on going into custody (or
    being in it tonight) is the news, unless a condition follows ("if convicted")."""
    if lemma(verb) == "take" and any(c.lower_ == "will" for c in verb.children) \
            and any(c.dep_ == "auxpass" for c in verb.children):
        # "X will be taken to prison" after a ruling: the custody the ruling begins
        return any(c.dep_ == "prep" and c.lower_ == "to" and any(
            o.lemma_.lower() in {"prison", "jail", "custody", "detention"} for o in c.children) for c in verb.children)
    if lemma(verb) not in {"spend", "return", "go"} or not any(c.lower_ == "will" for c in verb.children):
        return False
    if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless", "whether"}
                                     for m in c.children) for c in verb.children):
        return False
    if lemma(verb) == "spend":
        return any(c.dep_ == "dobj" and (c.lemma_.lower() in {"night", "weekend"} or any(
            n.dep_ == "nummod" for n in c.children)) for c in verb.children)
    return any(c.dep_ == "prep" and c.lower_ == "to" for c in verb.children)


def _news_of_the_lead(clause, sentence: Sentence, ctx: FrameContext) -> bool:
    """A lead's "after" / "before" clause dated this week, hanging off a main clause that
    is no competing event, is the news itself: "the trial ended on Tuesday after the court
    sentenced him to seven years", "X rallied supporters on Tuesday before he turned himself
    in". A "since", "until" or "despite" clause, or one on a release ("freed on Monday after
    he was held ..."), stays background."""
    mark = next(c for c in clause.children if c.dep_ == "mark" and c.lower_ in SUBORDINATORS)
    main = clause.head
    if mark.lower_ not in {"after", "before", "following"} or sentence.index not in ctx.lead_ids:
        return False
    if main.lemma_.lower() in COMPETING_LEMMAS | RELEASE_LEMMAS | DEATH_LEMMAS | CONTINUE_LEMMAS \
            or main.lower_ in COMPETING_WORDS:
        return False
    return any(t.lower_ in _THIS_WEEK for t in main.sent)


_THIS_WEEK = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                        "yesterday", "today", "tonight", "overnight"})


def _this_week(tok) -> bool:
    """Words after ``tok`` that date it to the last few days: "his arrest on Monday",
    "since Tuesday"."""
    return any(t.lower_ in _THIS_WEEK for t in tok.subtree if t.i >= tok.i)


def _calling_verb(heads):
    """"Prosecutors asked that X be found guilty and sentenced to prison", "demanded that
    X be arrested": a call verb whose clausal complement holds the trigger (through
    coordinated or adverbial verbs of that clause)."""
    for child, h in zip(heads, heads[1:4]):
        if h.lemma_.lower() in CALL_VERBS and child.dep_ in {"ccomp", "xcomp"} and (
                any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
                or any(c.dep_ in {"aux", "auxpass"} and c.lower_ == "be" for c in child.children)):
            return h
        if child.dep_ not in {"advcl", "conj", "ccomp", "xcomp"}:
            return None
    return None
