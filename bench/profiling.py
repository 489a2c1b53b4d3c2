"""Profiles of the NLP and of the pipeline on a small sample (pyinstrument, optional).

pyinstrument samples wall time and loses the Python caller of compiled (Cython) spaCy/
thinc code, which then shows up at the thread root: trust its tree for wirewatch's own
Python code, and the CPU-time split of ``nlp_split`` (spaCy component by component,
then wirewatch's ``_build`` and matching) for the share of spaCy itself.

pyinstrument is not a dependency: ``pip install pyinstrument`` into the venv to use
``wirewatch bench --profile``. The hot-spot summary (``hot_spots``) aggregates a
pyinstrument frame tree by function: self time (where the CPU actually is) and
inclusive time (counted once per call chain, so recursion is not double counted).
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from wirewatch.adapters.kafka_bus import MAX_POLL_RECORDS

PROJECT_PACKAGES = ("wirewatch/", "consumers/", "producers/", "schemas/")


def available() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyinstrument") is not None


def _label(frame) -> str:
    path = frame.file_path_short or frame.file_path or "?"
    name = f"{frame.class_name}.{frame.function}" if getattr(frame, "class_name", None) else frame.function
    return f"{name} ({path}:{frame.line_no})"


def hot_spots(root, top: int = 15) -> dict:
    """{"total_s", "self": [(label, s, share)], "project_inclusive": [(label, s, share)]}."""
    self_time: dict[str, float] = {}
    inclusive: dict[str, float] = {}

    def walk(frame, open_labels: frozenset) -> None:
        label = _label(frame)
        path = frame.file_path or ""
        real = not frame.is_synthetic and not path.startswith("<thread>")
        if real:  # "[self]" leaves and thread roots are pyinstrument's bookkeeping
            self_time[label] = self_time.get(label, 0.0) + frame.total_self_time
        if (real and label not in open_labels and any(p in path for p in PROJECT_PACKAGES)
                and "/bench/" not in path and "/cli/bench.py" not in path):
            inclusive[label] = inclusive.get(label, 0.0) + frame.time
        for child in frame.children:
            walk(child, open_labels | {label})

    walk(root, frozenset())
    total = root.time or 1e-9

    def table(d):
        return [(k, round(v, 3), round(v / total, 3)) for k, v in sorted(d.items(), key=lambda kv: -kv[1])[:top]]

    return {"total_s": round(total, 3), "self": table(self_time), "project_inclusive": table(inclusive)}


def write_profile(profiler, text_path: Path, json_path: Path | None = None) -> dict:
    session = profiler.last_session
    text_path.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    spots = hot_spots(session.root_frame())
    spots["cpu_s"] = round(session.cpu_time, 3) if getattr(session, "cpu_time", None) else None
    if json_path is not None:
        json_path.write_text(json.dumps(spots, indent=2), encoding="utf-8")
    return spots


def profile_nlp(items, warm_items, settings, out_dir: Path, chunk: int = MAX_POLL_RECORDS, analyzer=None) -> dict:
    """Analyzer.analyse_many + matching on ``items`` in this process, after warm-up."""
    from pyinstrument import Profiler

    from consumers.matching.engine import Matcher, MatchInput
    from consumers.matching.topics import load_topics
    from consumers.understanding.analyzer import Analyzer

    analyzer = analyzer or Analyzer(watchlist=str(settings.watchlist_file))
    matcher = Matcher(list(load_topics(settings.topics_file)))
    analyzer.analyse_many([(i.headline, i.body) for i in warm_items])
    profiler = Profiler(interval=0.002)
    t0 = time.perf_counter()
    profiler.start()
    for k in range(0, len(items), chunk):
        batch = items[k:k + chunk]
        for i, a in zip(batch, analyzer.analyse_many([(i.headline, i.body) for i in batch])):
            matcher.match(MatchInput(i.id, i.headline, i.body, a))
    profiler.stop()
    spots = write_profile(profiler, out_dir / "profile-nlp.txt", out_dir / "profile-nlp.json")
    spots["items"] = len(items)
    spots["wall_s"] = round(time.perf_counter() - t0, 2)
    spots["nlp_split"] = nlp_split(analyzer, matcher, items)
    return spots


def nlp_split(analyzer, matcher, items) -> dict:
    """CPU seconds (this thread) per step of analyse_many + matching over ``items``, in one
    more pass: text preparation, each spaCy component, wirewatch's _build (entities,
    sentences, event frames) and matching; each with its share of the total."""
    from consumers.matching.engine import MatchInput
    from consumers.understanding.analyzer import prepare_text

    clock = time.thread_time
    nlp = analyzer.nlp
    out: dict[str, float] = {}
    c0 = clock()
    prepared = [prepare_text(i.headline, i.body) for i in items]
    out["wirewatch prepare_text"] = clock() - c0
    c0 = clock()
    docs = [nlp.make_doc(p[1]) for p in prepared]
    out["spacy tokenizer"] = clock() - c0
    for name, proc in nlp.pipeline:
        c0 = clock()
        docs = list(proc.pipe(docs, batch_size=32)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        out[f"spacy {name}"] = clock() - c0
    c0 = clock()
    analyses = [analyzer._build(doc, *p) for doc, p in zip(docs, prepared)]
    out["wirewatch _build (entities, sentences, frames)"] = clock() - c0
    c0 = clock()
    for i, a in zip(items, analyses):
        matcher.match(MatchInput(i.id, i.headline, i.body, a))
    out["wirewatch matching"] = clock() - c0
    total = sum(out.values()) or 1e-9
    return {k: {"cpu_s": round(v, 3), "share": round(v / total, 3)} for k, v in out.items()}


def profile_db(app, batches, out_dir: Path) -> dict:
    from pyinstrument import Profiler

    version = app.extractor_version
    app.store.save_batch(batches[0][:1], version)
    profiler = Profiler(interval=0.002)
    profiler.start()
    for b in batches:
        app.store.save_batch(b, version)
    profiler.stop()
    spots = write_profile(profiler, out_dir / "profile-db.txt", out_dir / "profile-db.json")
    spots["items"] = sum(len(b) for b in batches)
    return spots


def db_split(app, batches) -> dict:
    """Seconds per statement kind of save_batch, from SQLAlchemy's before/after_cursor_execute
    events (the statement's SQL verb and table) and the Python time around them."""
    from sqlalchemy import event

    spent: dict[str, list] = {}
    marks = {}

    def before(conn, cursor, statement, parameters, context, executemany):
        marks[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        verb = words[0].upper() if words else "?"
        table = next((w for w in words[1:6] if w.lower() not in ("into", "from", "only")), "?")
        acc = spent.setdefault(f"{verb} {table}", [0.0, 0])
        acc[0] += time.perf_counter() - marks.pop(id(cursor), time.perf_counter())
        acc[1] += 1

    event.listen(app.engine, "before_cursor_execute", before)
    event.listen(app.engine, "after_cursor_execute", after)
    t0 = time.perf_counter()
    try:
        for b in batches:
            app.store.save_batch(b, app.extractor_version)
    finally:
        event.remove(app.engine, "before_cursor_execute", before)
        event.remove(app.engine, "after_cursor_execute", after)
    total = time.perf_counter() - t0
    out = {k: {"s": round(v[0], 3), "statements": v[1], "share": round(v[0] / total, 3)} for k, v in spent.items()}
    in_sql = sum(v[0] for v in spent.values())
    out["python (building and compiling statements, outside the driver)"] = {
        "s": round(total - in_sql, 3), "share": round((total - in_sql) / total, 3)}
    return {"total_s": round(total, 3), "items": sum(len(b) for b in batches), "by_statement": out}
