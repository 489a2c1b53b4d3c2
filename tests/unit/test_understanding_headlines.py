"""The headline shapes wire and RSS copy use every day, alone (an RSS item with a title
only) and above a body sentence that does not repeat the news.

The small English model parses headlines badly ("police detain" as a noun modifier, the
object left unattached), so each shape is checked as a whole, not rule by rule. All
names are fictional (Norvale, Ana Vell, Tomas Rendo).
"""
from __future__ import annotations

import pytest

from consumers.understanding.analyzer import Analyzer

BODIES = ("", "A spokesman confirmed the news on Monday.")
PEOPLE = ("Ana Vell", "Tomas Rendo")

ARRESTS = [
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

NOT_ARRESTS = [
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


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def fires(analyzer, headline: str, body: str) -> bool:
    a = analyzer.analyse(headline, body, "2024-05-01")
    return any(f.status == "reported" and f.target_role == "opposition" for f in a.events)


@pytest.mark.parametrize("body", BODIES, ids=("title only", "with body"))
@pytest.mark.parametrize("shape", ARRESTS)
def test_an_opposition_arrest_headline_is_reported(analyzer, shape, body):
    for person in PEOPLE:
        assert fires(analyzer, shape.format(p=person), body), shape.format(p=person)


@pytest.mark.parametrize("body", BODIES, ids=("title only", "with body"))
@pytest.mark.parametrize("shape", NOT_ARRESTS)
def test_a_headline_that_only_mentions_custody_is_not(analyzer, shape, body):
    for person in PEOPLE:
        assert not fires(analyzer, shape.format(p=person), body), shape.format(p=person)
