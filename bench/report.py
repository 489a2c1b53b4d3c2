"""Render bench results (the dict written to results.json) as a markdown report. Pure."""
from __future__ import annotations

from bench import baseline, worst_case_report
from bench.stats import Target, evaluate_targets


def _n(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def _pct(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def _get(d: dict | None, *path):
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render_markdown(results: dict, targets: list[Target] | None = None) -> str:
    if targets is None:
        targets = evaluate_targets(results) + baseline.targets(results) + worst_case_report.targets(results)
    if results.get("worst_case") and not any(results.get(k) for k in ("bus", "nlp", "pipeline")):
        return worst_case_report.render_alone(results, targets)  # `wirewatch bench --only worst-case`
    m = results.get("machine", {})
    v = results.get("versions", {})
    cores = m.get("cores")
    lines = [
        "# wirewatch benchmark",
        "",
        f"Run {results.get('started_at', '?')} ({results.get('mode', '?')} mode, "
        f"{_n(results.get('duration_s'), 0)} s). Machine: {cores} cores, {m.get('cpu_model', '?')}, "
        f"{_n(m.get('ram_gb'))} GB RAM; load average {m.get('load_avg_start', '?')} at start, "
        f"{m.get('load_avg_end', '?')} at end.",
        "",
        "Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        "## Throughput",
        "",
        _row(["what", "processes", "items", "items/s", "words/s", "other"]),
        _row(["---", "---:", "---:", "---:", "---:", "---"]),
    ]
    bus = results.get("bus") or {}
    if bus:
        lines.append(_row(["(a) bus: produce (kafka-python, acks=all)", "1", _n(bus.get("messages")),
                           _n(_get(bus, "produce", "msgs_per_s")), "—",
                           f"{_n(_get(bus, 'produce', 'mb_per_s'))} MB/s"]))
        lines.append(_row(["(a) bus: consume (kafka-python)", "1", _n(bus.get("messages")),
                           _n(_get(bus, "consume", "msgs_per_s")), "—",
                           f"{_n(_get(bus, 'consume', 'mb_per_s'))} MB/s"]))
    for key in ("one", "per_core"):
        nlp = _get(results, "nlp", key)
        if nlp:
            lines.append(_row(["(b) NLP limit: analyse_many + matching", _n(nlp.get("processes")),
                               _n(nlp.get("items")), _n(nlp.get("items_per_s"), 2),
                               _n(nlp.get("words_per_s"), 0),
                               f"model load {_n(nlp.get('model_load_s'))} s (excluded); "
                               f"on CPU {_pct(nlp.get('on_cpu_share'))}"]))
    db = results.get("database") or {}
    if db:
        lines.append(_row(["(c) database: save_batch", "1", _n(db.get("items")), _n(db.get("items_per_s")),
                           "—", f"{_n(db.get('rows_per_s'), 0)} rows/s ({_n(db.get('rows'))} rows, "
                                 f"batches of {_n(db.get('batch_size'))})"]))
    for key in ("one", "per_core"):
        pipe = _get(results, "pipeline", key)
        if pipe:
            lines.append(_row(["(d) full pipeline: Kafka → consume → Postgres", _n(pipe.get("processes")),
                               _n(pipe.get("items")), _n(pipe.get("items_per_s"), 2),
                               _n(pipe.get("words_per_s"), 0),
                               f"{_n(pipe.get('seconds'))} s first consumed → last stored; "
                               f"on CPU {_pct(pipe.get('on_cpu_share'))}"]))
    lines += ["", "*on CPU*: CPU seconds of the workers (main threads) ÷ (wall seconds × processes). Below "
              "~95% the processes waited for a CPU: other load on the machine, or a consumer idle at the "
              "end of its partitions.", ""]
    stages = _get(results, "pipeline", "per_core", "stages") or _get(results, "pipeline", "one", "stages")
    if stages:
        lines += ["Where the consumers' time went in (d) (summed over processes):", "",
                  _row(["step", "wall s", "CPU s", "share of wall"]), _row(["---", "---:", "---:", "---:"])]
        for name, v in sorted(stages.items(), key=lambda kv: -kv[1].get("wall_s", 0)):
            lines.append(_row([name, _n(v.get("wall_s")), _n(v.get("cpu_s")), _pct(v.get("share"))]))
        lines.append("")
    lat = results.get("latency") or {}
    if lat:
        a = lat.get("ack_to_commit") or {}
        lines += [
            "## Latency (e)",
            "",
            f"{_n(lat.get('items'))} stories sent at a fixed {_n(lat.get('rate_per_s'), 2)} items/s "
            f"(50% of the saturated {_n(lat.get('saturated_per_s'), 2)} items/s) to "
            f"{_n(lat.get('processes'))} consumer process(es); producer ack → commit of the item's "
            "transaction (items, mentions and alert rows).",
            "",
            _row(["n", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"]),
            _row(["---:"] * 6),
            _row([_n(a.get("n")), _n(a.get("p50_ms")), _n(a.get("p95_ms")), _n(a.get("p99_ms")),
                  _n(a.get("max_ms")), _n(a.get("mean_ms"))]),
            "",
        ]
        if lat.get("note"):
            lines += [lat["note"], ""]
    mt = results.get("matching") or {}
    if mt.get("counts"):
        lines += ["## Matching cost (f)", "",
                  f"{_n(mt.get('docs'))} analysed stories, generated topics, presearch on; CPU time per "
                  "item, NLP excluded.", "",
                  _row(["topics", "µs/item", "candidates/item", "matches/item"]),
                  _row(["---:"] * 4)]
        for n, c in mt["counts"].items():
            lines.append(_row([_n(int(n)), _n(c.get("us_per_item")), _n(c.get("candidates_per_item"), 2),
                               _n(c.get("matches_per_item"), 3)]))
        lines.append("")
        if mt.get("explain_us_per_match") is not None:
            lines += [f"Building a match's explanation (offsets, evidence, the JSON stored with the alert) "
                      f"costs {_n(mt['explain_us_per_match'])} µs per match, once, when the alert is stored.", ""]
    sb = results.get("sandbox") or {}
    if sb.get("items"):
        from bench.sandbox_cost import summary_lines

        lines += ["## Analysis budget (i)", "", *summary_lines(sb), ""]
    base = results.get("baseline") or {}
    if base.get("trees"):
        lines += ["## Against baseline (j)", "", *baseline.render(base), ""]
    elif base.get("error"):
        lines += ["## Against baseline (j)", "", f"Not measured: {base['error']}", ""]
    mem = results.get("memory") or {}
    if mem.get("per_process"):
        lines += ["## Memory (g)", "", _row(["run", "pid", "peak RSS (VmHWM) MB"]), _row(["---", "---:", "---:"])]
        for p in mem["per_process"]:
            lines.append(_row([p.get("run", "?"), str(p.get("pid", "?")), _n(p.get("peak_rss_mb"))]))
        lines.append("")
    lines += worst_case_report.render(results.get("worst_case"))
    lines += ["## Targets", "", _row(["target", "measured", "limit", "verdict", "detail"]),
              _row(["---", "---:", "---:", "---", "---"])]
    for t in targets:
        unit = "×" if t.unit == "×" else f" {t.unit}"
        measured = "—" if t.measured is None else f"{t.measured:,.2f}{unit}"
        lines.append(_row([t.description, measured, f"{t.op} {t.limit:g}{unit}",
                           f"**{t.verdict}**", t.detail]))
    lines.append("")
    notes = results.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    return "\n".join(lines)
