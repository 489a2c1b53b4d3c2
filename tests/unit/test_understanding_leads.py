"""The lead sentences wire and web copy open with, alone and below a headline that does
not repeat the news (a brief in a round-up), and how a headline and a body split into
sentences.

All names are fictional (Norvale, Dario Velt, Karel Danso).
"""
from __future__ import annotations

import pytest

from consumers.understanding.analyzer import Analyzer

HEADLINES = ("", "Norvale news in brief")
PEOPLE = ("Dario Velt", "Karel Danso")

ARRESTS = [
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

NOT_ARRESTS = [
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


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def fires(analyzer, headline: str, body: str) -> bool:
    a = analyzer.analyse(headline, body, "2024-05-01")
    return any(f.status == "reported" and f.target_role == "opposition" for f in a.events)


@pytest.mark.parametrize("headline", HEADLINES, ids=("alone", "below a headline"))
@pytest.mark.parametrize("shape", ARRESTS)
def test_an_opposition_arrest_lead_is_reported(analyzer, shape, headline):
    for person in PEOPLE:
        assert fires(analyzer, headline, shape.format(p=person)), shape.format(p=person)


@pytest.mark.parametrize("headline", HEADLINES, ids=("alone", "below a headline"))
@pytest.mark.parametrize("shape", NOT_ARRESTS)
def test_a_lead_that_only_mentions_custody_is_not(analyzer, shape, headline):
    for person in PEOPLE:
        assert not fires(analyzer, headline, shape.format(p=person)), shape.format(p=person)


@pytest.mark.parametrize("headline,body", [
    ("World briefing", "Norvalese police arrested Dario Velt on Monday."),
    ("Norvale news in brief", "Police in Norvale on Tuesday arrested opposition leader Dario Velt, his party said."),
    ("Norvale: latest", "Opposition MP Dario Velt was picked up by police officers at his home on Monday night."),
])
def test_a_body_line_below_a_headline_is_one_sentence(analyzer, headline, body):
    # the parser used to open a second sentence after the line's first word
    a = analyzer.analyse(headline, body)
    assert [s.text for s in a.sentences] == [headline, body]
