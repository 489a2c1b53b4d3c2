"""Match items against watched topics and explain every match.

A topic matches when ALL its parts hold: the event condition (some qualifying frame),
the entity condition, the text query; and its ``exclude`` query does not match (veto).

Score (0..1, transparent on purpose; a match is kept if score >= topic.threshold):

* Event topics: per target, the best qualifying frame's weight:
  status reported, in the headline or lead .... 1.0
  status reported, later in the body ........... 0.8
  another allowed status (released, warrant...) 0.6
  status background ............................ 0.4
  The query/entity parts only filter.
* Other topics: the sum of evidence weights, capped at 1.0. Each distinct term hit or
  entity mention counts by where it is: headline 1.0, lead 0.6, rest of body 0.3
  (a dateline country counts as lead). With the default threshold 0.5, one mention
  deep in the body is not enough; one in the headline or lead, or two in the body, is.

"Lead" is the first ``topic.lead_sentences`` body sentences. Event topics yield at most
one match per (topic, target): frames about the same target collapse, and the evidence
is the earliest frame with status "reported" (else the earliest frame).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import chain

from consumers.matching.conditions import EntityCondition
from consumers.matching.document import BODY, HEADLINE, LEAD, Document, normalise_name
from consumers.matching.presearch import Presearcher
from consumers.matching.query import QueryContext, render
from consumers.matching.topics import Topic, TopicSet
from consumers.understanding.model import Analysis, EventFrame

LOCATION_WEIGHT = {HEADLINE: 1.0, LEAD: 0.6, BODY: 0.3}
DATELINE = "dateline"
MAX_EXPLAINED_HITS = 20
_PLACE_NAMES = {HEADLINE: "the headline", LEAD: "the lead", BODY: "the body"}


def frame_weight(status: str, location: str) -> float:
    if status == "reported":
        return 1.0 if location in (HEADLINE, LEAD) else 0.8
    if status == "background":
        return 0.4
    return 0.6


@dataclass(frozen=True)
class MatchInput:
    """One item to match. With an analysis, its ``text`` (headline + "\n\n" + body)
    is what gets searched and what offsets index; headline/body are then ignored."""

    id: str
    headline: str
    body: str
    analysis: Analysis | None = None


@dataclass(frozen=True)
class Hit:
    """A piece of evidence: a query term occurrence, an entity mention or the dateline."""

    term: str  # query term as written, entity canonical name, or country
    field: str  # headline | lead | body | dateline
    start: int  # offsets: see Match.offsets_in (-1 if unknown)
    end: int
    text: str  # surface text
    weight: float
    kind: str = "term"  # term | entity | country

    def to_dict(self) -> dict:
        return {"kind": self.kind, "term": self.term, "field": self.field, "start": self.start,
                "end": self.end, "text": self.text, "weight": self.weight}


_MATCH_FIELDS = (
    "doc_id", "topic", "title", "version", "fingerprint", "score", "threshold", "rule",
    "entities", "event", "target", "offsets_in",
)


class Match:
    """One topic matching one item.

    The decision and the score are computed when the item is matched. The hits (with
    character offsets) and, for text topics, the evidence sentence are worked out on
    first access: a match that is only counted or filtered never pays for offsets.
    ``hits`` holds the first ``MAX_EXPLAINED_HITS`` pieces of evidence in text order
    (a name can occur fifty times in a long story); ``hits_total`` counts them all.
    Equality compares everything, the lazy parts included.
    """

    __slots__ = _MATCH_FIELDS + ("_explain", "_explained")
    _explained: tuple | None

    def __init__(self, *, doc_id: str, topic: str, title: str, version: int, fingerprint: str,
                 score: float, threshold: float, rule: str, entities: tuple[str, ...],
                 event: EventFrame | None, target: str | None, offsets_in: str, explain):
        """``explain()`` returns (shown hits, (evidence, field, start, end), total hits,
        (term, field) of the hits not shown); it is called at most once."""
        self.doc_id, self.topic, self.title, self.version = doc_id, topic, title, version
        self.fingerprint, self.score, self.threshold, self.rule = fingerprint, score, threshold, rule
        self.entities, self.event, self.target, self.offsets_in = entities, event, target, offsets_in
        self._explain, self._explained = explain, None

    def _details(self) -> tuple:
        if self._explained is None:
            hits, evidence, total, more = self._explain()
            self._explained, self._explain = (tuple(hits), evidence, total, tuple(more)), None
        return self._explained

    @property
    def hits(self) -> tuple[Hit, ...]:
        return self._details()[0]

    @property
    def hits_total(self) -> int:
        return self._details()[2]

    # The evidence: its text, field (headline/lead/body/dateline) and offsets.
    evidence = property(lambda self: self._details()[1][0])
    evidence_field = property(lambda self: self._details()[1][1])
    evidence_start = property(lambda self: self._details()[1][2])
    evidence_end = property(lambda self: self._details()[1][3])

    def _key(self) -> tuple:
        return tuple(getattr(self, f) for f in _MATCH_FIELDS) + self._details()

    def __eq__(self, other) -> bool:
        return isinstance(other, Match) and self._key() == other._key()

    # mutable cache inside; compare, don't hash (None is how Python spells "unhashable",
    # which typeshed's object.__hash__ signature does not allow for)
    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Match(doc_id={self.doc_id!r}, topic={self.topic!r}, target={self.target!r}, "
                f"score={self.score!r}, evidence={self.evidence[:60]!r})")

    def why(self) -> str:
        """One human sentence for the alert email."""
        where = _PLACE_NAMES.get(self.evidence_field, self.evidence_field)
        if self.event is not None:
            f = self.event
            role = f"{f.target_role}" + (f", because: {f.role_evidence}" if f.role_evidence else "")
            status = "" if f.status == "reported" else f" ({f.status})"
            # An unnamed target ("the main opposition leader") is still the event; say so.
            who = f.target or f"an unnamed person ({(f.details or {}).get('target_phrase') or 'not named'})"
            return (f"{f.action.capitalize()} of {who} ({role}){status} in {where}: "
                    f"\u201c{self.evidence.strip()}\u201d")
        terms = []
        for term, field in chain(((h.term, h.field) for h in self.hits), self._details()[3]):
            label = f"{term} in {field}"
            if label not in terms:
                terms.append(label)
        shown = ", ".join(terms[:6]) + (", ..." if len(terms) > 6 else "")
        return f"Matched {shown}: \u201c{self.evidence.strip()}\u201d"

    def explanation(self) -> dict:
        """JSON-serialisable "why you got this" (stored with the alert, shown in emails)."""
        return {
            "doc_id": self.doc_id,
            "topic": self.topic,
            "title": self.title,
            "version": self.version,
            "fingerprint": self.fingerprint,
            "score": round(self.score, 4),
            "threshold": self.threshold,
            "rule": self.rule,
            "why": self.why(),
            "target": self.target,
            "event": _frame_dict(self.event) if self.event is not None else None,
            "evidence": {"text": self.evidence, "field": self.evidence_field,
                         "start": self.evidence_start, "end": self.evidence_end},
            "offsets_in": self.offsets_in,
            "entities": list(self.entities),
            "hits": [h.to_dict() for h in self.hits],
            "hits_total": self.hits_total,
        }


def _frame_dict(f: EventFrame) -> dict:
    return {
        "event": f.event, "action": f.action, "trigger": f.trigger,
        "trigger_start": f.trigger_start, "trigger_end": f.trigger_end,
        "target": f.target, "target_role": f.target_role, "role_evidence": f.role_evidence,
        "status": f.status, "agent": f.agent, "place": f.place, "time": f.time,
        "sentence": {"index": f.sentence.index, "start": f.sentence.start,
                     "end": f.sentence.end, "text": f.sentence.text},
        # details come from the analyzer; coerce anything exotic to text
        "details": json.loads(json.dumps(f.details, default=str)) if f.details else {},
    }


def _rule(topic: Topic, frame: EventFrame | None) -> str:
    parts = []
    if topic.event is not None:
        parts.append(topic.event.describe(frame))
    if topic.entities is not None:
        parts.append(topic.entities.describe())
    if topic.query_ast is not None:
        parts.append(f"query({render(topic.query_ast)})")
    rule = " AND ".join(parts)
    if topic.exclude_ast is not None:
        rule += f" AND NOT exclude({render(topic.exclude_ast)})"
    return rule


class _TopicEval:
    """Evaluates one topic on one document. Scores are computed before offsets, so a
    candidate that falls below its threshold never pays for offsets or evidence."""

    def __init__(self, topic: Topic, doc: Document, rules: dict, ctx: QueryContext | None = None):
        self.topic, self.doc, self.rules = topic, doc, rules
        self.ctx = ctx if ctx is not None else QueryContext(doc, topic.lead_sentences)

    def location(self, start: int) -> str:
        """headline / lead / body of a character offset (analysis.text offsets)."""
        a = self.doc.analysis
        if a is not None and start < a.headline_end:
            return HEADLINE
        return LEAD if start < self.doc.lead_char_end(self.topic.lead_sentences) else BODY

    def located_terms(self, term_hits) -> list[tuple]:
        """Distinct (term, first, last, field) of the query's hits."""
        nh, out, seen, lead_end = self.doc.n_headline, [], set(), None
        for th in term_hits:
            key = (th.term, th.first, th.last)
            if key in seen:
                continue
            seen.add(key)
            if th.first < nh:
                field = HEADLINE
            else:
                if lead_end is None:
                    lead_end = self.ctx.lead_end()
                field = LEAD if th.last < lead_end else BODY
            out.append((th.term, th.first, th.last, field))
        return out

    def term_hits(self, located) -> list[Hit]:
        doc, out = self.doc, []
        for term, first, last, field in located:
            start, end = doc.char_span(first, last)
            section = HEADLINE if field == HEADLINE else BODY
            out.append(Hit(term, field, start, end, doc.text_of(section, start, end), LOCATION_WEIGHT[field]))
        return out

    def entity_hits(self, cond: EntityCondition | None, found) -> tuple[list[Hit], list[str]]:
        entities, mentions, dateline_hit = found
        doc, out, seen = self.doc, [], set()
        for m in mentions:
            if (m.start, m.end) in seen:  # one span counts once, whichever entity claims it
                continue
            seen.add((m.start, m.end))
            field = self.location(m.start)
            out.append(Hit(m.canonical, field, m.start, m.end, m.text, LOCATION_WEIGHT[field], "entity"))
        names = [e.canonical for e in entities]
        if dateline_hit:
            a = doc.analysis
            # only a countries condition finds the dateline, and only in an analysis
            assert a is not None and cond is not None
            dl = a.dateline or ""
            start = a.text.find(dl) if dl else -1
            end = start + len(dl) if start >= 0 else -1
            weight = LOCATION_WEIGHT[LEAD]
            out.append(Hit(", ".join(cond.countries), DATELINE, start, end, dl, weight, "country"))
        return out, names

    def evidence_for_hit(self, hit: Hit) -> tuple[str, str, int, int]:
        doc = self.doc
        if hit.start < 0:
            return hit.text, hit.field, hit.start, hit.end
        section = HEADLINE if hit.field == HEADLINE else BODY
        s, e = doc.sentence_around(section, hit.start)
        return doc.text_of(section, s, e), hit.field, s, e

    def build(self, frames, found, term_hits) -> list[Match]:
        """Score and build matches once every condition holds. Character offsets of the
        term hits (and the evidence they point to) are left to ``Match`` to work out
        on demand; token positions and fields, which the score needs, are known here."""
        topic = self.topic
        if topic.event is not None:  # the frames alone decide and score
            return self.event_matches(frames, found, term_hits)
        located = self.located_terms(term_hits)
        ehits: list[Hit] = []
        names: list[str] = []
        if found is not None:
            ehits, names = self.entity_hits(topic.entities, found)
        score = min(1.0, sum(LOCATION_WEIGHT[x[3]] for x in located) + sum(h.weight for h in ehits))
        if score < topic.threshold or not (located or ehits):
            return []

        def explain():
            shown, total, more = self.first_hits(located, ehits)
            # the evidence is the sentence of the weightiest hit (the earliest of those);
            # only that one term hit needs offsets to be compared with the entity hits
            best = list(ehits)
            if located:
                best += self.term_hits([min(located, key=lambda x: (-LOCATION_WEIGHT[x[3]], x[1], x[2], x[0]))])
            return shown, self.evidence_for_hit(min(best, key=_hit_order)), total, more

        return [self.make(score, None, names, explain)]

    def first_hits(self, located, ehits) -> tuple[list[Hit], int, list[tuple[str, str]]]:
        """The first MAX_EXPLAINED_HITS hits in text order, the number of hits, and
        (term, field) of the others. Token order is text order, so only the first
        MAX_EXPLAINED_HITS term hits can be shown and only they need offsets."""
        ordered = sorted(located, key=lambda x: (x[1], x[2], x[0]))
        hits = self.term_hits(ordered[:MAX_EXPLAINED_HITS]) + ehits
        hits.sort(key=lambda h: (h.start, h.end, h.term))
        shown = hits[:MAX_EXPLAINED_HITS]
        more = [(h.term, h.field) for h in hits[MAX_EXPLAINED_HITS:]]
        more += [(x[0], x[3]) for x in ordered[MAX_EXPLAINED_HITS:]]
        return shown, len(located) + len(ehits), more

    def event_matches(self, frames, found, term_hits) -> list[Match]:
        groups: dict[str, list[EventFrame]] = {}
        for f in frames:  # frames are in text order
            groups.setdefault(normalise_name(f.target) or f.target, []).append(f)
        names = [e.canonical for e in found[0]] if found is not None else []
        out: list[Match] = []
        shared: list[tuple] = []  # the hits are the same for every target: work them out once

        def hits():
            if not shared:
                ehits = self.entity_hits(self.topic.entities, found)[0] if found is not None else []
                shared.append(self.first_hits(self.located_terms(term_hits), ehits))
            return shared[0]

        for group in groups.values():
            score = max(frame_weight(f.status, self.location(f.sentence.start)) for f in group)
            if score < self.topic.threshold:
                continue
            frame = next((f for f in group if f.status == "reported"), group[0])
            field = self.location(frame.sentence.start)
            evidence = (frame.sentence.text, field, frame.sentence.start, frame.sentence.end)
            involved = [n for n in (frame.target, frame.agent) if n] + names
            out.append(self.make(score, frame, involved, lambda ev=evidence: _with_evidence(hits(), ev)))
        return out

    def make(self, score, frame, names, explain) -> Match:
        t = self.topic
        key = (t.name, frame.status if frame is not None else None)
        rule = self.rules.get(key)
        if rule is None:
            rule = self.rules[key] = _rule(t, frame)
        return Match(
            doc_id=self.doc.id, topic=t.name, title=t.title, version=t.version,
            fingerprint=t.fingerprint, score=score, threshold=t.threshold, rule=rule,
            entities=tuple(dict.fromkeys(names)), event=frame,
            target=frame.target if frame is not None else None,
            offsets_in=self.doc.offsets_in, explain=explain,
        )


def _hit_order(h: Hit) -> tuple:
    """Weightiest first, then text order."""
    return -h.weight, h.start, h.end, h.term


def _with_evidence(first_hits, evidence):
    shown, total, more = first_hits
    return shown, evidence, total, more


def evaluate_topic(topic: Topic, doc: Document, rules: dict) -> list[Match]:
    """All matches of one topic on one document. Cheap rejections come first and
    allocate nothing: the brute-force oracle calls this for every pair."""
    frames = found = None
    if topic.event is not None:
        frames = topic.event.frames(doc.analysis, doc.entity_names())
        if not frames:
            return []
    if topic.entities is not None:
        found = topic.entities.match(doc.analysis, doc.entity_names())
        if found is None:
            return []
    ctx = QueryContext(doc, topic.lead_sentences)
    term_hits = []
    if topic.query_ast is not None:
        term_hits = topic.query_ast.ev(ctx)
        if term_hits is None:
            return []
    if topic.exclude_ast is not None and topic.exclude_ast.exists(ctx):
        return []
    return _TopicEval(topic, doc, rules, ctx).build(frames, found, term_hits)


class Matcher:
    """Matches items against a fixed set of topics (build a new Matcher on reload).

    Matches come in topic order, then text order of their evidence.
    """

    def __init__(self, topics, presearch: bool = True, doc_freq: dict[str, float] | None = None):
        """``doc_freq`` (optional, see presearch.document_frequencies) only tunes which
        terms presearch indexes; it never changes the matches."""
        self.topic_set = topics if isinstance(topics, TopicSet) else TopicSet(topics)
        self.topics = self.topic_set.topics
        self.presearcher = Presearcher(list(self.topics), doc_freq) if presearch else None
        self._rules: dict = {}  # (topic name, frame status) -> rule text

    @property
    def fingerprint(self) -> str:
        return self.topic_set.fingerprint

    def candidates(self, doc: Document) -> list[int]:
        if self.presearcher is None:
            return list(range(len(self.topics)))
        return self.presearcher.candidates(doc)

    def match(self, item: MatchInput) -> list[Match]:
        doc = Document(item.id, item.headline, item.body, item.analysis)
        out: list[Match] = []
        topics, rules = self.topics, self._rules
        for i in self.candidates(doc):
            found = evaluate_topic(topics[i], doc, rules)
            if found:
                out.extend(found)
        return out
