"""The README's shell examples that need no services really run."""
from __future__ import annotations

import re
import subprocess

from tests.conftest import ROOT


def test_offline_match_example_runs_and_names_kem_sokha():
    blocks = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    (example,) = [b for b in blocks if "wirewatch match" in b]
    result = subprocess.run(["bash", "-c", example], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert '"target": "Kem Sokha"' in result.stdout
    assert '"topic": "arrests-of-opposition-leaders"' in result.stdout
