"""A pasted page dated by its own date line (page_date), and the analyzer using it when the
item came without a publication date. Fictional names."""
from __future__ import annotations

import datetime as dt

import pytest

from consumers.understanding.page_date import page_date


@pytest.mark.parametrize("text,day", [
    ("Sunday July 18 2021\nOpposition leaders arrested\n", dt.date(2021, 7, 18)),
    ("Opposition leaders arrested\n\nLatest update : 2011-02-20\n\nText.", dt.date(2011, 2, 20)),
    ("PUBLISHED : Monday, 09 June, 2014, 5:16pm\nText.", dt.date(2014, 6, 9)),
    ("Jan Vell ▼ | June 22, 2019\nText.", dt.date(2019, 6, 22)),
    (" date 2023-12-20 The top court of Norvale affirmed the conviction and the twenty-year prison sentence against "
     "Tom Vale, the former president of Norvale, for his role in the murders of 1982.", dt.date(2023, 12, 20)),
])
def test_a_date_line_at_the_top(text, day):
    assert page_date(text) == day


@pytest.mark.parametrize("text", [
    "Police arrested opposition leader Tom Vale at his home in the capital on Monday, his party said in a statement "
    "issued on 6 February 2015 after the police had searched the house.",  # a sentence, not a date line
    "Opposition leader arrested\nDated 2099-01-01\n",  # not after today
    "Opposition leader arrested\n" + "line\n" * 20 + "June 22, 2019\n",  # below the top
])
def test_no_date_line(text):
    assert page_date(text, today=dt.date(2026, 12, 4)) is None


def test_the_analyzer_dates_an_undated_page_by_its_date_line(analyzer):
    page = "Saturday, February 7, 2015\n\nPolice on Friday arrested opposition leader Tom Vale on February 6, 2015.\n"
    undated = analyzer.analyse("", page)
    assert [f.status for f in undated.events if f.target == "Tom Vale"] == ["reported"], undated.events
