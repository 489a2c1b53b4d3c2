"""CLI behaviour that needs no services: help, configuration errors, masking."""
from __future__ import annotations

import pytest

from wirewatch import cli
from wirewatch.settings import get_settings


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch):
    import logging

    for name in ("WIREWATCH_KAFKA_BOOTSTRAP", "WIREWATCH_CONSUMER_GROUP", "WIREWATCH_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    root.handlers[:] = handlers  # main() points logging at capsys's stream, which closes
    root.setLevel(level)


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("stack", "produce", "consume", "run", "alerts", "dlq", "check", "config", "extract",
                    "match", "eval", "backtest", "notify", "deliveries"):
        assert command in out


def test_bad_setting_names_the_key_and_exits_2(monkeypatch, capsys):
    monkeypatch.setenv("WIREWATCH_METRICS_PORT", "not-a-port")
    assert cli.main(["config", "show"]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "metrics_port" in err and "WIREWATCH_METRICS_PORT" in err


def test_misspelt_toml_key_suggests_the_right_one(monkeypatch, tmp_path, capsys):
    config = tmp_path / "wirewatch.toml"
    config.write_text('kafka_bootstrap = "10.0.0.1:9092"\nlog_levle = "DEBUG"\n')
    monkeypatch.setenv("WIREWATCH_CONFIG_FILE", str(config))
    assert cli.main(["config", "show"]) == cli.EXIT_USAGE
    assert "did you mean 'log_level'" in capsys.readouterr().err


def test_config_show_merges_toml_and_env_and_masks_secrets(monkeypatch, tmp_path, capsys):
    config = tmp_path / "wirewatch.toml"
    config.write_text('kafka_bootstrap = "10.0.0.1:9092"\nconsumer_group = "from-file"\n')
    monkeypatch.setenv("WIREWATCH_CONFIG_FILE", str(config))
    monkeypatch.setenv("WIREWATCH_CONSUMER_GROUP", "from-env")
    monkeypatch.setenv("WIREWATCH_SMTP_PASSWORD", "hunter2")
    monkeypatch.setenv("WIREWATCH_DATABASE_URL", "postgresql+psycopg://u:s3cret@db:5432/x")
    assert cli.main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert 'kafka_bootstrap = "10.0.0.1:9092"' in out
    assert 'consumer_group = "from-env"' in out
    assert "hunter2" not in out and "s3cret" not in out
    assert 'smtp_password = "***"' in out


def test_prometheus_client_is_not_imported_before_run_sets_the_multiprocess_dir():
    """Imported earlier, the daemon's own counters (emails sent, items fetched) would live in
    memory and never show on /metrics, which reads the multi-process files."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys\nfrom wirewatch import cli\nfrom wirewatch.cli import stream\n"
            "stream.cmd_run = lambda args, app: print('prometheus_client' in sys.modules) or 0\n"
            "sys.exit(cli.main(['run']))\n")
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=Path(cli.__file__).resolve().parents[2], env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_without_the_bench_package_help_works_and_bench_says_what_is_missing():
    """The Docker image installs the stages, not bench/: --help must not need it, and the
    commands that do say how to get it instead of a traceback."""
    import subprocess
    import sys

    code = ("import sys\nsys.modules['bench'] = None\nfrom wirewatch import cli\n"
            "try:\n    cli.main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
            "sys.exit(cli.main(['eval', 'ner', '--limit', '1']))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == cli.EXIT_USAGE, done.stderr
    assert "bench" in done.stdout and "needs bench/" in done.stderr and "Traceback" not in done.stderr
