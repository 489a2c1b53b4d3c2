"""Boolean query language: parsing, errors, operators, scopes, wildcards, NEAR."""
import pytest

from consumers.matching.document import Document, tokenize
from consumers.matching.query import (
    And, Leaf, Near, Not, Or, QueryContext, QueryError, evaluate, parse_query, render,
)


def run(query, headline, body="", lead=2):
    doc = Document("d", headline, body)
    return evaluate(parse_query(query), QueryContext(doc, lead))


def matches(query, headline, body="", lead=2):
    return run(query, headline, body, lead) is not None


# --- tokenisation ---------------------------------------------------------------------
def test_tokenize_lowercases_and_drops_possessive_s():
    assert tokenize("Kem Sokha's party; the CNRP’s leader") == ["kem", "sokha", "party", "the", "cnrp", "leader"]
    assert tokenize("U.S. pro-democracy it's") == ["u", "s", "pro", "democracy", "it"]


def test_possessive_in_document_matches_plain_name():
    assert matches('"Kem Sokha"', "Police arrest Kem Sokha's aides")
    assert matches("Sokha's", "Sokha was held")  # the query side is tokenised the same way


# --- parsing --------------------------------------------------------------------------
def test_parse_precedence_or_lowest_then_and_then_not_then_near():
    q = parse_query("a OR b c NOT d e NEAR/3 f")
    assert isinstance(q, Or)
    left, right = q.children
    assert left == Leaf((("a", False),))
    assert isinstance(right, And)
    b, c, not_d, near = right.children
    assert b == Leaf((("b", False),)) and c == Leaf((("c", False),))
    assert isinstance(not_d, Not) and isinstance(near, Near)
    assert near.distance == 3


def test_render_round_trips():
    for text in ['headline:"military coup" OR (arrest* NEAR/5 opposition) NOT lead:rumour',
                 "a AND (b OR cou*)"]:
        q = parse_query(text)
        assert parse_query(render(q)) == q


def test_lowercase_operators_are_words():
    q = parse_query("rock and roll")
    assert isinstance(q, And) and len(q.children) == 3


def test_multi_token_word_is_a_phrase():
    assert parse_query("U.S.") == Leaf((("u", False), ("s", False)))
    assert matches("pro-democracy", "Pro democracy rally")
    assert not matches("pro-democracy", "Pro rally for democracy")


def test_field_scope_is_pushed_into_groups_and_inner_scope_wins():
    q = parse_query("headline:(a OR body:b)")
    assert q == Or((Leaf((("a", False),), "headline"), Leaf((("b", False),), "body")))


@pytest.mark.parametrize("query, position, reason", [
    ("", 0, "empty query"),
    ("   ", 0, "empty query"),
    ("a AND", 5, "unexpected end of query"),
    ("AND a", 0, "unexpected 'AND'"),
    ("(a OR b", 7, "expected ')'"),
    ("a OR b)", 6, "unbalanced ')'"),
    ("a ()", 3, "empty parentheses"),
    ('"open phrase', 0, "unterminated phrase"),
    ("title:x", 0, "unknown field 'title'"),
    ("a NEAR b", 2, "NEAR needs a distance"),
    ("a NEAR/0 b", 2, "NEAR distance must be"),
    ("a NEAR/5 (b AND c)", 9, "NEAR operands"),
    ("(a AND b) NEAR/5 c", 0, "NEAR operands"),
    ("ar*", 0, "at least 3 letters"),
    ("a*b", 0, "may only end a word"),
    ("x OR *", 5, "no searchable characters"),
    ("NOT a", 0, "at least one positive term"),
    ("a OR NOT b", 0, "at least one positive term"),
    ("headline: a", 0, "must be followed directly"),
    ("a headline:", 2, "must be followed directly"),
    ("a headline:)", 11, "expected a word, phrase or ("),
])
def test_parse_errors_report_position_and_reason(query, position, reason):
    with pytest.raises(QueryError) as e:
        parse_query(query)
    assert e.value.position == position
    assert reason in e.value.reason
    assert str(e.value).startswith(f"at position {position}:")


# --- operators ------------------------------------------------------------------------
def test_word_is_case_insensitive_and_whole_token():
    assert matches("coup", "COUP in Niger")
    assert not matches("coup", "Couple in Niger")


def test_phrase_needs_consecutive_tokens():
    assert matches('"military coup"', "A military coup in Niger")
    assert matches('"military coup"', "A military, coup?")  # punctuation is not a token
    assert not matches('"military coup"', "A military-backed coup")


def test_and_or_not_implicit_and():
    assert matches("army AND coup", "Army stages coup")
    assert matches("army coup", "Army stages coup")
    assert not matches("army coup", "Army stages parade")
    assert matches("parade OR coup", "Army stages coup")
    assert matches("army NOT parade", "Army stages coup")
    assert not matches("army NOT parade", "Army stages parade")
    assert matches("(parade OR coup) AND NOT (rumour OR hoax)", "Army stages coup")


def test_wildcard_suffix():
    assert matches("arrest*", "Opposition leader arrested")
    assert matches("arrest*", "Police make arrest")
    assert not matches("arrest*", "Police rearrest him")
    assert matches('"opposition lead*"', "The opposition leaders met")


def test_near_either_order_and_distance():
    body = "Police arrested the leader of the main opposition party."
    # arrested(1) .. opposition(7): 6 tokens apart
    assert matches("arrest* NEAR/6 opposition", "", body)
    assert not matches("arrest* NEAR/5 opposition", "", body)
    assert matches("opposition NEAR/6 arrest*", "", body)
    assert matches('"main opposition" NEAR/5 (arrest* OR detain*)', "", body)


def test_near_chains_and_hits_only_the_near_occurrences():
    hits = run("coup NEAR/3 army", "", "The coup failed. Much later the army and the coup were news.")
    firsts = sorted(h.first for h in hits)
    # 'coup' at 1 is 5 tokens from 'army' (6): only the second coup (9) pairs with it
    assert [h.term for h in sorted(hits, key=lambda h: h.first)] == ["army", "coup"]
    assert firsts == [6, 9]


def test_phrase_and_near_do_not_cross_headline_body_boundary():
    assert not matches('"coup army"', "Niger coup", "Army denies")
    assert not matches("coup NEAR/3 army", "Niger coup", "Army denies")


# --- field scopes ---------------------------------------------------------------------
def test_headline_lead_body_scopes():
    headline = "Army seizes power"
    body = "Soldiers took the palace. They closed the airport. The coup was condemned."
    assert matches("headline:army", headline, body)
    assert not matches("headline:coup", headline, body)
    assert matches("body:coup", headline, body)
    assert not matches("body:army", headline, body)
    assert matches("lead:airport", headline, body)  # 2nd sentence: inside default lead of 2
    assert not matches("lead:coup", headline, body)  # 3rd sentence
    assert matches("lead:coup", headline, body, lead=3)
    assert not matches("lead:airport", headline, body, lead=1)
    assert matches("coup", headline, body) and matches("army", headline, body)  # unscoped: all


def test_hits_carry_token_positions():
    hits = run('"military coup" OR junta', "Junta denies military coup")
    assert {(h.term, h.first, h.last) for h in hits} == {("junta", 0, 0), ('"military coup"', 2, 3)}
