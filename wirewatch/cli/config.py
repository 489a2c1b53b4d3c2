"""`wirewatch config show` and `wirewatch check` (the health probe)."""
from __future__ import annotations

import json

from wirewatch.cli.runtime import EXIT_FAILURE, EXIT_OK


def cmd_config(args, app) -> int:
    from wirewatch.settings import masked

    shown = masked(app.settings)
    if args.json:
        print(json.dumps(shown, indent=2))
    else:
        for key, value in shown.items():
            print(f"{key} = {json.dumps(value)}")
    return EXIT_OK


def cmd_check(args, app) -> int:
    from wirewatch.health import check

    ok, lines = check(app)
    for line in lines:
        print(line)
    return EXIT_OK if ok else EXIT_FAILURE


def register(sub) -> None:
    p = sub.add_parser("config", help="print the effective configuration (secrets masked)",
                       description="Print the settings wirewatch would use: arguments, then WIREWATCH_* "
                                   "environment variables, then the TOML file in WIREWATCH_CONFIG_FILE.")
    p.add_argument("action", choices=["show"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("check", help="health probe: exit 0 when Kafka and PostgreSQL answer, else 1")
    p.set_defaults(func=cmd_check)
