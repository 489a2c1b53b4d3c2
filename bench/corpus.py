"""The benchmark's stories: real Reuters articles, read in place, parsed like a text story."""
from __future__ import annotations

import json
from pathlib import Path

from producers.reuters_text import ParseError, parse_story
from schemas.messages import WireItem, encode
from wirewatch.settings import PROJECT_ROOT

ARTICLES = PROJECT_ROOT.parent / "shared" / "eval-data" / "reuters" / "articles.jsonl"


def load_items(n: int, path: Path | str = ARTICLES, skip: int = 0) -> list[WireItem]:
    """The first ``n`` distinct stories (after ``skip``) as WireItems: title + body → parse_story.

    Stories that do not parse, or repeat an earlier item id, are passed over, so the
    result has ``n`` distinct ids unless the file runs out (then it raises).
    """
    items, seen = [], set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f):
            if lineno < skip:
                continue
            if len(items) >= n:
                break
            r = json.loads(line)
            parsed = parse_story(f"{r.get('title') or ''}\n\n{r.get('body') or ''}", f"{path}#{r.get('id')}")
            if isinstance(parsed, ParseError) or parsed.id in seen:
                continue
            seen.add(parsed.id)
            items.append(parsed)
    if len(items) < n:
        raise ValueError(f"{path} holds only {len(items)} usable stories after line {skip}; wanted {n}")
    return items


def words(item: WireItem) -> int:
    return len(item.headline.split()) + len(item.body.split())


def serialize(items: list[WireItem]) -> list[tuple[bytes, bytes]]:
    """(key, value) as the producers publish them: key = item id, value = WireItem v1 JSON."""
    return [(i.id.encode("utf-8"), encode(i)) for i in items]
