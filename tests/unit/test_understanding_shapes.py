"""The headline and lead shapes wire, web and RSS copy use every day, and how a headline
and a body split into sentences.

Headlines are checked alone (an RSS item with a title only) and above a body line that
does not repeat the news; leads alone and below a round-up headline. The small English
model parses these badly ("police detain" as a noun modifier, the object left
unattached, a body line split after its first word), so each shape is checked as a
whole, not rule by rule. All names are fictional (Norvale, Ana Vell, Tomas Rendo, Dario
Velt, Karel Danso).
"""
from __future__ import annotations

import itertools

import pytest

from consumers.understanding.analyzer import Analyzer

HEADLINE_ARRESTS = [
    "Norvalese police detain opposition leader {p}",
    "Norvalese police arrest opposition leader {p}",
    "Norvale detains opposition leader {p}",
    "Norvale arrests opposition leader {p}",
    "Police detain Norvalese opposition leader {p}",
    "Norvalese opposition leader {p} held by police",
    "Norvalese opposition chief {p} held",
    "Norvalese opposition leader {p} detained by security forces",
    "Norvalese police detain opposition leader {p} at his home",
    "Norvalese court jails opposition leader {p}",
    "Norvale jails opposition leader {p}",
    "Norvalese opposition leader {p} sent to prison",
    "Norvalese opposition leader {p} taken into custody",
    "Norvale's main opposition leader {p} arrested",
    "Norvalese opposition leader {p} placed under house arrest",
    "Norvalese opposition leader {p} charged with treason",
    "Security forces arrest Norvalese opposition leader {p}",
]

HEADLINE_NOT_ARRESTS = [
    "Norvalese opposition leader {p} released",
    "Norvale frees jailed opposition leader {p}",
    "Norvalese court grants bail to opposition leader {p}",
    "Police seek arrest of Norvalese opposition leader {p}",
    "Norvalese opposition leader {p} fears arrest",
    "Norvalese opposition leader {p} dies in custody",
    "Norvalese court extends detention of opposition leader {p}",
    "Norvale issues arrest warrant for opposition leader {p}",
    "Norvalese police arrest suspects in killing of opposition leader {p}",
    "Norvalese opposition leader {p} to remain in detention",
    "Norvalese opposition leader {p} condemns arrest of journalists",
]

LEAD_ARRESTS = [
    "Police in Norvale on Tuesday arrested opposition leader {p}, his party said.",
    "Norvalese authorities have detained opposition leader {p}, his lawyer said on Monday.",
    "Opposition leader {p} was arrested on Tuesday at his home in the capital, his party said.",
    "Security forces arrested {p}, the leader of the main opposition Norvale Unity Party, on Tuesday.",
    "{p}, a prominent opposition figure, was detained at the airport on his return from exile.",
    "A court in Norvale sentenced opposition leader {p} to five years in prison on Tuesday.",
    "The leader of Norvale's main opposition party, {p}, was arrested on Tuesday.",
    "{p}, who heads the opposition Norvale Unity Party, was arrested late on Monday.",
    "Police raided the home of opposition leader {p} and took him into custody.",
    "{p}, the opposition candidate in next month's presidential election, was arrested on Friday.",
    "Authorities arrested former prime minister {p}, now the main opposition leader, on Tuesday.",
    "The main opposition party said its leader {p} was arrested on Tuesday.",
    "Police detained {p}, the main challenger to President Mark Osei, hours before a planned rally.",
    "Opposition MP {p} was picked up by police officers at his home on Monday night.",
    "A senior opposition figure, {p}, was placed under house arrest on Wednesday.",
    "Opposition leader {p} was remanded in custody for 15 days by a magistrate on Tuesday.",
    "Police detained 42 protesters, including opposition leader {p}, on Friday.",
    # the date belongs to the clause it sits in, not to the arrest
    "Police arrested opposition leader {p} over coup attempts that happened over a decade ago.",
    # custody the person walked into, and a relative clause on the force that made it
    "Opposition leader {p} turned himself in to the National Guard on Tuesday.",
    "After giving a speech, opposition leader {p} surrendered to police, who arrested him before the crowd.",
]

LEAD_NOT_ARRESTS = [
    "Police released opposition leader {p} on Tuesday after holding him for two days.",
    "A court granted bail to opposition leader {p} on Tuesday.",
    "Prosecutors asked a court to issue an arrest warrant for opposition leader {p}.",
    "Opposition leader {p}, who was arrested in 2015, addressed a rally on Tuesday.",
    "Opposition leader {p} condemned the arrest of dozens of his supporters.",
    "A court extended the detention of opposition leader {p} by 30 days.",
    "Opposition leader {p} was acquitted of treason charges on Tuesday.",
    "Opposition leader {p} died in custody on Tuesday.",
    "The ruling party called for the arrest of opposition leader {p}.",
    "Opposition leader {p} could be arrested if he returns, the interior minister said.",
    "Opposition leader {p} marked the fifth anniversary of his arrest with a rally.",
    "Police arrested two men suspected of attacking opposition leader {p}.",
    "Opposition leader {p}, who is serving house arrest, was taken to hospital on Saturday.",
    "A court on Thursday ordered the continued detention of opposition leader {p}.",
    "Opposition leader {p} surrendered his passport to police on Tuesday.",
]

# (shape, where the shape goes, the other part, the fictional people to try)
_HEADLINE_PARTS = ("", "A spokesman confirmed the news on Monday.")  # no body, or one that says nothing
_LEAD_PARTS = ("", "Norvale news in brief")  # no headline, or a round-up's
_HEADLINE_PEOPLE = ("Ana Vell", "Tomas Rendo")
_LEAD_PEOPLE = ("Dario Velt", "Karel Danso")


def _cases(headlines, leads):
    return [(s, "headline", other, _HEADLINE_PEOPLE) for s, other in itertools.product(headlines, _HEADLINE_PARTS)] \
        + [(s, "lead", other, _LEAD_PEOPLE) for s, other in itertools.product(leads, _LEAD_PARTS)]


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def fires(analyzer, shape: str, where: str, other: str, person: str) -> bool:
    text = shape.format(p=person)
    headline, body = (text, other) if where == "headline" else (other, text)
    a = analyzer.analyse(headline, body, "2024-05-01")
    return any(f.status == "reported" and f.target_role == "opposition" for f in a.events)


@pytest.mark.parametrize("shape,where,other,people", _cases(HEADLINE_ARRESTS, LEAD_ARRESTS))
def test_an_opposition_arrest_is_reported(analyzer, shape, where, other, people):
    for person in people:
        assert fires(analyzer, shape, where, other, person), shape.format(p=person)


@pytest.mark.parametrize("shape,where,other,people", _cases(HEADLINE_NOT_ARRESTS, LEAD_NOT_ARRESTS))
def test_a_story_that_only_mentions_custody_is_not(analyzer, shape, where, other, people):
    for person in people:
        assert not fires(analyzer, shape, where, other, person), shape.format(p=person)


@pytest.mark.parametrize("headline,body", [
    ("World briefing", "Norvalese police arrested Dario Velt on Monday."),
    ("Norvale news in brief", "Police in Norvale on Tuesday arrested opposition leader Dario Velt, his party said."),
    ("Norvale: latest", "Opposition MP Dario Velt was picked up by police officers at his home on Monday night."),
])
def test_a_body_line_below_a_headline_is_one_sentence(analyzer, headline, body):
    # the parser used to open a second sentence after the line's first word
    a = analyzer.analyse(headline, body)
    assert [s.text for s in a.sentences] == [headline, body]
