"""Offline matching over JSON Lines: {id, headline, body} in, one result line out per item.

    {"id": "...", "matches": [<Match.explanation()>, ...]}
    {"id": "...", "error": "..."}            # a bad line; processing goes on
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, TextIO

from consumers.matching.engine import Matcher, MatchInput
from consumers.understanding.model import Analysis
from schemas.json_lines import json_line


def match_jsonl(
    lines_in: Iterable[str],
    out: TextIO,
    matcher: Matcher,
    analyse: Callable[[str, str], Analysis] | None = None,
) -> dict[str, int]:
    """Match every line; returns counts {items, matched_items, matches, errors}."""
    stats = {"items": 0, "matched_items": 0, "matches": 0, "errors": 0}
    for n, line in enumerate(lines_in, 1):
        if not line.strip():
            continue
        stats["items"] += 1
        item_id = None
        try:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"line {n}: invalid JSON: {e.msg}") from None
            if not isinstance(rec, dict):
                raise ValueError(f"line {n}: expected a JSON object")
            item_id = rec.get("id")
            if item_id is None or isinstance(item_id, (dict, list, bool)):
                raise ValueError(f"line {n}: missing or invalid 'id'")
            headline, body = rec.get("headline", ""), rec.get("body", "")
            if not isinstance(headline, str) or not isinstance(body, str):
                raise ValueError(f"line {n}: 'headline' and 'body' must be strings")
            if not headline.strip() and not body.strip():
                raise ValueError(f"line {n}: empty headline and body")
            analysis = analyse(headline, body) if analyse is not None else None
            matches = matcher.match(MatchInput(str(item_id), headline, body, analysis))
            result = {"id": item_id, "matches": [m.explanation() for m in matches]}
        except Exception as e:  # one bad item must not stop the batch
            stats["errors"] += 1
            msg = str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"
            result = {"id": item_id, "error": msg}
        else:
            stats["matches"] += len(result["matches"])
            stats["matched_items"] += bool(result["matches"])
        out.write(json_line(result) + "\n")
    return stats
