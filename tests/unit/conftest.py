"""Fixtures the unit modules share."""
import pytest

from consumers.understanding.analyzer import shared_analyzer


@pytest.fixture(scope="module")
def analyzer():
    """The process-wide analyzer (modules that need their own settings define their own)."""
    return shared_analyzer()
