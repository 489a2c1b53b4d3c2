"""Every SQL example in README.md runs against a real database holding processed items."""
from __future__ import annotations

import re

from sqlalchemy import text

from tests.conftest import ROOT
from tests.integration.helpers import drain, publish_items
from tests.integration.test_pipeline import reference_item

BLOCKS = re.findall(r"```sql\n(.*?)```", (ROOT / "README.md").read_text(), re.S)


def test_readme_sql_examples_run_and_return_rows(app):
    assert len(BLOCKS) >= 5
    publish_items(app, [reference_item()])
    drain(app)
    with app.engine.connect() as conn:
        for sql in BLOCKS:
            rows = conn.execute(text(sql)).fetchall()
            assert rows, f"README query returned nothing on the reference story:\n{sql}"
