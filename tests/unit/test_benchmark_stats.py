"""Pure parts of `wirewatch bench`: percentiles, rates, ratios and target evaluation."""
import math

import pytest

from bench.runner import Plan
from bench.stats import Target, evaluate_targets, latency_summary, percentile, rate, ratio


def test_percentile_interpolates_linearly_like_numpy():
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 100) == 50
    assert percentile(values, 50) == 35
    assert percentile(values, 40) == pytest.approx(29.0)  # numpy.percentile(values, 40)
    assert percentile(values, 99) == pytest.approx(49.6)


def test_percentile_ignores_input_order_and_handles_one_value():
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([7.5], 99) == 7.5


@pytest.mark.parametrize("bad", [[], None])
def test_percentile_of_nothing_is_an_error(bad):
    with pytest.raises((ValueError, TypeError)):
        percentile(bad, 50)


def test_percentile_out_of_range():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_p99_of_a_hundred_samples_sits_between_the_two_largest():
    values = list(range(1, 101))  # 1..100
    assert percentile(values, 99) == pytest.approx(99.01)


def test_latency_summary_in_milliseconds():
    s = latency_summary([0.1, 0.2, 0.3, 0.4, 1.0])
    assert s["n"] == 5
    assert s["p50_ms"] == 300.0
    assert s["max_ms"] == 1000.0
    assert s["min_ms"] == 100.0
    assert s["mean_ms"] == 400.0
    assert latency_summary([]) == {"n": 0}


def test_rate_and_ratio_guard_against_nothing_measured():
    assert rate(10, 2) == 5
    assert rate(10, 0) is None
    assert ratio(None, 3) is None
    assert ratio(3, 0) is None
    assert math.isclose(ratio(3, 2), 1.5)


def test_target_verdicts():
    assert Target("a", "", 0.9, ">=", 0.85).met is True
    assert Target("a", "", 0.85, ">=", 0.85).met is True  # the limit itself meets it
    assert Target("a", "", 0.84, ">=", 0.85).verdict == "missed"
    assert Target("a", "", 2.0, "<=", 2.0).verdict == "met"
    assert Target("a", "", None, "<=", 2.0).verdict == "not measured"
    with pytest.raises(ValueError):
        _ = Target("a", "", 1.0, "==", 1.0).met


def _results(**over):
    r = {
        "machine": {"cores": 2},
        "nlp": {"one": {"words_per_s": 1000.0}, "per_core": {"words_per_s": 1900.0}},
        "pipeline": {"one": {"words_per_s": 900.0}, "per_core": {"words_per_s": 1700.0}},
        "matching": {"counts_us_per_item": {"lo": 100.0, "hi": 250.0}},
        "latency": {"ack_to_commit": {"p50_ms": 300.0, "p95_ms": 700.0, "p99_ms": 950.0}},
        "memory": {"peak_rss_mb_max": 512.0, "processes": 3},
    }
    r.update(over)
    return r


def test_evaluate_targets_from_a_full_result():
    targets = {t.name: t for t in evaluate_targets(_results())}
    assert set(targets) == {"pipeline_vs_nlp_one", "pipeline_vs_nlp_per_core", "scaling_per_core",
                            "matching_10000_vs_10", "latency_p99", "peak_rss"}
    assert targets["pipeline_vs_nlp_one"].measured == pytest.approx(0.9)
    assert targets["pipeline_vs_nlp_one"].met
    assert targets["pipeline_vs_nlp_per_core"].measured == pytest.approx(1700 / 1900)
    assert targets["scaling_per_core"].measured == pytest.approx(1700 / 900)
    assert targets["scaling_per_core"].met
    assert targets["matching_10000_vs_10"].measured == pytest.approx(2.5)
    assert targets["matching_10000_vs_10"].verdict == "missed"
    assert targets["latency_p99"].measured == pytest.approx(0.95)
    assert targets["latency_p99"].met
    assert targets["peak_rss"].measured == 512.0 and targets["peak_rss"].met
    assert "2 processes" in targets["pipeline_vs_nlp_per_core"].description


def test_missing_phases_are_not_measured_rather_than_failures():
    targets = evaluate_targets({"machine": {"cores": 2}})
    assert {t.verdict for t in targets} == {"not measured"}


def test_target_to_dict_is_json_ready():
    d = Target("x", "desc", 1.23456, "<=", 2.0).to_dict()
    assert d == {"name": "x", "description": "desc", "measured": 1.235, "op": "<=", "limit": 2.0,
                 "unit": "×", "detail": "", "met": True, "verdict": "met"}


def test_plan_keeps_the_acceptance_size_and_scales_the_rest():
    plan = Plan.for_run(None, quick=False)
    assert plan.stories == 2000  # (d) per core: the acceptance's ≥ 2,000 real stories
    assert plan.pipeline_one == 500 and plan.nlp_one == 200 and plan.nlp_per_core == 400
    quick = Plan.for_run(None, quick=True)
    assert quick.stories < 100 and quick.pipeline_one >= 20
    assert Plan.for_run(300, quick=True).stories == 300  # --stories wins over --quick
