"""Shared test paths."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
SEED = EVAL_DATA / "seed" / "kem-sokha-arrest.txt"
ARTICLES = EVAL_DATA / "reuters" / "articles.jsonl"


@pytest.fixture(scope="session")
def eval_data() -> Path:
    if not EVAL_DATA.exists():
        pytest.fail(f"evaluation data not found at {EVAL_DATA}: clone wirewatch next to ../shared")
    return EVAL_DATA
