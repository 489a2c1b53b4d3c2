"""Matcher on hand-built analyses: entity and event conditions, exclusions, thresholds,
collapse per target, explanations, and presearch == brute force."""
import json
from pathlib import Path

import pytest

from consumers.matching.document import split_sentences
from consumers.matching.engine import Matcher, MatchInput
from bench.synthetic_topics import generate_topics
from consumers.matching.topics import load_topics, topic_from_dict
from consumers.understanding.model import Analysis, Entity, EventFrame, Mention, Sentence

ROOT = Path(__file__).resolve().parents[2]


# --- a tiny Analysis builder (no spaCy) ---------------------------------------------
def build(headline, body, entities=(), events=(), dateline=None, doc_id="d1"):
    """entities: (canonical, label, [surface forms], [aliases]);
    events: dicts with target, trigger, and optional role, status, nth, action, event, agent."""
    text = headline + "\n\n" + body
    base = len(headline) + 2
    sentences = [Sentence(0, 0, len(headline), headline)] + [
        Sentence(i, base + s, base + e, body[s:e]) for i, (s, e) in enumerate(split_sentences(body), 1)
    ]
    ents = []
    for canonical, label, surfaces, aliases in entities:
        mentions = []
        for surface in surfaces:  # longest forms first; skip overlaps ("Sokha" in "Kem Sokha")
            start = text.find(surface)
            while start >= 0:
                end = start + len(surface)
                if not any(m.start < end and start < m.end for m in mentions):
                    mentions.append(Mention(start, end, surface, label, canonical))
                start = text.find(surface, start + 1)
        mentions.sort(key=lambda m: m.start)
        first = mentions[0].start if mentions else -1
        ents.append(Entity(canonical, label, tuple(mentions), first, tuple(aliases)))
    frames = []
    for ev in events:
        start = -1
        for _ in range(ev.get("nth", 0) + 1):
            start = text.find(ev["trigger"], start + 1)
        assert start >= 0, ev
        sent = next(s for s in sentences if s.start <= start < s.end)
        frames.append(EventFrame(
            event=ev.get("event", "arrest"), action=ev.get("action", "arrest"), trigger=ev["trigger"],
            trigger_start=start, trigger_end=start + len(ev["trigger"]), target=ev["target"],
            target_role=ev.get("role", "opposition"), role_evidence=ev.get("evidence", "opposition leader"),
            sentence=sent, agent=ev.get("agent"), status=ev.get("status", "reported"),
        ))
    analysis = Analysis(text, len(headline), dateline, tuple(sentences), tuple(m for e in ents for m in e.mentions),
                        tuple(ents), tuple(frames), "test")
    return MatchInput(doc_id, headline, body, analysis)


def topic(**kw):
    kw.setdefault("name", "t")
    kw.setdefault("title", "T")
    kw.setdefault("version", 1)
    return topic_from_dict(kw)


FLAGSHIP = topic(name="arrests-of-opposition-leaders", title="Arrests of opposition leaders",
                 event={"type": "arrest", "target_role": "opposition", "status": ["reported"]})

SOKHA = ("Kem Sokha", "PERSON", ["Kem Sokha", "Sokha"], ["Sokha"])
RAINSY = ("Sam Rainsy", "PERSON", ["Sam Rainsy"], [])
CNRP = ("Cambodia National Rescue Party", "ORG", ["Cambodia National Rescue Party", "CNRP"], ["CNRP"])
CAMBODIA = ("Cambodia", "GPE", ["Cambodia"], [])

ARREST_STORY = dict(
    headline="Cambodia arrests opposition leader Kem Sokha for treason",
    body=("PHNOM PENH (Reuters) - Cambodian police arrested opposition leader Kem Sokha on Sunday. "
          "Sokha was charged with treason, the government said. "
          "The CNRP said the charges were politically motivated. "
          "Police said Sokha was arrested at his home."),
    entities=[SOKHA, CNRP, CAMBODIA],
    dateline="PHNOM PENH",
)


def flagship_doc(events, **kw):
    return build(**{**ARREST_STORY, **kw}, events=events)


def match(topics, doc, presearch=True):
    topics = topics if isinstance(topics, list) else [topics]
    return Matcher(topics, presearch=presearch).match(doc)


# --- event conditions -----------------------------------------------------------------
def test_flagship_match_and_explanation():
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha"}])
    (m,) = match(FLAGSHIP, doc)
    assert (m.topic, m.title, m.version, m.target, m.score) == (
        "arrests-of-opposition-leaders", "Arrests of opposition leaders", 1, "Kem Sokha", 1.0)
    assert m.rule == "event=arrest AND target_role=opposition AND status=reported"
    assert m.evidence == ARREST_STORY["headline"] and m.evidence_field == "headline"
    assert m.event.trigger == "arrests" and m.entities[0] == "Kem Sokha"
    exp = m.explanation()
    assert json.loads(json.dumps(exp)) == exp  # JSON-serialisable
    assert exp["fingerprint"] == FLAGSHIP.fingerprint and exp["offsets_in"] == "analysis.text"
    assert exp["event"]["target_role"] == "opposition" and exp["event"]["sentence"]["index"] == 0
    assert "Kem Sokha" in exp["why"] and "opposition" in exp["why"] and "headline" in exp["why"]


def test_frames_about_one_target_collapse_to_the_earliest_reported():
    doc = flagship_doc([
        {"trigger": "arrested opposition", "target": "Kem Sokha"},        # body sentence 1 (lead)
        {"trigger": "charged", "target": "Kem Sokha", "action": "charge"},  # same target, later
        {"trigger": "arrested at", "target": "Kem Sokha"},                # repeated at the end
    ])
    (m,) = match(FLAGSHIP, doc)
    assert m.event.trigger == "arrested opposition"
    assert m.evidence.startswith("PHNOM PENH (Reuters) - Cambodian police arrested")
    assert m.evidence_field == "lead" and m.score == 1.0
    assert doc.analysis.text[m.evidence_start:m.evidence_end] == m.evidence


def test_background_frame_first_does_not_become_the_evidence():
    doc = flagship_doc([
        {"trigger": "arrests", "target": "Kem Sokha", "status": "background"},
        {"trigger": "arrested at", "target": "Kem Sokha"},
    ])
    topic_ = topic(event={"type": "arrest", "target_role": "opposition", "status": ["reported", "background"]})
    (m,) = match(topic_, doc)
    assert m.event.trigger == "arrested at" and m.event.status == "reported"
    assert m.score == 0.8  # reported, but only deep in the body
    assert m.rule.endswith("status=reported")


def test_two_targets_give_two_matches_in_text_order():
    doc = build(
        "Cambodia arrests Kem Sokha and Sam Rainsy",
        "Police arrested Kem Sokha on Sunday. Sam Rainsy was detained on Monday.",
        entities=[SOKHA, RAINSY],
        events=[{"trigger": "arrests", "target": "Kem Sokha"}, {"trigger": "arrests", "target": "Sam Rainsy"},
                {"trigger": "arrested", "target": "Kem Sokha"}, {"trigger": "detained", "target": "Sam Rainsy"}],
    )
    ms = match(FLAGSHIP, doc)
    assert [m.target for m in ms] == ["Kem Sokha", "Sam Rainsy"]
    assert all(m.evidence_field == "headline" for m in ms)


@pytest.mark.parametrize("event, topic_event, expected", [
    ({"role": "government"}, {}, None),
    ({"status": "background"}, {}, None),
    ({"status": "released"}, {}, None),
    ({"status": "released"}, {"status": ["released"]}, 0.6),
    ({"status": "background"}, {"status": ["background"]}, None),  # 0.4 < default threshold 0.5
    ({"event": "protest"}, {}, None),
])
def test_event_role_status_and_family(event, topic_event, expected):
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha", **event}])
    t = topic(event={"type": "arrest", "target_role": "opposition", **topic_event})
    ms = match(t, doc)
    assert [m.score for m in ms] == ([] if expected is None else [expected])


def test_background_matches_when_threshold_allows():
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha", "status": "background"}])
    t = topic(event={"type": "arrest", "status": ["background"]}, threshold=0.4)
    (m,) = match(t, doc)
    assert m.score == 0.4 and "background" in m.why()


def test_event_target_filter_accepts_aliases():
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha"}])
    assert match(topic(event={"type": "arrest", "target": ["sokha"]}), doc)
    assert not match(topic(event={"type": "arrest", "target": ["Sam Rainsy"]}), doc)


def test_event_topic_needs_an_analysis():
    plain = MatchInput("d", ARREST_STORY["headline"], ARREST_STORY["body"])
    assert match(FLAGSHIP, plain) == [] and match(FLAGSHIP, plain, presearch=False) == []


def test_event_plus_query_and_exclusion():
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha"}])
    assert match(topic(event={"type": "arrest"}, query="treason"), doc)
    assert not match(topic(event={"type": "arrest"}, query="embezzlement"), doc)
    assert not match(topic(event={"type": "arrest"}, exclude="lead:motivated OR body:treason"), doc)
    (m,) = match(topic(event={"type": "arrest"}, query="treason", exclude="headline:anniversary"), doc)
    assert m.rule == "event=arrest AND status=reported AND query(treason) AND NOT exclude(headline:anniversary)"
    assert {h.term for h in m.hits} == {"treason"}


# --- entity conditions ----------------------------------------------------------------
def story(**kw):
    return build(**{**ARREST_STORY, "events": [], **kw})


def test_entity_any_matches_canonical_or_alias_case_insensitively():
    # threshold 0.3: the CNRP is only mentioned once, in the body
    for name in ["Kem Sokha", "kem  SOKHA", "sokha", "cnrp", "Cambodia National Rescue Party"]:
        assert match(topic(entities={"any": [name]}, threshold=0.3), story()), name
    assert not match(topic(entities={"any": ["Hun Sen"]}, threshold=0.3), story())


def test_entity_types_and_countries():
    assert match(topic(entities={"any": ["Kem Sokha"], "types": ["PERSON"]}), story())
    assert not match(topic(entities={"any": ["Kem Sokha"], "types": ["ORG"]}), story())
    assert match(topic(entities={"types": ["ORG"]}, threshold=0.3), story())
    assert not match(topic(entities={"types": ["ORG"]}), story())  # one body mention: 0.3
    assert match(topic(entities={"any": ["CNRP"], "countries": ["Cambodia"]}), story())
    assert not match(topic(entities={"any": ["CNRP"], "countries": ["Thailand"]}), story())


def test_country_from_dateline_only():
    doc = build("Opposition leader held", "Police held him. More follows.", dateline="PHNOM PENH, Cambodia")
    (m,) = match(topic(entities={"countries": ["Cambodia"]}), doc)
    assert m.hits[0].kind == "country" and m.hits[0].field == "dateline"
    assert not match(topic(entities={"countries": ["Thailand"]}), doc)


def test_entity_score_counts_mentions_by_place():
    # Sokha: headline 1.0 + lead ... capped at 1.0
    (m,) = match(topic(entities={"any": ["Kem Sokha"]}), story())
    assert m.score == 1.0 and m.evidence_field == "headline"
    assert {h.kind for h in m.hits} == {"entity"} and m.entities == ("Kem Sokha",)
    # a single mention deep in the body: 0.3 < 0.5
    deep = build("Markets rally", "Shares rose. Bonds fell. Oil was flat. Kem Sokha spoke.", entities=[SOKHA])
    assert not match(topic(entities={"any": ["Kem Sokha"]}), deep)
    assert match(topic(entities={"any": ["Kem Sokha"]}, threshold=0.3), deep)


# --- text topics, thresholds, offsets ---------------------------------------------------
def test_text_score_by_place_and_threshold():
    body = "Shares rose. Bonds fell. Oil was flat. The coup rumours spread."
    assert not match(topic(query="coup"), MatchInput("d", "Markets", body))  # one body hit: 0.3
    body2 = body + " Another coup was denied."
    (m,) = match(topic(query="coup"), MatchInput("d", "Markets", body2))
    assert m.score == pytest.approx(0.6) and [h.field for h in m.hits] == ["body", "body"]
    (m,) = match(topic(query="coup"), MatchInput("d", "Coup in Niger", body))
    assert m.score == 1.0 and m.evidence == "Coup in Niger"
    (m,) = match(topic(query="coup"), MatchInput("d", "Niger", "The coup was quick. Calm returned."))
    assert m.score == pytest.approx(0.6) and m.hits[0].field == "lead"
    assert not match(topic(query="coup", threshold=1.0), MatchInput("d", "Niger", "The coup was quick."))


def test_offsets_without_analysis_index_the_field():
    item = MatchInput("d", "Army coup in Niger", "Soldiers said. The coup leaders spoke at length.")
    (m,) = match(topic(query="coup NEAR/3 leaders"), item)
    assert m.offsets_in == "field"
    for h in m.hits:
        source = item.headline if h.field == "headline" else item.body
        assert source[h.start:h.end] == h.text
    assert m.evidence == "The coup leaders spoke at length." and m.evidence_field == "lead"
    assert item.body[m.evidence_start:m.evidence_end] == m.evidence


def test_offsets_with_analysis_index_analysis_text():
    doc = story()
    (m,) = match(topic(query='"opposition leader" OR treason* OR politically'), doc)
    text = doc.analysis.text
    assert m.offsets_in == "analysis.text"
    assert all(text[h.start:h.end] == h.text for h in m.hits)
    assert {h.field for h in m.hits} == {"headline", "lead", "body"}
    assert text[m.evidence_start:m.evidence_end] == m.evidence == ARREST_STORY["headline"]


def test_exclusion_vetoes_text_topic():
    item = MatchInput("d", "Coup de grace for the bulls", "The coup de grace came on Friday for the army.")
    assert match(topic(query="coup"), item)
    assert not match(topic(query="coup", exclude='"coup de grace"'), item)


def test_explanation_lists_hits_and_caps_them():
    body = " ".join(["The coup failed."] * 30)
    (m,) = match(topic(query="coup"), MatchInput("d", "Coup", body))
    exp = m.explanation()
    assert exp["hits_total"] == 31 and len(exp["hits"]) == 20
    assert exp["hits"][0] == {"kind": "term", "term": "coup", "field": "headline", "start": 0, "end": 4,
                              "text": "Coup", "weight": 1.0}


def test_shipped_topics_on_the_flagship_story():
    topics = load_topics(ROOT / "config" / "topics.yaml") + load_topics(ROOT / "config" / "topics.examples.yaml")
    doc = flagship_doc([{"trigger": "arrests", "target": "Kem Sokha"},
                        {"trigger": "arrested opposition", "target": "Kem Sokha"}])
    names = [m.topic for m in Matcher(topics).match(doc)]
    assert names == ["arrests-of-opposition-leaders", "cambodian-opposition"]


# --- presearch == brute force on analyses -----------------------------------------------
def _docs():
    yield flagship_doc([{"trigger": "arrests", "target": "Kem Sokha"}])
    yield flagship_doc([{"trigger": "arrests", "target": "Kem Sokha", "status": "background"},
                        {"trigger": "charged", "target": "Kem Sokha", "action": "charge"}], doc_id="d2")
    yield story(doc_id="d3")
    yield build("Army seizes power in Niger", "Soldiers said they had taken power. The coup was condemned.",
                entities=[("Niger", "GPE", ["Niger"], [])], dateline="NIAMEY, Niger", doc_id="d4")
    yield build("Donald Trump says trade war talks go well", "Trump said the talks with China went well.",
                entities=[("Donald Trump", "PERSON", ["Donald Trump", "Trump"], ["Trump"]),
                          ("China", "GPE", ["China"], [])],
                events=[{"trigger": "talks", "target": "China", "event": "election", "role": "government"}],
                doc_id="d5")
    yield MatchInput("d6", "Opposition leader detained", "Police detained the opposition leader, officials said.")


def test_presearch_equals_brute_force_on_hand_built_analyses():
    topics = list(load_topics(ROOT / "config" / "topics.yaml")) + [
        FLAGSHIP,
        topic(name="sokha-any", entities={"any": ["Sokha", "CNRP"]}),
        topic(name="persons", entities={"types": ["PERSON"]}),
        topic(name="niger", entities={"countries": ["Niger"]}),
        topic(name="arrest-text", query="arrest* NEAR/5 opposition", event={"type": "arrest"}),
        topic(name="not-only", query="coup NOT rumour"),
        topic(name="elections", event={"type": "election", "target_role": "government"}),
        topic(name="background", event={"type": "arrest", "status": ["background"]}, threshold=0.4),
        topic(name="charged-opp", event={"type": "arrest", "target_role": "opposition",
                                         "status": ["reported", "background"]}),
        topic(name="gov-arrest", event={"type": "arrest", "target_role": "government"}),
    ] + generate_topics(300, seed=7)
    fast, slow = Matcher(topics, presearch=True), Matcher(topics, presearch=False)
    total = 0
    for doc in _docs():
        got = fast.match(doc)
        assert got == slow.match(doc), doc.id
        total += len(got)
    assert total >= 8  # the check is not vacuous
