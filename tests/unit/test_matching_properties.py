"""Hostile-input properties of topic files, queries and matching (issue 12).

Whatever the text, parsing raises only the documented errors (TopicFileError for a
file, QueryError for a query) within a time and memory bound; matching a document
against any valid query stays within a time bound per KB and gives the same hits as
building every NEAR combination (the old, exponential evaluation) on small inputs.
"""
from __future__ import annotations

import time
import tracemalloc

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from consumers.matching.document import Document
from consumers.matching.engine import Matcher, MatchInput
from consumers.matching.query import QueryContext, QueryError, parse_query
from consumers.matching.topics import TopicFileError, TopicFileWatcher, load_topics, parse_topics
from tests.unit.test_matching_hardening import reference_hits

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = ["coup", "army", "arrest", "arrested", "kem", "sokha", "leader", "x", "police", "the"]
OPERATORS = ["AND", "OR", "NOT", "NEAR/1", "NEAR/3", "NEAR/100", "NEAR", "NEAR/0", "NEAR/999999", "(", ")",
             '"', "“", "headline:", "lead:", "body:", "foo:", "*", "arr*", "ar*", "\u200f", "\x00", "'s"]

query_text = st.lists(st.sampled_from(WORDS + OPERATORS) | st.text(max_size=6), max_size=40).map(" ".join)


def _positional():
    term = st.sampled_from(WORDS) | st.sampled_from(["arrest*", "lead*", "coup*"]) | st.lists(
        st.sampled_from(WORDS), min_size=2, max_size=3).map(lambda w: '"' + " ".join(w) + '"')
    group = st.lists(term, min_size=2, max_size=3).map(lambda t: "(" + " OR ".join(t) + ")")
    operand = term | group
    return st.lists(operand, min_size=1, max_size=4).flatmap(lambda ops: st.lists(
        st.integers(1, 4), min_size=len(ops) - 1, max_size=len(ops) - 1).map(
        lambda ds: " ".join(o + (f" NEAR/{d}" if i < len(ds) else "") for i, (o, d) in
                            enumerate(zip(ops, ds + [0])))))


def _query():
    scoped = st.tuples(st.sampled_from(["headline:", "lead:", "body:"]), _positional()).map(
        lambda t: f"{t[0]}({t[1]})")
    atom = _positional() | _positional().map(lambda q: "NOT " + q) | scoped
    return st.lists(atom, min_size=1, max_size=3).flatmap(
        lambda parts: st.sampled_from([" AND ", " OR ", " "]).map(lambda op: op.join(parts)))


documents = st.lists(st.sampled_from(WORDS + [".", ",", "\u200f", "\u200b", "\n"]), max_size=40).map(" ".join)


def _bounded(fn, seconds: float, megabytes: float):
    tracemalloc.start()
    start = time.process_time()
    try:
        return fn()
    finally:
        elapsed = time.process_time() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        assert elapsed < seconds and peak < megabytes, (elapsed, peak)


@FAST
@given(query_text)
def test_any_query_text_parses_or_raises_query_error(text):
    def run():
        try:
            parse_query(text)
        except QueryError:
            pass
    _bounded(run, 1.0, 50)


def _file(query: str, extra: str) -> str:
    q = query.replace("'", "''")
    return f"topics:\n  - name: t\n    title: T\n    version: 1\n    query: '{q}'\n{extra}"


yamlish = st.lists(st.sampled_from([
    "topics:", "  - name: a", "    title: T", "    version: 1", "    version: 99999999999999999999999999999999",
    "    query: x", "    query: '((('", "    threshold: .nan", "    threshold: 2", "    lead_sentences: -1",
    "    entities: {any: []}", "    event: {type: arrest, status: [nope]}", "  - [", "&a [*a]", "*b", "? x",
    "    version: 2001-02-30", "- !!python/object:os.system x", "\t", "# caf\xe9", "%YAML 1.1", "---", "...",
    "    exclude: NOT x", "  -", ":", "{", "}", "'", '"', "    query: " + "(" * 50,
]) | st.text(max_size=20), max_size=25).map("\n".join)


@FAST
@given(yamlish, query_text)
def test_any_topic_text_gives_topics_or_topic_file_error(text, query):
    for doc in (text, _file(query, text)):
        def run(doc=doc):
            try:
                parse_topics(doc)
            except TopicFileError as e:
                assert all(err.line >= 1 for err in e.errors), str(e)
        _bounded(run, 2.0, 100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.binary(max_size=300) | yamlish.map(lambda t: t.encode("utf-8", "surrogatepass")),
       st.sampled_from([b"", b"\xe9", b"\xff\xfe", b"\xed\xa0\x80"]))
def test_any_bytes_on_disk_give_topics_or_topic_file_error(tmp_path, data, junk):
    path = tmp_path / "topics.yaml"
    path.write_bytes(data + junk)
    for load in (load_topics, lambda p: TopicFileWatcher(p).poll()):
        try:
            load(path)
        except TopicFileError:
            pass


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_query(), documents, documents)
def test_matching_is_bounded_and_near_hits_equal_every_combination(query, headline, body):
    try:
        node = parse_query(query)
    except QueryError:
        assume(False)
    doc = Document("d", headline, body)
    start = time.process_time()
    got = node.ev(QueryContext(doc))
    assert time.process_time() - start < 1.0
    if type(node).__name__ in ("Near", "Leaf"):
        expected = reference_hits(node, doc)
        assert (None if got is None else set(got)) == expected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_query(), min_size=1, max_size=5), st.integers(1, 30), st.randoms(use_true_random=False))
def test_matching_time_per_kb_is_bounded(queries, kb, rnd):
    topics = []
    for i, q in enumerate(queries):
        try:
            parse_query(q)
        except QueryError:
            continue
        topics.append(_file(q, "").replace("name: t", f"name: t{i}").split("topics:\n", 1)[1])
    assume(topics)
    matcher = Matcher(parse_topics("topics:\n" + "".join(topics)))
    vocab = WORDS + ["\u200f", ".", "arrests", "leaders"]
    words, size = [], 0
    while size < kb * 1024:
        w = rnd.choice(vocab)
        words.append(w)
        size += len(w) + 1
    body = " ".join(words)
    start = time.process_time()
    matcher.match(MatchInput("d", "headline " + rnd.choice(WORDS), body))
    per_kb = (time.process_time() - start) / kb
    assert per_kb < 0.2, per_kb
