"""Entity and event conditions of a topic, evaluated against an ``Analysis``.

Names compare by ``normalise_name`` (lower-cased tokens), against an entity's canonical
name and every alias. Without an analysis neither kind of condition can hold.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from consumers.matching.document import entity_names, normalise_name
from consumers.understanding.model import Analysis, Entity, EventFrame, Mention

# The statuses the analyzer emits (see consumers/understanding/events/status.py).
EVENT_STATUSES = ("reported", "negated", "released", "called_for", "warrant", "possible", "background")
COUNTRY_LABELS = ("GPE",)
_MAX_DATELINE_NGRAM = 4


def dateline_ngrams(dateline: str | None) -> set[str]:
    """Every run of up to 4 dateline tokens: a country "occurs" in the dateline."""
    toks = normalise_name(dateline or "").split()
    return {
        " ".join(toks[i:j])
        for i in range(len(toks))
        for j in range(i + 1, min(len(toks), i + _MAX_DATELINE_NGRAM) + 1)
    }


@dataclass(frozen=True)
class EntityCondition:
    """Some entity named in ``any`` (if given) whose label is in ``types`` (if given);
    and, if ``countries`` is given, a GPE entity or the dateline naming one of them."""

    any: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()

    # cached_property works on a frozen dataclass (it writes __dict__ directly)
    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(normalise_name(n) for n in self.any)

    @cached_property
    def country_names(self) -> frozenset[str]:
        return frozenset(normalise_name(c) for c in self.countries)

    def describe(self) -> str:
        parts = []
        if self.any:
            parts.append("entity in [" + ", ".join(self.any) + "]")
        if self.types:
            parts.append("entity type in [" + ", ".join(self.types) + "]")
        if self.countries:
            parts.append("country in [" + ", ".join(self.countries) + "]")
        return " AND ".join(parts)

    def match(self, analysis: Analysis | None, known: list[frozenset[str]] | None = None,
              ) -> tuple[list[Entity], list[Mention], bool] | None:
        """None, or (entities matched, their mentions, whether the dateline matched).
        ``known``: each entity's ``entity_names``, if already computed."""
        if analysis is None:
            return None
        if known is None:
            known = list(map(entity_names, analysis.entities))
        matched: list[Entity] = []
        if self.any or self.types:
            names, types = self.names, set(self.types)
            for e, e_names in zip(analysis.entities, known):
                if types and e.label not in types:
                    continue
                if names and names.isdisjoint(e_names):
                    continue
                matched.append(e)
            if not matched:
                return None
        dateline_hit = False
        if self.countries:
            countries = self.country_names
            places = [
                e for e, e_names in zip(analysis.entities, known)
                if e.label in COUNTRY_LABELS and not countries.isdisjoint(e_names)
            ]
            dateline_hit = bool(dateline_ngrams(analysis.dateline) & countries)
            if not places and not dateline_hit:
                return None
            matched.extend(e for e in places if e not in matched)
        mentions = [m for e in matched for m in e.mentions]
        return matched, mentions, dateline_hit


@dataclass(frozen=True)
class EventCondition:
    """An event frame of family ``type``, optionally with a target role, a status in
    ``status`` and a target named in ``target`` (canonical name or alias)."""

    type: str
    target_role: str | None = None
    status: tuple[str, ...] = ("reported",)
    target: tuple[str, ...] = ()

    @cached_property
    def target_names(self) -> frozenset[str]:
        return frozenset(normalise_name(t) for t in self.target)

    def describe(self, frame: EventFrame | None = None) -> str:
        parts = [f"event={self.type}"]
        if self.target_role:
            parts.append(f"target_role={self.target_role}")
        if frame is not None:
            parts.append(f"status={frame.status}")
        else:
            parts.append("status in [" + ", ".join(self.status) + "]")
        if self.target:
            parts.append("target in [" + ", ".join(self.target) + "]")
        return " AND ".join(parts)

    def frames(self, analysis: Analysis | None, known: list[frozenset[str]] | None = None) -> list[EventFrame]:
        """Frames satisfying the condition, in text order. ``known``: as for
        ``EntityCondition.match``."""
        if analysis is None:
            return []
        targets = self.target_names
        aliases = {}
        if targets:
            if known is None:
                known = list(map(entity_names, analysis.entities))
            for e, e_names in zip(analysis.entities, known):
                aliases[normalise_name(e.canonical)] = e_names
        out = []
        for f in analysis.events:
            if f.event != self.type or f.status not in self.status:
                continue
            if self.target_role and f.target_role != self.target_role:
                continue
            if targets:
                key = normalise_name(f.target)
                if not (aliases.get(key, {key}) & targets):
                    continue
            out.append(f)
        out.sort(key=lambda f: (f.sentence.start, f.trigger_start))
        return out
