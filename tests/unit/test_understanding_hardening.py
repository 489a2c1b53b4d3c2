"""Issue 12: analysis of one item is bounded in time and memory, whatever the input.

Each test is a reproduction from the issue; the bounds are generous (the benchmark
measures speed, these only catch blow-ups: every case took 13 s to minutes before).
"""
from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest

from consumers.matching.engine import Matcher, MatchInput
from consumers.matching.topics import load_topics
from bench import ner_eval
from consumers.understanding import limits, sports, wire_text
from consumers.understanding.analyzer import Analyzer, prepare_text
from consumers.understanding.extract_cli import extract_jsonl
from consumers.understanding.limits import Caps, bound, pipe_chunks
from tests.unit.analysis_checks import assert_offsets_valid
from tests.conftest import EVAL_DATA, ROOT

DENSE = "Police arrested opposition leader Kem Sokha. "
TESTB = EVAL_DATA / "conll2003" / "eng.testb"


@pytest.fixture(scope="module")
def analyzer():
    a = Analyzer(watchlist=str(ROOT / "config" / "watchlist.yaml"))
    a.analyse("Warm-up", "Police arrested a fictional opposition leader.")  # model and KB load once, untimed
    return a


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def _cost(fn):
    """(seconds, peak MB above the RSS before the call, result)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak (VmHWM)
        can_peak = True
    except OSError:
        can_peak = False
    before = _rss_mb("VmRSS:")
    t = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t
    peak = _rss_mb("VmHWM:") - before if can_peak else 0.0
    return seconds, peak, result


# --- 1. exponential team-name patterns ------------------------------------------------

def test_team_table_patterns_are_linear_on_a_line_of_capitals():
    for n in (26, 40, 5000):
        text = "SOCCER - RESULTS\n\n" + "A" * n + " .\n"
        t = time.perf_counter()
        sports.table_teams(text)
        assert time.perf_counter() - t < 0.5, n
    t = time.perf_counter()
    sports.table_teams("SOCCER - X\n" + " ".join(["ABCDEFGH"] * 5000) + " (Z)" * 2000 + "\n")
    assert time.perf_counter() - t < 1.0


def test_team_table_patterns_still_read_results_rows():
    text = "SOCCER - RESULTS\nStoke 2 Barnsley 1\nProleter (Z) 3 Mladost(L) 0\nStoke 10 6 2 2 15 9 20\n"
    names = {text[a:b] for a, b, _ in sports.table_teams(text)}
    assert {"Stoke", "Barnsley", "Proleter (Z)", "Mladost(L)"} <= names


@pytest.mark.parametrize("headline,body", [
    ("SOCCER - RESULTS", "A" * 40 + " .\n"),
    ("", "NFL AMERICAN FOOTBALL-RANDALL CUNNINGHAM RETIRES .\nCUNNINGHAM RETIRES AFTER 11 SEASONS .\n"),
    ("", "SOCCER SHOWCASE-FANS FACE BREATHALYSER TESTS , PAPER SAYS .\nLONDON 1996-12-06\n"),
])
def test_team_sport_slug_then_capitals(analyzer, headline, body):
    seconds, _, a = _cost(lambda: analyzer.analyse(headline, body))
    assert seconds < 2.0  # 13 s at 26 capitals, doubling per capital, before
    assert_offsets_valid(a)


def test_every_pattern_in_the_package_is_linear():
    """Each compiled pattern on hostile 20k-character inputs: capitals, words, brackets,
    symbols, spaces and mixes (nested quantifiers and overlapping alternations blow up
    on exactly these)."""
    mods = [sports, wire_text, limits, ner_eval]
    patterns = [v for m in mods for v in vars(m).values() if isinstance(v, re.Pattern)]
    patterns += wire_text._CONTRACTIONS
    assert len(patterns) >= 10
    hostile = ["A" * 20000, "A " * 10000, "Ab 1 " * 4000, "(" * 10000 + ")" * 10000, " " * 20000,
               "A, " * 7000, "A.-" * 7000, "s " * 10000, "A1 " * 7000, "- " * 10000 + "x",
               "ABC (Z) " * 2500, "Jan 1 - " * 2500, "A'" * 10000, "(Reuters)" * 2000]
    for rx in patterns:
        for text in hostile:
            t = time.perf_counter()
            list(rx.finditer(text))
            rx.match(text)
            assert time.perf_counter() - t < 0.5, (rx.pattern[:60], text[:20])


def test_case_map_is_linear_in_line_length():
    line = " ".join(["Word", "other", "Name"] * 30000)  # one 450 KB line
    t = time.perf_counter()
    forms = wire_text.case_map(line)
    assert time.perf_counter() - t < 2.0
    assert forms["name"] == "Name"


# --- 2. extract over eng.testb rebuilt from its tokens --------------------------------

def test_rebuild_documents_is_one_sentence_per_line(tmp_path):
    conll = tmp_path / "x.conll"
    conll.write_text("-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n. . O O\n\n"
                     "Peter NNP B-NP B-PER\n\n-DOCSTART- -X- -X- O\n\nLONDON NNP B-NP B-LOC\n")
    assert ner_eval.rebuild_documents(str(conll)) == ["EU rejects .\nPeter\n", "LONDON\n"]


@pytest.mark.slow
def test_extract_finishes_all_of_eng_testb(analyzer):
    if not TESTB.exists():
        pytest.skip(f"no CoNLL data at {TESTB}")
    texts = ner_eval.rebuild_documents(str(TESTB))
    assert len(texts) == 231
    started = time.perf_counter()
    slowest = 0.0
    for k, text in enumerate(texts):
        out = io.StringIO()
        t = time.perf_counter()
        assert extract_jsonl([json.dumps({"id": k, "text": text})], out, analyzer) == 1
        slowest = max(slowest, time.perf_counter() - t)
        rec = json.loads(out.getvalue())
        assert "entities" in rec, rec
        for e in rec["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]
    total = time.perf_counter() - started
    # four documents ran past 20 s each before; the whole file now takes ~20 s
    assert slowest < 5.0 and total < 240, (slowest, total)


# --- 3/4. quadratic analysis and unbounded memory -------------------------------------

def test_event_dense_text_is_linear_without_caps():
    """The per-trigger scans of doc.ents, mentions and sentences are gone: 90 KB with
    2,000 arrest frames, uncapped (was ~4 s at 45 KB, 35 s at 180 KB)."""
    wide = Caps(max_chars=200_000, max_tokens=100_000, max_sentence=2_000,
                pipe_chars=200_000, pipe_tokens=100_000)
    a = Analyzer(watchlist=str(ROOT / "config" / "watchlist.yaml"), caps=wide)
    a.analyse("Warm-up", DENSE)
    half, _, _ = _cost(lambda: a.analyse("Arrests", DENSE * 1000))
    seconds, _, result = _cost(lambda: a.analyse("Arrests", DENSE * 2000))
    assert len(result.events) >= 2000 and not [n for n in result.limits if "(cap " in n]  # no cap applied
    # linear: twice the text costs about twice the time (quadratic was four times);
    # the ratio holds on a loaded machine where an absolute bound does not
    assert seconds < 3.0 * half + 1.0 and seconds < 30.0, (half, seconds)


HOSTILE = {
    "990 KB body": ("Big story", ("The court in Phnom Penh heard evidence on Monday. " * 20000)[:990_000]),
    "330k emoji": ("x", "\U0001F600\U0001F44D\U0001F389" * 110_000),
    "330k spaced emoji": ("x", "\U0001F600 " * 165_000),
    "nested parens 100 KB": ("x", "(" * 50_000 + "x" + ")" * 50_000),
    "5,000 sentences on one line": ("x", " ".join(f"Sentence {i} ends here." for i in range(5000))),
    "450 KB event-dense": ("Arrests", DENSE * 10_000),
    "'s runs": ("x", "'s" * 50_000),
    "SOCCER repro, 40 capitals": ("SOCCER - RESULTS", "A" * 40 + " .\n"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_item_within_budget(analyzer, case):
    headline, body = HOSTILE[case]
    seconds, peak_mb, a = _cost(lambda: analyzer.analyse(headline, body))
    assert seconds < 4.0, seconds  # the acceptance budget is 2 s; slack for a loaded machine
    assert peak_mb < 300, peak_mb
    assert a.text == headline + "\n\n" + body  # the whole story stays the analysis text
    assert_offsets_valid(a)
    if len(body) > limits.MAX_CHARS:
        assert a.limits and a.limits[0].startswith("analysed the first ")


def test_cap_is_recorded_and_offsets_index_the_original(analyzer):
    body = "PHNOM PENH (Reuters) - Police arrested opposition leader Kem Sokha on Sunday.\n\n" \
        + "Officials met in the capital. " * 2000
    a = analyzer.analyse("Cambodia arrests opposition leader", body)
    total = len(a.text)
    assert a.limits == (f"analysed the first {a.limits[0].split()[3]} of {total} characters "
                        f"(cap {limits.MAX_CHARS} characters)",)
    assert int(a.limits[0].split()[3]) <= limits.MAX_CHARS
    assert {f.target for f in a.events if f.status == "reported"} == {"Kem Sokha"}
    assert_offsets_valid(a)


def test_max_chars_argument():
    a = Analyzer(watchlist=str(ROOT / "config" / "watchlist.yaml"), max_chars=300)
    assert a.caps.max_chars == 300
    r = a.analyse("", "Police arrested opposition leader Kem Sokha. " * 40)
    assert r.limits and "cap 300 characters" in r.limits[0]
    assert max(m.end for m in r.mentions) <= 302
    with pytest.raises(ValueError):
        Caps(max_chars=0)


def test_bound_only_replaces_characters_by_spaces_and_newlines():
    text = "Intro. " + "(" * 40 + " " + "x" * 200 + " " + "word " * 600 + "end."
    caps = Caps(max_chars=2500, max_symbol_run=16, max_word=64, max_sentence=1000)
    out, notes = bound(text, caps)
    assert len(out) <= len(text) and len(out) <= 2500
    assert all(a == b or a in " \n" for a, b in zip(out, text))
    assert not re.search(r"[^\w\s]{17,}", out) and not re.search(r"\S{65,}", out)
    assert len(notes) == 4, notes


def test_pipe_chunks_keep_a_poll_of_big_items_small():
    texts = ["word " * 4000] * 16  # 16 items at the character cap
    chunks = pipe_chunks(texts)
    assert sorted(i for c in chunks for i in c) == list(range(16))
    for c in chunks:
        assert sum(len(texts[i]) for i in c) <= limits.PIPE_CHARS or len(c) == 1


def test_prepare_text_with_limit_cleans_only_a_prefix():
    original, clean, h_end, _ = prepare_text("Head", "x " * 100_000, limit=1000)
    assert len(original) == 200_006 and len(clean) == 1000 and h_end == 4
    original, clean, h_end, _ = prepare_text("H" * 5000, "body", limit=1000)
    assert len(clean) == 1000 and h_end == 5000


# --- 5. generic noun phrases are not targets ------------------------------------------

def test_generic_noun_phrase_is_not_a_target_beside_the_named_person(analyzer):
    a = analyzer.analyse("Police arrest opposition leader",
                         "PHNOM PENH (Reuters) - Police arrested opposition leader Kem Sokha on Sunday. "
                         "The opposition leader was detained at his home.")
    assert {f.target for f in a.events} == {"Kem Sokha"}, a.events
    described = [f for f in a.events if f.details["target_kind"] == "description"]
    assert described and all(f.details["target_phrase"] for f in described)


def test_unnamed_group_keeps_its_role_but_names_nobody(analyzer):
    a = analyzer.analyse("", "Police arrested three opposition lawmakers on Monday.")
    (f,) = [f for f in a.events if f.target_role == "opposition"]
    assert f.target == "" and f.details["target_phrase"] == "three opposition lawmakers"


def test_flagship_alerts_once_for_a_described_then_named_leader(analyzer):
    matcher = Matcher([t for t in load_topics(ROOT / "config" / "topics.yaml")
                       if t.name == "arrests-of-opposition-leaders"])
    headline = "Cambodian police arrest opposition leader"
    body = ("PHNOM PENH (Reuters) - Cambodian police arrested opposition leader Kem Sokha on Sunday. "
            "The opposition leader was detained at his home, his party said.")
    matches = matcher.match(MatchInput("x", headline, body, analyzer.analyse(headline, body)))
    assert [m.target for m in matches] == ["Kem Sokha"]


# --- 6. invisible characters between words --------------------------------------------

INVISIBLE = ["\u200f", "\u200e", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
             "\u2067", "\u2068", "\u2069", "\u200b", "\u2060", "\ufeff", "\u00ad", "\x01"]


@pytest.mark.parametrize("mark", INVISIBLE)
def test_invisible_marks_between_words(analyzer, mark):
    body = f"Police{mark}arrested opposition{mark}leader Kem{mark}Sokha on Sunday."
    assert len(wire_text.normalise_body(body)[0]) == len(body)
    a = analyzer.analyse("", body)
    assert any(f.target == "Kem Sokha" and f.status == "reported" for f in a.events), a.events
    assert_offsets_valid(a)


def test_blank_invisible_keeps_length_and_visible_text():
    text = "a\u200fb\u202ec\u2066d\ttab\nline \U0001F600 \u00e9"
    out = wire_text.blank_invisible(text)
    assert out == "a b c d\ttab\nline \U0001F600 \u00e9"
    assert wire_text.normalise_headline("Kem\u200fSokha") == "Kem Sokha"
