"""Presearch: clause extraction, candidate selection, and the brute-force oracle on Reuters."""
import os
from pathlib import Path

import pytest

from bench.matching_bench import read_articles
from consumers.matching.document import Document
from consumers.matching.engine import Matcher, MatchInput
from bench.synthetic_topics import generate_topics
from consumers.matching.presearch import Presearcher, document_frequencies, query_clauses, topic_clauses
from consumers.matching.query import Leaf, Not, Or, parse_query
from consumers.matching.topics import Topic, topic_from_dict

ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "eval-data" / "reuters" / "articles.jsonl"


def clauses(query):
    return {frozenset(c) for c in query_clauses(parse_query(query))}


def topic(**kw):
    kw.setdefault("name", "t")
    kw.setdefault("title", "T")
    kw.setdefault("version", 1)
    return topic_from_dict(kw)


# --- extraction -------------------------------------------------------------------------
def test_clauses_for_each_operator():
    assert clauses("coup") == {frozenset({"w:coup"})}
    assert clauses('"military coup"') == {frozenset({"w:military"}), frozenset({"w:coup"})}
    assert clauses("arrest*") == {frozenset({"p:arrest"})}
    assert clauses("army AND coup") == {frozenset({"w:army"}), frozenset({"w:coup"})}
    assert clauses("army OR coup") == {frozenset({"w:army", "w:coup"})}
    assert clauses("coup NEAR/3 army") == {frozenset({"w:coup"}), frozenset({"w:army"})}
    assert clauses("headline:coup") == {frozenset({"h:coup"})}  # a headline word
    assert clauses('headline:"military coup"') == {frozenset({"h:military"}), frozenset({"h:coup"})}
    assert clauses("lead:coup body:army headline:arrest*") == {
        frozenset({"w:coup"}), frozenset({"w:army"}), frozenset({"p:arrest"})}  # other scopes ignored
    assert clauses("coup NOT rumour") == {frozenset({"w:coup"})}  # NOT contributes nothing


def test_or_distributes_over_and():
    # (a AND b) OR c  ->  (a OR c) AND (b OR c)
    assert clauses("(army AND coup) OR junta") == {
        frozenset({"w:army", "w:junta"}), frozenset({"w:coup", "w:junta"})}


def test_or_with_an_unconstrained_branch_has_no_clause():
    assert clauses("(coup OR NOT rumour) AND junta") == {frozenset({"w:junta"})}


def test_topic_without_clauses_is_always_evaluated():
    # The parser rejects such queries; presearch must still be safe for hand-built ASTs.
    ast = Or((Leaf((("coup", False),)), Not(Leaf((("rumour", False),)))))
    t = Topic(name="t", title="T", version=1, query="coup OR NOT rumour", query_ast=ast)
    ps = Presearcher([t])
    assert ps.always == [0] and ps.candidates(Document("d", "Markets", "")) == [0]


def test_large_or_falls_back_to_best_clause_per_branch():
    q = " OR ".join(f"(a{i}x AND b{i}xxxxxx)" for i in range(5))  # 2**5 = 32 > 16
    (clause,) = clauses(q)
    assert clause == frozenset(f"w:b{i}xxxxxx" for i in range(5))  # longer = rarer


def test_topic_clauses_include_pseudo_terms():
    t = topic(query="treason", entities={"any": ["Kem Sokha"], "types": ["PERSON"], "countries": ["Cambodia"]},
              event={"type": "arrest"}, exclude="rumour")
    assert set(topic_clauses(t)) == {
        frozenset({"w:treason"}), frozenset({"x:entity:kem sokha"}), frozenset({"x:type:PERSON"}),
        frozenset({"x:country:cambodia"}), frozenset({"x:event:arrest/*/reported"})}


def test_event_pseudo_terms_carry_role_and_status():
    t = topic(event={"type": "arrest", "target_role": "opposition", "status": ["reported", "background"]})
    assert frozenset({"x:event:arrest/opposition/reported", "x:event:arrest/opposition/background"}) in topic_clauses(t)


def test_doc_freq_changes_the_anchor_not_the_result():
    t = topic(query="election AND zanzibar")
    plain = Presearcher([t])
    assert plain.word_set == {"election", "zanzibar"}  # both words indexed
    freq = Presearcher([t], doc_freq={"election": 0.2})  # zanzibar unknown: rare
    assert set(freq.pairs) == {"zanzibar"}


def test_second_clause_filters_in_the_index():
    topics = [topic(name="a", query="zanzibar AND election"), topic(name="b", query="zanzibar AND coup"),
              topic(name="c", query="zanzibar AND coup AND army"), topic(name="d", query="zanzibar")]
    ps = Presearcher(topics)
    assert ps.candidates(Document("d", "Zanzibar", "An election.")) == [0, 3]
    assert ps.candidates(Document("d", "Zanzibar coup", "")) == [1, 3]  # c also needs army
    assert ps.candidates(Document("d", "Zanzibar coup", "The army.")) == [1, 2, 3]
    assert ps.candidates(Document("d", "Election coup", "The army.")) == []


def test_document_frequencies():
    df = document_frequencies(["the coup", "the army", "The coup, the coup"], min_count=2)
    assert df == {"the": 1.0, "coup": pytest.approx(2 / 3)}


# --- candidates ---------------------------------------------------------------------------
def test_candidates_by_word_prefix_and_always():
    topics = [
        topic(name="a", query="coup AND army"),
        topic(name="b", query="arrest* NEAR/5 opposition"),
        topic(name="c", query="junta OR putsch"),
    ]
    ps = Presearcher(topics)
    doc = Document("d", "Opposition leaders rearrested", "The army denied a coup.")
    assert ps.candidates(doc) == [0]  # 'rearrested' does not start with 'arrest'
    doc = Document("d", "Opposition leader arrested", "Putsch rumours.")
    assert ps.candidates(doc) == [1, 2]
    assert ps.always == []


def test_headline_scoped_words_need_the_headline():
    ps = Presearcher([topic(name="h", query='headline:"military coup" AND army'), topic(name="a", query="army")])
    assert ps.candidates(Document("d", "Army denies it", "A military coup was rumoured.")) == [1]
    assert ps.candidates(Document("d", "Military coup feared", "The army denied it.")) == [0, 1]


def test_pseudo_terms_need_an_analysis():
    ps = Presearcher([topic(event={"type": "arrest"}), topic(name="e", entities={"types": ["PERSON"]})])
    assert ps.candidates(Document("d", "Police arrest opposition leader", "")) == []


# --- the oracle -----------------------------------------------------------------------------
def assert_oracle(docs, topics, doc_freq=None):
    fast = Matcher(topics, presearch=True, doc_freq=doc_freq)
    slow = Matcher(topics, presearch=False)
    n_matches = n_candidates = 0
    for d in docs:
        got = fast.match(d)
        assert got == slow.match(d), d.id
        n_matches += len(got)
        n_candidates += len(fast.candidates(Document(d.id, d.headline, d.body, d.analysis)))
    return n_matches, n_candidates


def test_presearch_equals_brute_force_on_small_hand_written_set():
    topics = [topic(name=f"t{i}", query=q) for i, q in enumerate([
        "coup", '"prime minister"', "trade AND (tariff* OR war)", "headline:trump", "lead:china NOT bank",
        "oil NEAR/3 price*", "(army AND coup) OR junta", "reuters", "the",
    ])]
    docs = [MatchInput("1", "Trump says China trade war will end", "WASHINGTON (Reuters) - The prime minister..."),
            MatchInput("2", "Oil prices rise", "Oil price gains. Army stages coup in Niger."),
            MatchInput("3", "", "")]
    n_matches, _ = assert_oracle(docs, topics)
    assert n_matches >= 5


@pytest.fixture(scope="module")
def reuters():
    if not ARTICLES.exists():
        pytest.skip(f"Reuters corpus not found at {ARTICLES}")
    return ARTICLES


def test_presearch_equals_brute_force_on_reuters(reuters):
    docs = read_articles(reuters, 2000)
    topics = generate_topics(1000, seed=11, famous_share=1.0)
    n_matches, n_candidates = assert_oracle(docs, topics)
    # generated topics are specific (a name AND a topical term): even with only famous
    # names, a topic fires on ~0.01% of stories, so 2M pairs give ~150-200 matches
    assert n_matches > 100  # not vacuous
    assert n_candidates / len(docs) < 0.02 * len(topics)  # and presearch really prunes


def test_presearch_with_doc_freq_equals_brute_force(reuters):
    docs = read_articles(reuters, 300)
    doc_freq = document_frequencies(d.headline + "\n\n" + d.body for d in read_articles(reuters, 1000, skip=300))
    n_matches, _ = assert_oracle(docs, generate_topics(1000, seed=12, famous_share=1.0), doc_freq)
    assert n_matches > 10


def _slow_selected(config) -> bool:
    expr = config.getoption("markexpr") or ""
    return os.environ.get("WIREWATCH_SLOW") == "1" or ("slow" in expr and "not slow" not in expr)


@pytest.mark.slow
def test_presearch_equals_brute_force_on_whole_reuters_corpus(reuters, request):
    """~45 s: run with `pytest -m slow` or WIREWATCH_SLOW=1."""
    if not _slow_selected(request.config):
        pytest.skip("slow: run with -m slow or WIREWATCH_SLOW=1")
    docs = read_articles(reuters)
    assert len(docs) >= 14000
    n_matches, _ = assert_oracle(docs, generate_topics(800, seed=13, famous_share=1.0))
    assert n_matches > 500
