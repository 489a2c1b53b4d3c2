"""Arrest-event frames: the reference story, positives and hard negatives."""
import datetime as dt
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


# --- main-news detection and recall rules (one sentence pair per rule) -------------

MAIN_NEWS_NEGATIVES = [
    # the headline announces a pardon / an appeal; the arrest is context
    ("Opposition senator pardoned by king",
     "PHNOM PENH (Reuters) - An opposition senator was pardoned on Wednesday. "
     "A crackdown on the opposition has led to the arrest of opposition leader Kem Sokha."),
    ("Jailed activists win chance to appeal",
     "A court on Tuesday allowed three activists a final chance to appeal. "
     "Police arrested opposition leader Ana Torres in August."),
    # the lead sentence's main verb is a release / a denial
    ("", "The government released a prominent dissident from prison on Tuesday. "
         "Police detained opposition leader Juan Perez at the airport on Monday."),
    ("", "The ambassador rejected the accusations on Tuesday and called for calm. "
         "The government has charged opposition leader Kem Sokha with treason."),
]


@pytest.mark.parametrize("headline,body", MAIN_NEWS_NEGATIVES)
def test_not_the_main_news(analyzer, headline, body):
    a = analyzer.analyse(headline, body)
    assert not _reported_opposition(a), a.events
    assert not predict_document(a)
    assert any(f.target_role == "opposition" and f.status == "background" for f in a.events)


def test_headline_arrest_beats_release_word(analyzer):
    a = analyzer.analyse("Police arrest opposition leader Juan Perez days after his release",
                         "Police arrested opposition leader Juan Perez on Monday.")
    assert predict_document(a)


def _opp_sentences(a):
    return {f.sentence.index for f in a.events
            if f.target_role == "opposition" and f.status in {"reported", "background"}}


RECALL_CASES = [
    # state noun with a place after it
    "The main opposition figure, Riek Machar, is under house arrest in South Africa.",
    # apposition head: "Ledezma, an opposition leader who escaped house arrest"
    "The talks are a parody, said Antonio Ledezma, an opposition leader who escaped house arrest this month.",
    # "charges aimed at X"
    "Opposition leader Selahattin Demirtas was in court. The charges aimed at Demirtas included treason.",
    # quantifier subject: "..., all charged with forgery"
    "A prominent opposition leader appeared in court alongside her mother on Friday, all charged with forgery.",
    # "including X" in a group
    "Several opposition activists including opposition leader Joshua Wong have recently been jailed.",
    # charge sense with "with" inside the object
    "Rwanda charged another opposition official and eight others with forming an armed group.",
    # "whose leaders" -> the party
    "The HDP, whose leaders have been jailed in the crackdown, was seen taking 7 percent.",
    # modal outside the clause does not make the state possible
    "With its leaders barred - Leopoldo Lopez is under arrest - the opposition may struggle.",
]


@pytest.mark.parametrize("body", RECALL_CASES)
def test_recall_rules(analyzer, body):
    a = analyzer.analyse("", body)
    assert _opp_sentences(a), a.events


def test_feminine_pronoun_skips_male_antecedent(analyzer):
    body = ("Ukrainian opposition leader Yulia Tymoshenko spoke on Wednesday. "
            "Paul Manafort paid for a report. She was charged with abuse of power and was jailed.")
    a = analyzer.analyse("", body)
    targets = {f.target for f in a.events if f.sentence.index == 2}
    assert targets == {"Yulia Tymoshenko"}, a.events


def test_first_person_quote_is_the_speaker(analyzer):
    body = ("Opposition leader Yulia Tymoshenko spoke on Wednesday. Officials met. Talks stalled. "
            "I ended up in prison, Tymoshenko said in an interview.")
    a = analyzer.analyse("", body)
    assert any(f.target == "Yulia Tymoshenko" and f.target_role == "opposition" for f in a.events), a.events


def test_plural_pronoun_is_the_speakers(analyzer):
    body = ("Opposition leader Ana Torres appeared in court. Officials met. Talks stalled. "
            "Torres and her sister have said the charges against them are politically motivated.")
    a = analyzer.analyse("", body)
    assert any(f.target == "Ana Torres" and f.action == "charge" and f.sentence.index == 3
               for f in a.events), a.events


def test_described_lead_then_named(analyzer):
    body = ("BUDAPEST (Reuters) - A Hungarian lawmaker who belongs to the opposition Jobbik party "
            "has been charged with spying, prosecutors said on Wednesday. "
            "The charges against Bela Kovacs stem from an investigation dating from 2014.")
    a = analyzer.analyse("", body)
    kovacs = [f for f in a.events if f.target == "Bela Kovacs"]
    assert kovacs and all(f.target_role == "opposition" for f in kovacs), a.events
    assert any("named after the lead" in f.role_evidence for f in kovacs), kovacs
    # the lead's description is him too: the story has one target, not two
    assert {f.target for f in a.events if f.target_role == "opposition"} == {"Bela Kovacs"}


STATE_NEGATIVES = [
    # an ongoing state dating from long ago is not news
    ("EU condemns Cambodia",
     "BRUSSELS (Reuters) - The European Union on Monday condemned Cambodia's treatment of the opposition. "
     "Opposition leader Kem Sokha has been under house arrest since 2017."),
    # escaping house arrest ends it
    ("Venezuela opposition leader escapes house arrest, flees to Spain",
     "CARACAS (Reuters) - Venezuelan opposition leader Antonio Ledezma escaped house arrest on Friday "
     "and fled to Spain, his party said."),
]


# Fictional items: the news is not the custody.
NOT_THE_CUSTODY = [
    # a call verb over a that-clause
    ("", "Prosecutors on Wednesday asked that opposition leader Lucia Vega be found guilty of fraud, "
         "sentenced to prison and barred from office."),
    # "ordered the release", after a dateline on its own line
    ("", "Opposition leader Tomas Varga was arrested in July along with other party officials.\n"
         "RIVERTON -\n"
         "A court on Friday ordered the release of opposition leader Tomas Varga after prosecutors "
         "dropped the charges against him."),
    # a title the page layout left among the opening lines still says what the news is
    ("", "Accessibility links\nRuritanian Opposition Leader Appeals\nFor Help From Prison\nTomas Varga\n"
         "Ruritanian opposition leader Tomas Varga was arrested on February 4 and charged with "
         "organising unrest in the town of Riverton."),
    # a headline about what an already jailed person does
    ("Jailed opposition leader accepts court ruling",
     "Jailed opposition leader Tomas Varga will abide by the ruling, his lawyer said. Varga and "
     "three party officials were jailed on Nov. 2 pending trial."),
]


@pytest.mark.parametrize("headline,body", STATE_NEGATIVES + NOT_THE_CUSTODY)
def test_state_negatives(analyzer, headline, body):
    a = analyzer.analyse(headline, body)
    assert not _reported_opposition(a), a.events
    assert not predict_document(a)


def test_group_target_has_no_layout_whitespace(analyzer):
    a = analyzer.analyse("Uganda charges opposition figure with treason",
                         "KAMPALA (Reuters) - Prosecutors charged opposition politician Kizza Besigye with treason.")
    assert all("\n" not in f.target and "  " not in f.target for f in a.events)


def test_plural_pronoun_needs_plural_speaker(analyzer):
    a = analyzer.analyse("", "Opposition leader Alexei Navalny said on Monday police had arrested them at the rally.")
    assert not any(f.target == "Alexei Navalny" for f in a.events), a.events


# Fictional items in the shapes of real pages (the dev split's misses).
NAMED_LATER = [
    # the state hung on the object: "placed X, a senior official ..., under house arrest"
    ("", "The interior ministry has placed Karim Haddad, a senior official of the opposition Renewal "
         "party, under house arrest, a party official said.", "Karim Haddad"),
    # "One of the critics of President X, Senator Y, was arrested"
    ("", "One of the fiercest critics of President Mateo Ruiz, opposition Senator Lucia Vega, was "
         "arrested on Friday morning.", "Lucia Vega"),
    # an unnamed lead target named next with the same title word
    ("", "An MP and a former senator were held at a police station on Monday over a speech. "
         "Coast MP Peter Otieno and Senator James Mwangi, an opposition leader, were questioned for hours.",
     "James Mwangi"),
    # the party of the person, said in apposition later (knowledge base: AAP, opposition)
    ("", "Federal agents arrested Rahul Mehta in New Delhi on Wednesday. Mehta, a senior leader of the "
         "Aam Aadmi Party, has long criticised the federal government.", "Rahul Mehta"),
    # "re-arrests" kept whole by the tokenizer
    ("Ruritania re-arrests prominent opposition leader",
     "Authorities have re-arrested opposition leader Tomas Varga, who was freed in June.", "Tomas Varga"),
    # captions and credits before the lead do not push it out of the lead
    ("Ruritania protests: fears grow for missing opposition figure",
     "Tomas Varga addressing supporters in August\nimage\ncopyright Example Images\n"
     "image caption Varga spoke to reporters last month\n"
     "A Ruritanian opposition leader has reportedly been detained at the border.\n"
     "State media report that opposition leader Tomas Varga was held at the border on Tuesday.",
     "Tomas Varga"),
    # a headline drops the term and the name the lead gives
    ("Ruritania opposition leader sentenced on corruption charges",
     "Opposition leader Tomas Varga was given ten years in prison by a court on Monday.", "Tomas Varga"),
]


@pytest.mark.parametrize("headline,body,target", NAMED_LATER)
def test_target_named_despite_the_parse(analyzer, headline, body, target):
    a = analyzer.analyse(headline, body)
    assert target in {f.target for f in _reported_opposition(a)}, a.events
    assert predict_document(a)


def test_denying_the_charges_is_not_the_news(analyzer):
    a = analyzer.analyse("Opposition senator arrested",
                         "Senator Lucia Vega has denied the charges. Opposition Senator Lucia Vega was "
                         "arrested on Friday.")
    assert predict_document(a), a.events
    assert not predict_document(analyzer.analyse(
        "Police deny arresting opposition senator",
        "Police denied reports that they arrested opposition Senator Lucia Vega on Friday."))


# A lead's "after" / "before" clause dated this week is the news, unless the main clause
# is a competing event (fictional names).
@pytest.mark.parametrize("body,fires", [
    ("The four-year trial of opposition spokesman Femi Adeyemi came to an end on Tuesday after the "
     "court found him guilty and sentenced him to seven years in prison.", True),
    ("Opposition leader Rafael Ortega addressed a rally on Tuesday before he was "
     "arrested by police.", True),
    ("Opposition leader Rafael Ortega was freed on Monday after he was held for three days.", False),
    ("Opposition leader Rafael Ortega has campaigned on Monday since he was jailed in 2015.", False),
])
def test_lead_after_clause_of_this_week(analyzer, body, fires):
    a = analyzer.analyse("", body)
    assert bool(_reported_opposition(a)) == fires, a.events
    assert predict_document(a) == fires


def test_second_participle_shares_the_passive(analyzer):
    # "has been removed ... and detained", the tagger reading "detained" as a past tense
    a = analyzer.analyse("", "The former head of Free Voice, an opposition movement, has reportedly been "
                             "removed from a plane in Lisbon and detained.")
    assert _reported_opposition(a), a.events


# A full date is past only against the story's own date (fictional names).
@pytest.mark.parametrize("when,fires", [
    ("on October 5, 2023", True), ("on 29 September 2023", True), ("on Thursday", True),
    ("on March 3, 2023", False), ("in 2023", False), ("in 2019", False), ("two years ago", False),
    ("last August", False), ("last week", True),
])
def test_dated_lead_against_the_story_date(analyzer, when, fires):
    a = analyzer.analyse("", f"Police arrested opposition leader Ana Vell {when}, her party said.",
                         dt.date(2023, 10, 6))
    assert bool(_reported_opposition(a)) == fires, a.events


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


@pytest.mark.parametrize("body,fires", [
    ("Opposition leader Ana Vell will spend the night in police custody after being charged with fraud.", True),
    ("Opposition leader Ana Vell will spend the weekend in jail, the court ruled on Friday.", True),
    ("Opposition leader Ana Vell could spend years in prison if convicted.", False),
])
def test_a_night_in_custody_has_begun(analyzer, body, fires):
    assert bool(_reported_opposition(analyzer.analyse("", body))) == fires


def test_a_report_that_read_as_a_relative_clause(analyzer):
    a = analyzer.analyse("", "The rights committee of the political movement Free Norvale – founded by opposition "
                             "leader Ana Vell in 2012 – published on its account that Marco Ruiz, her legal adviser "
                             "and witness before the electoral council, was arrested on Tuesday by the intelligence "
                             "service.")
    assert [f.status for f in a.events if f.target == "Marco Ruiz"] == ["reported"], a.events


@pytest.mark.parametrize("body,fires", [
    ("Opposition leader Ana Vell will return to pretrial detention for 15 months after a court found on "
     "Tuesday that she posed a flight risk.", True),
    ("Opposition leader Ana Vell will spend five years in prison, a court ruled on Monday.", True),
    ("Opposition leader Ana Vell will spend ten years in prison if convicted.", False),
])
def test_a_certain_will_on_going_into_custody(analyzer, body, fires):
    assert bool(_reported_opposition(analyzer.analyse("", body))) == fires


@pytest.mark.parametrize("body,fires", [
    ("A court in the capital has ordered house arrest for former prime minister Ana Vell, who leads the "
     "opposition Unity Party.", True),
    ("Supporters on Sunday marked one year of house arrest for opposition leader Ana Vell.", False),
    ("The court ordered the arrest of opposition leader Ana Vell, who lives abroad.", False),
])
def test_house_arrest_ordered_for_a_person(analyzer, body, fires):
    assert bool(_reported_opposition(analyzer.analyse("", body))) == fires


@pytest.mark.parametrize("headline,body", [
    ("Norvale court arrests top Vell associate in absentia", "A court on Tuesday ordered the arrest of Marco Ruiz, "
     "a top associate of opposition leader Ana Vell, who lives abroad."),
    ("", "Opposition leader Ana Vell was sentenced in absentia to ten years in prison on Monday."),
])
def test_in_absentia_is_no_custody(analyzer, headline, body):
    assert not predict_document(analyzer.analyse(headline, body))


@pytest.mark.parametrize("body,fires", [
    ("Police detained around 20 members of the opposition Unity Party after a ceremony on Sunday.", False),
    ("Police detained dozens of members of the opposition Unity Party on Sunday.", False),
    ("Police detained three senior members of the opposition Unity Party on Sunday.", True),
])
def test_members_by_the_score_are_a_crowd(analyzer, body, fires):
    assert bool(_reported_opposition(analyzer.analyse("", body))) == fires


@pytest.mark.parametrize("headline,body", [
    ("Opposition leader Ana Vell sentenced to house arrest in graft case", ""),
    ("", "A court sentenced opposition leader Ana Vell to house arrest on Monday."),
    ("", "Opposition leader Ana Vell will carry out her six-year sentence for corruption under house arrest, "
         "a judge ruled on Tuesday."),
])
def test_who_goes_into_house_arrest(analyzer, headline, body):
    a = analyzer.analyse(headline, body)
    assert [f.target for f in _reported_opposition(a)] == ["Ana Vell"], a.events


@pytest.mark.parametrize("body", [
    # the lead's first word on the person is a detention that goes on
    "A court on Thursday ordered the continued detention of opposition leader Ana Vell despite a ruling "
    "from Strasbourg. The European court lambasted the pre-trial detention of Vell, who has been held for years.",
    # an unresolved pronoun in the lead names no one, so later sentences are not its follow-up
    "The wife of an arrested opposition candidate said on Thursday authorities are not letting her into the "
    "jail to see him. Ana Vell and her husband, a prominent journalist, have both been jailed.",
    # "last month" is no news of today
    "Police arrested opposition leader Ana Vell last month, her party said on Friday.",
])
def test_what_the_lead_says_first(analyzer, body):
    assert not predict_document(analyzer.analyse("", body)), analyzer.analyse("", body).events


def test_further_remanded_goes_on(analyzer):
    a = analyzer.analyse("", "Opposition MP Ana Vell has been further remanded till tomorrow, the court said. "
                             "Vell was arrested on March 17.")
    assert not predict_document(a), a.events


@pytest.mark.parametrize("body,fires", [
    ("Opposition leader Ana Vell was taken in a black sedan from her home to the Eastern Detention Center "
     "on Thursday.", True),
    ("Opposition leader Ana Vell was taken to a police station for questioning on Thursday.", True),
    ("Opposition leader Ana Vell was taken to hospital on Thursday.", False),
])
def test_taken_to_a_place_of_custody(analyzer, body, fires):
    assert bool(_reported_opposition(analyzer.analyse("", body))) == fires
