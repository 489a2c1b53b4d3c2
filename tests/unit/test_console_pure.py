"""The console's pure parts: topic text surgery, evidence marks, charts, login throttling, redirects."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from consumers.matching.topic_text import parse_topic_text, replace_topic, topic_blocks, with_version
from consumers.matching.topics import TopicFileError, parse_topics
from wirewatch.web.app import _safe_next
from wirewatch.web.charts import volume_and_precision
from wirewatch.web.marks import marked
from wirewatch.web.security import LoginLimiter, same_origin, tokens_equal

FILE = """\
# operator's comment, kept
topics:
  # about the first topic
  - name: first
    title: First topic
    version: 3
    query: '"opposition leader" AND arrested'
    # a comment inside the topic

  # introduces the second topic
  - name: second
    title: Second
    version: 1
    query: coup
"""


def test_blocks_cut_each_topic_without_the_next_ones_comments():
    blocks = topic_blocks(FILE)
    assert list(blocks) == ["first", "second"]
    # A comment after the last key is not the topic's: it stays in the file, outside the block.
    assert blocks["first"].text == ("name: first\ntitle: First topic\nversion: 3\n"
                                    "query: '\"opposition leader\" AND arrested'\n")
    assert "# a comment inside the topic" in replace_topic(FILE, "first", "name: first\ntitle: F\nversion: 4\n"
                                                                          "query: a\n")
    assert parse_topic_text(blocks["second"].text).version == 1


def test_replace_keeps_every_other_byte():
    new = replace_topic(FILE, "second", "name: second\ntitle: Second, edited\nversion: 2\nquery: coup OR junta\n")
    assert new.startswith(FILE.split("  - name: second")[0])
    assert [t.title for t in parse_topics(new)] == ["First topic", "Second, edited"]
    assert "# introduces the second topic" in new and "# operator's comment, kept" in new


def test_replace_appends_a_new_topic():
    new = replace_topic(FILE, "third", "name: third\ntitle: Third\nversion: 1\nquery: strike\n")
    assert [t.name for t in parse_topics(new)] == ["first", "second", "third"]
    alone = replace_topic("topics: []\n", "x", "name: x\ntitle: X\nversion: 1\nquery: a\n")
    assert [t.name for t in parse_topics(alone)] == ["x"]


def test_errors_point_at_the_line_of_the_edited_text():
    text = "name: first\ntitle: First\nversion: 1\nevent:\n  type: arrest\n  status: [reportd]\n"
    with pytest.raises(TopicFileError) as exc:
        parse_topic_text(text)
    assert [e.line for e in exc.value.errors] == [6]
    with pytest.raises(TopicFileError) as exc:
        parse_topic_text("name: first\ntitle: [unclosed\nquery: a\n")
    assert exc.value.errors[0].line in (2, 3) and "YAML" in exc.value.errors[0].reason
    with pytest.raises(TopicFileError):
        parse_topic_text("   \n")


def test_with_version_sets_or_adds_the_line():
    assert "version: 4" in with_version("name: a\nversion: 3\ntitle: A\n", 4)
    assert with_version("name: a\ntitle: A\n", 2) == "name: a\nversion: 2\ntitle: A\n"


def test_marks_trigger_and_target_and_keep_the_rest_as_text():
    segments = marked("Police arrested <b>Kem Sokha</b> on Sunday.", "arrested", "Kem Sokha")
    assert ("arrested", "trigger") in segments and ("Kem Sokha", "target") in segments
    assert "".join(t for t, _ in segments) == "Police arrested <b>Kem Sokha</b> on Sunday."
    assert marked("", "x", None) == [("", None)]
    assert marked("no match here", None, None) == [("no match here", None)]


def test_chart_has_bars_and_a_precision_line_and_no_text_from_outside():
    day = date(2026, 1, 1)
    series = [(day + timedelta(days=i), i % 3, None if i % 2 else 0.5) for i in range(10)]
    svg = volume_and_precision(series)
    assert svg.startswith("<svg") and svg.count("<rect") == sum(1 for _, c, _ in series if c)
    assert "<polyline" in svg
    assert volume_and_precision([]) == ""


def test_login_limiter_blocks_after_the_budget_and_forgets_after_the_window():
    now = [0.0]
    limiter = LoginLimiter(3, window=300, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("1.2.3.4", "ana") == 0
        limiter.failed("1.2.3.4", "ana")
    assert limiter.retry_after("1.2.3.4", "ana") == pytest.approx(300)
    assert limiter.retry_after("5.6.7.8", "ana") == 0  # another address is not blocked
    now[0] = 301
    assert limiter.retry_after("1.2.3.4", "ana") == 0


def test_login_limiter_caps_one_address_over_many_names_and_bounds_memory():
    limiter = LoginLimiter(2, max_keys=50, clock=lambda: 0.0)
    for i in range(8):
        limiter.failed("9.9.9.9", f"user{i}")
    assert limiter.retry_after("9.9.9.9", "someone-new") > 0
    for i in range(500):
        limiter.failed(f"10.0.{i // 250}.{i % 250}", "x")
    assert len(limiter._failures) <= 50


def test_next_is_a_local_path_only():
    assert _safe_next("/alerts/3?x=1") == "/alerts/3?x=1"
    for bad in ("https://evil.example/", "//evil.example", "/\\evil", "", None, "alerts"):
        assert _safe_next(bad) == "/alerts"


def test_origin_and_token_checks():
    assert same_origin(None, "127.0.0.1:8080")
    assert same_origin("http://127.0.0.1:8080", "127.0.0.1:8080")
    assert not same_origin("http://evil.example", "127.0.0.1:8080")
    assert not same_origin("null", "127.0.0.1:8080")
    assert tokens_equal("abc", "abc") and not tokens_equal("", "") and not tokens_equal(None, "abc")
