"""(h) Worst case: per-item records -> percentiles, the slowest items, targets, markdown. Pure."""
from __future__ import annotations

import math
from collections.abc import Sequence

from bench.stats import Target

MIN_KB = 1.0  # per-KB figures divide by at least 1 KB: below that the fixed cost of a call dominates
SLOWEST = 10
CORPUS_LABELS = {"conll": "CoNLL-2003 eng.testb", "reuters": "Reuters articles.jsonl", "feeds": "feed items"}
LIMIT_SECONDS = 2.0    # the acceptance: no item costs more than 2 s ...
LIMIT_MB = 300.0       # ... or 300 MB above the idle process


def kb(record: dict) -> float:
    return record["bytes"] / 1024


def _lower_bound(record: dict) -> bool:
    """A timed-out, crashed or killed item: its time and memory are only lower bounds."""
    return record.get("status", "ok") not in ("ok", "error")


def percentile_bounded(pairs: Sequence[tuple[float, bool]], p: float) -> tuple[float, bool]:
    """Percentile (linear interpolation, like stats.percentile) of (value, is_lower_bound)
    pairs; the result is a lower bound when either rank it interpolates between is one."""
    if not pairs:
        raise ValueError("percentile of an empty sample")
    ordered = sorted(pairs)
    rank = (len(ordered) - 1) * p / 100
    lo, hi = ordered[math.floor(rank)], ordered[math.ceil(rank)]
    return lo[0] + (hi[0] - lo[0]) * (rank - math.floor(rank)), lo[1] or hi[1]


def distribution(pairs: Sequence[tuple[float, bool]]) -> dict:
    """p50, p99, max (and which of them are lower bounds) of (value, is_lower_bound) pairs."""
    if not pairs:
        return {}
    out, bounds = {}, []
    for name, p in (("p50", 50), ("p99", 99), ("max", 100)):
        value, bound = percentile_bounded(pairs, p)
        out[name] = round(value, 6)
        if bound:
            bounds.append(name)
    out["lower_bound"] = bounds
    return out


def summarise(records: Sequence[dict]) -> dict:
    """Items, KB, statuses and the four distributions of one corpus (or all of them)."""
    if not records:
        return {"items": 0}
    statuses: dict[str, int] = {}
    for r in records:
        statuses[r.get("status", "ok")] = statuses.get(r.get("status", "ok"), 0) + 1
    per_item_s = [(r["seconds"], _lower_bound(r)) for r in records]
    per_item_mb = [(r["mb"], _lower_bound(r)) for r in records]
    above_idle = [r["mb_above_idle"] for r in records if r.get("mb_above_idle") is not None]
    return {
        "items": len(records),
        # peak RSS of the item minus the child's RSS when idle after warm-up (completed items only)
        "mb_above_idle_max": round(max(above_idle), 1) if above_idle else None,
        "kb": round(sum(kb(r) for r in records), 1),
        "statuses": statuses,
        "s_per_item": distribution(per_item_s),
        "s_per_kb": distribution([(s / max(kb(r), MIN_KB), b) for (s, b), r in zip(per_item_s, records)]),
        "mb_per_item": distribution(per_item_mb),
        "mb_per_kb": distribution([(m / max(kb(r), MIN_KB), b) for (m, b), r in zip(per_item_mb, records)]),
    }


def slowest(records: Sequence[dict], n: int = SLOWEST) -> list[dict]:
    top = sorted(records, key=lambda r: (r["seconds"], r["mb"]), reverse=True)[:n]
    return [{"corpus": r["corpus"], "id": r["id"], "kb": round(kb(r), 2), "seconds": round(r["seconds"], 3),
             "mb": round(r["mb"], 1), "status": r.get("status", "ok"),
             **({"error": r["error"]} if r.get("error") else {})} for r in top]


def summarise_all(records: Sequence[dict], corpora: Sequence[str]) -> dict:
    out = {c: summarise([r for r in records if r["corpus"] == c]) for c in corpora}
    out["overall"] = summarise(records)
    return out


def _num(value: float) -> str:
    a = abs(value)
    if a == 0:
        return "0"
    if a < 0.01:
        return f"{value:.4f}"
    if a < 1:
        return f"{value:.3f}"
    if a < 100:
        return f"{value:.2f}"
    return f"{value:,.0f}"


def _opt(value) -> str:
    return "—" if value is None else _num(value)


def _cell(dist: dict, timeout: float | None = None) -> str:
    if not dist:
        return "—"
    parts = []
    for name in ("p50", "p99", "max"):
        value = dist[name]
        if name in dist.get("lower_bound", ()):
            parts.append(f">{timeout:g} (timed out)" if timeout and value >= timeout else f"≥{_num(value)}")
        else:
            parts.append(_num(value))
    return " / ".join(parts)


def _status_text(statuses: dict) -> str:
    bad = {k: v for k, v in statuses.items() if k != "ok"}
    return ", ".join(f"{v} {k}" for k, v in sorted(bad.items())) or "—"


def _row(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def render(section: dict | None) -> list[str]:
    """Markdown lines for results['worst_case'] (nothing when the phase did not run)."""
    if not section or not section.get("corpora"):
        return []
    timeout = section.get("timeout_s")
    lines = [
        "## Worst case (h)",
        "",
        f"Every item analysed alone (`Analyzer.analyse(headline, body)`) in a child process; "
        f"timeout {timeout:g} s per item. Time: wall seconds of the call in the child. Memory: peak RSS during "
        f"the call minus the child's RSS just before it (child idle after warm-up: "
        f"{_num(section.get('idle_rss_mb') or 0)} MB). Per KB: UTF-8 size of headline + body, at least "
        f"{MIN_KB:g} KB. Cells are p50 / p99 / max. Analyser code: `{section.get('analyser_code', '?')}`.",
        "",
        _row(["corpus", "items", "KB", "s per item", "s per KB", "MB per item", "MB per KB", "not ok"]),
        _row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---"]),
    ]
    for name, s in section["corpora"].items():
        label = "**all**" if name == "overall" else CORPUS_LABELS.get(name, name)
        if not s.get("items"):
            lines.append(_row([label, "0"] + ["—"] * 6))
            continue
        lines.append(_row([label, f"{s['items']:,}", f"{s['kb']:,.0f}", _cell(s["s_per_item"], timeout),
                           _cell(s["s_per_kb"]), _cell(s["mb_per_item"]), _cell(s["mb_per_kb"]),
                           _status_text(s.get("statuses", {}))]))
    above = (section["corpora"].get("overall") or {}).get("mb_above_idle_max")
    if above is not None:
        lines += ["", f"Largest peak RSS of a completed item above the child's idle RSS (memory earlier items "
                      f"left included): {_num(above)} MB."]
    lines += ["", f"The {len(section.get('slowest', []))} slowest items:", "",
              _row(["corpus", "id", "KB", "seconds", "MB", "status"]),
              _row(["---", "---", "---:", "---:", "---:", "---"])]
    for r in section.get("slowest", []):
        secs = f">{timeout:g} (timed out)" if r["status"] == "timeout" else _num(r["seconds"])
        lines.append(_row([r["corpus"], f"`{r['id']}`", _num(r["kb"]), secs, _num(r["mb"]),
                           r["status"] + (f": {r['error']}" if r.get("error") else "")]))
    lines.append("")
    if section.get("notes"):
        lines += [f"- {n}" for n in section["notes"]] + [""]
    return lines


def render_alone(results: dict, targets_: Sequence[Target]) -> str:
    """The report of a run of phase (h) only."""
    m = results.get("machine", {})
    lines = ["# wirewatch benchmark: worst case only", "",
             f"Run {results.get('started_at', '?')} ({_num(results.get('duration_s') or 0)} s). Machine: "
             f"{m.get('cores')} cores, {m.get('cpu_model', '?')}; load average {m.get('load_avg_start', '?')} "
             f"at start, {m.get('load_avg_end', '?')} at end.", ""]
    lines += render(results.get("worst_case"))
    lines += ["## Targets", "", _row(["target", "measured", "limit", "verdict", "detail"]),
              _row(["---", "---:", "---:", "---", "---"])]
    for t in targets_:
        measured = "—" if t.measured is None else f"{t.measured:,.2f} {t.unit}"
        lines.append(_row([t.description, measured, f"{t.op} {t.limit:g} {t.unit}", f"**{t.verdict}**", t.detail]))
    return "\n".join(lines + [""])


def targets(results: dict) -> list[Target]:
    """The issue's per-item acceptance: ≤ 2 s and ≤ 300 MB above the idle process, every corpus."""
    overall = ((results.get("worst_case") or {}).get("corpora") or {}).get("overall") or {}
    s = (overall.get("s_per_item") or {}).get("max")
    before = (overall.get("mb_per_item") or {}).get("max")
    idle = overall.get("mb_above_idle_max")
    mb = max((v for v in (before, idle) if v is not None), default=None)
    n = overall.get("items") or 0
    return [
        Target("worst_case_seconds", "worst case: slowest item ≤ 2 s (eng.testb, Reuters, feeds)", s, "<=",
               LIMIT_SECONDS, unit="s", detail=f"max over {n:,} items analysed one at a time"),
        Target("worst_case_mb", "worst case: peak memory per item ≤ 300 MB above the idle process", mb,
               "<=", LIMIT_MB, unit="MB",
               detail=f"max over {n:,} items of the peak above the RSS just before the item ({_opt(before)} MB) "
                      f"and above the child's idle RSS ({_opt(idle)} MB)"),
    ]
