"""Bench phase (h), the worst case: statistics, the table, the corpora, and the child harness
(timeout, crash, memory) against a fake analyser passed as --code-root (no spaCy, fast)."""
from __future__ import annotations

import textwrap

import pytest

from bench import worst_case as wc
from bench import worst_case_report as rep
from bench.report import render_markdown


def rec(corpus="reuters", id="a", kb=1.0, seconds=0.1, mb=1.0, status="ok", **extra):
    return {"corpus": corpus, "id": id, "bytes": int(kb * 1024), "seconds": seconds, "mb": mb, "status": status,
            **extra}


def test_percentile_bounded_interpolates_and_flags_lower_bounds():
    assert rep.percentile_bounded([(1.0, False), (3.0, False)], 50) == (2.0, False)
    assert rep.percentile_bounded([(1.0, False), (30.0, True)], 50) == (15.5, True)
    assert rep.percentile_bounded([(1.0, False), (2.0, False), (30.0, True)], 50) == (2.0, False)
    with pytest.raises(ValueError):
        rep.percentile_bounded([], 50)


def test_summarise_per_item_and_per_kb_with_a_timeout():
    records = [rec(id=str(i), kb=2.0, seconds=0.2, mb=4.0) for i in range(99)]
    records.append(rec(id="slow", kb=0.1, seconds=30.0, mb=0.0, status="timeout"))
    s = rep.summarise(records)
    assert s["items"] == 100 and s["statuses"] == {"ok": 99, "timeout": 1}
    assert s["s_per_item"]["p50"] == pytest.approx(0.2) and s["s_per_item"]["max"] == 30.0
    assert s["s_per_item"]["lower_bound"] == ["p99", "max"]  # p99 interpolates towards the timeout
    assert s["s_per_kb"]["p50"] == pytest.approx(0.1)        # 0.2 s / 2 KB
    assert s["s_per_kb"]["max"] == 30.0                      # 0.1 KB counts as 1 KB (MIN_KB)
    assert s["mb_per_item"]["p50"] == 4.0 and s["mb_per_kb"]["p50"] == 2.0
    assert s["mb_above_idle_max"] is None
    assert rep.summarise([rec(mb_above_idle=7.0), rec(mb_above_idle=9.04)])["mb_above_idle_max"] == 9.0
    assert rep.summarise([]) == {"items": 0}


def test_slowest_orders_by_time_and_keeps_ten():
    records = [rec(id=str(i), seconds=i / 10) for i in range(20)] + [rec(id="x", seconds=30, status="timeout")]
    top = rep.slowest(records)
    assert len(top) == 10 and top[0]["id"] == "x" and top[0]["status"] == "timeout"
    assert [t["id"] for t in top[1:3]] == ["19", "18"]


def _section(records, timeout=30.0):
    return {"timeout_s": timeout, "idle_rss_mb": 170.0, "analyser_code": "/x/consumers",
            "corpora": rep.summarise_all(records, wc.CORPORA), "slowest": rep.slowest(records), "notes": ["n"]}


def test_render_table_marks_timeouts_and_targets_see_them():
    records = [rec("conll", "eng.testb doc 26", seconds=30.0, mb=0.5, status="timeout"),
               rec("reuters", "r1", seconds=0.3, mb=12.0), rec("feeds", "f.xml#0", kb=0.2, seconds=0.01, mb=0.0)]
    section = _section(records)
    text = "\n".join(rep.render(section))
    assert "| CoNLL-2003 eng.testb | 1 |" in text and ">30 (timed out)" in text
    assert "| **all** | 3 |" in text and "1 timeout" in text
    assert "`eng.testb doc 26`" in text
    targets = {t.name: t for t in rep.targets({"worst_case": section})}
    assert targets["worst_case_seconds"].met is False and targets["worst_case_mb"].met is True
    assert rep.render(None) == [] and {t.met for t in rep.targets({})} == {None}


def test_bench_report_includes_the_section_and_runs_alone():
    section = _section([rec(seconds=0.5, mb=3.0)])
    alone = render_markdown({"worst_case": section, "machine": {"cores": 2}})
    assert alone.startswith("# wirewatch benchmark: worst case only") and "## Worst case (h)" in alone
    assert "≤ 2 s" in alone and "**met**" in alone
    full = render_markdown({"worst_case": section, "bus": {"messages": 1}, "machine": {}})
    assert "## Throughput" in full and "## Worst case (h)" in full


CONLL = """-DOCSTART- -X- O O

SOCCER NN I-NP O
- : O O
RESULTS NNS I-NP O
. . O O

LONDON NNP I-NP I-LOC
1996-12-06 CD I-NP O

-DOCSTART- -X- O O

Kem NNP I-NP I-PER
Sokha NNP I-NP I-PER
was VBD I-VP O
arrested VBN I-VP O
. . O O
"""


def test_conll_rebuilt_from_tokens_one_sentence_per_line(tmp_path):
    path = tmp_path / "eng.testb"
    path.write_text(CONLL, encoding="utf-8")
    items = wc.conll_items(path)
    assert [i.id for i in items] == ["eng.testb doc 1", "eng.testb doc 2"]
    assert (items[0].headline, items[0].body) == ("SOCCER - RESULTS .", "LONDON 1996-12-06\n")
    assert (items[1].headline, items[1].body) == ("Kem Sokha was arrested .", "")
    assert wc.conll_items(path, limit=1)[0].id == "eng.testb doc 1"


def test_reuters_every_line_and_feeds_every_file(tmp_path):
    jl = tmp_path / "articles.jsonl"
    jl.write_text('{"id": "r1", "title": "Police arrest leader", "body": "Police arrested him."}\n'
                  '{"id": "r2", "title": "", "body": ""}\n', encoding="utf-8")
    items = wc.reuters_items(jl)
    assert [i.id for i in items] == ["r1", "r2"] and items[0].headline == "Police arrest leader"
    feeds = tmp_path / "feeds"
    (feeds / "sub").mkdir(parents=True)
    (feeds / "MANIFEST.tsv").write_text("file\n", encoding="utf-8")
    (feeds / "sub" / "a.xml").write_bytes(b"<rss><channel><item><title>One</title><description>Body"
                                          b"</description></item><item><title>Two</title></item></channel></rss>")
    (feeds / "broken.xml").write_bytes(b"<rss><channel><item><title>Half")
    got, info = wc.feed_items(feeds)
    assert info["files"] == 2 and "sub/a.xml#0" in [i.id for i in got] and "sub/a.xml#1" in [i.id for i in got]
    assert wc.Item("feeds", "x", "é", "").bytes == len("é\n\n".encode())


FAKE_ANALYZER = textwrap.dedent('''
    import time

    class Analyzer:
        def __init__(self, watchlist=None):
            pass

        def analyse(self, headline, body):
            if headline == "hang":
                time.sleep(60)
            if headline == "boom":
                raise ValueError("bad input")
            if headline == "die":
                import os
                os._exit(3)
            if headline == "big":
                block = b"x" * (120 * 1024 * 1024)
                time.sleep(0.05)
                del block
''')


@pytest.fixture
def fake_root(tmp_path):
    pkg = tmp_path / "consumers" / "understanding"
    pkg.mkdir(parents=True)
    (tmp_path / "consumers" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "analyzer.py").write_text(FAKE_ANALYZER, encoding="utf-8")
    return tmp_path


def test_child_timeout_crash_error_and_memory_with_a_fake_analyser(fake_root, monkeypatch):
    monkeypatch.setattr(wc, "PROGRESS_EVERY", 0.5)
    items = [wc.Item("reuters", name, name, "") for name in ("ok", "hang", "after", "boom", "big", "die", "last")]
    said = []
    records, facts = wc.measure_items(items, timeout=1.5, code_root=str(fake_root), progress=said.append)
    assert facts["analyser_code"] == str(fake_root / "consumers")
    by = {r["id"]: r for r in records}
    assert by["ok"]["status"] == "ok" and by["ok"]["seconds"] < 1
    assert by["hang"]["status"] == "timeout" and by["hang"]["seconds"] == 1.5
    assert by["after"]["status"] == "ok"            # a fresh child took over
    assert by["boom"]["status"] == "error" and "ValueError: bad input" in by["boom"]["error"]
    assert 100 <= by["big"]["mb"] < 400              # peak above the RSS just before the item
    assert by["big"]["mb_above_idle"] >= by["big"]["mb"] - 1
    assert by["die"]["status"] == "crashed" and by["die"]["exitcode"] == 3
    assert by["last"]["status"] == "ok"
    assert facts["restarts"] == 2
    assert any("timeout after 1.5 s" in s for s in said)
    assert any("hang: still running after" in s for s in said)


def test_corpora_option_selects_and_orders():
    assert wc._corpora("feeds, conll") == ("conll", "feeds")
    with pytest.raises(ValueError):
        wc._corpora("conll,bogus")


def test_memory_target_counts_the_peak_above_the_idle_process():
    section = _section([rec(mb=20.0, mb_above_idle=350.0)])
    target = {t.name: t for t in rep.targets({"worst_case": section})}["worst_case_mb"]
    assert target.measured == 350.0 and target.met is False
