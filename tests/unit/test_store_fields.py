"""What the store writes is always acceptable to PostgreSQL (pure: no database)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from wirewatch.adapters.postgres_fields import FieldNotes, cut

BAD = {"\x00"} | {chr(c) for c in range(0xD800, 0xE000)}


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=400),
       st.integers(min_value=20, max_value=300))
def test_fit_gives_a_clean_value_within_the_column_size_the_same_way_every_time(value, limit):
    notes = FieldNotes()
    out = notes.fit("name", value, limit)
    assert len(out) <= limit and not BAD & set(out)
    assert out == FieldNotes().fit("name", value, limit)  # deterministic: upserts dedupe replays
    out.encode("utf-8")  # no lone surrogate left
    if out != value:
        assert notes.notes


def test_long_names_sharing_a_prefix_stay_distinct_and_short_ones_are_untouched():
    a, b = "A" * 400 + "x", "A" * 400 + "y"
    assert cut(a, 300) != cut(b, 300) and len(cut(a, 300)) == 300
    assert cut("Kem Sokha", 300) == "Kem Sokha" and cut(None, 300) is None


def test_json_values_lose_nul_and_non_finite_numbers_and_say_so():
    notes = FieldNotes()
    assert notes.json("explanation", {"a\x00": ["x\x00", float("nan"), 2.5, None]}) == {"a": ["x", None, 2.5, None]}
    assert notes.notes == ["explanation: NUL character(s) removed", "explanation: a non-finite number stored as null"]
    assert FieldNotes().json("e", {"ok": [1, "fine"]}) == {"ok": [1, "fine"]}
