"""The per-item analysis budget: a killable child process, with a fake analyser (no spaCy)."""
from __future__ import annotations

import os
import re
import threading
import time

import pytest

from consumers.pipeline import ItemRejected, StageInterrupted
from wirewatch.analysis_sandbox import AnalysisWorkerError, Budget, SandboxedAnalyser


class FakeAnalyser:
    """Picklable stand-in: the body says how to behave."""

    def analyse_many(self, pairs):
        out = []
        for headline, body in pairs:
            if body == "regex":  # catastrophic backtracking holds the GIL in C code
                re.match(r"(a+)+$", "a" * 64 + "b")
            elif body == "spin":
                while True:
                    pass
            elif body == "memory":
                hog = []
                while True:
                    hog.append(bytearray(20 * 1024 * 1024))
                    time.sleep(0.01)
            elif body == "crash":
                os._exit(3)
            elif body == "boom":
                raise ValueError("bad item")
            out.append(f"analysed:{headline}")
        return out


class BrokenFactory:
    def __call__(self):
        raise ImportError("no model here")


def sandbox(**budget):
    return SandboxedAnalyser(FakeAnalyser, Budget(**{"seconds": 1.0, "start_seconds": 30, **budget}))


def test_results_come_back_in_order():
    with sandbox() as s:
        assert s.analyse_many([("a", "x"), ("b", "y")]) == ["analysed:a", "analysed:b"]
        assert s.analyse_many([("c", "z")]) == ["analysed:c"]
        assert s.restarts == 0


@pytest.mark.parametrize("body", ["regex", "spin"])
def test_an_item_over_the_time_budget_is_rejected_and_the_batch_goes_on(body):
    rejected = []
    with SandboxedAnalyser(FakeAnalyser, Budget(seconds=0.5, start_seconds=30),
                           on_reject=rejected.append) as s:
        started = time.monotonic()
        out = s.analyse_many([("a", "x"), ("slow", body), ("c", "z")])
        elapsed = time.monotonic() - started
    assert out[0] == "analysed:a" and out[2] == "analysed:c"
    assert isinstance(out[1], ItemRejected) and str(out[1]) == "analysis exceeded 0.5 s"
    assert rejected == ["time"] and s.restarts == 1
    assert elapsed < 20  # the budget, plus one replacement child


def test_an_item_over_the_memory_budget_is_rejected():
    with sandbox(seconds=30, memory_mb=200) as s:
        out = s.analyse_many([("big", "memory"), ("b", "y")])
    assert isinstance(out[0], ItemRejected) and "exceeded 200 MB" in str(out[0])
    assert out[1] == "analysed:b"


def test_an_item_that_kills_the_process_is_rejected_not_fatal():
    with sandbox() as s:
        out = s.analyse_many([("a", "crash"), ("b", "y")])
    assert isinstance(out[0], ItemRejected) and "died" in str(out[0])
    assert out[1] == "analysed:b"


def test_an_analyser_exception_comes_back_as_that_items_result():
    with sandbox() as s:
        out = s.analyse_many([("a", "boom"), ("b", "y")])
    assert isinstance(out[0], Exception) and not isinstance(out[0], ItemRejected)
    assert "ValueError: bad item" in str(out[0]) and out[1] == "analysed:b"
    assert s.restarts == 0


def test_stop_interrupts_a_wait_at_once():
    stop = threading.Event()
    s = SandboxedAnalyser(FakeAnalyser, Budget(seconds=60, start_seconds=30), should_stop=stop.is_set)
    s.start()
    threading.Timer(0.3, stop.set).start()
    started = time.monotonic()
    with pytest.raises(StageInterrupted):
        s.analyse_many([("a", "spin")])
    assert time.monotonic() - started < 5
    assert s.pid is None  # the child was killed, not left spinning


def test_a_child_that_cannot_load_is_a_deployment_error():
    with pytest.raises(AnalysisWorkerError, match="exited with code"):
        SandboxedAnalyser(BrokenFactory(), Budget(start_seconds=30)).start()
