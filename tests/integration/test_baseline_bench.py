"""Smoke test of phase (j), bench/baseline.py: a git worktree of the baseline, one tiny measurement.

Three stories, one round (about 10 s): it checks that both trees are measured with their own
code, that the worktree is removed afterwards (also on error) and that errors say how to fix
them. It asserts nothing about timings: speed is measured by `wirewatch bench --only baseline`.
"""
from __future__ import annotations

import argparse
import subprocess

import pytest

from bench import baseline, corpus, runner


def _worktrees() -> set[str]:
    done = subprocess.run(["git", "worktree", "list", "--porcelain"], cwd=baseline.ROOT,
                          capture_output=True, text=True, check=True)
    return {line.split(" ", 1)[1] for line in done.stdout.splitlines() if line.startswith("worktree ")}


def test_both_trees_are_measured_and_the_worktree_is_removed(eval_data, tmp_path):
    before = _worktrees()
    section = baseline.run(corpus.load_items(3), corpus.load_items(1, skip=runner.WARM_SKIP), rounds=1,
                           json_path=tmp_path / baseline.RESULTS_FILE)

    assert _worktrees() == before
    assert [r["tree"] for r in section["runs"]] == ["baseline", "current"]
    assert all(r["words"] == section["words"] for r in section["runs"])  # the same stories in both
    assert section["baseline_commit"].startswith(baseline.BASELINE_REV)
    assert all(len(r["code_state"]) == 12 for r in section["runs"])
    assert isinstance(section["current_changed_during_run"], bool)  # others may edit the tree meanwhile
    for name in ("baseline", "current"):
        assert section["trees"][name]["items_per_cpu_s"] > 0
    assert set(section["ratios"]) == set(section["pass"]) == {"items_per_cpu_s", "words_per_s"}
    assert (tmp_path / baseline.RESULTS_FILE).exists()
    table = "\n".join(baseline.render(section))
    assert "current ÷ baseline" in table and ("PASS" in table or "FAIL" in table)
    [target] = baseline.targets({"baseline": section})
    assert target.measured == section["ratios"]["items_per_cpu_s"] and target.met is not None


def test_the_worktree_is_removed_when_the_measurement_fails(eval_data, monkeypatch):
    before = _worktrees()

    def broken(tree, rev):
        raise baseline.BaselineError("broken on purpose")

    monkeypatch.setattr(baseline, "tree_config", broken)
    with pytest.raises(baseline.BaselineError, match="on purpose"):
        baseline.run(corpus.load_items(1), [], rounds=1)
    assert _worktrees() == before


def test_a_missing_revision_says_how_to_get_it():
    with pytest.raises(baseline.BaselineError, match="fetch"):
        baseline.resolve("0" * 40)


def test_without_the_phase_the_target_is_not_measured():
    [target] = baseline.targets({"baseline": {"baseline_rev": "abc", "error": "no git"}})
    assert target.verdict == "not measured" and "abc" in target.description and target.detail == "no git"


def test_the_cli_offers_the_baseline_alone():
    from wirewatch.cli import bench as bench_cli

    parser = argparse.ArgumentParser()
    bench_cli.add_arguments(parser)
    args = parser.parse_args(["--only", "baseline", "--baseline-rev", "HEAD~1"])
    assert args.only == "baseline" and args.baseline_rev == "HEAD~1"
