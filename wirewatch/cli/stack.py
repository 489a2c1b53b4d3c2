"""`wirewatch stack up|down|status`: the local Kafka broker and PostgreSQL."""
from __future__ import annotations

from wirewatch.cli.runtime import EXIT_OK, EXIT_UNAVAILABLE, fail


def cmd_stack(args, app) -> int:
    from wirewatch import stack

    try:
        if args.action == "up":
            stack.up(app.settings, log=print)
        elif args.action == "down":
            stack.down(app.settings, log=print)
        else:
            for name, info in stack.status(app.settings).items():
                details = ", ".join(f"{k}={v}" for k, v in info.items())
                print(f"{name}: {details}")
    except stack.StackError as exc:
        return fail(f"stack {args.action}", str(exc), EXIT_UNAVAILABLE)
    return EXIT_OK


def register(sub) -> None:
    p = sub.add_parser("stack", help="start/stop the local Kafka broker and PostgreSQL (no Docker)",
                       description="Manage the local stack: Apache Kafka (KRaft) from Maven Central jars and "
                                   "PostgreSQL from Debian packages. `up` is idempotent.")
    p.add_argument("action", choices=["up", "down", "status"])
    p.set_defaults(func=cmd_stack)
