"""The flagship topic end to end in pure code: analyzer + shipped topics file, no services."""
from __future__ import annotations

import re

import pytest

from consumers.matching.engine import Matcher, MatchInput
from consumers.matching.topics import load_topics
from consumers.understanding.analyzer import shared_analyzer
from producers.sources import read_sources
from tests.conftest import ROOT, SEED
from producers.reuters_text import parse_story

FLAGSHIP = "arrests-of-opposition-leaders"


@pytest.fixture(scope="module")
def flagship():
    topics = [t for t in load_topics(ROOT / "config" / "topics.yaml") if t.name == FLAGSHIP]
    assert topics, "the flagship topic must ship in config/topics.yaml"
    return Matcher(topics)


def run(matcher, item):
    analysis = shared_analyzer().analyse(item.headline, item.body)
    return matcher.match(MatchInput(item.id, item.headline, item.body, analysis))


def test_reference_story_gives_exactly_one_match_naming_kem_sokha(flagship):
    (match,) = run(flagship, parse_story(SEED.read_text(encoding="utf-8"), str(SEED)))
    assert match.target == "Kem Sokha"
    assert match.event.event == "arrest" and match.event.target_role == "opposition"
    assert match.evidence.startswith(
        "The leader of the Cambodia National Rescue Party (CNRP), Kem Sokha, was arrested on Sept. 3")
    why = match.explanation()
    assert why["version"] >= 1 and why["rule"] and why["evidence"]["start"] >= 0


def test_fictional_sample_items_do_not_fire(flagship):
    parsed = read_sources([str(ROOT / "samples" / "wire")], fetch=None)
    fired = {item.headline: run(flagship, item) for p in parsed for item in p.items
             if "fictional" in p.origin}
    assert len(fired) == 7
    assert {h: m for h, m in fired.items() if m} == {}


def test_an_unnamed_opposition_leader_is_explained_not_left_blank(flagship):
    item = parse_story("Opposition leader arrested\nNORVALE (Reuters) - Police in the fictional state of "
                       "Norvale arrested the main opposition leader on Sunday, his party said.", "fictional:u")
    (match,) = run(flagship, item)
    assert match.target == "" and "" not in match.entities
    # the headline's verbless passive ("... arrested") is read too, so either phrase explains it
    assert re.search(r"Arrest of an unnamed person \((?:the main )?opposition leader\)", match.why(), re.I)
