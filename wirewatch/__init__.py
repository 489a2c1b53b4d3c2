"""wirewatch: a streaming news-wire monitor (app shell: settings, wiring, daemon, CLI)."""

__version__ = "0.1.0"
