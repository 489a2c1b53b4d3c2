"""Escalation: when a later story about the same event is a *material* change.

Every piece of evidence gets a stage from its frame (action, status) and its evidence
sentence. Stages are ranked; an existing alert escalates when a NEW piece of evidence
(not a replay) has a higher rank than the alert's current stage. Nothing else escalates:
more sources, a different wording or a repeat of the same stage only add evidence.

=====  ====================  ==========================================================
rank   stage                 recognised by
=====  ====================  ==========================================================
1      arrested              action arrest / detain / remand / jail (and anything else)
2      charged               action charge / indict, or "charged", "indicted",
                             "charges" in the evidence sentence
3      charged with treason  a charge (as in 2, or "accused of") and "treason" in the
                             evidence sentence
4      sentenced             "sentenced", "convicted", "found guilty" in the evidence
                             sentence, or the analyzer's trigger lemma "sentence"
5      released              frame status "released", or "released", "freed",
                             "acquitted", "pardoned", "on bail" in the evidence sentence
                             -- unless the sentence only calls for it ("called for his
                             release", "demanded", "urged")
=====  ====================  ==========================================================

So arrest → charged, charged → treason charge, anything → sentenced (if below), and
anything → released escalate; a later plain "arrested" story never does. The first
alert starts at the highest stage among the items that opened it (the reference story
says "arrested ... and charged with treason", so it opens at rank 3).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

STAGES = {1: "arrested", 2: "charged", 3: "charged with treason", 4: "sentenced", 5: "released"}
RANK = {v: k for k, v in STAGES.items()}

_CHARGE = re.compile(r"\b(charged|charges?|charging|indicted|indictment|accused|prosecuted)\b", re.I)
_TREASON = re.compile(r"\b(treason|treasonous|high treason)\b", re.I)
_SENTENCE = re.compile(r"\b(sentenced|sentencing|convicted|found guilty|jailed for \d+)\b", re.I)
_RELEASE = re.compile(r"\b(released|releases|freed|frees|acquitted|pardoned|on bail|set free)\b", re.I)
_ONLY_CALLS = re.compile(r"\b(call(ed|s|ing)? for|demand(ed|s|ing)?|urg(ed|es|ing)|appeal(ed|s)? for|"
                         r"sought|seek(s|ing)?|could|may|might|would)\b", re.I)


@dataclass(frozen=True)
class Stage:
    rank: int
    name: str
    because: str

    def to_dict(self) -> dict:
        return {"rank": self.rank, "stage": self.name, "because": self.because}


def stage_of(action: str | None, status: str | None, evidence: str | None, lemma: str | None = None) -> Stage:
    """The stage one piece of evidence reports (see the table in the module doc)."""
    text = evidence or ""
    action = (action or "").lower()
    if status == "released":
        return Stage(5, STAGES[5], "frame status released")
    m = _RELEASE.search(text)
    if m and not _ONLY_CALLS.search(text):
        return Stage(5, STAGES[5], f"evidence says \u201c{m.group(0)}\u201d")
    m = _SENTENCE.search(text)
    if m or lemma == "sentence":
        return Stage(4, STAGES[4], f"evidence says \u201c{m.group(0)}\u201d" if m else "trigger \u201csentence\u201d")
    charge = None if action in ("charge", "indict") else _CHARGE.search(text)
    charged = action in ("charge", "indict") or charge
    if charged and _TREASON.search(text):
        return Stage(3, STAGES[3], "a charge and \u201ctreason\u201d in the evidence")
    if charged:
        why = f"action {action}" if charge is None else f"evidence says \u201c{charge.group(0)}\u201d"
        return Stage(2, STAGES[2], why)
    return Stage(1, STAGES[1], f"action {action or 'arrest'}")


@dataclass(frozen=True)
class Escalation:
    level: int        # the alert's escalation counter after this change
    old: str
    new: Stage
    item_id: str
    reason: str

    def to_dict(self, at: str) -> dict:
        return {"level": self.level, "from": self.old, "to": self.new.name, "rank": self.new.rank,
                "item_id": self.item_id, "reason": self.reason, "at": at}


def escalation(current_rank: int, current_level: int, candidates: list[tuple[str, Stage]]) -> Escalation | None:
    """The escalation the NEW evidence `candidates` [(item_id, stage)] causes, if any.

    Several new items in one batch escalate once, to the strongest stage among them.
    """
    better = [(item, st) for item, st in candidates if st.rank > current_rank]
    if not better:
        return None
    item, st = max(better, key=lambda p: p[1].rank)
    old = STAGES.get(current_rank, "none")
    return Escalation(current_level + 1, old, st, item, f"{old} \u2192 {st.name} ({st.because})")
