"""`python -m wirewatch.stack up|down|status` (the CLI proper is `wirewatch stack`)."""
from __future__ import annotations

import argparse
import sys
import time

from wirewatch.settings import get_settings
from wirewatch.stack import StackError, down, format_status, status, up


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wirewatch.stack")
    parser.add_argument("command", choices=["up", "down", "status"])
    args = parser.parse_args(argv)
    settings = get_settings()
    started = time.monotonic()
    try:
        if args.command == "up":
            up(settings)
        elif args.command == "down":
            down(settings)
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.command != "status":
        print(f"stack {args.command}: done in {time.monotonic() - started:.1f} s")
    print(format_status(status(settings)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
