"""The items stage as pure logic, with fake analysis and matching."""
from __future__ import annotations

import json
from dataclasses import dataclass

from consumers.pipeline import ItemsStage, Record, alert_key
from consumers.understanding.model import Analysis, EventFrame
from producers.reuters_text import parse_story
from schemas.messages import encode

ITEM = parse_story("Head\nLIMA (Reuters) - Jose Diaz was arrested.", "x")


def analysis(text="t") -> Analysis:
    return Analysis(text=text, headline_end=0, dateline=None, sentences=(), mentions=(), entities=(),
                    events=(), extractor_version="test-1")


@dataclass
class FakeMatch:
    topic: str = "arrests"
    title: str = "Arrests"
    version: int = 3
    score: float = 1.0
    rule: str = "event=arrest"
    target: str | None = "Jose Diaz"
    evidence: str = "Jose Diaz was arrested."
    event: EventFrame | None = None

    def explanation(self):
        return {"rule": self.rule, "evidence": {"start": 0, "end": 5}}


def record(value, offset=0):
    return Record("items", 0, offset, b"k", value)


def stage(analyse=lambda pairs: [analysis() for _ in pairs], match=lambda doc: [FakeMatch()]):
    return ItemsStage(analyse, match, "test-1")


def test_good_record_becomes_item_with_alert():
    result = stage().handle([record(encode(ITEM))], lambda item, a: item)
    (p,) = result.processed
    assert p.item == ITEM and not result.dead_letters
    (alert,) = p.alerts
    assert alert.alert_key == alert_key("arrests", ITEM.id, "Jose Diaz")
    assert alert.explanation["topic_version"] == 3
    assert alert.explanation["extractor_version"] == "test-1"
    assert (alert.source_topic, alert.source_offset) == ("items", 0)


def test_alert_key_is_stable_and_case_insensitive_on_target():
    assert alert_key("t", "i", "Kem Sokha") == alert_key("t", "i", "kem sokha")
    assert alert_key("t", "i", "A") != alert_key("t", "i2", "A")


def test_poison_records_are_dead_lettered_with_reason_and_rest_goes_on():
    bad_schema = json.loads(encode(ITEM))
    bad_schema.pop("headline")
    records = [record(b"\x00garbage", 0), record(json.dumps(bad_schema).encode(), 1), record(encode(ITEM), 2)]
    result = stage().handle(records, lambda item, a: item)
    assert [d.source_offset for d in result.dead_letters] == [0, 1]
    assert "not" in result.dead_letters[0].reason and "headline" in result.dead_letters[1].reason
    assert len(result.processed) == 1


def test_one_item_that_breaks_analysis_is_isolated():
    other = parse_story("Other\nLIMA (Reuters) - Nothing happened.", "y")

    def analyse(pairs):
        if any("Nothing" in body for _, body, *_ in pairs):
            raise RuntimeError("boom")
        return [analysis() for _ in pairs]

    result = stage(analyse=analyse).handle([record(encode(ITEM), 0), record(encode(other), 1)],
                                           lambda item, a: item)
    assert [p.item.id for p in result.processed] == [ITEM.id]
    assert result.dead_letters[0].source_offset == 1
    assert "analysis failed" in result.dead_letters[0].reason


def test_an_analyzer_that_always_fails_stops_the_stage_instead_of_dead_lettering_everything():
    import pytest

    from consumers.pipeline import SystemicFailure

    def broken(pairs):
        raise RuntimeError("model missing")

    s = stage(analyse=broken)
    records = [record(encode(parse_story(f"H{i}\nLIMA (Reuters) - Story {i}.", "x")), i) for i in range(25)]
    with pytest.raises(SystemicFailure, match="in a row"):
        s.handle(records, lambda item, a: item)


def test_an_item_over_budget_is_dead_lettered_with_the_reason_and_the_rest_goes_on():
    from consumers.pipeline import ItemRejected

    def analyse(pairs):
        return [ItemRejected("analysis exceeded 10 s") if i == 1 else analysis() for i, _ in enumerate(pairs)]

    st = stage(analyse=analyse)
    result = st.handle([record(encode(ITEM), offset=n) for n in range(3)], lambda item, a: item)
    assert [p.record.offset for p in result.processed] == [0, 2]
    (dl,) = result.dead_letters
    assert (dl.reason, dl.source_offset) == ("analysis exceeded 10 s", 1)
    assert st._failures_in_a_row == 0  # a budget rejection is not a broken analyser


def test_rejections_never_add_up_to_a_systemic_failure():
    from consumers.pipeline import ItemRejected

    st = stage(analyse=lambda pairs: [ItemRejected("analysis exceeded 1 s") for _ in pairs])
    for _ in range(3):
        result = st.handle([record(encode(ITEM), offset=n) for n in range(16)], lambda item, a: item)
        assert len(result.dead_letters) == 16


def test_a_stop_request_mid_analysis_propagates_uncaught():
    import pytest

    from consumers.pipeline import StageInterrupted

    def analyse(pairs):
        raise StageInterrupted("stop")

    with pytest.raises(StageInterrupted):
        stage(analyse=analyse).handle([record(encode(ITEM))], lambda item, a: item)
