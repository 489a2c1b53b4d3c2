"""JSON Lines stay one object per line, whatever Unicode line breaks a text carries."""
import json

from schemas.json_lines import json_line


def test_unicode_line_breaks_are_escaped_and_round_trip():
    obj = {"title": "Norvale\x85opposition\u2028leader\u2029held", "city": "Zürich", "n": 3}
    line = json_line(obj)
    assert len(line.splitlines()) == 1 and "Zürich" in line
    assert json.loads(line) == obj


def test_keyword_arguments_pass_through():
    from datetime import date
    assert json.loads(json_line({"on": date(2026, 12, 4)}, default=str)) == {"on": "2026-12-04"}
