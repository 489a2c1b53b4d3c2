"""JSON Lines entity extraction: {"id","text"} in, {"id","entities":[...]} out.

    python -m consumers.understanding.extract_cli < in.jsonl > out.jsonl

A bad line yields {"id": ..., "error": "..."} and processing goes on.
"""
from __future__ import annotations

import json
import sys
from typing import IO, Iterable, Sequence

from .analyzer import Analyzer
from .model import Analysis
from schemas.json_lines import json_line


def _parse(line: str):
    rec = json.loads(line)
    if not isinstance(rec, dict):
        raise ValueError("line is not a JSON object")
    text = rec.get("text")
    if not isinstance(text, str):
        raise ValueError("missing or non-string 'text'")
    return rec.get("id"), text


def extract_jsonl(lines_in: Iterable[str], out: IO[str], analyzer: Analyzer | None = None,
                  batch_size: int = 32) -> int:
    """Extract entities for every line; returns the number of lines written.

    Texts are treated as bodies with no headline, so offsets index ``text`` exactly.
    """
    analyzer = analyzer or Analyzer()
    written = 0
    batch: list[tuple[object, str]] = []

    def flush():
        nonlocal written
        if not batch:
            return
        results: Sequence[Analysis | Exception]
        try:
            results = analyzer.analyse_many([("", t) for _, t in batch], batch_size=batch_size)
        except Exception:  # one bad text must not sink the batch: redo one by one
            redone: list[Analysis | Exception] = []
            for _, t in batch:
                try:
                    redone.append(analyzer.analyse("", t))
                except Exception as exc:  # noqa: BLE001 -- reported per line
                    redone.append(exc)
            results = redone
        for (rid, _), res in zip(batch, results):
            if isinstance(res, Exception):
                out.write(json.dumps({"id": rid, "error": f"{type(res).__name__}: {res}"}) + "\n")
            else:
                shift = 2  # Analysis.text = "" + "\n\n" + body
                ents = [{"start": m.start - shift, "end": m.end - shift, "label": m.label,
                         "text": m.text, "canonical": m.canonical} for m in res.mentions]
                out.write(json_line({"id": rid, "entities": ents}) + "\n")
            written += 1
        batch.clear()

    for line in lines_in:
        if not line.strip():
            continue
        try:
            rid, text = _parse(line)
        except Exception as exc:  # noqa: BLE001 -- reported per line
            flush()  # keep output in input order
            rid = None
            try:
                maybe = json.loads(line)
                rid = maybe.get("id") if isinstance(maybe, dict) else None
            except Exception:  # noqa: BLE001
                pass
            out.write(json.dumps({"id": rid, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
            written += 1
            continue
        batch.append((rid, text))
        if len(batch) >= batch_size:
            flush()
    flush()
    return written


def main() -> int:
    extract_jsonl(sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
