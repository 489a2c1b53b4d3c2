"""Hostile-input properties of text analysis (issue 12).

Random text mixing capitals, punctuation runs, brackets, newlines, emoji, invisible
marks and team-sport slugs: analysis and ``extract`` never raise, keep every offset an
index into the original text, and stay within a time bound per KB.
"""
from __future__ import annotations

import io
import json
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consumers.understanding import sports, wire_text
from consumers.understanding.analyzer import Analyzer
from consumers.understanding.extract_cli import extract_jsonl
from consumers.understanding.limits import Caps, bound
from tests.unit.analysis_checks import assert_offsets_valid
from tests.conftest import ROOT

PIECES = [
    "SOCCER - ", "NFL AMERICAN FOOTBALL-", "RUGBY UNION - ", "Stoke 2 Barnsley 1\n", "AAAAAAAAAAAA",
    "RANDALL CUNNINGHAM RETIRES .", " ", "  ", "\n", "\n\n", ".", "...", ",", "(", ")", "((((", "))))",
    "[", "]", "'s", "'", '"', "-", "--", "!", "?", "$", "&", "/", "\U0001F600", "\U0001F44D\U0001F389",
    "\u200f", "\u200e", "\u202e", "\u2066", "\u200b", "\u00ad", "\x00", "\t", "Police", "arrested",
    "opposition", "leader", "Kem", "Sokha", "Mr", "Inc", "Party", "(CNRP)", "he", "she", "was", "charged",
    "with", "treason", "on", "Monday", "in", "Phnom", "Penh", "1996-08-30", "(Reuters)", "2017", "e\u0301",
    "\u0645\u0631\u062d\u0628\u0627", "\u4e2d\u6587",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=300).map("".join)
# long runs of one hostile piece ("((((" x 500, capitals, emoji walls) next to normal text
runs = st.tuples(st.sampled_from(PIECES), st.integers(min_value=1, max_value=600)).map(lambda p: p[0] * p[1])
long_texts = st.lists(st.sampled_from(PIECES) | runs, min_size=5, max_size=60).map("".join)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def analyzer():
    a = Analyzer(watchlist=str(ROOT / "config" / "watchlist.yaml"))
    a.analyse("", "Police arrested opposition leader Kem Sokha.")  # spaCy loads once per module
    return a


def _budget(chars: int) -> float:
    """Seconds one call may take: generous, linear in size (a blow-up is orders more)."""
    return 2.0 + 1.0 * chars / 1000


@SETTINGS
@given(headline=texts, body=long_texts)
def test_analyse_never_raises_and_offsets_index_the_original(analyzer, headline, body):
    t = time.perf_counter()
    a = analyzer.analyse(headline, body)
    assert time.perf_counter() - t < _budget(len(headline) + len(body))
    assert a.text == headline + "\n\n" + body
    assert_offsets_valid(a)
    for f in a.events:
        assert f.target == "" or f.details["target_kind"] in {"person", "pronoun", "description"}


@SETTINGS
@given(lines=st.lists(texts | st.sampled_from(["{", "[]", '{"id": 1}', '{"text": 5}', "null"]), max_size=6))
def test_extract_writes_one_result_per_line(analyzer, lines):
    records = [json.dumps({"id": k, "text": t}) if k % 2 == 0 else t for k, t in enumerate(lines)]
    records = [r for r in records if "\n" not in r and "\r" not in r and r.strip()]
    out = io.StringIO()
    t = time.perf_counter()
    written = extract_jsonl(records, out, analyzer)
    assert time.perf_counter() - t < _budget(sum(map(len, records)))
    results = [json.loads(x) for x in out.getvalue().splitlines()]
    assert written == len(results) == len(records)
    for rec, res in zip(records, results):
        try:
            text = json.loads(rec)["text"]
        except Exception:  # noqa: BLE001 -- not a valid record: an error line
            assert "error" in res
            continue
        if not isinstance(text, str):
            assert "error" in res
            continue
        for e in res["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]


caps = Caps(max_chars=3000, max_tokens=800, max_symbol_run=8, max_word=20, max_sentence=200)


@settings(max_examples=200, deadline=None)
@given(text=long_texts)
def test_bound_is_a_same_offset_prefix_within_caps(text):
    out, notes = bound(text, caps)
    assert len(out) <= len(text) and len(out) <= caps.max_chars
    assert all(a == b or a in " \n" for a, b in zip(out, text))
    assert not re.search(r"[^\w\s]{9,}", out)
    assert not re.search(r"\S{21,}", out)
    if len(out) < len(text):
        assert notes and notes[0].startswith(f"analysed the first {len(out)} of {len(text)} ")


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_normalisation_keeps_length(text):
    assert len(wire_text.normalise_body(text)[0]) == len(text)
    assert len(wire_text.normalise_headline(text)) == len(text)
    assert len(wire_text.blank_invisible(text)) == len(text)


@settings(max_examples=100, deadline=None)
@given(text=long_texts, n=st.integers(min_value=1, max_value=10))
def test_team_tables_linear_in_input(text, n):
    doc = ("SOCCER - RESULTS\n" + text) * n
    t = time.perf_counter()
    sports.table_teams(doc)
    sports.is_team_sport(doc)
    assert time.perf_counter() - t < 0.2 + len(doc) / 20_000


def test_extract_keeps_unicode_line_breaks_inside_their_line(analyzer):
    # found by the property above: a NEL (U+0085) in an entity's text split the output line
    out = io.StringIO()
    records = [json.dumps({"id": 0, "text": "00:\u00d010\x85SOCCER - "}, ensure_ascii=False),
               json.dumps({"id": 1, "text": "Ana Vell\u2028met Norvale officials."}, ensure_ascii=False)]
    assert extract_jsonl(records, out, analyzer) == 2
    assert [json.loads(x)["id"] for x in out.getvalue().splitlines()] == [0, 1]
