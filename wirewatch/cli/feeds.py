"""`wirewatch feeds add|list|remove|show|poll`: the feed registry and the poller."""
from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, stop_on_signals
from schemas.json_lines import json_line


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = (when - now).total_seconds()
    span = abs(seconds)
    text = (f"{span:.0f}s" if span < 90 else f"{span / 60:.0f}m" if span < 5400
            else f"{span / 3600:.1f}h" if span < 172800 else f"{span / 86400:.1f}d")
    return f"{when.isoformat(timespec='seconds')} ({'in ' + text if seconds >= 0 else text + ' ago'})"


def _redact(url: str) -> str:
    from producers.url_policy import redact

    return redact(url)


def _store(app):
    from wirewatch.adapters.postgres_feeds import FeedStore

    return FeedStore(app.engine)


def cmd_feeds(args, app) -> int:
    from producers.registry import RegistryError

    action = args.feeds_action
    try:
        if action == "add":
            return _add(args, app)
        if action == "remove":
            removed = _store(app).remove_feed(args.feed)
            if not removed:
                print(f"no feed {_redact(args.feed)!r}", file=sys.stderr)
                return EXIT_FAILURE
            print(f"removed {_redact(args.feed)}")
            return EXIT_OK
        if action in ("pause", "resume"):
            found = _store(app).set_paused(args.feed, action == "pause")
            if not found:
                print(f"no feed {_redact(args.feed)!r}", file=sys.stderr)
                return EXIT_FAILURE
            print(f"{'paused' if action == 'pause' else 'resumed'} {_redact(args.feed)}")
            return EXIT_OK
        if action == "list":
            return _list(args, app)
        if action == "show":
            return _show(args, app)
        if action == "poll":
            return _poll(args, app)
    except RegistryError as exc:
        print(f"wirewatch feeds {action}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


def _add(args, app) -> int:
    from producers.url_policy import UrlPolicy, redact

    feed_id, created = _store(app).add_feed(args.url, args.name, args.interval,
                                            policy=UrlPolicy.from_settings(app.settings))
    print(f"{'added' if created else 'already registered (enabled)'} feed #{feed_id}: {redact(args.url)}")
    return EXIT_OK


def _list(args, app) -> int:
    rows = _store(app).feeds()
    if args.json:
        for row in rows:
            print(json.dumps({k: _redact(row[k]) if k == "url" else row[k]
                              for k in ("id", "url", "name", "kind", "origin", "enabled", "interval_seconds")},
                             default=str))
        return EXIT_OK
    if not rows:
        print("no feeds: add one with `wirewatch feeds add URL` or list them in the feeds file")
    for r in rows:
        print(f"#{r['id']:<4} {'on ' if r['enabled'] else 'off'} every {r['interval_seconds']:g}s  "
              f"{_redact(r['url'])}  {r['name'] or ''}".rstrip())
    return EXIT_OK


def _show(args, app) -> int:
    rows = _store(app).feeds(args.feed)
    if args.feed and not rows:
        print(f"no feed {args.feed!r}", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        for row in rows:
            print(json_line({**row, "url": _redact(row["url"])}, default=str))
        return EXIT_OK
    if not rows:
        print("no feeds")
    now = datetime.now(timezone.utc)
    for r in rows:
        http = f" (HTTP {r['last_http_status']})" if r["last_http_status"] else ""
        state = "" if r["enabled"] else "  [disabled]"
        state += "  [paused]" if r.get("paused") else ""
        print(f"#{r['id']} {r['name'] or ''} {_redact(r['url'])}{state}".replace("  ", " "))
        print(f"    last status: {r['last_status']}{http}, polled {_ago(r['last_polled_at'], now)}")
        held = "paused" if r.get("paused") else "disabled" if not r["enabled"] else None
        print(f"    next poll: {held or _ago(r['next_poll_at'], now)}"
              + (f" (backing off: {r['consecutive_failures']} failure(s) in a row)"
                 if r["consecutive_failures"] else ""))
        print(f"    items published: {r['items_published']} (fetched {r['items_fetched']}, "
              f"dropped {r['items_dropped']}; errors {r['errors_total']})")
        print(f"    last error: {r['last_error'] or '-'}")
        if r["bozo_reason"]:
            print(f"    malformed (bozo): {r['bozo_reason']}")
    return EXIT_OK


def _poll(args, app) -> int:
    from producers.polling.poller import PollerBusy

    with app.feed_poller() as poller:
        if args.once:
            try:
                report = poller.poll_once(force=not args.due, timeout=args.timeout)
            except PollerBusy as exc:
                print(f"wirewatch feeds poll: {exc}", file=sys.stderr)
                return EXIT_FAILURE
            print(report.summary())
            return EXIT_FAILURE if report.pending else EXIT_OK
        stop = stop_on_signals()
        logging.getLogger("wirewatch.feeds").info("polling feeds until SIGTERM or Ctrl-C")
        poller.run(stop)
        print(poller.report.summary())
        return EXIT_OK


def register(subparsers) -> None:
    from wirewatch.cli.args import bounded_float

    p = subparsers.add_parser(
        "feeds", help="the feed registry and poller: add, list, remove, pause, resume, show, poll",
        description="Manage polled feeds and watched drop directories, and run the poller. Feeds come from "
                    "the feeds file (WIREWATCH_FEEDS_FILE, default config/feeds.yaml) and from `feeds add`.")
    sub = p.add_subparsers(dest="feeds_action", metavar="ACTION", required=True)
    a = sub.add_parser("add", help="register a feed URL (or dir:/path for a drop directory)")
    a.add_argument("url")
    a.add_argument("--name")
    a.add_argument("--interval", type=bounded_float(1, 365 * 86400), default=300.0,
                   help="seconds between polls (default 300)")
    r = sub.add_parser("remove", help="unregister a feed (by id or URL)")
    r.add_argument("feed", metavar="ID|URL")
    for verb, text in (("pause", "stop polling a feed until `feeds resume` (kept across restarts)"),
                       ("resume", "poll a paused feed again")):
        sub.add_parser(verb, help=text).add_argument("feed", metavar="ID|URL")
    ls = sub.add_parser("list", help="the registered feeds")
    ls.add_argument("--json", action="store_true")
    s = sub.add_parser("show", help="each feed's last status, last error, items published and next poll")
    s.add_argument("feed", nargs="?", metavar="ID|URL")
    s.add_argument("--json", action="store_true")
    o = sub.add_parser("poll", help="poll feeds and publish new items (until SIGTERM, or --once)")
    o.add_argument("--once", action="store_true", help="poll every enabled feed once, publish, exit")
    o.add_argument("--due", action="store_true", help="with --once: only feeds whose next poll time has come")
    o.add_argument("--timeout", type=bounded_float(0.1, 3600), default=None,
                   help="with --once: give up waiting for the broker after this many seconds (exit 1)")
    p.set_defaults(func=cmd_feeds)
