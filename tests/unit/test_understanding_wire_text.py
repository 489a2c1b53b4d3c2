"""Length-preserving wire-copy clean-up (no spaCy needed)."""
from consumers.understanding.wire_text import (
    case_map, find_dateline, is_caps_line, normalise_body, repair_apostrophes, truecase_line,
    unwrap_lines,
)


def test_apostrophes_repaired_in_place():
    src = "a crackdown by Hun Sen s government; it doesn t matter, I m sure we re fine"
    out = repair_apostrophes(src)
    assert len(out) == len(src)
    assert "Hun Sen's government" in out
    assert "doesn't" in out and "I'm" in out and "we're" in out


def test_apostrophe_repair_leaves_normal_text_alone():
    src = "The U.S. economy grew 3 percent, officials said."
    assert repair_apostrophes(src) == src


def test_dateline_found_and_blanked():
    body = "PHNOM PENH (Reuters) - Around half the opposition members left."
    dl = find_dateline(body)
    assert dl is not None and dl.place == "PHNOM PENH"
    clean, dl2 = normalise_body(body)
    assert len(clean) == len(body)
    assert clean.strip().startswith("Around half")
    assert dl2.place == "PHNOM PENH"


def test_dated_dateline_reuters_21578():
    dl = find_dateline("NEW YORK, March 3 - Shares rose.")
    assert dl is not None and dl.place == "NEW YORK"


def test_hard_wrapped_lines_unwrapped_but_paragraphs_kept():
    src = "Standard Oil Co and BP North America\nInc said they plan.\n    The venture"
    out = unwrap_lines(src)
    assert out == "Standard Oil Co and BP North America Inc said they plan.\n    The venture"


def test_caps_headline_truecased_from_body():
    body = "Japan began the defence of their Asian Cup title against Syria."
    line = "JAPAN GET LUCKY WIN, CHINA IN SURPRISE DEFEAT"
    assert is_caps_line(line)
    out = truecase_line(line, case_map(body), {"china"})
    assert out.startswith("Japan get lucky win, China in")
    assert len(out) == len(line)


def test_case_map_of_an_all_caps_or_empty_text_is_empty_not_an_error():
    from consumers.understanding.wire_text import case_map

    assert case_map("") == {}
    assert case_map("POLICE ARREST OPPOSITION LEADER\nSECOND LINE IN CAPS") == {}
