"""Offline JSON Lines matching, topic generation and the benchmark harness."""
import io
import json

from bench.matching_bench import bench_matching
from consumers.matching.engine import Matcher, MatchInput
from bench.synthetic_topics import generate_topics
from consumers.matching.offline import match_jsonl
from consumers.matching.topics import topic_from_dict
from consumers.understanding.model import Analysis

COUPS = topic_from_dict({"name": "coups", "title": "Coups", "version": 1, "query": "coup OR junta"})


def run(lines, analyse=None):
    out = io.StringIO()
    stats = match_jsonl(lines, out, Matcher([COUPS]), analyse=analyse)
    return stats, [json.loads(line) for line in out.getvalue().splitlines()]


def test_match_jsonl_writes_one_line_per_item_and_survives_bad_lines():
    lines = [
        json.dumps({"id": "a", "headline": "Coup in Niger", "body": "Soldiers took power."}),
        "{not json",
        "",
        json.dumps({"id": 7, "headline": "Markets calm", "body": "Shares rose."}),
        json.dumps({"headline": "No id"}),
        json.dumps({"id": "b", "headline": 3, "body": ""}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "c", "headline": "", "body": " "}),
    ]
    stats, results = run(lines)
    assert stats == {"items": 7, "matched_items": 1, "matches": 1, "errors": 5}
    assert [r["id"] for r in results] == ["a", None, 7, None, "b", None, "c"]
    assert results[0]["matches"][0]["topic"] == "coups" and "why" in results[0]["matches"][0]
    assert results[2] == {"id": 7, "matches": []}
    assert "line 2: invalid JSON" in results[1]["error"]
    assert "missing or invalid 'id'" in results[3]["error"]
    assert "must be strings" in results[4]["error"]
    assert "expected a JSON object" in results[5]["error"]
    assert "empty headline and body" in results[6]["error"]


def test_match_jsonl_uses_the_analyse_callable_and_reports_its_failures():
    calls = []

    def analyse(headline, body):
        calls.append(headline)
        if "boom" in headline:
            raise RuntimeError("analyzer exploded")
        text = headline + "\n\n" + body
        return Analysis(text, len(headline), None, (), (), (), (), "test")

    stats, results = run([json.dumps({"id": "x", "headline": "Junta speaks", "body": ""}),
                          json.dumps({"id": "y", "headline": "boom", "body": "b"})], analyse)
    assert calls == ["Junta speaks", "boom"]
    assert results[0]["matches"][0]["offsets_in"] == "analysis.text"
    assert results[1] == {"id": "y", "error": "RuntimeError: analyzer exploded"}
    assert stats["errors"] == 1


def test_generate_topics_is_deterministic_valid_and_varied():
    a, b = generate_topics(300, seed=3), generate_topics(300, seed=3)
    assert [t.fingerprint for t in a] == [t.fingerprint for t in b]
    assert len({t.name for t in a}) == 300
    assert [t.fingerprint for t in generate_topics(300, seed=4)] != [t.fingerprint for t in a]
    assert sum(t.query is not None for t in a) > 150
    assert sum(t.event is not None for t in a) > 20 and sum(t.entities is not None for t in a) > 20
    queries = " ".join(t.query for t in a if t.query)
    for feature in ("NEAR/", "*", '"', " OR ", " AND ", "NOT ", "headline:", "lead:"):
        assert feature in queries, feature


def test_bench_matching_reports_cost_per_count():
    docs = [MatchInput(str(i), "Coup in Niger", "Soldiers said the army had taken power. " * 5) for i in range(20)]
    result = bench_matching(docs, counts=(10, 50), repeat=1)
    assert set(result["counts"]) == {10, 50} and result["docs"] == 20
    assert all(r["us_per_item"] > 0 for r in result["counts"].values())
    assert result["ratio"] > 0
