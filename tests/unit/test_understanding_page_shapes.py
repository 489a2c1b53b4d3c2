"""Shapes found on unseen pages of fresh batch 5 (the dev half): teaser blocks above the
headline, captions repeated with their credit, titles with a portfolio, dates of another
noun, subjects hung on the auxiliary. Every name here is fictional."""
from __future__ import annotations

import datetime as dt

import pytest

from consumers.understanding.entities import _given_name_first
from consumers.understanding.page_layout import read_layout


def _reported_opposition(analysis):
    return [f for f in analysis.events
            if f.event == "arrest" and f.target_role == "opposition" and f.status == "reported"]


def test_a_block_of_teasers_above_the_headline_is_furniture():
    teasers = "".join(f"Teaser story number {n} about something else\n\nRead more\n\n\n" for n in range(12))
    page = ("Don't miss\n\n\n\n" + teasers + "Opposition leaders arrested in wake of protests\n\n"
            "Text by News Wires\n\nLatest update : 2011-02-20\n\n"
            "Norvale authorities detained three opposition leaders on Saturday after a protest.\n")
    _, layout = read_layout("", page)
    assert layout.headline is not None
    assert page[layout.headline[0]:layout.headline[1]] == "Opposition leaders arrested in wake of protests"
    assert page[layout.lead_start:].startswith("Norvale authorities detained")


def test_a_caption_repeated_with_its_credit_glued_on_is_not_the_lead():
    caption = "Opposition lawmaker Ana Vell (centre) being escorted by police officials in Eastport."
    page = (f"Norvale opposition MP faces jail term\n\n{caption}\n{caption} PHOTO: AFP\n\n"
            "EASTPORT (AFP) - An opposition lawmaker was charged on Tuesday with inciting revolt.\n")
    _, layout = read_layout("", page)
    assert page[layout.lead_start:].startswith("EASTPORT (AFP)")


@pytest.mark.parametrize("body,fires", [
    # a title with its portfolio before the name; "former" covers both coordinated offices
    pytest.param("Police arrested former Member of Parliament and Minister of Industry and Commerce Ana Vell on "
                 "Monday. Vell is the leader of the opposition Unity Front.", True, id="portfolio-title"),
    # a year in front of another noun dates that noun ...
    pytest.param("Police arrested opposition leader Ana Vell on Monday for her alleged links to the 2019 harbour "
                 "bombings.", True, id="year-of-another-noun"),
    # ... unless the noun says when: "during the 2019 protests"
    pytest.param("Police arrested opposition leader Ana Vell during the 2019 protests.", False,
                 id="during-the-year"),
    # the parser hangs the subject on the auxiliary
    pytest.param("Opposition leader Sandra Vell was on Monday arrested on charges of campaign finance "
                 "violations.", True, id="subject-on-auxiliary"),
    # a custody that others are tried over is their deed, not news of one
    pytest.param("Twelve intelligence officers will be tried for their role in the brief detention of an opposition "
                 "leader, the prosecutor said on Wednesday.", False, id="tried-for-their-role-in"),
    # a participle that shares a perfect clause's years-long time
    pytest.param("The president has overseen a sweeping crackdown since taking power five years ago, tightening "
                 "control of the media and locking up rights lawyers and dissidents.", False,
                 id="since-taking-power-locking-up"),
])
def test_shapes(analyzer, body, fires):
    a = analyzer.analyse("", body, dt.date(2021, 4, 26))
    assert bool(_reported_opposition(a)) == fires, a.events


def test_a_given_name_first_makes_an_org_span_a_person(analyzer):
    doc = analyzer.nlp("Sandra Vellamo spoke. Maria Unity Party spoke. Sandra said.")
    assert _given_name_first(doc[0:2])
    assert not _given_name_first(doc[4:7])  # an organisation word
    assert not _given_name_first(doc[9:10])  # one word


def test_a_donation_appeal_between_headline_and_story_is_furniture():
    page = ("Norvale opposition MP arrested in raid\nYour support helps us to tell the story\n"
            "From local politics to climate change, our reporters are on the ground when the story develops.\n"
            "Your donation allows us to keep sending journalists to both sides of the story.\n"
            "Your support makes all the difference.Norvale security forces have arrested a prominent opposition MP.\n"
            "More of the story follows.\n")
    _, layout = read_layout("", page)
    assert page[layout.lead_start:].startswith("Norvale security forces have arrested")


def test_a_sentence_opening_pronoun_is_the_previous_subject(analyzer):
    a = analyzer.analyse("", "Tom Vale had been a vocal supporter of the protests against the government led by "
                             "Prime Minister Rob Hart. He was arrested on Monday on charges of terrorism.")
    assert [f.target for f in a.events if f.event == "arrest"] == ["Tom Vale"], a.events


def test_doubled_letters_and_a_closing_h_are_one_spelling():
    from consumers.understanding.party_kb import spelling_key

    assert spelling_key("Maumoon Abdul Gayyoom") == spelling_key("Maumoon Abdul Gayoom")
    assert spelling_key("Abdullah Vell") == spelling_key("Abdulla Vell")
    assert spelling_key("Ana Vell") != spelling_key("Ana Bell")


def test_short_fragments_and_a_masthead_are_not_the_lead_or_the_headline():
    page = ("Thursday, May 02, 2024 | Shawwal 22, 1445 H\nbroken clouds\nweather\nNORVALE\n30°C / 30°C\n"
            "EDITOR IN CHIEF- JAN VAN DER VELL\n\nNorvale opposition party leader arrested\n\nNo Image\nminus\nplus\n\n"
            "EASTPORT: A Norvale opposition leader has been arrested in the capital, his party said on Tuesday.\n")
    _, layout = read_layout("", page)
    assert page[layout.headline[0]:layout.headline[1]] == "Norvale opposition party leader arrested"
    assert page[layout.lead_start:].startswith("EASTPORT: A Norvale")


@pytest.mark.parametrize("body,fires", [
    # a former ruler out of power is the protocol's opposition figure; a former minister is not
    pytest.param("Police arrested former President Tom Vale on Saturday for alleged illicit enrichment.", True,
                 id="former-president"),
    pytest.param("Police arrested former Prime Minister Tom Vale on Saturday.", True, id="former-prime-minister"),
    pytest.param("Police arrested former minister Tom Vale on Saturday.", False, id="former-minister"),
    # the past perfect is before the news, unless someone reports it
    pytest.param("On July 1, opposition leader Tom Vale had been arrested by officials of the narcotics force.", False,
                 id="past-perfect"),
    pytest.param("Police said on Monday that opposition leader Tom Vale had been arrested.", True,
                 id="past-perfect-reported"),
    # an aside on one already held, in a clause about something else
    pytest.param("Opposition leader Tom Vale, jailed in Norvale, was not present for the ceremony.", False,
                 id="aside-already-held"),
    pytest.param("Opposition leader Tom Vale, arrested on Monday, appeared in court on Tuesday.", True,
                 id="aside-with-its-time"),
    # custody a ruling begins
    pytest.param("Opposition leader Tom Vale will be taken to prison after a court denied him bail on Monday.", True,
                 id="will-be-taken-to-prison"),
])
def test_roles_and_tenses(analyzer, body, fires):
    a = analyzer.analyse("", body, dt.date(2021, 4, 26))
    assert bool(_reported_opposition(a)) == fires, a.events


def test_a_refused_bail_in_the_headline_leaves_the_custody_the_news(analyzer):
    a = analyzer.analyse("Judge refuses to grant bail, sentences Vell to pre-trial custody",
                         "Tom Vell, the leader of the opposition party Free Norvale, was detained on July 25.")
    assert _reported_opposition(a), a.events



def test_people_affiliated_with_an_opposition_party_are_its_own(analyzer):
    # a real party of the knowledge base (KMT, in opposition since 2016)
    a = analyzer.analyse("", "Five individuals affiliated with the Kuomintang (KMT) were indicted on Monday for "
                             "allegedly forging signatures.", dt.date(2025, 6, 16))
    assert _reported_opposition(a), a.events


def test_a_navigation_bar_is_furniture():
    from consumers.understanding.page_layout import is_furniture

    assert is_furniture("RSS   Newsletter   Contact   Advertise with us")
    assert not is_furniture("Police arrest opposition leader")


def test_a_headline_that_ends_in_a_release_is_the_news(analyzer):
    a = analyzer.analyse("Norvale's anti-graft agency arrested and released ex-PM Tom Vale",
                         "Norvale's anti-graft agency confirmed the arrest of former Prime Minister Tom Vale.")
    assert not _reported_opposition(a), a.events


def test_an_aside_on_the_object_of_another_verb(analyzer):
    a = analyzer.analyse("", "The ruling junta has moved opposition politicians, arrested in a crackdown earlier "
                             "this month, to prison.")
    assert not _reported_opposition(a), a.events


def test_an_ambiguous_party_name_is_looked_up_in_the_story_country(analyzer):
    # a real party of the knowledge base (the Communist Party of the Russian Federation)
    a = analyzer.analyse("", "A veteran Communist Party lawmaker has been detained on charges of illegal hunting "
                             "in central Russia, police said Friday.", dt.date(2021, 10, 29))
    assert _reported_opposition(a), a.events


def test_the_one_who_receives_a_prison_term(analyzer):
    a = analyzer.analyse("", "Presidential candidate Tom Vale and two co-accused have received heavy sentences of "
                             "ten years in prison by the special court on Tuesday.")
    assert [f.target for f in _reported_opposition(a)] == ["Tom Vale"], a.events


def test_a_secretary_general_is_no_army_general(analyzer):
    a = analyzer.analyse("", "The secretary general of the opposition Unity Party was arrested on Saturday.")
    assert all(f.target_role != "military" for f in a.events), a.events


def test_a_two_word_surname_alone_is_the_full_name(analyzer):
    a = analyzer.analyse("", "Tom Bani Vell, the party's deputy leader, spoke on Monday. Bani Vell was arrested "
                             "later that day.")
    assert {e.canonical for e in a.entities if e.label == "PERSON"} == {"Tom Bani Vell"}, a.entities


def test_a_headline_term_in_years_and_a_founder_of_an_opposition_party(analyzer):
    a = analyzer.analyse("Norvale Opposition Figure Gets 26 Years",
                         "Convicted of corruption, Tom Vale was arrested shortly after setting up an opposition party.")
    assert {f.action for f in _reported_opposition(a)} == {"jail", "arrest"}, a.events
    b = analyzer.analyse("", "Convicted of corruption, Tom Vale was arrested shortly after setting up a new party.")
    assert not _reported_opposition(b), b.events


@pytest.mark.parametrize("body", [
    "The opposition Unity Party on Tuesday suspended its part in the talks, citing the detention of its leader "
    "Tom Vale.",
    "The move follows the arrest of opposition leader Tom Vale on Monday.",
])
def test_a_reason_cited_or_an_event_followed_is_before_the_news(analyzer, body):
    assert not _reported_opposition(analyzer.analyse("", body)), body


def test_a_paywall_promotion_and_a_logo_line_are_furniture():
    from consumers.understanding.page_layout import is_furniture

    assert is_furniture("Unlimited access to premium stories for as low as $12.95 /mo.")
    assert is_furniture("Get It Now")
    assert is_furniture("Norvale Star-Advertiser logo")


def test_a_firm_named_after_a_person_stays_a_firm(analyzer):
    # "Morgan" is a given name; the eponym list keeps the bank an ORG
    a = analyzer.analyse("", "Shares of Morgan Stanley rose 2 percent on Monday, analysts at Morgan Stanley said.")
    assert ("Morgan Stanley", "ORG") in {(e.canonical, e.label) for e in a.entities}
