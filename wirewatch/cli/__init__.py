"""The `wirewatch` command line: one module per command group, each with ``register(subparsers)``.

``main`` builds the parser from the groups (``wirewatch.cli.main``); ``runtime`` holds what every
command shares (exit codes, logging, signals). Commands are thin: they parse, call bootstrap()'s
app, the read views (``wirewatch.views``) or the alert actions (``wirewatch.alert_actions``), and print.
"""
from wirewatch.cli.main import build_parser, main
from wirewatch.cli.runtime import EXIT_ABORTED, EXIT_FAILURE, EXIT_OK, EXIT_UNAVAILABLE, EXIT_USAGE

__all__ = ["EXIT_ABORTED", "EXIT_FAILURE", "EXIT_OK", "EXIT_UNAVAILABLE", "EXIT_USAGE", "build_parser", "main"]
