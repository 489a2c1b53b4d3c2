"""The result types of text analysis: the contract between extraction and matching.

Offsets are character offsets into ``Analysis.text`` (headline + "\\n\\n" + body, exactly
as the WireItem carries them). Normalisation is length-preserving, so offsets also
index the original text.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str  # PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, ...
    canonical: str


@dataclass(frozen=True)
class Entity:
    canonical: str
    label: str
    mentions: tuple[Mention, ...]
    first_position: int
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class EventFrame:
    event: str  # event family, e.g. "arrest" (covers arrest/detain/jail/charge/indict/remand)
    action: str  # the specific action lemma: arrest, detain, jail, charge, indict, remand
    trigger: str
    trigger_start: int
    trigger_end: int
    target: str  # canonical name of the person it happens to
    target_role: str  # "opposition", "government", "unknown", ...
    role_evidence: str  # why the role was assigned (text or rule)
    sentence: Sentence
    agent: str | None = None
    place: str | None = None
    time: str | None = None
    status: str = "reported"  # reported | negated | released | called_for | warrant | background
    details: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Analysis:
    text: str
    headline_end: int  # text[:headline_end] is the headline
    dateline: str | None
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    entities: tuple[Entity, ...]
    events: tuple[EventFrame, ...]
    extractor_version: str
    # Caps that applied (consumers/understanding/limits.py), as notes for people, e.g.
    # "analysed the first 20000 of 990002 characters (cap 20000 characters)". Offsets
    # stay indices into ``text``, which is always the whole original text.
    limits: tuple[str, ...] = ()
