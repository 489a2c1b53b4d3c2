"""Who an unnamed or unknown-side target is: the lead describes ("the opposition leader",
"an MP", "the former interim president of Bolivia") and the next sentences name, or the
story says whom a crackdown is on. Post-passes over one document's frames."""
from __future__ import annotations

from dataclasses import replace

from ..titles import PERSON_NOUNS
from .index import FrameContext
from .lexicon import CRITIC_NOUNS, PROFESSION_ROLES, SAME_TITLE
from .roles import EXPLICIT_OPPOSITION

_CRACKDOWN_NOUNS = frozenset({"crackdown", "clampdown", "purge"})
_TARGETING_VERBS = frozenset({"target", "hit", "sweep", "ensnare"})
_GATHERINGS = frozenset({"rally", "protest", "march", "demonstration", "meeting", "conference", "gathering"})


def crackdown_targets(frames: list, doc, ctx: FrameContext) -> list:
    """"Police arrested the former ambassador ... in a crackdown that targeted figures of
    the former ruling Patriotic Front party": a lead target of unknown side, arrested in
    a crackdown on the opposition (by word, or a party in opposition that day), is one
    of its figures."""
    out = []
    for f in frames:
        if f.target_role == "unknown" and f.status == "reported" and f.sentence.index in ctx.lead_ids \
                and f.details.get("target_kind") == "group":
            span = doc.char_span(f.sentence.start, f.sentence.end, alignment_mode="expand") or ()
            for t in span:
                if t.lemma_.lower() not in _CRACKDOWN_NOUNS:
                    continue
                on_whom = _opposition_in(_crackdown_object(t), ctx)
                if on_whom:
                    f = replace(f, target_role="opposition",
                                role_evidence=f"{f.role_evidence}; arrested in a {t.text} on {on_whom}")
                    break
        out.append(f)
    return out


def _crackdown_object(t) -> list:
    """Whom a crackdown is on: "a crackdown on the opposition", "a crackdown that
    targeted figures of X", "an opposition crackdown"; not what it followed."""
    words = []
    for c in t.children:
        if c.dep_ == "prep" and c.lower_ in {"on", "against"}:
            words += list(c.subtree)
        elif c.dep_ in {"relcl", "acl"} and c.lemma_.lower() in _TARGETING_VERBS:
            words += [w for d in c.children if d.dep_ == "dobj" for w in d.subtree]
        elif c.dep_ == "appos":  # the relative clause misparsed: "crackdown that targeted [figures of X]"
            words += list(c.subtree)
        elif c.dep_ in {"compound", "amod"}:
            words.append(c)
    return words


def _opposition_in(tokens, ctx: FrameContext) -> str | None:
    """The opposition word, or the name of a party in opposition, among ``tokens``."""
    for t in tokens:
        if t.lower_ in EXPLICIT_OPPOSITION and t.head.lemma_.lower() not in _GATHERINGS:
            return f"the '{t.text}'"  # a crackdown on an opposition rally is on its crowd
        m = ctx.mention_at(t.idx)
        if m is not None and ctx.party_roles.get(m.canonical, ("",))[0] == "opposition":
            return m.canonical
    return None


def critic_by_trade(frames: list, lead: set) -> list:
    """"Police arrest staunch government critic" over "police arrested journalist X, a
    known government critic": the critic the headline describes is the one person the
    lead names as arrested, and that person's trade (journalist, activist) is the role."""
    named = {(f.target, f.target_role) for f in frames if f.target and f.sentence.index in lead
             and f.details.get("target_kind") in {"person", "pronoun"} and f.status == "reported"}
    if len(named) != 1:
        return frames
    ((name, trade),) = named
    if trade not in PROFESSION_ROLES or trade == "crowd":
        return frames
    out = []
    for f in frames:
        words = set(f.details.get("target_phrase", "").lower().split())
        if not f.target and f.target_role == "opposition" and f.sentence.index in lead and words & CRITIC_NOUNS \
                and not words & EXPLICIT_OPPOSITION:
            f = replace(f, target_role=trade,
                        role_evidence=f"{f.role_evidence}; the '{f.details['target_phrase']}' is {name}, a {trade}")
        out.append(f)
    return out


def name_the_lead_description(frames: list, lead: set) -> list:
    """"Nicaraguan police arrested another challenger to President Ortega" and then
    "Felix Maradiaga was arrested Tuesday"; "Journalist jailed for refusing to reveal
    source" and then "Judith Miller ... was jailed": the lead describes the person
    without a name, and the one person of unknown side the first sentences name as
    arrested is that person. Only when exactly one such person is named."""
    window = max(lead) + 2 if lead else 0
    named = {f.target for f in frames if f.target and f.target_role == "unknown"
             and f.details.get("target_kind") in {"person", "pronoun"} and f.sentence.index <= window}
    if len(named) != 1:
        return frames
    (name,) = named
    described = [f for f in frames if f.details.get("describes_person") and f.target_role not in {"unknown", "crowd"}
                 and f.sentence.index in lead and f.status == "reported"]
    roles = {f.target_role for f in described}
    if len(roles) != 1 or any(f.target and f.target_role in roles for f in frames):
        return frames
    first = described[0]
    phrase = first.details.get("target_phrase", "")
    evidence = f"the lead's '{phrase}' ({first.role_evidence}) is {name}, the only person named as arrested"
    return [replace(f, target_role=first.target_role, role_evidence=evidence) if f.target == name else f
            for f in frames]


_TITLE_STOP = frozenset({"VERB", "AUX", "ADP", "CCONJ", "SCONJ", "PUNCT", "PRON"})


def name_by_title(frames: list, lead: set, doc, mentions, ctx: FrameContext) -> list:
    """"An MP and a former senator were held ..." and then "Gatundu South MP Moses Kuria
    and former Machakos Senator Johnstone Muthama ...": an unnamed lead target is the one
    person the next sentences name with the same title word. A target of unknown side
    takes that person's known role; an "opposition leader" keeps its own, unless the
    story names no target of that side and says the person is something else."""
    has_named = {f.target_role for f in frames if f.target}
    unnamed = [f for f in frames if not f.target and f.details.get("target_head") and f.sentence.index in lead
               and f.status == "reported" and (f.target_role == "unknown" or f.target_role not in has_named)]
    if not unnamed:
        return frames
    window = max(lead) + 2
    titled: dict[str, set[str]] = {}
    set_off: dict[tuple[int, str], str] = {}  # (sentence, title word) -> the name after its comma
    for m in mentions:
        sent = ctx.sentence_of(m.start) if m.label == "PERSON" else None
        if sent is None or sent.index > window:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        for t in reversed(doc[max(span.start - 4, 0):span.start] if span is not None else []):
            if t.pos_ in _TITLE_STOP:
                break
            titled.setdefault(t.lower_, set()).add(m.canonical)
        title = _title_before_comma(doc, span) if span is not None else None
        if title is not None:
            set_off.setdefault((sent.index, title), m.canonical)
    ids = {id(f) for f in unnamed}
    out = []
    for f in frames:
        names: set[str] = set()
        if id(f) in ids:
            head = f.details.get("target_head", "")
            # the name set off by commas right after the title is who it is, even when the
            # parser makes it a conjunct ("The former interim president of Bolivia, Jeanine
            # Áñez Chavez, and several former ministers have been arrested")
            beside = set_off.get((f.sentence.index, head))
            names = {beside} if beside is not None else titled.get(head, set()).union(
                *(titled.get(t, ()) for t in SAME_TITLE.get(head, ())))
        if len(names) == 1:
            (name,) = names
            role, why = ctx.person_roles.get(name, ("unknown", "no opposition evidence"))
            if f.target_role != "unknown":
                if role not in {"unknown", f.target_role}:
                    out.append(f)  # the story says otherwise of the person named
                    continue
                role, why = f.target_role, f.role_evidence
            phrase = f.details.get("target_phrase", "")
            f = replace(f, target=name, target_role=role,
                        role_evidence=f"the lead's '{phrase}' is {name}, named next with the same title; {why}",
                        details={**{k: v for k, v in f.details.items() if k != "describes_person"},
                                 "target_kind": "description"})
        out.append(f)
    return out


def _title_before_comma(doc, span) -> str | None:
    """The title noun a name is set off from by a comma: "the president of Bolivia,
    Jeanine Áñez" gives "president". At most five words back from the comma."""
    if span.start < 2 or doc[span.start - 1].text != ",":
        return None
    for t in reversed(doc[max(span.start - 6, 0):span.start - 1]):
        if t.lower_ in PERSON_NOUNS and t.pos_ == "NOUN":
            return t.lower_
        if t.pos_ not in {"PROPN", "ADP", "DET", "ADJ", "NOUN"} or t.ent_type_ == "PERSON":
            return None
    return None


# The heads of a description that may name a politician ("Brotherhood leader"), not "a man".
_POLITICAL_HEADS = frozenset({"leader", "politician", "lawmaker", "mp", "chief", "head", "chairman", "chairwoman",
                              "chair", "president", "secretary-general", "deputy", "official", "figure",
                              "candidate", "minister", "senator", "governor", "mayor", "spokesman", "spokesperson"})


def resolve_descriptions(frames: list, window: int = 1 << 30) -> list:
    """"Police arrest opposition leader" over "... arrested opposition leader Kem Sokha":
    a frame about one unnamed person ("the opposition leader") is about the story's
    named target of the same role when there is exactly one; otherwise it stays
    unnamed (target ""), so a description never becomes an alert target of its own."""
    named: dict[str, set[str]] = {}
    for f in frames:
        if f.target and f.details.get("target_kind") in {"person", "pronoun"}:
            named.setdefault(f.target_role, set()).add(f.target)
    everyone = {f.target: f.target_role for f in frames  # named near the lead
                if f.target and f.details.get("target_kind") in {"person", "pronoun"} and f.sentence.index <= window}
    near: dict[str, set[str]] = {}  # the same, named in the lead or just after it
    for f in frames:
        if f.target and f.details.get("target_kind") in {"person", "pronoun"} and f.sentence.index <= window:
            near.setdefault(f.target_role, set()).add(f.target)
    out = []
    for f in frames:
        who = named.get(f.target_role, ())
        which = f"the story's only {f.target_role} target"
        if len(who) > 1 and len(near.get(f.target_role, ())) == 1:
            who = near[f.target_role]  # "The jailed leader ..." then "Demirtas, the co-leader ..."
            which = f"the only {f.target_role} target named by the lead"
        role = f.target_role
        if f.details.get("describes_person") and not who and role == "unknown" and len(everyone) == 1 \
                and f.details.get("target_head") in _POLITICAL_HEADS:
            # "Brotherhood leader indicted" over "Zaki Bani Rsheid, the Brotherhood's deputy
            # leader": a description the story gives no side is its only named target
            ((name, role),) = everyone.items()
            who, which = {name}, f"the story's only named target ({role})"
        if f.details.get("describes_person") and len(who) == 1:
            (name,) = who
            phrase = f.details["target_phrase"]
            f = replace(f, target=name, target_role=role,
                        role_evidence=f"{f.role_evidence}; '{phrase}' is {name}, {which}",
                        details={**f.details, "target_kind": "description"})
        out.append(f)
    return out


def name_the_described(frames: list, described: list, mentions, person_roles) -> list:
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
