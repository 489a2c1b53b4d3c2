"""Arrest-event frames: the reference story, positives and hard negatives."""
from pathlib import Path

import pytest

from consumers.understanding.analyzer import predict_document, shared_analyzer

SEED = Path("/work/shared/eval-data/seed/kem-sokha-arrest.txt")


@pytest.fixture(scope="module")
def analyzer():
    return shared_analyzer()


def _reported_opposition(analysis):
    return [f for f in analysis.events
            if f.event == "arrest" and f.target_role == "opposition" and f.status == "reported"]


def test_reference_story_one_reported_target(analyzer):
    a = analyzer.analyse("", SEED.read_text())
    frames = _reported_opposition(a)
    assert {f.target for f in frames} == {"Kem Sokha"}
    assert {f.sentence.index for f in frames} == {frames[0].sentence.index}
    assert frames[0].sentence.text.startswith(
        "The leader of the Cambodia National Rescue Party (CNRP), Kem Sokha, was arrested on Sept. 3 "
        "and charged with treason")
    assert {f.action for f in frames} >= {"arrest"}
    arrest = next(f for f in frames if f.action == "arrest")
    assert arrest.time == "Sept. 3"
    assert a.text[arrest.trigger_start:arrest.trigger_end] == "arrested"
    # the Western-condemnation sentence is background, "more arrests" is only a possibility
    statuses = {f.status for f in a.events if f not in frames}
    assert "background" in statuses and "possible" in statuses
    assert predict_document(a)


POSITIVES = [
    ("", "MOSCOW (Reuters) - Police arrested opposition leader Alexei Navalny in Moscow on Monday "
         "as he left his home.", "Alexei Navalny", "arrest"),
    ("", "Turkish authorities detained Selahattin Demirtas, co-leader of the pro-Kurdish opposition "
         "HDP, and 11 other lawmakers.", "Selahattin Demirtas", "detain"),
    ("", "The head of the main opposition party, Juan Perez, was detained at the airport on Friday.",
     "Juan Perez", "detain"),
    ("", "Authorities jailed the leader of the opposition Democratic Party, Yusuf Ali, for five years "
         "on Tuesday.", "Yusuf Ali", "jail"),
    ("", "Venezuelan opposition leader Leopoldo Lopez was indicted on charges of inciting violence.",
     "Leopoldo Lopez", "indict"),
    ("", "Prosecutors charged Tendai Biti, a senior member of the opposition MDC, with treason.",
     "Tendai Biti", "charge"),
    # role from the watchlist only
    ("", "HARARE (Reuters) - Zimbabwe police arrested Nelson Chamisa on Wednesday, his party said.",
     "Nelson Chamisa", "arrest"),
    # nominal trigger with a possessive, headline as lead
    ("Navalny's arrest sparks protests", "Thousands took to the streets on Sunday.",
     "Navalny", "arrest"),
    # coordination: arrested and then charged; pronoun resolved to the last person
    ("", "Cambodian police arrested opposition leader Kem Sokha at his home, and he was later charged "
         "with treason.", "Kem Sokha", "charge"),
    ("", "Opposition lawmaker Ana Torres was remanded in custody on Thursday pending trial.",
     "Ana Torres", "remand"),
]


@pytest.mark.parametrize("headline,body,target,action", POSITIVES)
def test_positive(analyzer, headline, body, target, action):
    a = analyzer.analyse(headline, body)
    frames = _reported_opposition(a)
    assert any(target in f.target or f.target in target for f in frames if f.target), a.events
    assert action in {f.action for f in frames}
    assert predict_document(a)


HARD_NEGATIVES = [
    # release / acquittal / bail
    "A court released opposition leader Sam Rainsy's aide, who had been arrested in March, on Monday.",
    "A court acquitted opposition leader Morgan Tsvangirai of treason charges on Thursday.",
    "Bangladesh opposition leader Khaleda Zia was released on bail after being charged with graft.",
    # warrant not executed
    "A court issued a warrant for the arrest of opposition leader Sam Rainsy, who lives in France.",
    # calls for an arrest
    "Opposition lawmakers called for the arrest of Interior Minister Ahmed Khalil.",
    "Protesters demanded the arrest of opposition leader Juan Perez over the riots.",
    # threat / possibility
    "Opposition leader Kem Sokha could be arrested if he returns to the country, officials said.",
    "The government has said there could be more arrests of opposition figures.",
    # negation
    "Opposition leader Ali Hassan was not arrested, his lawyer said.",
    # government official / ordinary criminal
    "Deputy finance minister Ivan Petrov was arrested on bribery charges on Tuesday.",
    "Police arrested a man suspected of stealing cars in Chicago on Friday.",
    "The former mayor of Lagos was detained by anti-corruption police on Monday.",
    # crowd, not a figure
    "Police detained dozens of opposition supporters during the rally on Saturday.",
]


@pytest.mark.parametrize("body", HARD_NEGATIVES)
def test_hard_negative(analyzer, body):
    a = analyzer.analyse("", body)
    assert not _reported_opposition(a), [f for f in a.events]
    assert not predict_document(a)


def test_background_mention_deep_in_story(analyzer):
    body = ("PHNOM PENH (Reuters) - Cambodia's economy grew 7 percent last year, the central bank said. "
            "Garment exports rose strongly. Tourism revenue also increased. "
            "Western countries have condemned the arrest of opposition leader Kem Sokha and called "
            "for his release.")
    a = analyzer.analyse("", body)
    frames = [f for f in a.events if f.target == "Kem Sokha"]
    assert frames and all(f.status == "background" for f in frames)
    assert frames[0].target_role == "opposition"
    assert not predict_document(a)


def test_frame_fields(analyzer):
    a = analyzer.analyse("", "Russian police detained opposition leader Alexei Navalny in Moscow on Monday.")
    f = _reported_opposition(a)[0]
    assert f.agent and "police" in f.agent.lower()
    assert f.place == "Moscow"
    assert f.time == "Monday"
    assert "opposition" in f.role_evidence
