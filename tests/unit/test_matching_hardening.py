"""Hostile topics and text for the matcher (issue 12): bounded NEAR, bounded parsing,
line-numbered rejection of bad topic files, hot reload that survives any edit, and
invisible bidi / zero-width characters between words."""
from __future__ import annotations

import logging
import os
import time
import tracemalloc

import pytest

from consumers.matching.complexity import MAX_NEAR_NESTING, MAX_NEARS, MAX_WILDCARDS
from consumers.matching.document import Document, tokenize
from consumers.matching.engine import Matcher, MatchInput
from consumers.matching.query import (
    MAX_DEPTH, MAX_NEAR_CHAIN, Leaf, Near, Or, QueryContext, QueryError, parse_query,
)
from consumers.matching.spans import leaf_spans
from consumers.matching.topics import (
    MAX_FILE_BYTES, TopicFileError, TopicFileWatcher, load_topics, parse_topics,
)
from consumers.matching.runtime import TopicRuntime

HEAD = "topics:\n  - name: t\n    title: T\n    version: 1\n"


def reference_near(node, ctx):
    """The old evaluation (every combination of hits): the oracle for small inputs."""
    if isinstance(node, Leaf):
        return [(h.first, h.last, (h,)) for h in leaf_spans(node, ctx)]
    if isinstance(node, Or):
        return [o for c in node.children for o in reference_near(c, ctx)]
    nh, out = ctx.doc.n_headline, []
    for lf, ll, lh in reference_near(node.left, ctx):
        for rf, rl, rh in reference_near(node.right, ctx):
            gap = rf - ll if rf > ll else lf - rl
            if gap <= node.distance and (lf < nh) == (rf < nh):
                out.append((min(lf, rf), max(ll, rl), lh + rh))
    return out


def reference_hits(node, doc):
    occ = reference_near(node, QueryContext(doc))
    return None if not occ else {h for _, _, hs in occ for h in hs}


def new_hits(node, doc):
    hits = node.ev(QueryContext(doc))
    return None if hits is None else set(hits)


def chain(groups: int, distance: int = 10) -> str:
    return f" NEAR/{distance} ".join(f"(w{i}a* OR w{i}b*)" for i in range(groups))


def dense_body(groups: int, tokens: int) -> str:
    return " ".join(f"w{i % groups}{'ab'[i % 2]}x{i}" for i in range(tokens))


# --- 1. NEAR: bounded, and the same answers ------------------------------------------
@pytest.mark.parametrize("query,body", [
    ("coup NEAR/3 army", "The coup failed. Much later the army and the coup were news."),
    ("(a OR b) NEAR/2 c NEAR/1 d", "a x c d b c a d c x x d c b"),
    ('"red fox" NEAR/2 (dog OR cat*) NEAR/3 hen', "red fox dog hen cat red fox catty x x hen"),
    ("(x NEAR/1 y) NEAR/4 (z OR x)", "x y q z x q y x q q q z"),
    ("a NEAR/1 b NEAR/1 a", "a b a b b a a b"),
])
def test_span_near_gives_the_hits_of_every_combination(query, body):
    doc = Document("d", "a headline x y", body)
    node = parse_query(query)
    assert new_hits(node, doc) == reference_hits(node, doc)


def test_five_wildcard_groups_chained_by_near_stay_fast_and_small():
    # Before: 15 s and 1.5 GB per story; six groups passed 5 GB.
    doc = Document("d", "h", dense_body(5, 2000))
    node = parse_query(chain(5))
    tracemalloc.start()
    start = time.process_time()
    hits = node.ev(QueryContext(doc))
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert hits, "the chain occurs in the text"
    assert elapsed < 2.0 and peak < 100 * 2**20, (elapsed, peak)


def test_a_small_topic_file_of_near_chains_cannot_blow_up():
    # Before: a 2.5 KB file of such topics grew past 11 GB.
    topics = "topics:\n" + "".join(
        f"  - name: t{i}\n    title: T\n    version: 1\n    query: '{chain(5, 20 + i)}'\n" for i in range(12))
    assert len(topics) < 2600
    matcher = Matcher(parse_topics(topics))
    start = time.process_time()
    matcher.match(MatchInput("d", "h", dense_body(5, 1500)))
    assert time.process_time() - start < 10.0


def test_near_budget_truncates_and_says_so():
    doc = Document("d", "h", dense_body(2, 20000))
    ctx = QueryContext(doc)
    assert parse_query("(w0a* OR w0b*) NEAR/100 (w1a* OR w1b*)").ev(ctx)
    assert ctx.truncated


def test_near_never_spans_headline_and_body():
    doc = Document("d", "army", "coup")
    assert parse_query("army NEAR/5 coup").ev(QueryContext(doc)) is None


# --- complexity limits at load -------------------------------------------------------
def _error(query: str) -> TopicFileError:
    with pytest.raises(TopicFileError) as e:
        parse_topics(HEAD + "    query: '" + query + "'\n")
    return e.value


@pytest.mark.parametrize("query,fragment", [
    ("(" * 200 + "x" + ")" * 200, "nested too deeply"),
    ("NOT " * 1000 + "x y", "longer than"),
    ("NOT " * (MAX_DEPTH + 1) + "x y", "nested too deeply"),
    (" NEAR/2 ".join(["a"] * (MAX_NEAR_CHAIN + 2)), "NEARs in a row"),
    (" ".join(f"w{i}x*" for i in range(MAX_WILDCARDS + 1)), "wildcard"),
    (" OR ".join(f"(a{i} NEAR/2 b{i})" for i in range(MAX_NEARS + 1)), "NEAR operators"),
    ("(" * MAX_NEAR_NESTING + "a NEAR/1 b" + ") NEAR/1 c" * MAX_NEAR_NESTING, "nested"),
    (" OR ".join(f"w{i}" for i in range(201)), "terms"),
])
def test_over_complex_queries_are_rejected_with_their_line(query, fragment):
    err = _error(query)
    assert [e.line for e in err.errors] == [5]
    assert fragment in str(err), str(err)


def test_nesting_is_checked_before_recursing():
    for depth in (200, 5000):
        with pytest.raises(QueryError):
            parse_query("(" * depth + "x" + ")" * depth)
    assert parse_query("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH) == Leaf((("x", False),))


def test_realistic_near_queries_are_accepted():
    q = parse_query("(coup OR putsch) NEAR/6 (military OR army) NEAR/10 (arrest* OR detain*)")
    assert isinstance(q, Near)


# --- 2. bad topic files: one line-numbered TopicFileError, nothing else --------------
@pytest.mark.parametrize("data,line,fragment", [
    (HEAD.encode() + b"    query: x   # caf\xe9\n", 5, "not valid UTF-8"),
    (HEAD.replace("version: 1", "version: " + "9" * 5000).encode() + b"    query: x\n", 4, "number too long"),
    (HEAD.encode() + b"    query: x\x00\n", 5, "invalid YAML"),
    (HEAD.encode() + b"    title2: [" + b"[" * 5000 + b"\n", 0, ""),
])
def test_bad_files_raise_only_topic_file_error_with_a_line(tmp_path, data, line, fragment):
    path = tmp_path / "topics.yaml"
    path.write_bytes(data)
    with pytest.raises(TopicFileError) as e:
        load_topics(path)
    assert all(err.line >= 1 for err in e.value.errors)
    if line:
        assert e.value.errors[0].line == line and fragment in str(e.value), str(e.value)


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "topics.yaml"
    with open(path, "wb") as f:
        f.write(HEAD.encode() + b"    query: x\n#" + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(TopicFileError, match="too large"):
        load_topics(path)


def test_invisible_marks_around_condition_values_are_ignored():
    (t,) = parse_topics(HEAD + "    event: {type: \"arrest\\u200f\", target_role: \"\\u200eopposition\"}\n")
    assert (t.event.type, t.event.target_role) == ("arrest", "opposition")


# --- hot reload ----------------------------------------------------------------------
BAD_EDITS = [
    HEAD.encode() + b"    query: '" + b"(" * 200 + b"x" + b")" * 200 + b"'\n",
    HEAD.encode() + b"    query: '" + b"NOT " * 1000 + b"x y'\n",
    HEAD.encode() + b"    query: x  # caf\xe9\n",
    HEAD.replace("version: 1", "version: " + "9" * 5000).encode() + b"    query: x\n",
]


class _Store:
    def __init__(self):
        self.saved = []

    def save_topics(self, rows):
        self.saved.append(rows)


def _write(path, data: bytes, tick: list) -> None:
    path.write_bytes(data)
    tick[0] += 10**9  # a distinct mtime even on a coarse clock
    os.utime(path, ns=(tick[0], tick[0]))


def test_reload_rejects_each_bad_edit_once_and_keeps_the_last_good_topics(tmp_path, caplog):
    path, tick = tmp_path / "topics.yaml", [10**18]
    _write(path, HEAD.encode() + b"    query: zebrafinch\n", tick)
    runtime = TopicRuntime(TopicFileWatcher(path), _Store())
    runtime.refresh(force=True)
    good = runtime.matcher
    for bad in BAD_EDITS:
        _write(path, bad, tick)
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="consumers.matching.runtime"):
            for _ in range(3):  # polls of the same bad version log once
                runtime.refresh(force=True)
        rejected = [r for r in caplog.records if "rejected" in r.getMessage()]
        assert len(rejected) == 1, [r.getMessage() for r in caplog.records]
        assert f"{path}:" in rejected[0].getMessage()
        assert runtime.matcher is good
        assert runtime.match(MatchInput("d", "A zebrafinch", ""))
    _write(path, HEAD.encode() + b"    query: okapi\n", tick)
    runtime.refresh(force=True)
    assert runtime.matcher is not good and runtime.match(MatchInput("d", "An okapi", ""))


def test_reload_survives_an_unexpected_error_but_startup_does_not(caplog):
    class Exploding:
        def poll(self):
            raise MemoryError("no")

    runtime = TopicRuntime(Exploding(), _Store())
    with pytest.raises(MemoryError):
        runtime.refresh(force=True)  # the first load fails loudly
    runtime.matcher = Matcher([])

    class Broken:
        def poll(self):
            raise RecursionError("deep")

    runtime.watcher = Broken()
    with caplog.at_level(logging.ERROR, logger="consumers.matching.runtime"):
        runtime.refresh(force=True)
    assert "keeping the 0 current topics" in caplog.text


def test_startup_with_a_bad_file_fails_with_the_line(tmp_path):
    path = tmp_path / "topics.yaml"
    path.write_bytes(BAD_EDITS[0])
    with pytest.raises(TopicFileError, match=rf"{path}:5: .*nested too deeply"):
        TopicRuntime(TopicFileWatcher(path), _Store()).refresh(force=True)


def test_a_missing_file_is_reported_once(tmp_path):
    path = tmp_path / "topics.yaml"
    path.write_text(HEAD + "    query: x\n", encoding="utf-8")
    watcher = TopicFileWatcher(path)
    assert watcher.poll() is not None
    path.unlink()
    with pytest.raises(TopicFileError, match="cannot read"):
        watcher.poll()
    assert watcher.poll() is None
    path.write_text(HEAD + "    query: y\n", encoding="utf-8")
    assert watcher.poll() is not None


# --- 3. bidi and zero-width characters are separators --------------------------------
MARKS = ["\u200f", "\u200e", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
         "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("mark", MARKS)
def test_invisible_marks_between_words_do_not_prevent_matching(mark):
    for sep in (mark, f" {mark}", f"{mark} ", f" {mark}{mark} "):
        body = f"Police arrested{sep}opposition{sep}leader Kem{sep}Sokha{sep}on Sunday."
        assert tokenize(body) == ["police", "arrested", "opposition", "leader", "kem", "sokha", "on", "sunday"]
        doc = Document("d", f"Kem{sep}Sokha{sep}held", body)
        for query in ('"kem sokha"', "arrest* NEAR/3 leader", 'headline:"sokha held"', "lead:opposition"):
            assert parse_query(query).ev(QueryContext(doc)) is not None, (repr(sep), query)
        # the offsets still point at the words
        (m,) = Matcher(parse_topics(HEAD + "    query: '\"kem sokha\"'\n")).match(
            MatchInput("d", "x", body))
        hit = next(h for h in m.hits if h.field != "headline")
        assert hit.text.replace(mark, "").split() == ["Kem", "Sokha"] or hit.text.replace(mark, " ").split() == [
            "Kem", "Sokha"]


def test_a_new_topic_set_whose_save_fails_is_retried_not_forgotten(tmp_path):
    path, tick = tmp_path / "topics.yaml", [10**18]
    _write(path, HEAD.encode() + b"    query: zebrafinch\n", tick)

    class FlakyStore(_Store):
        down = False

        def save_topics(self, rows):
            if self.down:
                raise ConnectionError("database down")
            super().save_topics(rows)

    store = FlakyStore()
    runtime = TopicRuntime(TopicFileWatcher(path), store)
    runtime.refresh(force=True)
    old = runtime.matcher
    store.down = True
    _write(path, HEAD.encode() + b"    query: hummingbird\n", tick)
    runtime.refresh(force=True)
    assert runtime.matcher is old  # not live until stored
    store.down = False
    runtime.refresh(force=True)  # the file did not change again, the save is retried
    assert runtime.matcher is not old and len(store.saved) == 2

