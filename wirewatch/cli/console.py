"""`wirewatch web`, `wirewatch users add|remove|list` and `wirewatch topics list|show|versions|save|restore`:
the analyst console and the accounts and topic edits it shares with the shell."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK, EXIT_USAGE


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_web(args, app) -> int:
    from wirewatch.adapters.postgres_engine import upgrade
    from wirewatch.web.server import make_server, url_of

    upgrade(app.engine, app.settings.db_schema)  # a console started on a new database sets it up
    server = make_server(app, args.host, args.port)
    _err(f"wirewatch console on {url_of(server)} (Ctrl-C to stop); make an account with "
         "`wirewatch users add NAME --role analyst`")
    server.run()  # uvicorn handles SIGINT/SIGTERM in the foreground
    return EXIT_OK


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to ask for the password: pipe it with --password-stdin "
                         "(e.g. `printf '%s\\n' \"$PW\" | wirewatch users add NAME --password-stdin`)")
    first = getpass.getpass(f"password for {args.name}: ")
    if getpass.getpass("again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def cmd_users(args, app) -> int:
    from wirewatch.accounts import AccountError, add_user, list_users, remove_user

    if args.users_action == "list":
        rows = list_users(app.engine)
        if not rows:
            print("no console users: add one with `wirewatch users add NAME --role analyst`")
        for r in rows:
            print(f"{r['username']:24} {r['role']:8} created {r['created_at']:%Y-%m-%d}  "
                  f"{r['sessions']} live session(s)")
        return EXIT_OK
    if args.users_action == "remove":
        if not remove_user(app.engine, args.name):
            _err(f"no console user {args.name!r}")
            return EXIT_FAILURE
        print(f"removed {args.name} (and ended their sessions)")
        return EXIT_OK
    try:
        user = add_user(app.engine, args.name, _password(args), args.role)
    except (AccountError, ValueError) as exc:
        _err(f"wirewatch users add: {exc}")
        return EXIT_USAGE
    from wirewatch.web.server import DEFAULT_PORT

    print(f"added {user.username} ({user.role}); log in at http://{app.settings.web_host}:"
          f"{app.settings.web_port or DEFAULT_PORT}/")
    return EXIT_OK


def cmd_topics(args, app) -> int:
    from consumers.matching.topics import TopicFileError
    from wirewatch import topic_edits
    from wirewatch.views import topic_activity

    path = app.settings.topics_file
    action = args.topics_action
    try:
        if action == "list":
            texts = topic_edits.topic_texts(path)
            stats = topic_activity(app.engine, 30)
            for name in sorted(set(texts) | set(stats)):
                s = stats.get(name, {})
                precision = "-" if s.get("precision") is None else f"{100 * s['precision']:.0f}%"
                where = "" if name in texts else "  (not in the topics file)"
                print(f"{name:40} v{s.get('version') or '?':<4} alerts {s.get('alerts', 0):<6} "
                      f"rated {s.get('rated', 0):<5} precision {precision}{where}")
            return EXIT_OK
        if action == "show":
            texts = topic_edits.topic_texts(path)
            if args.name not in texts:
                _err(f"no topic {args.name!r} in {path}")
                return EXIT_FAILURE
            sys.stdout.write(texts[args.name])
            return EXIT_OK
        if action == "versions":
            rows = topic_edits.versions(app.engine, args.name)
            if not rows:
                print(f"no saved versions of {args.name} yet (the first save records the file's text)")
            for r in rows:
                print(f"#{r['id']:<5} v{r['version']:<4} {r['saved_at']:%Y-%m-%d %H:%M} {r['saved_by']:16} "
                      f"{r['note'] or ''}")
            return EXIT_OK
        if action == "save":
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
            saved = topic_edits.save_topic(app.engine, path, args.name, text, args.by or getpass.getuser(),
                                           args.note)
        else:  # restore
            saved = topic_edits.restore(app.engine, path, args.name, args.version_id, args.by or getpass.getuser())
            if saved is None:
                _err(f"no version #{args.version_id} of {args.name}: see `wirewatch topics versions {args.name}`")
                return EXIT_FAILURE
    except TopicFileError as exc:
        _err(f"not saved:\n{exc}")
        return EXIT_USAGE
    print(f"{args.name}: version {saved.version} " + ("saved to " + str(path) if saved.changed
                                                       else "unchanged (the file has this text already)"))
    return EXIT_OK


def register(sub) -> None:
    from wirewatch.cli.args import bounded_int

    p = sub.add_parser("web", help="the analyst console: alerts inbox, topics, feeds (a web page)",
                       description="Serve the analyst console on WIREWATCH_WEB_HOST:WIREWATCH_WEB_PORT "
                                   "(default 127.0.0.1:8080). Log in with an account from `wirewatch users add`.")
    p.add_argument("--host", help="listen address (default: WIREWATCH_WEB_HOST, 127.0.0.1)")
    p.add_argument("--port", type=bounded_int(1, 65535), help="port (default: WIREWATCH_WEB_PORT, else 8080)")
    p.set_defaults(func=cmd_web)

    u = sub.add_parser("users", help="console accounts: add, remove, list",
                       description="Accounts of the analyst console. Roles: viewer (reads) and analyst "
                                   "(also rates, mutes, edits topics and feeds). Passwords are stored as "
                                   "Argon2id hashes.")
    us = u.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    a = us.add_parser("add", help="make an account (asks for the password twice)")
    a.add_argument("name")
    a.add_argument("--role", choices=("viewer", "analyst"), default="viewer", help="default: viewer")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin (for scripts); else a prompt")
    us.add_parser("remove", help="delete an account and end its sessions").add_argument("name")
    us.add_parser("list", help="accounts, roles and live sessions")
    u.set_defaults(func=cmd_users)

    t = sub.add_parser("topics", help="watched topics: list with precision, show, versions, save, restore",
                       description="Read and edit watched topics in WIREWATCH_TOPICS_FILE, the way the console "
                                   "does: a save is checked, written into the file (the daemon reloads it) and "
                                   "kept as a version that `restore` can bring back.")
    ts = t.add_subparsers(dest="topics_action", metavar="ACTION", required=True)
    ts.add_parser("list", help="each topic with its alerts, ratings and measured precision")
    ts.add_parser("show", help="one topic's YAML text, as the editor shows it").add_argument("name")
    ts.add_parser("versions", help="saved versions of one topic, newest first").add_argument("name")
    s = ts.add_parser("save", help="check and save one topic's YAML text (from FILE, or - for stdin)")
    s.add_argument("name")
    s.add_argument("file", metavar="FILE|-")
    s.add_argument("--note", help="why (kept with the version)")
    s.add_argument("--by", help="who saves (default: your login name)")
    r = ts.add_parser("restore", help="save an earlier version again, as a new version")
    r.add_argument("name")
    r.add_argument("version_id", type=int, metavar="VERSION_ID", help="the #id from `topics versions`")
    r.add_argument("--by", help="who restores (default: your login name)")
    t.set_defaults(func=cmd_topics)
