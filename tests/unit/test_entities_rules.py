"""Entity-layer rules for wire copy: capitalised places, datelines, initialled and
country-tagged names, given names, sport slugs."""
from __future__ import annotations

import pytest

from consumers.understanding.analyzer import Analyzer


@pytest.fixture(scope="module")
def analyzer():
    a = Analyzer()
    a.analyse("warm", "up")
    return a


def _labels(analyzer, headline, body):
    return {(m.text, m.label) for m in analyzer.analyse(headline, body).mentions}


def test_capitalised_places_are_places(analyzer):
    got = _labels(analyzer, "", "Talks in LONDON and NEW YORK ended on Monday.\n")
    assert {("LONDON", "GPE"), ("NEW YORK", "GPE")} <= got


def test_dateline_place_keeps_its_label_in_team_sport_copy(analyzer):
    got = _labels(analyzer, "BASEBALL - METS LOSE", "NEW YORK 1996-08-30\nSt Louis beat New York 5-2 on Friday.\n")
    assert ("NEW YORK", "GPE") in got


def test_unknown_dateline_place_and_its_region(analyzer):
    m = analyzer.analyse("Troops take town", "Yuri Kushko\nTAVILDARA, Tajikistan 1996-08-30\nTroops took the town.\n")
    got = {(x.text, x.label) for x in m.mentions}
    assert ("TAVILDARA", "GPE") in got
    assert not any("\n" in x.text for x in m.mentions)  # the byline line does not run into it


def test_a_score_is_not_a_dateline(analyzer):
    got = _labels(analyzer, "SOCCER - ENGLISH RESULTS", "Stoke 2 Barnsley 1\nLeeds 0 Derby 3\n")
    assert ("Stoke", "GPE") not in got


def test_initialled_names_are_people(analyzer):
    got = _labels(analyzer, "", "The statement was signed by P. Simmons and George W. Bush.\n")
    assert {("P. Simmons", "PERSON"), ("George W. Bush", "PERSON")} <= got


def test_country_tagged_names_are_people_outside_team_sport(analyzer):
    got = _labels(analyzer, "TENNIS - RESULTS", "Pete Sampras (U.S.) beat Anne-Gaelle Sidot (France) 6-3 6-4.\n")
    assert {("Pete Sampras", "PERSON"), ("Anne-Gaelle Sidot", "PERSON")} <= got
    for team in ("Rabobank", "Telekom"):  # a lone word: a team or firm as often as a rider
        got = _labels(analyzer, "CYCLING - RESULTS", f"{team} (Germany) led the stage.\n")
        assert (team, "PERSON") not in got


def test_sport_slug_is_not_a_name(analyzer):
    got = _labels(analyzer, "", "GOLF - LEADING SCORES\nGolf is popular.\n")
    assert not any(t.lower() == "golf" for t, _ in got)


def test_place_before_an_organisation_word_is_the_organisation(analyzer):
    got = _labels(analyzer, "", "The report was filed by the Bucharest Newsroom on Friday.\n")
    assert ("Bucharest Newsroom", "ORG") in got
