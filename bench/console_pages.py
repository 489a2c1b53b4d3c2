"""Console page timings: the analyst console's pages over real HTTP on a loaded database.

The acceptance item: "the pages load in under 300 ms with 100,000 stored items and 10,000
alerts". This harness

1. creates its own PostgreSQL schema (``bench_console_<tag>``) and runs the migrations;
2. bulk-loads synthetic, FICTIONAL data with COPY: items over 60 days (a few hundred
   characters each, with entities and mentions), alerts over three topics, ~40 countries
   and ~N/5 distinct targets, each with 1-3 evidence stories, ratings, deliveries, feeds;
   then VACUUM ANALYZE, as autovacuum would have done on a live database;
3. serves the real app (``wirewatch.web.server``: uvicorn in a thread on a free loopback
   port), logs in over HTTP with httpx (CSRF double-submit, then the session cookie, carried
   by hand because it is marked Secure), warms every page up, then requests every page
   ``repeat`` times, round-robin so that other load on the machine hits all pages alike;
4. reports wall time per request (p50, p95, max) and PASS/FAIL against 300 ms at p95, with
   two baselines measured in the same run: GET /login (no database read at all) and
   ``wirewatch.views.inbox()`` called directly (the inbox's SQL without HTTP or templates);
5. drops the schema (also on error) unless ``--keep-schema``.

Run it as ``wirewatch bench --console`` or ``python -m bench.console_pages --help``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from bench.console_data import FLAGSHIP, PASSWORD_USER, Synthetic, load

DEFAULT_ITEMS = 100_000
DEFAULT_ALERTS = 10_000
DEFAULT_REPEAT = 30
QUICK = {"items": 5_000, "alerts": 500, "repeat": 10}  # `wirewatch bench --console --quick`
RESULTS_FILE = "console_results.json"
WARMUP = 3
TARGET_MS = 300.0

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _set_cookies(response) -> dict[str, str]:
    out = {}
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        out[name.strip()] = rest.split(";", 1)[0].strip()
    return out


def login(client, username: str, password: str) -> str:
    """Log in as a browser would; return the Cookie header value for later requests."""
    page = client.get("/login")
    page.raise_for_status()
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    login_cookie = _set_cookies(page).get("ww_login_csrf")
    if not found or not login_cookie:
        raise RuntimeError("GET /login gave no CSRF token or no ww_login_csrf cookie")
    client.cookies.clear()
    r = client.post("/login", data={"username": username, "password": password, "csrf": found.group(1),
                                    "next": "/alerts"}, headers={"Cookie": f"ww_login_csrf={login_cookie}"})
    session = _set_cookies(r).get("ww_session")
    client.cookies.clear()
    if r.status_code != 303 or not session:
        raise RuntimeError(f"POST /login answered {r.status_code}: {r.text[:200]}")
    return f"ww_session={session}"


def _summary(seconds: list[float]) -> dict:
    from bench.stats import percentile

    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "max_ms": round(max(ms), 1), "mean_ms": round(sum(ms) / len(ms), 1), "min_ms": round(min(ms), 1)}


def choose_pages(engine) -> list[tuple[str, str]]:
    """The pages to time, with real values from the loaded data."""
    from sqlalchemy import text

    with engine.connect() as conn:
        newest = conn.execute(text("SELECT max(id) FROM alerts")).scalar_one()
        topic, country = conn.execute(text(
            "SELECT topic_name, country FROM alerts WHERE topic_name = :t GROUP BY 1, 2 ORDER BY count(*) DESC "
            "LIMIT 1"), {"t": FLAGSHIP}).one()
        target = conn.execute(text("SELECT target FROM alerts GROUP BY target ORDER BY count(*) DESC, target "
                                   "LIMIT 1")).scalar_one()
        # the alert page's worst case: the most evidence stories, rated and emailed
        rich = conn.execute(text(
            "SELECT a.id FROM alerts a WHERE EXISTS (SELECT 1 FROM alert_feedback f WHERE f.alert_id = a.id) "
            "ORDER BY (SELECT count(*) FROM deliveries d WHERE d.alert_id = a.id) DESC, a.evidence_count DESC, "
            "a.id LIMIT 1")).scalar()
    rich = rich or newest
    surname = target.split()[-1]
    return [
        ("inbox", "/alerts"),
        ("inbox: topic + country", "/alerts?" + urlencode({"topic": topic, "country": country})),
        ("inbox: person", "/alerts?" + urlencode({"person": surname})),
        ("inbox: rating=bad", "/alerts?rating=bad"),
        ("inbox: older page", f"/alerts?before={max(1, newest // 2)}"),
        ("live rows", f"/alerts/rows?after_id={max(0, newest - 5)}"),
        ("alert page", f"/alerts/{rich}"),
        ("topics", "/topics"),
        ("topic editor", f"/topics/{FLAGSHIP}"),
        ("feeds", "/feeds"),
    ]


def measure(app, pages, repeat: int, warmup: int, progress) -> dict:
    import logging

    import httpx

    from wirewatch.accounts import add_user
    from wirewatch.views import AlertFilters, inbox
    from wirewatch.web.server import make_server, start_in_thread, stop, url_of

    for noisy in ("httpx", "httpcore"):  # one INFO line per request otherwise (the CLI logs at INFO)
        logging.getLogger(noisy).setLevel(logging.WARNING)
    password = uuid.uuid4().hex
    add_user(app.engine, PASSWORD_USER, password, "analyst")
    server = make_server(app, host="127.0.0.1", port=free_port())
    thread = start_in_thread(server)
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the console's server did not start")
            time.sleep(0.05)
        base = url_of(server).rstrip("/")
        progress(f"serving {base}; logging in over HTTP")
        with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
            cookie = login(client, PASSWORD_USER, password)
            every = [("baseline: login form", "/login")] + pages

            def get(path):
                t0 = time.perf_counter()
                r = client.get(path, headers={"Cookie": cookie})
                size = len(r.content)
                elapsed = time.perf_counter() - t0
                client.cookies.clear()
                return r.status_code, size, elapsed

            progress(f"warm-up: {warmup} request(s) per page, {len(every)} pages")
            for _ in range(warmup):
                for _name, path in every:
                    get(path)
            samples: dict[str, list[float]] = {path: [] for _n, path in every}
            statuses: dict[str, set[int]] = {path: set() for _n, path in every}
            sizes: dict[str, int] = {}
            progress(f"timing: {repeat} rounds over {len(every)} pages (round-robin)")
            for k in range(repeat):
                for _name, path in every:
                    status, size, elapsed = get(path)
                    samples[path].append(elapsed)
                    statuses[path].add(status)
                    sizes[path] = size
                if (k + 1) % max(1, repeat // 3) == 0 and k + 1 < repeat:
                    progress(f"timing: {k + 1} / {repeat} rounds")
        # the inbox's SQL without HTTP or templates, same engine, same run
        direct = []
        for k in range(warmup + repeat):
            t0 = time.perf_counter()
            inbox(app.engine, AlertFilters())
            if k >= warmup:
                direct.append(time.perf_counter() - t0)
    finally:
        stop(server, thread)
    login_stats = _summary(samples["/login"])
    out_pages = []
    for name, path in pages:
        s = _summary(samples[path])
        ok = statuses[path] == {200}
        out_pages.append({"name": name, "path": path, "statuses": sorted(statuses[path]), "bytes": sizes[path], **s,
                          "ratio_to_login_p50": round(s["p50_ms"] / login_stats["p50_ms"], 1)
                          if login_stats["p50_ms"] else None,
                          "pass": ok and s["p95_ms"] < TARGET_MS})
    return {"baseline": {"login": {"path": "/login", "statuses": sorted(statuses["/login"]), **login_stats},
                         "inbox_query": {"what": "wirewatch.views.inbox(engine, AlertFilters()) called directly: "
                                                 "the page query and its count, no HTTP, no template",
                                         **_summary(direct)}},
            "pages": out_pages}


def render(results: dict) -> str:
    b = results["baseline"]
    sizes = results["sizes"]
    lines = [
        f"Console pages: {sizes['items']:,} items, {sizes['alerts']:,} alerts, {results['repeat']} requests per "
        f"page (after {results['warmup']} warm-up), target p95 < {TARGET_MS:.0f} ms",
        "",
        "| page | path | status | p50 ms | p95 ms | max ms | p50 / login p50 | result |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
        f"| baseline: login form | /login | {','.join(map(str, b['login']['statuses']))} | {b['login']['p50_ms']} | "
        f"{b['login']['p95_ms']} | {b['login']['max_ms']} | 1.0 | |",
    ]
    for p in results["pages"]:
        lines.append(f"| {p['name']} | `{p['path']}` | {','.join(map(str, p['statuses']))} | {p['p50_ms']} | "
                     f"{p['p95_ms']} | {p['max_ms']} | {p['ratio_to_login_p50']} | "
                     f"{'PASS' if p['pass'] else 'FAIL'} |")
    q = b["inbox_query"]
    lines += [
        "",
        f"Baselines, same run: GET /login p50 {b['login']['p50_ms']} ms (no database read); "
        f"views.inbox() called directly p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms.",
        f"Machine: {results['machine']['cores']} cores, load average {results['machine']['load_avg_start']} at the "
        f"start, {results['machine']['load_avg_end']} at the end; load {results['load_s']} s.",
        f"Result: {'PASS' if results['all_pass'] else 'FAIL'} "
        f"({sum(p['pass'] for p in results['pages'])} / {len(results['pages'])} pages under {TARGET_MS:.0f} ms "
        "at p95).",
    ]
    return "\n".join(lines)


def run(settings, items: int = DEFAULT_ITEMS, alerts: int = DEFAULT_ALERTS, repeat: int = DEFAULT_REPEAT,
        warmup: int = WARMUP, keep_schema: bool = False, json_path: Path | None = None, stream=None) -> dict:
    """Load, serve, time, clean up; return the results (also written to ``json_path``)."""
    import shutil

    from bench import machine as machine_mod
    from bench.progress import Progress
    from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade
    from wirewatch.bootstrap import App

    progress = Progress(stream)
    data = Synthetic(items, alerts, datetime.now(timezone.utc))  # checks the sizes before touching the DB
    schema = f"bench_console_{uuid.uuid4().hex[:8]}"
    workdir = Path(tempfile.mkdtemp(prefix="wirewatch-bench-console-"))
    topics_file = workdir / "topics.yaml"
    shutil.copy(settings.topics_file, topics_file)
    results: dict = {"started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "schema": schema,
                     "kept_schema": keep_schema, "repeat": repeat, "warmup": warmup, "target_ms": TARGET_MS,
                     "machine": {"cores": os.cpu_count(), "load_avg_start": machine_mod.load_avg()}}
    engine = make_engine(settings.database_url, schema)
    try:
        t = progress.start(f"console: schema {schema}, migrations")
        upgrade(engine, schema)
        progress.done(t, "migrated")
        t = progress.start(f"console: loading {items:,} items and {alerts:,} alerts with COPY")
        results["sizes"] = load(engine, data, progress)
        results["load_s"] = round(time.monotonic() - t, 1)
        progress.done(t, ", ".join(f"{k} {v:,}" for k, v in results["sizes"].items()))
        app_settings = settings.model_copy(update={"db_schema": schema, "topics_file": topics_file})
        with App(app_settings) as app:
            pages = choose_pages(app.engine)
            t = progress.start("console: pages over HTTP")
            results.update(measure(app, pages, repeat, warmup, progress))
            progress.done(t, f"{len(pages)} pages")
    finally:
        if keep_schema:
            progress(f"kept schema {schema} (drop it with: DROP SCHEMA {schema} CASCADE)")
        else:
            try:
                drop_schema(engine, schema)
            except Exception as exc:  # noqa: BLE001 - cleanup is best effort, the error above matters more
                progress(f"could not drop schema {schema}: {exc}")
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["load_avg_end"] = machine_mod.load_avg()
    results["all_pass"] = all(p["pass"] for p in results["pages"])
    results["duration_s"] = round(time.monotonic() - progress.t0, 1)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return results


def _positive(value: str) -> int:
    n = int(value)
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return n


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.console_pages",
        description="Time the analyst console's pages over real HTTP on a database loaded with synthetic data "
                    f"(default {DEFAULT_ITEMS:,} items and {DEFAULT_ALERTS:,} alerts). Creates and drops its own "
                    "PostgreSQL schema; needs PostgreSQL (`wirewatch stack up`), not Kafka. Prints a table "
                    f"with p50, p95 and max per page, PASS when p95 < {TARGET_MS:.0f} ms, and two baselines from "
                    "the same run: GET /login (no database read) and views.inbox() without HTTP.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--items", type=_positive, default=DEFAULT_ITEMS, metavar="N", help="stored items to load")
    p.add_argument("--alerts", type=_positive, default=DEFAULT_ALERTS, metavar="N",
                   help="alerts to load (at most items / 3; targets = alerts / 5, ratings ~0.3 x, deliveries 0.1 x)")
    p.add_argument("--repeat", type=_positive, default=DEFAULT_REPEAT, metavar="N",
                   help="timed requests per page, after the warm-up")
    p.add_argument("--warmup", type=int, default=WARMUP, metavar="N", help="untimed requests per page first")
    p.add_argument("--json", type=Path, metavar="PATH", help="write every figure as JSON to PATH")
    p.add_argument("--keep-schema", action="store_true",
                   help="keep the loaded schema afterwards (its name is printed) to EXPLAIN queries by hand")
    return p


def main(argv=None) -> int:
    from wirewatch.settings import get_settings

    args = parser().parse_args(argv)
    results = run(get_settings(), items=args.items, alerts=args.alerts, repeat=args.repeat,
                  warmup=max(0, args.warmup), keep_schema=args.keep_schema, json_path=args.json)
    print(render(results))
    if args.json:
        print(f"wrote {args.json}", file=sys.stderr)
    return 0  # like `wirewatch bench`: the run completed; the table says PASS or FAIL


if __name__ == "__main__":
    sys.exit(main())
