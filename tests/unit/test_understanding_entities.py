"""Entity extraction and document-level consolidation on wire copy."""
from pathlib import Path

SEED = Path("/work/shared/eval-data/seed/kem-sokha-arrest.txt")


def _ents(analysis):
    return {e.canonical: e for e in analysis.entities}


def test_stripped_apostrophe_person(analyzer):
    a = analyzer.analyse("", "Critics fear a crackdown by Prime Minister Hun Sen s government.")
    ents = _ents(a)
    assert "Hun Sen" in ents and ents["Hun Sen"].label == "PERSON"
    m = ents["Hun Sen"].mentions[0]
    assert a.text[m.start:m.end] == "Hun Sen"


def test_a_hyphenated_given_name_is_kept_whole(analyzer):
    a = analyzer.analyse("", "Prosecutors detained Norvale Party chairman Chen Wei-lin on Saturday, "
                             "and the Interfax news agency said Park Min-jun was questioned.")
    names = {m.text for m in a.mentions if m.label == "PERSON"}
    assert {"Chen Wei-lin", "Park Min-jun"} <= names
    assert "Interfax" in {m.text for m in a.mentions}  # trailing common words still go


def test_possessive_name_is_not_an_org(analyzer):
    body = ("Opposition leader Kem Sokha was in court on Monday. "
            "The government said Kem Sokha s party could be dissolved.")
    ents = _ents(analyzer.analyse("", body))
    assert ents["Kem Sokha"].label == "PERSON"
    assert len(ents["Kem Sokha"].mentions) == 2


def test_title_stripped_with_offsets(analyzer):
    a = analyzer.analyse("", "Spokesman So Eysan said the party believed in dialogue.")
    ents = _ents(a)
    assert "So Eysan" in ents
    m = ents["So Eysan"].mentions[0]
    assert a.text[m.start:m.end] == "So Eysan"


def test_acronym_linked_to_expansion(analyzer):
    body = ("The Cambodia National Rescue Party (CNRP) won seats. "
            "A spokesman said the CNRP would boycott the vote.")
    ents = _ents(analyzer.analyse("", body))
    e = ents["Cambodia National Rescue Party"]
    assert e.label == "ORG" and "CNRP" in e.aliases
    assert len(e.mentions) == 3


def test_acronym_linked_by_initials(analyzer):
    body = ("Members of the Movement for Democratic Change met on Sunday. "
            "The MDC said it would contest the result.")
    ents = _ents(analyzer.analyse("", body))
    assert "MDC" in ents["Movement for Democratic Change"].aliases


def test_surname_linked_to_full_name(analyzer):
    body = ("Opposition leader Kem Sokha was arrested at his home. "
            "Sokha denied the charges, his lawyer said.")
    a = analyzer.analyse("", body)
    ents = _ents(a)
    assert "Sokha" in ents["Kem Sokha"].aliases
    assert all(m.canonical == "Kem Sokha" for m in a.mentions if m.text == "Sokha")


def test_surname_linking_not_watchlist_dependent(analyzer):
    body = ("Union leader Maria Gonzalez addressed workers on Monday. "
            "Gonzalez said the strike would continue.")
    ents = _ents(analyzer.analyse("", body))
    assert "Gonzalez" in ents["Maria Gonzalez"].aliases


def test_reference_story_entities(analyzer):
    a = analyzer.analyse("", SEED.read_text())
    ents = _ents(a)
    for name, label in [("Kem Sokha", "PERSON"), ("Hun Sen", "PERSON"), ("Mu Sochua", "PERSON"),
                        ("Cambodia National Rescue Party", "ORG"), ("Cambodian People's Party", "ORG"),
                        ("Cambodia", "GPE"), ("China", "GPE")]:
        assert name in ents, name
        assert ents[name].label == label, name
    assert "CNRP" in ents["Cambodia National Rescue Party"].aliases
    assert "CPP" in ents["Cambodian People's Party"].aliases
    eysan = [e for e in a.entities if "Eysan" in e.canonical]
    assert len(eysan) == 1 and {eysan[0].canonical, *eysan[0].aliases} >= {"So Eysan", "Sok Eysan"}
    assert a.dateline == "PHNOM PENH"
    for m in a.mentions:  # offsets index the original text
        assert a.text[m.start:m.end] == m.text
    assert not any(m.text.startswith("PHNOM") for m in a.mentions)


def test_headline_offsets(analyzer):
    a = analyzer.analyse("Russia detains Navalny", "MOSCOW (Reuters) - Russian police detained Alexei Navalny.")
    assert a.text == "Russia detains Navalny\n\nMOSCOW (Reuters) - Russian police detained Alexei Navalny."
    assert a.headline_end == len("Russia detains Navalny")
    for m in a.mentions:
        assert a.text[m.start:m.end] == m.text


def test_results_table_teams_are_orgs(analyzer):
    body = ("SOCCER - SCOTTISH LEAGUE RESULTS\n"
            "GLASGOW 1996-08-31\n"
            "Results of Scottish league matches on Saturday:\n"
            "Cowdenbeath 2 Alloa 1\n"
            "Queen's Park 0 East Fife 3\n"
            "Standings:\n"
            "Cowdenbeath 4 3 1 0 8 2 10\n"
            "Scotland 4 2 1 1 5 4 7\n")
    a = analyzer.analyse("", body)
    labels = {m.text: m.label for m in a.mentions}
    for team in ("Cowdenbeath", "Alloa", "Queen's Park", "East Fife"):
        assert labels.get(team) == "ORG", labels
    assert labels.get("Scotland") == "GPE"  # national sides stay places


def test_table_rule_only_in_team_sport_copy():
    from consumers.understanding.sports import is_team_sport, table_teams
    text = "MARKETS - LONDON CLOSE\nLondon 5 Paris 3\n"
    assert not is_team_sport(text)
    assert table_teams("Stoke 2 Barnsley 1\n") == [(0, 5, "ORG"), (8, 16, "ORG")]


def test_category_words_are_not_names(analyzer):
    a = analyzer.analyse("", "TENNIS - RESULTS AT U.S. OPEN\nNEW YORK 1996-08-30\nWomen 's singles, first round:\n")
    assert not any(m.text.startswith("Women") for m in a.mentions)


def test_leading_decade_not_part_of_person(analyzer):
    body = ("Prosecutors charged Bela Kovacs on Wednesday. In the 1990s Kovacs lived in Moscow. "
            "Kovacs denied the charges.")
    a = analyzer.analyse("", body)
    assert not any(any(ch.isdigit() for ch in m.text) for m in a.mentions if m.label == "PERSON")
