"""The role of an unnamed group target ("three opposition lawmakers", "dozens of
supporters", "the top staff of a newspaper"): only figures count as opposition; crowds,
newsrooms and professions are roles of their own.
"""
from __future__ import annotations

from ..titles import GOVERNMENT_WORDS, PERSON_NOUNS
from .index import FrameContext
from .lexicon import CROWD_NOUNS, FIGURE_NOUNS, MEDIA_NOUNS, PROFESSION_OF, QUANTITY_NOUNS, STAFF_NOUNS
from .roles import (
    EXPLICIT_OPPOSITION, deputy_of, is_former, its_party, has_opposition, np_words, party_role_in, profession,
    trade_of,
)


def group_role(tok, ctx: FrameContext) -> tuple[str, str]:
    """Role of an unnamed group ("three opposition lawmakers"): only figures count as
    opposition; crowds of supporters or protesters are a different story. A group
    listed with an opposition group shares the event: "Opposition figures, ex-diplomat
    detained" (the parser makes the last of the list the target)."""
    role = _own_group_role(tok, ctx)
    if role[0] != "unknown":
        return role
    for other in _listed_with(tok):
        theirs = _own_group_role(other, ctx)
        if theirs[0] == "opposition":
            return "opposition", f"{theirs[1]}, listed with '{tok.text}'"
    return role


def _listed_with(tok) -> list:
    """The nouns coordinated or in apposition with ``tok``, one level up and down."""
    out = [c for c in tok.children if c.dep_ in {"conj", "appos"} and c.pos_ in {"NOUN", "PROPN"}]
    if tok.dep_ in {"conj", "appos"} and tok.head.pos_ in {"NOUN", "PROPN"}:
        out.append(tok.head)
    return out


def media_staff(tok) -> str | None:
    """"the top staff of Cumhuriyet daily", "people working for the newspaper": the
    outlet noun (a newsroom's staff are its journalists)."""
    if tok.lemma_.lower() not in STAFF_NOUNS and tok.lower_ not in STAFF_NOUNS:
        return None
    preps = [c for c in tok.children if c.dep_ == "prep" and c.lower_ in {"of", "at", "from", "for"}]
    preps += [p for c in tok.children if c.dep_ in {"acl", "relcl", "ccomp"} and c.lemma_.lower() == "work"
              for p in c.children if p.dep_ == "prep" and p.lower_ in {"for", "at"}]
    if tok.dep_ == "nsubj" and tok.head.lemma_.lower() == "work":  # "people working for ..." parsed upside down
        preps += [p for p in tok.head.children if p.dep_ == "prep" and p.lower_ in {"for", "at"}]
    for p in preps:
        for o in p.children:
            after = o.doc[o.i + 1] if o.i + 1 < len(o.doc) else None
            if o.dep_ == "pobj" and (o.lemma_.lower() in MEDIA_NOUNS or o.pos_ == "PROPN" and after is not None
                                     and after.lower_ in MEDIA_NOUNS):  # "of Cumhuriyet daily" (an adverb?)
                return o.text
    return None


_BY_THE_SCORE = frozenset({"dozens", "hundreds", "scores", "thousands"})
_AFFILIATED = frozenset({"affiliated", "linked", "associated", "belonging"})


def _many(tok) -> bool:
    """Ten or more, or "dozens of": "Around 20 members", "hundreds of members"."""
    for c in tok.children:
        if c.dep_ == "nummod":
            digits = c.text.replace(",", "")
            if digits.isdigit() and int(digits) >= 10 or c.lower_ in _BY_THE_SCORE:
                return True
    return tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in _BY_THE_SCORE


def _own_group_role(tok, ctx: FrameContext) -> tuple[str, str]:
    words = np_words(tok)
    head = tok.lemma_.lower()
    if head in QUANTITY_NOUNS or tok.pos_ == "NUM":
        # "dozens of opposition figures", "two of the party's leaders": the group is the "of"
        inner = next((o for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                      for o in c.children if o.dep_ == "pobj"), None)
        if inner is not None:
            return _own_group_role(inner, ctx)
    outlet = media_staff(tok)
    if outlet and not any(t.lower_ in EXPLICIT_OPPOSITION for t in words):
        return "journalist", f"group '{tok.text}' of a news outlet ('{outlet}')"
    if head in CROWD_NOUNS or tok.lower_ in CROWD_NOUNS:
        return "crowd", f"group noun '{tok.text}'"
    if head == "member" and _many(tok):
        return "crowd", f"rank and file: '{tok.text}' by the score"  # "around 20 members of the NLD"
    trade = trade_of(tok) if tok.lower_ in {"general", "generals"} else \
        PROFESSION_OF.get(tok.lower_) or PROFESSION_OF.get(head)
    if trade is None and (head in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS):
        trade = (profession(words) or (None, ""))[0]  # "the editor-in-chief"
    if trade and not any(t.lower_ in EXPLICIT_OPPOSITION for t in words):
        return trade, f"group noun '{tok.text}'"  # "three journalists", "two soldiers"
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
    tie = [w for c in tok.children if c.dep_ == "acl" and c.lower_ in _AFFILIATED for w in c.subtree]
    tied = party_role_in(tie, ctx) if tie and not _many(tok) else None
    if tied:
        return tied  # "five individuals affiliated with the KMT": the party's own people
    deputy = deputy_of(tok, ctx) or its_party(tok, ctx)  # "police arrested their campaign managers"
    if deputy:
        return deputy
    if any(t.lower_ in GOVERNMENT_WORDS and not is_former(t) for t in words):
        return "government", "group of officials"  # not "former ministers": out of office
    return "unknown", "unnamed group"

