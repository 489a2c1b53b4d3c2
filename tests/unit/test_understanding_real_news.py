"""Understanding 2 on the shapes real copy takes: pasted pages, verbless headlines,
parties from the knowledge base as of a story's date, professions as roles.

Every text here is fictional (invented places, parties and people) unless it names a
knowledge-base entry, whose dated roles are the point of the test.
"""
from __future__ import annotations

import datetime as dt

import pytest

from consumers.understanding.analyzer import Analyzer, as_date, prepare_text
from consumers.understanding.page_layout import is_furniture, read_layout
from consumers.understanding.party_kb import load_party_kb


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def reported(analysis, role="opposition"):
    return [f for f in analysis.events if f.status == "reported" and f.target_role == role]


# --- page layout -----------------------------------------------------------------------

PAGE = ("The Norvale Gazette\n"
        "Norvale's main opposition leader Ana Vell arrested for treason\n"
        "By Staff Reporter\n"
        "September 3, 2017 | 10:12 am\n"
        "Photo: Reuters\n"
        "NORVALE CITY: Police in the fictional state of Norvale arrested Ana Vell early on Sunday. "
        "She is accused of colluding with a foreign power.\n")


def test_page_furniture_is_found_and_the_headline_line_is_the_headline():
    head_is_furniture, layout = read_layout("", PAGE)
    assert not head_is_furniture and layout.headline is not None
    hs, he = layout.headline
    assert PAGE[hs:he].startswith("Norvale's main opposition leader")
    blanked = {PAGE[a:b] for a, b in layout.furniture}
    assert {"The Norvale Gazette", "By Staff Reporter", "Photo: Reuters"} <= blanked
    assert PAGE[layout.lead_start:].startswith("NORVALE CITY:")


def test_a_pasted_page_gets_its_headline_and_lead_and_dateline(analyzer):
    original, clean, headline_end, dateline = prepare_text("", PAGE)
    assert len(clean) == len(original) and dateline == "NORVALE CITY"
    assert original[:headline_end].endswith("arrested for treason")
    a = analyzer.analyse("", PAGE)
    assert {f.target for f in reported(a)} == {"Ana Vell"}


@pytest.mark.parametrize("line", ["date 2017-03-23", "By Peter Mwangi More by this Author", "Related Story",
                                  "Updated: March 3, 2017 10:04 GMT", "Share this", "World News",
                                  "A police officer stands guard. REUTERS/Jane Doe",
                                  "Norvale Herald English https://herald.example/en World News http://x.example/icon.svg",
                                  "Send to", "Save Story", "1 photo", "Estimated read time: 2-3 minutes",
                                  "in Norvale City", "Mara Quill in Norvale City and agencies", "Accessibility links",
                                  "Skip to navigation",
                                  "Supporters gather outside the court. Photograph: Jan Doe/AP"])
def test_furniture_lines(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", ["Vell arrested", "Police detain opposition leader Ana Vell",
                                  "Cowdenbeath 2 Alloa 1", "Arrested in Norvale", "in the capital"])
def test_news_lines_are_not_furniture(line):
    assert not is_furniture(line)


def test_a_date_prefix_glued_to_the_lead_is_blanked(analyzer):
    a = analyzer.analyse("", " date 2019-04-02 Opposition politician Ana Vell has been detained outside "
                             "her home in the fictional city of Norvale.\n\nOfficials refused comment.")
    (f,) = reported(a)
    assert f.target == "Ana Vell" and not f.sentence.text.startswith("date")


def test_web_lines_are_not_unwrapped_but_hard_wrapped_copy_is():
    _, clean, _, _ = prepare_text("", "Headline of a fictional story here\n" + "A lead paragraph. " * 8)
    assert clean.startswith("\n\nHeadline of a fictional story here\n")


# --- headlines -------------------------------------------------------------------------

def test_verbless_headline_passive_names_its_target(analyzer):
    a = analyzer.analyse("Norvale opposition leader Ana Vell arrested for treason",
                         "NORVALE CITY (Reuters) - Ms Vell's party said the charges were political.")
    assert "Ana Vell" in {f.target for f in reported(a) if f.sentence.index == 0}


def test_a_headline_verb_parsed_as_a_noun_keeps_its_target(analyzer):
    a = analyzer.analyse("Norvalese police arrest Freedom Front leader Tomas Brel",
                         "Police said on Wednesday they had acted on a court order against the opposition "
                         "Freedom Front.")
    assert any(f.target == "Tomas Brel" and f.sentence.index == 0 for f in a.events)


def test_a_headline_plan_or_question_is_not_an_arrest(analyzer):
    a = analyzer.analyse("Norvale to arrest opposition leader Ana Vell?", "Ms Vell said she expected it.")
    assert not reported(a)


# --- status by the main news -----------------------------------------------------------

def test_the_sentences_after_a_lead_report_name_who_was_arrested(analyzer):
    body = ("NORVALE CITY (Reuters) - Police in the fictional state of Norvale arrested a key opposition "
            "leader on Tuesday, his party said. Officials gave no reason. A crowd gathered outside the "
            "station. The leader of the main opposition Freedom Front, Tomas Brel, was arrested at dawn, "
            "his lawyer said.")
    a = analyzer.analyse("Norvale police arrest opposition leader", body)
    assert any(f.target == "Tomas Brel" and f.status == "reported" for f in a.events)


@pytest.mark.parametrize("headline,body", [
    ("Four Norvale opposition members die in custody",
     "NORVALE CITY (Reuters) - Four members of the opposition Freedom Front have died in custody."),
    ("Norvale court extends remand of opposition leader Ana Vell",
     "NORVALE CITY (Reuters) - A court extended the judicial remand of opposition leader Ana Vell by 14 days."),
    ("Norvale court refuses to remand opposition leader Ana Vell in custody",
     "NORVALE CITY (Reuters) - The court set bail instead, her lawyer said."),
    ("Students protest in Norvale",
     "NORVALE CITY (Reuters) - Students protested against the arrest of an opposition lawmaker last week."),
])
def test_deaths_extensions_refusals_and_protests_are_not_new_arrests(analyzer, headline, body):
    assert not reported(analyzer.analyse(headline, body))


# --- roles -----------------------------------------------------------------------------

def test_a_party_named_before_a_name_is_that_persons_party():
    kb = load_party_kb()
    a = Analyzer(parties=kb).analyse("Bangladesh police arrest BNP vice-chairman",
                                     "DHAKA (Reuters) - Police arrested BNP vice-chairman Karim Osman overnight.",
                                     "2013-07-01")
    assert "Karim Osman" in {f.target for f in reported(a)}


def test_roles_are_resolved_as_of_the_story_date(analyzer):
    story = ("Zambia police arrest UPND official",
             "LUSAKA (Reuters) - Police arrested Chanda Phiri, a UPND official, on Monday.")
    before = analyzer.analyse(*story, dt.date(2017, 4, 12))
    after = analyzer.analyse(*story, dt.date(2023, 4, 12))  # the UPND governs from 2021-08-24
    assert reported(before) and not reported(after)


def test_a_rival_of_the_president_and_a_mayor_of_the_opposition(analyzer):
    a = analyzer.analyse("Norvale detains president's rival",
                         "NORVALE CITY (Reuters) - Police detained Tomas Brel, the city's mayor, on Wednesday. "
                         "Brel is President Karl Ostrow's main political rival.")
    (f, *_) = [f for f in a.events if f.target == "Tomas Brel"]
    assert f.target_role == "opposition", f.role_evidence


@pytest.mark.parametrize("who,role", [
    ("journalist Lena Varga", "journalist"), ("rights activist Lena Varga", "activist"),
    ("Colonel Lena Varga", "military"),
    # "dissident" alone makes an opposition figure; with a trade, the trade is what she is
    ("dissident Lena Varga", "opposition"), ("dissident journalist Lena Varga", "journalist"),
    ("dissident writer Lena Varga", "opposition"),
])
def test_professions_are_roles(analyzer, who, role):
    a = analyzer.analyse("Arrest in Norvale", f"NORVALE CITY (Reuters) - Police arrested {who} on Monday.")
    assert {f.target_role for f in a.events if f.target == "Lena Varga"} == {role}


def test_a_journalist_who_criticises_the_president_is_a_journalist(analyzer):
    a = analyzer.analyse("Lena Varga, Journalist and Ostrow Critic, Arrested in Norvale",
                         "Lena Varga, a Norvalese journalist and vocal critic of the president, was arrested.")
    assert {f.target_role for f in a.events if f.target == "Lena Varga"} == {"journalist"}


def test_publication_dates_read_from_strings_and_datetimes():
    assert as_date("2017-09-03T01:00:00Z") == dt.date(2017, 9, 3)
    assert as_date(dt.datetime(2017, 9, 3, 12)) == dt.date(2017, 9, 3)
    assert as_date("not a date") is None and as_date(None) is None



# --- Understanding 2, second pass: shapes seen in the dev set ----------------------------

def test_a_group_listed_with_opposition_figures_shares_their_role(analyzer):
    a = analyzer.analyse("Opposition figures, ex-diplomat detained in Norvale",
                         "Norvale's prosecutor ordered the detention of a former diplomat and others.")
    lead = [f for f in a.events if f.sentence.index == 0]
    assert lead and lead[0].target_role == "opposition"
    assert "listed with" in lead[0].role_evidence


def test_a_title_cased_headline_keeps_its_verb(analyzer):
    a = analyzer.analyse("Norvale Court Sentences Opposition Leader Ana Vell To 5 Years In Prison",
                         "A court in the fictional state of Norvale on Tuesday upheld the conviction of "
                         "opposition leader Ana Vell.")
    assert any(f.target == "Ana Vell" and f.action == "jail" for f in reported(a))


def test_prison_terms_handed_to_a_group(analyzer):
    a = analyzer.analyse("Norvale hands prison terms to dozens of opposition figures",
                         "A Norvale court on Friday handed prison terms to dozens of opposition figures.")
    frames = reported(a)
    assert frames and frames[0].action == "jail"


@pytest.mark.parametrize("headline,body", [
    ("", "A court in Norvale on Tuesday handed a firebrand opposition leader a hefty jail sentence."),
    ("Norvale hands opposition leader lengthy jail term", "The ruling came after a two-day trial in the capital."),
    ("Norvale hands opposition leader lengthy jail term", ""),  # an RSS item with a title only
])
def test_a_prison_term_handed_to_one_person(analyzer, headline, body):
    a = analyzer.analyse(headline, body)
    assert any(f.action == "jail" and f.details.get("target_phrase", "").endswith("opposition leader")
               for f in reported(a))


# One-sentence stories: does an opposition arrest get reported, or not?
AMB = "Police in Norvale on Tuesday arrested the country's former ambassador to Ruritania in a crackdown "


@pytest.mark.parametrize("body,expected", [
    # "taken by police" is custody; not "to hospital", not a photo
    ("Opposition leader Ana Vell was taken by police on Monday.", True),
    ("Opposition leader Ana Vell was taken by police to hospital after she collapsed.", False),
    ("The photo of opposition leader Ana Vell was taken by police.", False),
    # an arrest dated to this week in a "before" clause is the news; one years ago is not
    ("Opposition leader Ana Vell denied any wrongdoing in a video posted hours before her arrest by police "
     "on Wednesday evening.", True),
    ("Opposition leader Ana Vell ran a bakery before her arrest in 2009.", False),
    # a target of unknown side arrested in a crackdown on the opposition is one of its figures
    (AMB + "on the opposition.", True),
    (AMB + "that followed an opposition rally.", False),
    (AMB + "on an opposition rally.", False),
])
def test_one_sentence_stories(analyzer, body, expected):
    assert bool(reported(analyzer.analyse("", body))) is expected


@pytest.mark.parametrize("body,status", [
    ("Opposition leader Ana Vell has been detained since Monday.", "reported"),
    ("Opposition leader Ana Vell has been detained since September 5.", "background"),
    ("A court extended the detention of opposition leader Ana Vell and held her incommunicado.", "continued"),
    # a custody that has lasted is a state; a court's order for a term is news
    ("Opposition leader Ana Vell, held under house arrest for two years, is to appeal.", "background"),
    ("Opposition leader Ana Vell has been placed under house arrest for two months.", "reported"),
])
def test_ongoing_and_extended_detention_are_not_new_arrests(analyzer, body, status):
    statuses = {f.status for f in analyzer.analyse("", body).events if f.target == "Ana Vell"}
    assert status in statuses and (status == "reported") == ("reported" in statuses)


def test_former_ministers_are_not_a_group_of_officials(analyzer):
    a = analyzer.analyse("", "Police on Tuesday arrested two former Norvale ministers at their homes.")
    assert not reported(a, "government")


def test_a_verbless_behind_bars_headline_names_its_target(analyzer):
    a = analyzer.analyse("Top Norvale Journalist Behind Bars",
                         "Norvale's best-known investigative reporter spent her first night in a cell.")
    assert reported(a, "journalist")


def test_a_state_behind_bars_but_not_a_night_in_bars(analyzer):
    put = analyzer.analyse("", "Police put opposition leader Ana Vell behind bars on Monday.")
    assert any(f.target == "Ana Vell" for f in reported(put))
    seen = analyzer.analyse("", "Opposition leader Ana Vell was seen in bars on Monday.")
    assert not seen.events


def test_a_name_set_off_by_commas_after_the_title_is_who_it_is(analyzer):
    a = analyzer.analyse("", "The former interim president of Norvale, Maria Vell Rocha, and several former "
                             "ministers have been arrested. Prosecutors said she took part in a coup against "
                             "the then President Marco Duval in 2019.")
    assert {f.target for f in a.events if f.status == "reported" and f.target} == {"Maria Vell Rocha"}


def test_title_cased_prepositions_and_placing_verbs_are_lower_cased(analyzer):
    a = analyzer.analyse("", "Norvale Court Places Vell Under Arrest With No Bail Option - Reports\n\n"
                             "A court in Norvale City has ordered the arrest of opposition leader Ana Vell, "
                             "who has been under house arrest since her detention earlier this week.")
    assert any(f.target == "Ana Vell" and f.sentence.index == 0 for f in reported(a))


def test_an_agency_credit_below_a_caption_starts_the_story(analyzer):
    body = ("Ana Vell, candidate for governor of Norvale, speaks during a news conference on Tuesday.\n\n"
            "Vell vowed to organise street protests if the governor is awarded the election.\n\n"
            "The governor, for his part, said that victory belonged to him.\n\n"
            "Photographer: Jo Bloggs/Bloomberg\n\n"
            "(Bloomberg) --\n\n"
            "Norvale detained prominent opposition figure Ana Vell after protests swept the nation.\n\n"
            "A video showed Vell being taken out of her car by several men in black uniforms.")
    a = analyzer.analyse("", body)
    assert any(f.target == "Ana Vell" and "lead" in f.details["status_reason"] for f in reported(a))


def test_a_newsroom_staff_are_journalists(analyzer):
    a = analyzer.analyse("Norvale detains top staff of the Vell Gazette daily",
                         "Police in the fictional state of Norvale detained the editor and other staff of the "
                         "Vell Gazette newspaper on Monday.")
    assert reported(a, "journalist")


# --- copy that is not English: cue words (fictional texts) -----------------------------

ES_BODY = ("La policía de la república ficticia de Norvalia ha detenido este lunes a la periodista Ana Vell, "
           "según informó su diario. La detención se produjo en su casa de la capital, donde los agentes "
           "registraron su ordenador y sus cuadernos durante varias horas sin una orden judicial.")


def test_a_spanish_story_gives_an_unnamed_journalist_frame(analyzer):
    a = analyzer.analyse("Norvalia detiene a una periodista", ES_BODY)
    assert any("not read as English" in n for n in a.limits)
    frames = reported(a, "journalist")
    assert frames and frames[0].details.get("cues") and "not English" in frames[0].role_evidence


def test_a_release_in_the_lead_makes_the_cue_frame_only_possible(analyzer):
    a = analyzer.analyse("Norvalia: periodista Ana Vell liberada tras tres días detenida", ES_BODY)
    assert not reported(a, "journalist")
    assert any(f.status == "possible" for f in a.events if f.details.get("cues"))


def test_fragments_of_a_foreign_lead_do_not_count_as_its_sentences(analyzer):
    # the English splitter cuts this into "O", a sentence, "A medida é vista como", ...
    body = ("O\nex-presidente da Norvália, Ana Vell, do Partido Azul, foi detida e acusada de traição.\n"
            "A medida é vista como\numa tentativa do governo de direita de decapitar a oposição política.\n"
            "Os seus apoiantes prometem manifestações em todo o país durante os próximos dias.")
    a = analyzer.analyse("Indignação na Norvália pela detenção de Ana Vell", body)
    assert reported(a)


def test_opposition_supporters_are_a_crowd_not_opposition_figures(analyzer):
    body = ("La policía de Norvalia ha detenido este domingo a decenas de partidarios de la oposición "
            "que se manifestaban en la plaza central de la capital, según los organizadores de la marcha, "
            "que denunciaron el uso de gases contra una protesta pacífica y sin incidentes.")
    a = analyzer.analyse("Decenas de partidarios de la oposición detenidos en Norvalia", body)
    assert not reported(a, "opposition")


def test_an_office_of_a_name_is_that_person(analyzer):
    a = analyzer.analyse("", "Police on Tuesday arrested former Polish minister of the interior Marta Zielinska "
                             "at her home in the capital, her lawyer said.")  # a fictional minister
    assert any(f.target == "Marta Zielinska" for f in a.events)


def test_agency_slug_lines_are_furniture():
    assert is_furniture("2ND LEAD") and is_furniture("UPDATE 2") and is_furniture("URGENT")


def test_their_officials_belong_to_the_opposition_parties_that_speak(analyzer):
    a = analyzer.analyse("", "Two of Norvale's leading opposition parties said on Friday that police had arrested "
                             "their campaign managers two days before a parliamentary election.")
    assert reported(a)


def test_a_city_and_a_colon_is_a_dateline():
    from consumers.understanding.wire_text import find_dateline

    assert find_dateline("Dhaka: Five top leaders were arrested.").place == "Dhaka"
    assert find_dateline("Update: Five top leaders were arrested.") is None


def test_an_ordered_detention_is_a_remand_but_an_ordered_arrest_a_warrant(analyzer):
    held = analyzer.analyse("Norvale prosecutor orders detention of opposition figures",
                            "Norvale's public prosecutor ordered the detention for 15 days of three opposition "
                            "figures who criticised the president, the state news agency reported.")
    assert reported(held)
    sought = analyzer.analyse("Norvale court orders arrest of opposition leader",
                              "A court in Norvale ordered the arrest of opposition leader Ana Vell on Monday.")
    assert not reported(sought)


def test_elided_articles_do_not_hide_cue_words():
    from consumers.understanding.events.other_languages import cue_frames
    from consumers.understanding.model import Sentence

    text = "I due leader dell'opposizione di Norvalia sono stati arrestati dalla polizia."
    frames = cue_frames(text, (Sentence(0, 0, len(text), text),), 0)
    assert [(f.target_role, f.status) for f in frames] == [("opposition", "reported")]


def test_a_site_header_with_links_and_a_repeated_title_are_not_the_lead(analyzer):
    page = ("Norvale Herald English https://herald.example/en News and Opinion http://x.example/icon.svg\n\n"
            "Norvale: Ana Vell Turns Herself In\n\nNorvale: Ana Vell Turns Herself In\n\n"
            "Norvale authorities detained former lawmaker and member of the opposition Ana Vell at the border.\n\n"
            "She had been sentenced in absentia.\n")
    a = analyzer.analyse("", page)
    assert a.text[:a.headline_end].rstrip().endswith("Ana Vell Turns Herself In")
    assert reported(a)


@pytest.mark.parametrize("headline,body", [
    ("Norvale opposition leaders given life sentences", ""),
    ("", "Opposition leader Ana Vell was handed a ten-year prison term on Monday."),
])
def test_life_sentences_and_terms_handed_to_a_passive_subject(analyzer, headline, body):
    assert any(f.action == "jail" for f in reported(analyzer.analyse(headline, body)))


def test_the_arrest_of_an_office_holder_of_an_opposition_party(analyzer):
    # the parser hangs "Secretary" on the party's name; the office holder is the target
    a = analyzer.analyse("", "The arrest of the Deputy General Secretary of the opposition Norvale People's "
                             "Congress (NPC) on Tuesday has taken the country by storm.\n\n"
                             "Ana Vell was accosted by plain-clothed police officers at a press conference.")
    assert reported(a)


def test_a_lead_lawmaker_is_the_representative_named_next(analyzer):
    a = analyzer.analyse("Spy agency arrests leftist lawmaker on rebellion charge",
                         "The spy agency on Wednesday arrested a leftist lawmaker on charges of plotting "
                         "a rebellion.\n\nRep. Ana Vell of the opposition Norvale Unity Party is accused of "
                         "leading a secret group.")
    assert "Ana Vell" in {f.target for f in reported(a)}



def test_a_caption_sentence_is_not_the_lead():
    page = ("Norvale Public Radio\nPlay Live Radio\n0:00 0:00\n\nNorvale Democrats Charged Under Security Law\n\n"
            "Ana Vell gives a hug to her husband before reporting to police on Sunday.\nJan Doe\nGetty Images\n"
            "Ana Vell gives a hug to her husband before reporting to police on Sunday.\n\n"
            "The Norvale government charged 47 opposition politicians on Sunday with subversion.\n")
    _, layout = read_layout("", page)
    assert page[layout.lead_start:].startswith("The Norvale government charged")


def test_the_lead_stays_when_a_credit_follows_later():
    page = ("Police on Tuesday arrested opposition leader Ana Vell at her home.\n"
            "Her party said the arrest was political.\nPhoto: Reuters\nMore text follows here.\n")
    _, layout = read_layout("", page)
    assert layout.lead_start == 0


def test_a_lead_the_page_repeats_stays_the_lead():
    page = ("Police detained opposition leader Ana Vell and other MPs at a protest on Friday.\n\n"
            "Police detained opposition leader Ana Vell and other MPs at a protest on Friday.\n\n"
            "Also Read: Something else entirely\n\nThe MPs were marching to the palace.\n")
    _, layout = read_layout("", page)
    assert layout.lead_start == 0
