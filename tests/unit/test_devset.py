"""The dev-set harness: label validation, the split, text loading and the metrics.

Everything here runs on tiny fictional fixtures written to tmp_path (no spaCy, no
shared data), except the last test, which validates the real label files.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest

from bench import devset
from bench.devset import COLUMNS, LabelError, assign_split, load_labels, load_texts, page_cache_path
from bench.regions import COUNTRY_REGION, UNKNOWN, _ALIASES, region_of
from bench.topic_eval import (best_status, format_devset_report, frame_line, run_devset_eval,
                              select_items)
from consumers.understanding.model import EventFrame, Sentence

HEADER = "\t".join(COLUMNS)


def row(id_="pg-0000000001", source="pages", ref="https://news.example/a", query="q", form="page",
        label="1", kind="arrest", person="Ana Ficta", country="Freedonia", year="2021",
        reason="leader held", *extra):
    return "\t".join((id_, source, ref, query, form, label, kind, person, country, year, reason) + extra)


def write(tmp_path, name, *rows, header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------- validation

def test_reads_rows_and_skips_comments_and_blank_lines(tmp_path):
    path = write(tmp_path, "a.tsv", "# a comment", "", row(), row("pg-2", ref="https://b.example/x", label="0",
                                                                   kind="bail", person="-"))
    items = load_labels([path])
    assert [i.id for i in items] == ["pg-0000000001", "pg-2"]
    assert items[0].label == 1 and items[0].year == 2021 and items[0].line == 4
    assert items[0].published == date(2021, 7, 1)
    assert items[1].outlet == "b.example"


@pytest.mark.parametrize("bad, message", [
    (row(label="2"), "label '2'"),
    (row(form="tweet"), "form 'tweet'"),
    (row(source="blog"), "source 'blog'"),
    (row(year="21"), "year '21'"),
    (row(reason=""), "empty column(s) reason"),
    (row(source="feeds", ref="feeds/real-snapshots/x/f.xml"), "no '#<entry index>'"),
    ("pg-1\tpages\thttps://x", "3 column(s)"),
])
def test_a_bad_row_names_file_and_line(tmp_path, bad, message):
    path = write(tmp_path, "bad.tsv", row("pg-ok", ref="https://ok.example"), bad)
    with pytest.raises(LabelError) as exc:
        load_labels([path])
    assert f"{path}:3" in str(exc.value) and message in str(exc.value)


def test_wrong_header_is_refused(tmp_path):
    path = write(tmp_path, "h.tsv", row(), header=HEADER.replace("kind", "type"))
    with pytest.raises(LabelError, match=r"h.tsv:1: header"):
        load_labels([path])


def test_duplicate_ids_and_refs_across_files_name_both_places(tmp_path):
    a = write(tmp_path, "a.tsv", row())
    b = write(tmp_path, "b.tsv", row(ref="https://other.example/"))
    with pytest.raises(LabelError, match=r"b.tsv:2: duplicate id .*first at .*a.tsv:2"):
        load_labels([a, b])
    c = write(tmp_path, "c.tsv", row("pg-3"))
    with pytest.raises(LabelError, match="duplicate ref 'https://news.example/a'"):
        load_labels([a, c])


def test_split_column_overrides_the_hash_and_is_validated(tmp_path):
    header = HEADER + "\tsplit"
    path = write(tmp_path, "s.tsv", row(person="-", id_="pg-a", ref="https://a"),
                 row("pg-b", ref="https://b", person="-") + "\ttest", header=header)
    a, b = load_labels([path])
    assert a.split == assign_split(a) and b.split == "test"
    bad = write(tmp_path, "t.tsv", row() + "\tholdout", header=header)
    with pytest.raises(LabelError, match="t.tsv:2: split 'holdout'"):
        load_labels([bad])


# ---------------------------------------------------------------- the split

def test_split_is_fixed_by_the_group_hash(tmp_path):
    items = load_labels([write(tmp_path, "a.tsv", *[
        row(f"pg-{n}", ref=f"https://x/{n}", person="-") for n in range(200)])])
    for item in items:
        first = hashlib.sha1(item.id.encode()).digest()[0]
        assert item.split == ("dev" if first < 0.6 * 256 else "test")
    dev = sum(i.split == "dev" for i in items)
    assert 90 < dev < 150  # about 60% (binomial, 200 draws)


def test_stories_about_one_person_never_straddle_the_split(tmp_path):
    rows = [row(f"pg-{n}", ref=f"https://x/{n}", person=name)
            for n, name in enumerate(["Ana Ficta", "ana ficta", "ANA FICTA "] * 3 + ["Bo Imaginary"] * 4)]
    items = load_labels([write(tmp_path, "a.tsv", *rows)])
    by_person: dict[str, set] = {}
    for item in items:
        by_person.setdefault(item.group, set()).add(item.split)
    assert set(by_person) == {"ana ficta", "bo imaginary"}
    assert all(len(splits) == 1 for splits in by_person.values())
    assert items[0].split == ("dev" if hashlib.sha1(b"ana ficta").digest()[0] < 153.6 else "test")


def test_select_items_by_split_and_a_stable_limited_sample(tmp_path):
    items = load_labels([write(tmp_path, "a.tsv", *[
        row(f"pg-{n}", ref=f"https://x/{n}", person="-") for n in range(40)])])
    dev = select_items(items, "dev")
    assert dev and all(i.split == "dev" for i in dev)
    assert len(select_items(items, "all")) == 40
    sample = [i.id for i in select_items(items, "all", 5)]
    assert len(sample) == 5 and sample == [i.id for i in select_items(list(reversed(items)), "all", 5)]


# ---------------------------------------------------------------- texts

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Fictional Times</title>
<item><title>Weather is nice</title><description>Sunny.</description></item>
<item><title>Opposition leader Ana Ficta held</title>
<description>&lt;p&gt;Police in &lt;b&gt;Freedonia&lt;/b&gt; detained Ficta.&lt;/p&gt;</description>
<pubDate>Tue, 02 Mar 2021 10:00:00 GMT</pubDate></item>
</channel></rss>"""


def test_texts_for_each_source(tmp_path):
    data, cache = tmp_path / "eval-data", tmp_path / "cache"
    (data / "reuters").mkdir(parents=True)
    (data / "reuters" / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"id": "x1", "title": "Other", "body": "Other body."},
        {"id": "a1", "title": "Freedonia holds Ficta", "body": "FREEDONIA CITY (Reuters) - Police held ...",
         "date_iso": "2019-05-04"}]) + "\n")
    feed = data / "feeds" / "real-snapshots" / "fict" / "times.xml"
    feed.parent.mkdir(parents=True)
    feed.write_text(RSS)
    cache.mkdir()
    page_cache_path("https://p.example/page", cache).write_text("Menu\nFicta arrested\nBody text.\n")
    page_cache_path("https://p.example/rss", cache).write_text("Ficta arrested\nPolice held her on Monday.\n")
    labels = write(tmp_path, "l.tsv",
                   row("rt-a1", "reuters", "a1", "-", "wire"),
                   row("fd-1", "feeds", "feeds/real-snapshots/fict/times.xml#1", "-", "rss"),
                   row("fd-2", "feeds", "feeds/real-snapshots/fict/times.xml#7", "-", "rss", "0", "other"),
                   row("pg-1", "pages", "https://p.example/page", "q", "page"),
                   row("pg-2", "pages", "https://p.example/rss", "q", "rss"),
                   row("pg-3", "pages", "https://p.example/gone", "q", "page"),
                   row("rt-zz", "reuters", "zz", "-", "wire"))
    items = {i.id: i for i in load_labels([labels])}
    missing = load_texts(list(items.values()), data, cache, tmp_path / "no-spans.tsv")
    assert {i.id for i in missing} == {"fd-2", "pg-3", "rt-zz"}
    assert "not re-collected" in items["pg-3"].missing
    rt = items["rt-a1"]
    assert (rt.headline, rt.published) == ("Freedonia holds Ficta", date(2019, 5, 4))
    fd = items["fd-1"]
    assert fd.headline == "Opposition leader Ana Ficta held"
    assert fd.body == "Police in Freedonia detained Ficta."  # HTML stripped as the producer does
    assert fd.published == date(2021, 3, 2)
    assert (items["pg-1"].headline, items["pg-1"].body) == ("", "Menu\nFicta arrested\nBody text.\n")
    assert (items["pg-2"].headline, items["pg-2"].body) == ("Ficta arrested", "Police held her on Monday.")
    assert items["pg-1"].published == date(2021, 7, 1)  # only the year is known


def test_check_prints_coverage_and_the_recollection_instructions(tmp_path, capsys):
    labels = write(tmp_path, "l.tsv", row(), row("pg-2", ref="https://b.example/x", label="0", kind="bail"))
    assert devset.check({"fictional set": [labels]}, tmp_path, tmp_path / "none") == 0
    out = capsys.readouterr().out
    assert "items: 2, positives: 1" in out and "kind (2)" in out
    assert "2 text(s) missing" in out and "corpus `pages`" in out
    bad = write(tmp_path, "bad.tsv", row(label="x"))
    assert devset.check({"bad": [bad]}, tmp_path, tmp_path) == 1
    assert "INVALID" in capsys.readouterr().out


# ---------------------------------------------------------------- metrics

SENT = Sentence(0, 0, 10, "x")


def frame(status, role="opposition", target="Ana Ficta", reason="lead sentence", event="arrest"):
    return EventFrame(event=event, action="arrest", trigger="arrested", trigger_start=0, trigger_end=8,
                      target=target, target_role=role, role_evidence="", sentence=SENT, status=status,
                      details={"status_reason": reason})


class FakeAnalyzer:
    """Frames per headline; records what it was asked."""

    def __init__(self, frames):
        self.frames, self.calls = frames, []

    def analyse_many(self, pairs):
        pairs = list(pairs)
        self.calls.append(pairs)
        return [SimpleNamespace(events=tuple(self.frames.get(h, ()))) for h, *_ in pairs]


def items_with_texts(tmp_path, specs):
    rows = [row(f"pg-{n}", ref=f"https://x/{n}", form=form, label=label, kind=kind, country=country,
                person="-") for n, (form, label, kind, country) in enumerate(specs)]
    items = load_labels([write(tmp_path, "m.tsv", *rows)])
    for n, item in enumerate(items):
        item.headline, item.body = f"h{n}", "body"
    return items


def test_best_status_order():
    assert best_status(SimpleNamespace(events=())) == "none"
    assert best_status(SimpleNamespace(events=(frame("negated"), frame("warrant")))) == "warrant"
    assert best_status(SimpleNamespace(events=(frame("released"), frame("background")))) == "background"
    assert best_status(SimpleNamespace(events=(frame("reported", event="protest"),))) == "none"
    assert frame_line(frame("background", reason="past tense")) == "arrest:Ana Ficta:opposition:background:past tense"


def test_devset_metrics_misses_false_alarms_and_confusion(tmp_path):
    items = items_with_texts(tmp_path, [
        ("page", "1", "arrest", "Pakistan"),      # h0 fires: tp
        ("rss", "1", "detain", "Belarus"),        # h1 background: miss
        ("wire", "0", "bail", "Pakistan"),        # h2 fires: false alarm
        ("page", "0", "ruling_side", "Brazil"),   # h3 no frame: tn
    ])
    items.append(replace(items[0], id="pg-nt", ref="https://x/nt", headline="", body="",
                         missing="page text not re-collected"))
    analyzer = FakeAnalyzer({"h0": [frame("reported")], "h1": [frame("background", reason="not in the lead")],
                             "h2": [frame("reported"), frame("released")]})
    fires = {"h0", "h2"}
    res = run_devset_eval(items, analyzer, lambda item, a: [f"why {item.id}"] if item.headline in fires else [])
    assert (res["tp"], res["fp"], res["fn"], res["tn"], res["n"]) == (1, 1, 1, 1, 4)
    assert res["precision"] == 0.5 and res["recall"] == 0.5
    assert [s["id"] for s in res["skipped"]] == ["pg-nt"]
    assert res["by_form"]["rss"]["fn"] == 1 and res["by_form"]["wire"]["fp"] == 1
    assert res["by_region"]["South Asia"] == {**res["by_region"]["South Asia"], "tp": 1, "fp": 1, "n": 2}
    assert res["by_region"]["Former USSR/Eastern Europe"]["fn"] == 1
    (miss,) = res["misses"]
    assert miss["id"] == "pg-1" and miss["frames"] == ["arrest:Ana Ficta:opposition:background:not in the lead"]
    (fa,) = res["false_alarms"]
    assert fa["id"] == "pg-2" and fa["why"] == ["why pg-2"] and fa["reason"] == "leader held"
    assert res["confusion_status"] == {"reported": {"gold=1": 1, "gold=0": 1, "fired": 2},
                                       "background": {"gold=1": 1, "fired": 0},
                                       "none": {"gold=0": 1, "fired": 0}}
    assert res["confusion_kind"]["bail (0)"] == {"reported": 1, "fired": 1}
    assert list(res["confusion_kind"])[:2] == ["arrest (1)", "detain (1)"]  # positives first
    text = format_devset_report(res, "fictional", show_splits=True)
    for needle in ("overall: P=0.500 R=0.500", "MISSES (1)", "FALSE ALARMS (1)", "fired: why pg-2",
                   "by split:", "WITHOUT TEXT (1): pg-nt", "not in the lead"):
        assert needle in text
    json.dumps(res)  # the --json output


def test_publication_dates_go_with_each_text(tmp_path):
    items = items_with_texts(tmp_path, [("page", "1", "arrest", "Pakistan")])
    fake = FakeAnalyzer({})
    run_devset_eval(items, fake, lambda i, a: [])
    assert [p[2] for p in fake.calls[0]] == [date(2021, 7, 1)]  # (headline, body, published)


def test_progress_goes_to_the_callback(tmp_path):
    items = items_with_texts(tmp_path, [("page", "0", "other", "Chile")] * 1)
    seen: list[str] = []
    run_devset_eval(items, FakeAnalyzer({}), lambda i, a: [], progress=seen.append)
    assert seen == ["analysed 1/1"]


# ---------------------------------------------------------------- regions

def test_regions():
    assert region_of("Kazakhstan") == "Central Asia" and region_of("belarus") == "Former USSR/Eastern Europe"
    assert region_of("Burma") == "East Asia & Pacific" and region_of("-") == UNKNOWN
    assert region_of("Atlantis") == UNKNOWN
    assert set(_ALIASES.values()) <= set(COUNTRY_REGION)


# ---------------------------------------------------------------- the real label files

def test_spans_cut_the_headline_and_the_story_out_of_a_page(tmp_path):
    from bench.devset import Span, cut_span, read_spans

    page = ("Site menu\n\nFicta arrested in Freedonia\n\nFREEDONIA (AP) - Police held Ficta.\n"
            "She denies it.\nRelated: other\n")
    spans_file = tmp_path / "spans.tsv"
    spans_file.write_text("id\ttitle\tfrom\tto\npg-w\t1\t2\t4\npg-r\t1\t2\t3\npg-x\t-1\t2\t\n")
    spans = read_spans(spans_file)
    assert spans["pg-x"] == Span(-1, 2, None)
    assert cut_span(page, spans["pg-w"]) == ("Ficta arrested in Freedonia",
                                              "FREEDONIA (AP) - Police held Ficta.\nShe denies it.")
    assert cut_span(page, spans["pg-r"]) == ("Ficta arrested in Freedonia", "FREEDONIA (AP) - Police held Ficta.")
    assert cut_span(page, spans["pg-x"])[0] == ""
    assert cut_span(page, None)[0] == "Site menu"
    spans_file.write_text("id\ttitle\tfrom\tto\npg-w\tone\t2\n")
    with pytest.raises(LabelError, match="spans.tsv:2"):
        read_spans(spans_file)


def test_every_span_points_at_an_rss_or_wire_page_item():
    from bench.devset import SPANS, read_spans

    spans = read_spans(SPANS)
    if not spans:
        pytest.skip("no spans file")
    items = {i.id: i for i in load_labels(devset.devset_files() + [devset.JOURNALISTS])}
    wrong = [k for k in spans if k not in items or items[k].source != "pages" or items[k].form == "page"]
    assert not wrong, wrong
    assert all(s.title < s.start or s.title == -1 for s in spans.values())


def test_the_real_label_files_are_valid():
    files = devset.devset_files()
    sets = [files] + ([[devset.JOURNALISTS]] if devset.JOURNALISTS.exists() else [])
    if not any(sets):
        pytest.skip("no label files yet")
    for paths in sets:
        if not paths:
            continue
        items = load_labels(paths)
        assert items, paths
        unmapped = {i.country for i in items if i.region == UNKNOWN and i.country != "-"}
        assert not unmapped, f"add to bench/regions.py: {sorted(unmapped)}"


# ---------------------------------------------------------------- the command

def _parse(argv):
    import argparse

    from wirewatch.cli import understanding

    parser = argparse.ArgumentParser()
    understanding.register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_eval_topics_set_runs_the_devset_through_the_named_topic(tmp_path, monkeypatch, capsys):
    from wirewatch.cli import understanding

    (tmp_path / "reuters").mkdir()
    (tmp_path / "reuters" / "articles.jsonl").write_text(
        json.dumps({"id": "a1", "title": "Ficta held", "body": "Police held Ficta."}) + "\n")
    labels = write(tmp_path, "l.tsv", row("rt-a1", "reuters", "a1", "-", "wire"),
                   row("pg-1", "pages", "https://nowhere.example/never-collected", "q", "page"))
    topics = tmp_path / "topics.yaml"
    topics.write_text("topics:\n  - name: fictional-topic\n    title: F\n    version: 3\n    query: held\n")
    seen = {}

    def fake_predictor(topic):
        seen["topic"] = (topic.name, topic.version)
        return lambda item, analysis: ["held"] if item.label else []

    monkeypatch.setattr("bench.topic_eval.topic_predictor", fake_predictor)
    app = SimpleNamespace(analyzer=FakeAnalyzer({}), settings=SimpleNamespace(topics_file=str(topics)))
    out_json = tmp_path / "out.json"
    args = _parse(["eval", "topics", "--set", "all", "--topic", "fictional-topic", "--topics", str(topics),
                   "--labels", str(labels), "--eval-data", str(tmp_path), "--json", str(out_json)])
    assert understanding.cmd_eval_topics(args, app) == 0
    captured = capsys.readouterr()
    assert seen["topic"] == ("fictional-topic", 3)
    assert "fictional-topic on the all split: n=1 positives=1" in captured.out
    assert "WITHOUT TEXT (1): pg-1" in captured.out and "analysed 1/1" in captured.err
    saved = json.loads(out_json.read_text())
    assert saved["tp"] == 1 and saved["topic_version"] == 3 and saved["set"] == "all"


def test_eval_topics_refuses_an_unknown_topic_and_bad_labels(tmp_path, capsys):
    from wirewatch.cli import understanding

    topics = tmp_path / "topics.yaml"
    topics.write_text("topics:\n  - name: fictional-topic\n    title: F\n    version: 1\n    query: held\n")
    app = SimpleNamespace(analyzer=FakeAnalyzer({}), settings=SimpleNamespace(topics_file=str(topics)))
    args = _parse(["eval", "topics", "--set", "dev", "--topic", "no-such", "--topics", str(topics)])
    assert understanding.cmd_eval_topics(args, app) == 2
    assert "no topic named 'no-such'" in capsys.readouterr().err
    bad = write(tmp_path, "bad.tsv", row(form="fax"))
    args = _parse(["eval", "topics", "--set", "dev", "--topic", "fictional-topic", "--topics", str(topics),
                   "--labels", str(bad)])
    assert understanding.cmd_eval_topics(args, app) == 2
    assert "bad.tsv:2: form 'fax'" in capsys.readouterr().err
