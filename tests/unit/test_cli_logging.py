"""The CLI's log handler follows sys.stderr, so a closed stream is never written to."""
import io
import json
import logging
import sys

from wirewatch.cli.runtime import setup_logging


def _emit(fmt: str) -> str:
    old, buf = sys.stderr, io.StringIO()
    try:
        setup_logging("info", fmt)
        sys.stderr = buf
        logging.getLogger("wirewatch.test").info("hello %s", "there")
    finally:
        sys.stderr = old
        logging.getLogger().handlers.clear()
    return buf.getvalue()


def test_records_go_to_the_current_stderr():
    assert "hello there" in _emit("text")


def test_a_stream_closed_after_setup_is_not_written_to():
    old, first = sys.stderr, io.StringIO()
    try:
        sys.stderr = first
        setup_logging("info")
        first.close()  # what pytest does with a test's captured stderr
        sys.stderr = second = io.StringIO()
        logging.getLogger("wirewatch.test").warning("later")
    finally:
        sys.stderr = old
        logging.getLogger().handlers.clear()
    out = second.getvalue()
    assert "later" in out and "Logging error" not in out


def test_json_format_is_one_object_per_line():
    entry = json.loads(_emit("json").strip())
    assert entry["message"] == "hello there" and entry["level"] == "INFO"
