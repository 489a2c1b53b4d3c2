"""Typed settings, read from WIREWATCH_* environment variables.

Nothing here connects to anything; clients are built lazily in bootstrap.
"""
from __future__ import annotations

import difflib
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict, TomlConfigSettingsSource

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob wirewatch reads. Each field maps to WIREWATCH_<NAME>.

    Precedence: explicit arguments, then environment, then the TOML file named by
    WIREWATCH_CONFIG_FILE (keys are the field names, e.g. `kafka_bootstrap = "..."`).
    """

    # extra="forbid": a misspelt key in the TOML file is an error, not silently ignored.
    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", extra="forbid")

    kafka_bootstrap: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma separated."
    )
    topic_prefix: str = Field(
        "wirewatch", description="Prefix of every Kafka topic name (items, dead letters)."
    )
    topic_partitions: int = Field(4, ge=1, description="Partitions for topics wirewatch creates.")
    consumer_group: str = Field("wirewatch-consumer", description="Kafka consumer group id.")
    database_url: str = Field(
        "postgresql+psycopg://wirewatch:wirewatch@127.0.0.1:54329/wirewatch",
        description="SQLAlchemy URL of the PostgreSQL database.",
    )
    db_schema: str = Field("public", description="PostgreSQL schema that holds the tables.")
    topics_file: Path = Field(
        PROJECT_ROOT / "config" / "topics.yaml", description="Watched topics (YAML)."
    )
    watchlist_file: Path = Field(
        PROJECT_ROOT / "config" / "watchlist.yaml",
        description="Opposition parties and people with aliases (YAML).",
    )
    parties_dir: Path = Field(
        PROJECT_ROOT / "config" / "parties",
        description="Knowledge base of parties and leading figures with dated roles (YAML files).",
    )
    stack_dir: Path = Field(
        PROJECT_ROOT / ".stack", description="Where `wirewatch stack` keeps jars, data and logs."
    )
    kafka_version: str = Field("4.1.1", description="Apache Kafka version the local stack runs.")
    smtp_host: str = Field("127.0.0.1", description="SMTP server host.")
    smtp_port: int = Field(1025, description="SMTP server port.")
    smtp_user: str = Field("", description="SMTP user name (empty: no AUTH).")
    smtp_password: SecretStr = Field(SecretStr(""), description="SMTP password.")
    smtp_security: str = Field("none", description="none, starttls or ssl.")
    mail_from: str = Field("wirewatch@localhost", description="From address of alert emails.")
    alert_recipients: str = Field(
        "", description="Comma-separated default recipients of alert emails."
    )
    feeds_file: Path = Field(
        PROJECT_ROOT / "config" / "feeds.yaml", description="Polled feeds and watched drop directories (YAML)."
    )
    delivery_file: Path = Field(
        PROJECT_ROOT / "config" / "delivery.yaml", description="Email delivery rules (YAML)."
    )
    notify_max_attempts: int = Field(5, ge=1, description="SMTP tries before a delivery is marked failed.")
    notify_backoff_seconds: float = Field(
        30.0, gt=0, description="First retry delay; doubles per try (max 1h)."
    )
    notify_sending_timeout_seconds: float = Field(
        300.0, gt=0, description="A delivery still 'sending' after this is marked uncertain, never resent."
    )
    notify_poll_seconds: float = Field(10.0, gt=0, description="Notifier loop interval.")
    prune_older_than: str = Field(
        "", description="`wirewatch run` clears item bodies and mentions older than this once a day "
                        "(e.g. 90d, 12h, 4w; empty: off). Alerts and their evidence are kept."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="Log level (DEBUG, INFO, WARNING, ERROR)."
    )
    log_format: Literal["text", "json"] = Field("text", description="text, or json for structured logs.")
    metrics_port: int = Field(
        0, ge=0, le=65535, description="Port of the /healthz and /metrics HTTP endpoint (0: off)."
    )
    consumer_processes: int = Field(
        0, ge=0, description="Items-stage processes `wirewatch run` starts (0: one per core)."
    )
    analysis_budget_seconds: float = Field(
        10.0, gt=0, le=3600,
        description="Wall-time budget for analysing one item; an item over it is dead-lettered "
                    "('analysis exceeded N s') and the rest of the batch goes on.",
    )
    analysis_memory_budget_mb: float = Field(
        1024.0, gt=0, description="Memory (MB above the idle analysis process) one item may use.",
    )
    analysis_isolation: bool = Field(
        True, description="Analyse in a child process that is killed and replaced when an item goes "
                          "over budget. Turn off only to debug analysis in one process.",
    )
    analysis_max_chars: int = Field(
        20_000, ge=1000, description="Characters of one story analysed (headline first); the full story is "
                                     "still stored, and the cut is noted in items.limits.",
    )
    analysis_max_tokens: int = Field(
        5_000, ge=200, description="Tokens of one story given to spaCy, which sets its time and memory.",
    )
    heartbeat_dir: Path = Field(
        PROJECT_ROOT / ".stack" / "heartbeats",
        description="Where running stages write heartbeats that /healthz and `wirewatch check` read.",
    )
    heartbeat_stale_seconds: float = Field(
        60.0, gt=0, description="A stage whose last heartbeat is older than this is reported unhealthy.",
    )
    bench_worst_case_limit: int | None = Field(
        None, ge=1, description="`wirewatch bench` phase (h): at most this many items per corpus "
                                "(default: all); --worst-case-limit overrides it.",
    )
    feed_allow_private: bool = Field(
        False, description="Let feeds and `produce URL` fetch loopback, private and link-local addresses."
    )
    feed_allow_hosts: str = Field(
        "", description="Comma-separated host names and addresses/CIDRs feeds may fetch even though "
                        "they are not public (e.g. 127.0.0.1,feeds.internal,10.0.0.0/8)."
    )
    feed_user_agent: str = Field(
        "wirewatch/0.1 (+https://github.com/wirewatch/wirewatch)",
        description="User-Agent header of feed fetches.",
    )

    web_host: str = Field(
        "127.0.0.1", description="Address the analyst console (`wirewatch web`) listens on; loopback by default.",
    )
    web_port: int = Field(
        0, ge=0, le=65535, description="Port of the analyst console. `wirewatch web` uses 8080 when this is 0; "
                                       "`wirewatch run` starts the console only when it is set.",
    )
    web_session_minutes: int = Field(
        480, ge=1, le=43_200, description="A console login lasts this long, then the analyst logs in again.",
    )
    web_secure_cookies: bool = Field(
        True, description="Mark the console's session cookie Secure (browsers still send it to "
                          "http://127.0.0.1 and localhost). Turn off only behind a plain-HTTP proxy on another host.",
    )
    web_login_attempts: int = Field(
        5, ge=1, description="Failed console logins allowed per address and user name in 5 minutes; "
                             "further tries are refused with HTTP 429 until the window passes.",
    )

    def delivery_rules_file(self) -> Path:
        """The delivery rules file, resolved here and only here.

        WIREWATCH_DELIVERY_FILE, as set when this is called, wins even over an explicit
        `delivery_file=` argument (as it always has: the notifier and the items stage must
        read the same file as the operator's environment says); then `delivery_file`."""
        env = os.environ.get("WIREWATCH_DELIVERY_FILE")
        if env:
            return Path(env)
        return self.delivery_file

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings,
                                   dotenv_settings, file_secret_settings):
        sources = [init_settings, env_settings]
        config_file = os.environ.get("WIREWATCH_CONFIG_FILE")
        if config_file:
            if not Path(config_file).is_file():
                raise ConfigError(f"WIREWATCH_CONFIG_FILE={config_file}: no such file")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


class ConfigError(ValueError):
    """A configuration problem, worded so the user knows which key to fix and how."""


def explain(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        key = ".".join(str(p) for p in error["loc"]) or "<settings>"
        env = f"WIREWATCH_{key.upper()}"
        expected = Settings.model_fields.get(key)
        hint = f" (expected: {expected.description})" if expected and expected.description else ""
        if error["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, Settings.model_fields, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(sorted(Settings.model_fields))}"
            lines.append(f"unknown setting {key!r}: {hint}")
        else:
            lines.append(f"bad value for {key} / {env}: {error['msg']}{hint}")
    return "configuration error:\n  " + "\n  ".join(lines)


SECRET_FIELDS = {"smtp_password"}


def masked(settings: Settings) -> dict:
    """The effective configuration with secrets (and URL passwords) masked."""
    out = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if name in SECRET_FIELDS:
            value = "***" if value.get_secret_value() else ""
        elif name == "database_url":
            value = _mask_url(value)
        out[name] = str(value) if isinstance(value, Path) else value
    return out


def _mask_url(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    user = creds.split(":", 1)[0]
    return f"{scheme}{sep}{user}:***@{host}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


# prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself, once, at import: it is a process-wide
# switch rather than a setting, so it is read and set here and nowhere else.
METRICS_MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def metrics_multiproc_dir() -> str | None:
    """The directory prometheus_client shares between processes, when set."""
    return os.environ.get(METRICS_MULTIPROC_ENV) or None


def use_metrics_multiproc_dir(path: str) -> None:
    """Set it for this process and the children it starts (before prometheus_client is imported)."""
    os.environ[METRICS_MULTIPROC_ENV] = path


def process_environment() -> dict[str, str]:
    """A copy of this process's environment, for the processes the local stack starts (PATH,
    JAVA_HOME): they need it, but wirewatch itself reads its configuration only through Settings."""
    return dict(os.environ)
