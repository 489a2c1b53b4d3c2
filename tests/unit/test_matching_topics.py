"""Topic files: loading, validation with line numbers, fingerprints, hot reload."""
import os
from pathlib import Path

import pytest

from consumers.matching.topics import (
    DEFAULT_LEAD_SENTENCES, DEFAULT_THRESHOLD, TopicError, TopicFileError, TopicFileWatcher,
    TopicSet, load_topics, parse_topics, topic_from_dict,
)

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
topics:
  - name: arrests-of-opposition-leaders
    title: Arrests of opposition leaders
    version: 1
    description: An arrest of an opposition figure.
    event: {type: arrest, target_role: opposition}
  - name: coups
    title: Coups
    version: 2
    query: 'coup NEAR/5 (army OR military)'
    exclude: '"coup de grace"'
    threshold: 0.7
    lead_sentences: 3
  - name: sokha
    title: Kem Sokha
    version: 1
    entities: {any: [Kem Sokha, CNRP], types: [person], countries: Cambodia}
"""


def test_parse_good_file_with_defaults():
    arrests, coups, sokha = parse_topics(GOOD, "topics.yaml")
    assert arrests.event.type == "arrest" and arrests.event.target_role == "opposition"
    assert arrests.event.status == ("reported",)  # default status
    assert arrests.threshold == DEFAULT_THRESHOLD and arrests.lead_sentences == DEFAULT_LEAD_SENTENCES
    assert arrests.query is None and arrests.line == 2 and arrests.source == "topics.yaml"
    assert coups.version == 2 and coups.threshold == 0.7 and coups.lead_sentences == 3
    assert coups.query_ast is not None and coups.exclude_ast is not None
    assert sokha.entities.any == ("Kem Sokha", "CNRP")
    assert sokha.entities.types == ("PERSON",)  # upper-cased
    assert sokha.entities.countries == ("Cambodia",)  # a single string is a list of one


def test_bare_list_is_accepted():
    topics = parse_topics("- {name: a, title: A, version: 1, query: coup}\n")
    assert [t.name for t in topics] == ["a"]


BAD = """\
topics:
  - name: Bad Name
    title: Bad
    version: 0
    query: 'coup AND'
  - name: ok-topic
    title: OK
    version: 1
    qeury: coup
  - name: events
    title: Events
    version: 1
    event: {type: arrest, status: [reported, arrested]}
    threshold: 2
  - name: ok-topic
    title: Again
    version: 1
    query: coup
  - title: No name
    version: 1
    entities: {}
"""


def test_all_errors_are_reported_with_lines():
    with pytest.raises(TopicFileError) as e:
        parse_topics(BAD, "bad.yaml")
    errors = {(err.line, err.reason.split(":")[0]) for err in e.value.errors}
    lines = [err.line for err in e.value.errors]
    reasons = " | ".join(err.reason for err in e.value.errors)
    assert all(err.file == "bad.yaml" for err in e.value.errors)
    assert 2 in lines and "slug" in reasons  # Bad Name
    assert 4 in lines and "version must be an integer >= 1" in reasons
    assert 5 in lines and "at position 8" in reasons  # 'coup AND' ends early
    assert 9 in lines and "unknown key 'qeury' (did you mean 'query'?)" in reasons
    assert 6 in lines and "needs at least one of query, entities, event" in reasons
    assert 13 in lines and "unknown status 'arrested'" in reasons
    assert 14 in lines and "threshold must be a number in (0, 1]" in reasons
    assert 15 in lines and "duplicate name (first defined on line 6)" in reasons
    assert 19 in lines and "missing required key 'name'" in reasons
    assert 21 in lines and "entities needs at least one of" in reasons
    assert errors  # and str() is readable:
    text = str(e.value)
    assert text.startswith(f"{len(e.value.errors)} errors in topic definitions:")
    assert "bad.yaml:4: topic 'Bad Name': version must be an integer >= 1" in text


def test_yaml_syntax_error_has_a_line():
    text = "topics:\n  - name: a\n    query: \"coup\" AND army\n"
    with pytest.raises(TopicFileError) as e:
        parse_topics(text, "x.yaml")
    (err,) = e.value.errors
    assert err.line == 3 and "invalid YAML" in err.reason


@pytest.mark.parametrize("text, line, reason", [
    ("", 1, "empty file"),
    ("topics: {}\n", 1, "topics must be a list"),
    ("other: []\n", 1, "unknown key 'other'"),
    ("topics:\n  - just a string\n", 2, "topic must be a mapping"),
    ("topics:\n  - name: a\n    name: b\n    title: t\n    version: 1\n    query: x\n", 3, "duplicate key 'name'"),
    ("topics:\n  - name: a\n    title: t\n    version: true\n    query: x\n", 4, "version must be"),
    ("topics:\n  - name: a\n    title: t\n    version: 1\n    event: {target_role: x}\n", 5, "needs a 'type'"),
    ("topics:\n  - name: a\n    title: t\n    version: 1\n    query: x\n    lead_sentences: 0\n", 6, "lead_sentences"),
    ("topics:\n  - name: a\n    title: ''\n    version: 1\n    query: x\n", 3, "title must be a non-empty string"),
])
def test_single_errors(text, line, reason):
    with pytest.raises(TopicFileError) as e:
        parse_topics(text, "t.yaml")
    first = e.value.errors[0]
    assert (first.line, first.file) == (line, "t.yaml") and reason in first.reason, e.value.errors
    assert all(err.line == line for err in e.value.errors)


def test_missing_file_is_a_topic_file_error(tmp_path):
    with pytest.raises(TopicFileError) as e:
        load_topics(tmp_path / "nope.yaml")
    assert "cannot read" in e.value.errors[0].reason


def test_topic_error_str():
    assert str(TopicError("f.yaml", 3, "bad")) == "f.yaml:3: bad"


def test_fingerprint_is_stable_and_tracks_meaning():
    base = {"name": "a", "title": "A", "version": 1, "query": "coup  AND army"}
    t1 = topic_from_dict(base)
    assert t1.fingerprint == topic_from_dict(dict(base)).fingerprint
    assert t1.fingerprint == topic_from_dict({**base, "query": "coup AND  army"}).fingerprint  # spacing only
    assert t1.fingerprint != topic_from_dict({**base, "query": "coup OR army"}).fingerprint
    assert t1.fingerprint != topic_from_dict({**base, "version": 2}).fingerprint
    assert t1.fingerprint != topic_from_dict({**base, "threshold": 0.9}).fingerprint
    assert len(t1.fingerprint) == 16


def test_topic_set_fingerprint_and_diff():
    a = topic_from_dict({"name": "a", "title": "A", "version": 1, "query": "x"})
    b = topic_from_dict({"name": "b", "title": "B", "version": 1, "query": "y"})
    b2 = topic_from_dict({"name": "b", "title": "B", "version": 2, "query": "y"})
    c = topic_from_dict({"name": "c", "title": "C", "version": 1, "query": "z"})
    old, new = TopicSet([a, b]), TopicSet([b2, c])
    assert old.fingerprint == TopicSet([a, b]).fingerprint != new.fingerprint
    assert new.diff(old) == {"added": ["c"], "removed": ["a"], "changed": ["b"]}
    assert len(new) == 2 and [t.name for t in new] == ["b", "c"] and new.by_name["c"] is c


def _write(path, text, bump_ns=0):
    path.write_text(text)
    if bump_ns:  # make sure the mtime differs even on coarse file systems
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + bump_ns))


def test_watcher_reloads_only_on_real_change(tmp_path):
    path = tmp_path / "topics.yaml"
    _write(path, GOOD)
    w = TopicFileWatcher(path)
    first = w.poll()
    assert isinstance(first, TopicSet) and len(first) == 3 and w.current is first
    assert w.poll() is None  # unchanged
    _write(path, GOOD, bump_ns=10**9)  # touched, same bytes
    assert w.poll() is None
    _write(path, GOOD + "# a comment\n", bump_ns=2 * 10**9)  # same meaning
    assert w.poll() is None
    _write(path, GOOD.replace("version: 2", "version: 3"), bump_ns=3 * 10**9)
    second = w.poll()
    assert second is not None and second.fingerprint != first.fingerprint
    assert second.diff(first) == {"added": [], "removed": [], "changed": ["coups"]}


def test_watcher_reports_a_broken_file_once_and_keeps_current(tmp_path):
    path = tmp_path / "topics.yaml"
    _write(path, GOOD)
    w = TopicFileWatcher(path)
    good = w.poll()
    _write(path, GOOD.replace("version: 2", "version: two"), bump_ns=10**9)
    with pytest.raises(TopicFileError) as e:
        w.poll()
    assert e.value.errors[0].line == 9
    assert w.current is good and w.poll() is None  # not re-raised until the next edit
    _write(path, GOOD.replace("version: 2", "version: 5"), bump_ns=2 * 10**9)
    assert w.poll() is not None


def test_shipped_topics_file_loads():
    assert [t.name for t in load_topics(ROOT / "config" / "topics.yaml")] == ["arrests-of-opposition-leaders"]
    topics = load_topics(ROOT / "config" / "topics.yaml") + load_topics(ROOT / "config" / "topics.examples.yaml")
    by_name = {t.name: t for t in topics}
    flagship = by_name["arrests-of-opposition-leaders"]
    assert flagship.title == "Arrests of opposition leaders" and flagship.version == 1
    assert (flagship.event.type, flagship.event.target_role, flagship.event.status) == (
        "arrest", "opposition", ("reported",))
    assert "opposition" in flagship.description
    assert 3 <= len(topics) <= 5
