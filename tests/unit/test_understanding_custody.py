"""What a lead says about custody on real pages: when it began, whether it goes on, who goes
into it, and what only looks like it (fictional names; one real party of the knowledge base)."""
import datetime as dt

import pytest

from consumers.understanding.analyzer import predict_document


def _reported_opposition(analysis):
    return [f for f in analysis.events
            if f.event == "arrest" and f.target_role == "opposition" and f.status == "reported"]


# (body, fires): one lead sentence or two, and whether the flagship topic fires on it
SHAPES = [
    # a lead's "after" / "before" clause dated this week is the news, unless the main clause competes
    pytest.param("The four-year trial of opposition spokesman Femi Adeyemi came to an end on Tuesday after the "
                 "court found him guilty and sentenced him to seven years in prison.", True, id="after-this-week"),
    pytest.param("Opposition leader Rafael Ortega addressed a rally on Tuesday before he was arrested by police.",
                 True, id="before-this-week"),
    pytest.param("Opposition leader Rafael Ortega was freed on Monday after he was held for three days.", False,
                 id="freed-after"),
    pytest.param("Opposition leader Rafael Ortega has campaigned on Monday since he was jailed in 2015.", False,
                 id="since-2015"),
    # custody that has begun, said with "will"
    pytest.param("Opposition leader Ana Vell will spend the night in police custody after being charged with fraud.",
                 True, id="night-in-custody"),
    pytest.param("Opposition leader Ana Vell will spend the weekend in jail, the court ruled on Friday.", True,
                 id="weekend-in-jail"),
    pytest.param("Opposition leader Ana Vell could spend years in prison if convicted.", False, id="could-spend"),
    pytest.param("Opposition leader Ana Vell will return to pretrial detention for 15 months after a court found on "
                 "Tuesday that she posed a flight risk.", True, id="return-to-detention"),
    pytest.param("Opposition leader Ana Vell will spend five years in prison, a court ruled on Monday.", True,
                 id="will-spend-years"),
    pytest.param("Opposition leader Ana Vell will spend ten years in prison if convicted.", False,
                 id="will-spend-if-convicted"),
    # house arrest ordered for a person, and one that has lasted
    pytest.param("A court in the capital has ordered house arrest for former prime minister Ana Vell, who leads the "
                 "opposition Unity Party.", True, id="house-arrest-for"),
    pytest.param("Supporters on Sunday marked one year of house arrest for opposition leader Ana Vell.", False,
                 id="year-of-house-arrest"),
    pytest.param("The court ordered the arrest of opposition leader Ana Vell, who lives abroad.", False,
                 id="ordered-arrest"),
    # party members by the score are a crowd
    pytest.param("Police detained around 20 members of the opposition Unity Party after a ceremony on Sunday.", False,
                 id="20-members"),
    pytest.param("Police detained dozens of members of the opposition Unity Party on Sunday.", False,
                 id="dozens-of-members"),
    pytest.param("Police detained three senior members of the opposition Unity Party on Sunday.", True,
                 id="three-senior-members"),
    # taken to a place of custody
    pytest.param("Opposition leader Ana Vell was taken in a black sedan from her home to the Eastern Detention Center "
                 "on Thursday.", True, id="taken-to-detention-center"),
    pytest.param("Opposition leader Ana Vell was taken to a police station for questioning on Thursday.", True,
                 id="taken-to-police-station"),
    pytest.param("Opposition leader Ana Vell was taken to hospital on Thursday.", False, id="taken-to-hospital"),
    # the lead's first word on a person decides
    pytest.param("A court on Thursday ordered the continued detention of opposition leader Ana Vell despite a ruling "
                 "from Strasbourg. The European court lambasted the pre-trial detention of Vell, who has been held "
                 "for years.", False, id="continued-then-detention"),
    # an unresolved pronoun in the lead names no one, so later sentences are not its follow-up
    pytest.param("The wife of an arrested opposition candidate said on Thursday authorities are not letting her into "
                 "the jail to see him. Ana Vell and her husband, a prominent journalist, have both been jailed.",
                 False, id="unresolved-pronoun"),
    pytest.param("Police arrested opposition leader Ana Vell last month, her party said on Friday.", False,
                 id="last-month"),
    pytest.param("Opposition MP Ana Vell has been further remanded till tomorrow, the court said. Vell was arrested "
                 "on March 17.", False, id="further-remanded"),
    pytest.param("Opposition leader Ana Vell, who was arrested on charges of misusing state vehicles, has been further "
                 "remanded until February 20. The Unity Front leader was arrested by the police on January 10.", False,
                 id="relative-history-then-further-remanded"),
]


@pytest.mark.parametrize("body,fires", SHAPES)
def test_custody_shapes(analyzer, body, fires):
    a = analyzer.analyse("", body)
    assert bool(_reported_opposition(a)) == fires, a.events


# A full date is past only against the story's own date.
@pytest.mark.parametrize("when,fires", [
    ("on October 5, 2023", True), ("on 29 September 2023", True), ("on Thursday", True),
    ("on March 3, 2023", False), ("in 2023", False), ("in 2019", False), ("two years ago", False),
    ("last August", False), ("last week", True), ("two days ago", True), ("two years ago", False),
])
def test_dated_lead_against_the_story_date(analyzer, when, fires):
    a = analyzer.analyse("", f"Police arrested opposition leader Ana Vell {when}, her party said.",
                         dt.date(2023, 10, 6))
    assert bool(_reported_opposition(a)) == fires, a.events


def test_second_participle_shares_the_passive(analyzer):
    # "has been removed ... and detained", the tagger reading "detained" as a past tense
    a = analyzer.analyse("", "The former head of Free Voice, an opposition movement, has reportedly been "
                             "removed from a plane in Lisbon and detained.")
    assert _reported_opposition(a), a.events


def test_headline_on_extended_custody_makes_the_arrest_history(analyzer):
    a = analyzer.analyse("Court Extends Pretrial Detention For Opposition Politician Ana Vell",
                         "Opposition politician Ana Vell was arrested in February. A court in the capital "
                         "has extended her pretrial detention until November.")
    assert not predict_document(a), a.events


def test_headline_person_charged_and_a_date_on_another_clause(analyzer):
    # "X charged after winning seat": a headline's participle on a person is the legal sense;
    # the date of a coordinated clause with its own auxiliary dates that clause only
    a = analyzer.analyse("Norvale opposition politician charged after winning seat",
                         "An opposition Unity Party candidate who was elected as a village chief has been charged "
                         "with robbery over an incident that allegedly took place, and was resolved, more than "
                         "20 years ago.")
    assert {f.status for f in _reported_opposition(a)} == {"reported"}, a.events
    assert sum(f.sentence.index == 0 for f in _reported_opposition(a)) == 1


def test_party_said_with_a_copula_gives_the_side(analyzer):
    # a fictional lawmaker of a real party in the knowledge base (Balad, in opposition)
    a = analyzer.analyse("", "Israeli police arrested lawmaker Samir Haddad on Thursday over a visit to a "
                             "prison.\n\nHaddad is a lawmaker with the Balad Arab nationalist party, which often "
                             "clashes with the establishment.", dt.date(2016, 12, 22))
    assert any(f.target == "Samir Haddad" for f in _reported_opposition(a)), a.events


def test_a_report_that_read_as_a_relative_clause(analyzer):
    a = analyzer.analyse("", "The rights committee of the political movement Free Norvale – founded by opposition "
                             "leader Ana Vell in 2012 – published on its account that Marco Ruiz, her legal adviser "
                             "and witness before the electoral council, was arrested on Tuesday by the intelligence "
                             "service.")
    assert [f.status for f in a.events if f.target == "Marco Ruiz"] == ["reported"], a.events


@pytest.mark.parametrize("headline,body", [
    ("Norvale court arrests top Vell associate in absentia", "A court on Tuesday ordered the arrest of Marco Ruiz, "
     "a top associate of opposition leader Ana Vell, who lives abroad."),
    ("", "Opposition leader Ana Vell was sentenced in absentia to ten years in prison on Monday."),
])
def test_in_absentia_is_no_custody(analyzer, headline, body):
    assert not predict_document(analyzer.analyse(headline, body))


@pytest.mark.parametrize("headline,body", [
    ("Opposition leader Ana Vell sentenced to house arrest in graft case", ""),
    ("", "A court sentenced opposition leader Ana Vell to house arrest on Monday."),
    ("", "Opposition leader Ana Vell will carry out her six-year sentence for corruption under house arrest, "
         "a judge ruled on Tuesday."),
])
def test_who_goes_into_house_arrest(analyzer, headline, body):
    a = analyzer.analyse(headline, body)
    assert [f.target for f in _reported_opposition(a)] == ["Ana Vell"], a.events


def test_a_span_of_years_is_a_tenure_not_the_date(analyzer):
    a = analyzer.analyse("", "Police arrested Tom Vale, opposition leader and president 2006-2019, on Monday.")
    assert _reported_opposition(a), a.events
