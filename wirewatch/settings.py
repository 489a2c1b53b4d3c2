"""Typed settings, read from WIREWATCH_* environment variables.

Nothing here connects to anything; clients are built lazily in bootstrap.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every knob wirewatch reads. Each field maps to WIREWATCH_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="WIREWATCH_", extra="ignore")

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
    log_level: str = Field("INFO", description="Log level (DEBUG, INFO, WARNING, ERROR).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
