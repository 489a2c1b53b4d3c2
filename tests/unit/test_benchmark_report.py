"""The markdown report of `wirewatch bench` (pure rendering)."""
from bench.report import render_markdown
from bench.stats import evaluate_targets


def _results():
    return {
        "started_at": "2026-01-01T00:00:00+00:00", "mode": "default", "duration_s": 812.4,
        "machine": {"cores": 2, "cpu_model": "AMD EPYC", "ram_gb": 23.5, "load_avg_start": "0.10 0.20 0.30",
                    "load_avg_end": "1.90 1.50 0.80"},
        "versions": {"python": "3.11.7", "spacy": "3.8.18", "postgresql": "15.18"},
        "bus": {"messages": 2000, "produce": {"msgs_per_s": 650.0, "mb_per_s": 1.9},
                "consume": {"msgs_per_s": 1200.0, "mb_per_s": 3.5}},
        "nlp": {"one": {"processes": 1, "items": 200, "items_per_s": 6.1, "words_per_s": 2700.0, "model_load_s": 5.0},
                "per_core": {"processes": 2, "items": 400, "items_per_s": 11.5, "words_per_s": 5100.0,
                             "model_load_s": 7.0}},
        "database": {"items": 1999, "items_per_s": 110.0, "rows_per_s": 3300.0, "rows": 60000, "batch_size": 64},
        "pipeline": {"one": {"processes": 1, "items": 500, "items_per_s": 5.5, "words_per_s": 2450.0, "seconds": 91.0},
                     "per_core": {"processes": 2, "items": 2000, "items_per_s": 10.2, "words_per_s": 4500.0,
                                  "seconds": 196.0}},
        "latency": {"items": 600, "rate_per_s": 5.1, "saturated_per_s": 10.2, "processes": 2,
                    "ack_to_commit": {"n": 600, "p50_ms": 420.0, "p95_ms": 900.0, "p99_ms": 1300.0,
                                      "max_ms": 1800.0, "mean_ms": 480.0},
                    "note": "commit time from a deferred trigger"},
        "matching": {"docs": 200, "counts": {"10": {"us_per_item": 300.0, "candidates_per_item": 0.0,
                                                    "matches_per_item": 0.0},
                                             "10000": {"us_per_item": 3000.0, "candidates_per_item": 250.0,
                                                       "matches_per_item": 29.0}},
                     "counts_us_per_item": {"lo": 300.0, "hi": 3000.0}},
        "memory": {"per_process": [{"run": "pipeline-1", "pid": 11, "peak_rss_mb": 400.0}],
                   "processes": 1, "peak_rss_mb_max": 400.0},
        "notes": ["samples are prefixes"],
    }


def test_report_has_every_section_and_figure():
    md = render_markdown(_results())
    for expected in ("# wirewatch benchmark", "2 cores, AMD EPYC, 23.5 GB RAM", "spacy 3.8.18",
                     "## Throughput", "(a) bus: produce", "650.0", "(b) NLP limit", "6.10", "11.50",
                     "(c) database: save_batch", "3,300 rows/s", "(d) full pipeline", "10.20",
                     "## Latency (e)", "1,300.0", "## Matching cost (f)", "10,000", "3,000.0",
                     "## Memory (g)", "pipeline-1", "400.0", "## Targets", "## Notes", "samples are prefixes"):
        assert expected in md, expected


def test_report_marks_each_target_met_or_missed_with_its_ratio():
    md = render_markdown(_results())
    lines = {line.split(" | ")[0].lstrip("| "): line for line in md.splitlines() if line.startswith("| ")}
    assert "**met**" in lines["full pipeline ≥ 0.85 × NLP limit, 1 process"]
    assert "0.91×" in lines["full pipeline ≥ 0.85 × NLP limit, 1 process"]
    assert "**missed**" in lines["matching cost per item at 10,000 topics ≤ 2 × at 10"]
    assert "10.00×" in lines["matching cost per item at 10,000 topics ≤ 2 × at 10"]
    assert "1.30 s" in lines["end-to-end p99 at 50% of saturated throughput ≤ 1 s"]
    assert "**missed**" in lines["end-to-end p99 at 50% of saturated throughput ≤ 1 s"]
    assert "**met**" in lines["peak RSS per consumer process ≤ 700 MB"]


def test_report_renders_a_partial_result():
    md = render_markdown({"machine": {"cores": 2}})
    assert "not measured" in md
    assert "## Latency" not in md


def test_report_uses_given_targets():
    results = _results()
    targets = evaluate_targets(results)[:1]
    md = render_markdown(results, targets)
    assert md.count("**met**") + md.count("**missed**") == 1
