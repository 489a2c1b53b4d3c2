"""docker-compose.yml / Dockerfile consistency checks.

No Docker engine is needed: the compose file is parsed with yaml.safe_load and
cross-checked against wirewatch.settings.Settings, so it is right by construction.
"""
from __future__ import annotations

import base64
import json
import re
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # allow running without an installed package
    sys.path.insert(0, str(ROOT))

from wirewatch.settings import Settings  # noqa: E402

COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

INFRA = ("kafka", "postgres", "mailpit")
APP = ("migrate", "producer", "consumer", "notifier")
LONG_RUNNING = ("consumer", "notifier")
# infra each wirewatch service needs at least
NEEDS = {
    "migrate": {"postgres"},
    "producer": {"kafka"},
    "consumer": {"kafka", "postgres"},
    "notifier": {"postgres", "mailpit"},
}
PREFIX = "WIREWATCH_"


# ---------------------------------------------------------------- helpers
@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def env_of(service: dict) -> dict[str, str]:
    """Compose environment as a dict (both mapping and list syntax)."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        out = {}
        for item in env:
            key, _, value = str(item).partition("=")
            out[key] = value
        return out
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def wirewatch_env(service: dict) -> dict[str, str]:
    return {k: v for k, v in env_of(service).items() if k.startswith(PREFIX)}


def settings_for(service: dict, monkeypatch) -> Settings:
    """Settings as the container would build them: only the service's WIREWATCH_* env."""
    import os

    for key in list(os.environ):
        if key.upper().startswith(PREFIX):
            monkeypatch.delenv(key, raising=False)
    for key, value in wirewatch_env(service).items():
        monkeypatch.setenv(key, value)
    return Settings()


def published(service: dict) -> dict[int, tuple[str | None, int]]:
    """container port -> (host ip or None, host port), short and long syntax."""
    out = {}
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            out[int(entry["target"])] = (entry.get("host_ip"), int(entry["published"]))
            continue
        parts = str(entry).split("/")[0].split(":")
        if len(parts) == 3:
            ip, host, target = parts
        elif len(parts) == 2:
            ip, (host, target) = None, parts
        else:
            raise AssertionError(f"port {entry!r} is not published to the host")
        out[int(target)] = (ip, int(host))
    return out


def listeners(spec: str) -> dict[str, tuple[str, int]]:
    """'PLAINTEXT://:9092,EXTERNAL://localhost:29092' -> {name: (host, port)}."""
    out = {}
    for item in spec.split(","):
        name, _, addr = item.strip().partition("://")
        host, _, port = addr.rpartition(":")
        out[name] = (host, int(port))
    return out


def bootstrap_servers(value: str) -> list[tuple[str, int]]:
    out = []
    for item in value.split(","):
        host, _, port = item.strip().rpartition(":")
        out.append((host, int(port)))
    return out


def command_of(service: dict) -> list[str]:
    cmd = service.get("command") or []
    return shlex.split(cmd) if isinstance(cmd, str) else [str(c) for c in cmd]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, args) with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    return out


# ---------------------------------------------------------------- (a) services
def test_services_exist(services):
    for name in INFRA + APP:
        assert name in services, f"service {name!r} missing from docker-compose.yml"


def test_images(services):
    assert services["kafka"]["image"] == "apache/kafka:4.1.1"
    assert services["postgres"]["image"] == "postgres:16"
    assert services["mailpit"]["image"].split(":")[0] == "axllent/mailpit"
    for name in APP:
        build = services[name].get("build")
        assert build, f"{name} must be built from the repo Dockerfile"
        if isinstance(build, dict):
            assert build.get("context", ".") == "."
            assert build.get("dockerfile", "Dockerfile") == "Dockerfile"
        else:
            assert build == "."


def test_commands(services):
    assert command_of(services["migrate"]) == ["db", "upgrade"]
    assert command_of(services["producer"])[0] == "produce"
    assert command_of(services["consumer"]) == ["consume"]
    assert command_of(services["notifier"]) == ["notify"]


def test_producer_samples_path_is_in_image(services):
    """`produce /app/samples/wire` works only if the Dockerfile puts samples/ there."""
    args = command_of(services["producer"])[1:]
    workdir = next(a for i, a in dockerfile_instructions() if i == "WORKDIR")
    copies = [a.split() for i, a in dockerfile_instructions() if i == "COPY"]
    assert ["samples/", "samples/"] in copies or ["samples", "samples"] in copies
    for arg in args:
        if arg.startswith("/"):
            assert arg.startswith(workdir.rstrip("/") + "/samples"), arg


def test_shared_env_is_not_repeated():
    """The WIREWATCH_* block is written once (anchor / x- extension), not per service."""
    text = COMPOSE_FILE.read_text()
    assert re.search(r"^x-wirewatch[\w-]*:\s*&", text, re.M), "use an x-wirewatch anchor"
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert len(re.findall(r"WIREWATCH_DATABASE_URL\s*[:=]", code)) == 1


# ---------------------------------------------------------------- (b) env vs Settings
def test_every_wirewatch_var_is_a_settings_field(services):
    fields = set(Settings.model_fields)
    seen = 0
    for name, service in services.items():
        for key in wirewatch_env(service):
            field = key[len(PREFIX):].lower()
            assert field in fields, f"{name}: {key} is not a Settings field"
            seen += 1
    assert seen, "no WIREWATCH_* variables found"


@pytest.mark.parametrize("name", APP)
def test_settings_accept_service_env(services, monkeypatch, name):
    env = wirewatch_env(services[name])
    for required in ("WIREWATCH_KAFKA_BOOTSTRAP", "WIREWATCH_DATABASE_URL",
                     "WIREWATCH_SMTP_HOST", "WIREWATCH_SMTP_PORT",
                     "WIREWATCH_ALERT_RECIPIENTS"):
        assert env.get(required), f"{name}: {required} not set"
    s = settings_for(services[name], monkeypatch)
    assert s.kafka_bootstrap == env["WIREWATCH_KAFKA_BOOTSTRAP"]
    assert s.database_url == env["WIREWATCH_DATABASE_URL"]
    assert s.database_url.startswith("postgresql+psycopg://")
    assert s.smtp_port == int(env["WIREWATCH_SMTP_PORT"])
    assert all("@" in r for r in s.alert_recipients.split(",") if r.strip())
    assert s.alert_recipients.strip()
    if "WIREWATCH_TOPIC_PARTITIONS" in env:
        assert s.topic_partitions == int(env["WIREWATCH_TOPIC_PARTITIONS"])
    # config files live in the image, not next to site-packages
    assert str(s.topics_file).startswith("/app/config/")


# ---------------------------------------------------------------- (c) endpoints
def test_kafka_bootstrap_matches_a_listener(services):
    kenv = env_of(services["kafka"])
    listen = listeners(kenv["KAFKA_LISTENERS"])
    advertised = listeners(kenv["KAFKA_ADVERTISED_LISTENERS"])
    for name in APP:
        for host, port in bootstrap_servers(wirewatch_env(services[name])["WIREWATCH_KAFKA_BOOTSTRAP"]):
            assert host == "kafka", f"{name}: bootstrap host must be the kafka service"
            assert (host, port) in advertised.values(), f"{name}: kafka:{port} not advertised"
            assert port in {p for _, p in listen.values()}, f"{name}: nothing listens on {port}"
    # the in-network listener must not be the controller one
    controller = kenv["KAFKA_CONTROLLER_LISTENER_NAMES"]
    assert all(port != listen[controller][1] for _, port in advertised.values())


def test_kafka_kraft_single_node(services):
    kenv = env_of(services["kafka"])
    assert set(kenv["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node = kenv["KAFKA_NODE_ID"]
    listen = listeners(kenv["KAFKA_LISTENERS"])
    assert set(listen) >= {"PLAINTEXT", "CONTROLLER", "EXTERNAL"}
    voter_id, _, voter = kenv["KAFKA_CONTROLLER_QUORUM_VOTERS"].partition("@")
    assert voter_id == node
    vhost, _, vport = voter.rpartition(":")
    assert vhost == "kafka" and int(vport) == listen["CONTROLLER"][1]
    protocol_map = dict(i.split(":") for i in kenv["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listen) <= set(protocol_map)
    for key in ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"):
        assert kenv[key] == "1", key
    assert kenv["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"
    assert kenv["KAFKA_NUM_PARTITIONS"] == "4"
    if "CLUSTER_ID" in kenv:  # kafka-storage wants a base64url-encoded 16-byte UUID
        raw = base64.urlsafe_b64decode(kenv["CLUSTER_ID"] + "==")
        assert len(raw) == 16 and len(kenv["CLUSTER_ID"]) == 22
    # data on a named volume, where the log dirs point
    vols = services["kafka"].get("volumes") or []
    log_dir = kenv.get("KAFKA_LOG_DIRS", "/tmp/kraft-combined-logs")
    assert any(str(v).split(":")[1] == log_dir for v in vols if ":" in str(v))


def test_database_url_matches_postgres(services):
    penv = env_of(services["postgres"])
    for name in APP:
        url = urlsplit(wirewatch_env(services[name])["WIREWATCH_DATABASE_URL"])
        assert url.scheme == "postgresql+psycopg"
        assert url.hostname == "postgres"
        assert (url.port or 5432) == 5432
        assert url.username == penv["POSTGRES_USER"]
        assert url.password == penv["POSTGRES_PASSWORD"]
        assert url.path.lstrip("/") == penv["POSTGRES_DB"]


@pytest.mark.parametrize("name", APP)
def test_smtp_points_at_mailpit(services, name):
    env = wirewatch_env(services[name])
    assert env["WIREWATCH_SMTP_HOST"] == "mailpit"
    assert int(env["WIREWATCH_SMTP_PORT"]) == 1025


# ---------------------------------------------------------------- (d) health / ordering
@pytest.mark.parametrize("name", INFRA)
def test_infra_has_healthcheck(services, name):
    hc = services[name].get("healthcheck")
    assert hc and hc.get("test") and not hc.get("disable")
    test = hc["test"] if isinstance(hc["test"], str) else " ".join(hc["test"])
    expected = {
        "kafka": "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092",
        "postgres": "pg_isready -U wirewatch -d wirewatch",
        "mailpit": "readyz",
    }[name]
    assert expected in test


@pytest.mark.parametrize("name", APP)
def test_app_depends_on_healthy_infra(services, name):
    deps = services[name].get("depends_on")
    assert isinstance(deps, dict), f"{name}: depends_on must use the long form with conditions"
    infra_deps = {d for d in deps if d in INFRA}
    assert infra_deps >= NEEDS[name], f"{name}: missing {NEEDS[name] - infra_deps}"
    for dep in infra_deps:
        assert deps[dep].get("condition") == "service_healthy", f"{name} -> {dep}"
    if name in LONG_RUNNING:
        assert deps.get("migrate", {}).get("condition") == "service_completed_successfully"


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_have_wirewatch_check(services, name):
    hc = services[name].get("healthcheck") or {}
    test = hc.get("test")
    assert test in (["CMD", "wirewatch", "check"], "wirewatch check", ["CMD-SHELL", "wirewatch check"])


def test_one_shots_do_not_restart(services):
    assert str(services["migrate"].get("restart", "no")) in ("no", "False", "false")


def test_consumer_is_scalable(services):
    consumer = services["consumer"]
    assert "container_name" not in consumer
    assert not consumer.get("ports"), "published host ports would block --scale consumer=N"


def test_named_volumes(compose, services):
    declared = set(compose.get("volumes") or {})
    for name in ("kafka", "postgres"):
        named = [str(v).split(":")[0] for v in services[name].get("volumes") or []]
        assert any(v in declared for v in named), f"{name} needs a named volume"


# ---------------------------------------------------------------- (e) mail reaches mailpit
def test_notifier_mail_reaches_mailpit(services):
    env = wirewatch_env(services["notifier"])
    smtp_port = int(env["WIREWATCH_SMTP_PORT"])
    mp = services["mailpit"]
    mp_env = env_of(mp)
    mp_smtp = int(mp_env.get("MP_SMTP_BIND_ADDR", ":1025").rpartition(":")[2])
    assert env["WIREWATCH_SMTP_HOST"] == "mailpit"
    assert smtp_port == mp_smtp
    assert env.get("WIREWATCH_SMTP_SECURITY", "none") == "none"  # mailpit speaks plain SMTP
    ports = published(mp)
    assert 8025 in ports, "mailpit web UI must be reachable at http://localhost:8025"
    assert ports[8025][1] == 8025
    assert "http://localhost:8025" in COMPOSE_FILE.read_text()


# ---------------------------------------------------------------- (f) Dockerfile
def test_dockerfile_entrypoint_and_install():
    ins = dockerfile_instructions()
    assert ins[0][0] == "FROM" and ins[0][1].startswith("python:3.11-slim")
    entry = [a for i, a in ins if i == "ENTRYPOINT"]
    assert entry and json.loads(entry[-1]) == ["wirewatch"]
    runs = [a for i, a in ins if i == "RUN"]
    assert any(re.search(r"pip install\b.*-c constraints\.txt\s+\.(\s|$)", r) for r in runs), \
        "the package must be installed with `pip install -c constraints.txt .`"
    # every pip install is constrained
    for r in runs:
        for cmd in re.split(r"&&|;", r):
            if "pip install" in cmd:
                assert "-c constraints.txt" in cmd, cmd


def test_dockerfile_layers_and_user():
    ins = dockerfile_instructions()
    copies = [(n, a.split()) for n, (i, a) in enumerate(ins) if i == "COPY"]
    first = copies[0][1]
    assert "pyproject.toml" in first and "constraints.txt" in first, "deps layer first"
    first_pkg = min(n for n, a in copies if a[0].rstrip("/") == "wirewatch")
    dep_install = min(n for n, (i, a) in enumerate(ins) if i == "RUN" and "pip install" in a)
    assert dep_install < first_pkg, "dependencies must install before the code is copied"
    sources = {a[0].rstrip("/") for _, a in copies}
    assert {"wirewatch", "producers", "consumers", "schemas", "config", "samples"} <= sources
    users = [a for i, a in ins if i == "USER"]
    assert users and users[-1] not in ("root", "0"), "image must run as a non-root user"


def test_dockerignore():
    ignored = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    assert {".venv", ".stack", ".git", ".pytest_cache"} <= ignored
    assert any(p.startswith("bench/results") for p in ignored)
    for needed in ("pyproject.toml", "constraints.txt", "wirewatch", "config", "samples"):
        assert needed not in ignored


# ---------------------------------------------------------------- (g) host side
def test_host_ports_agree_with_settings_defaults(services):
    defaults = Settings.model_fields
    # postgres: the default database_url is the compose postgres seen from the host
    db = urlsplit(defaults["database_url"].default)
    pg_ports = published(services["postgres"])
    assert pg_ports[5432][1] == db.port == 54329
    penv = env_of(services["postgres"])
    assert (db.username, db.password, db.path.lstrip("/")) == (
        penv["POSTGRES_USER"], penv["POSTGRES_PASSWORD"], penv["POSTGRES_DB"])
    assert pg_ports[5432][0] in (None, "127.0.0.1", "0.0.0.0")
    # mailpit SMTP: default smtp 127.0.0.1:1025 reaches compose mailpit from the host
    mp_ports = published(services["mailpit"])
    assert mp_ports[1025][1] == defaults["smtp_port"].default
    # kafka: EXTERNAL listener advertised on localhost:29092 and published there
    kenv = env_of(services["kafka"])
    assert listeners(kenv["KAFKA_ADVERTISED_LISTENERS"])["EXTERNAL"] == ("localhost", 29092)
    ext_port = listeners(kenv["KAFKA_LISTENERS"])["EXTERNAL"][1]
    assert published(services["kafka"])[ext_port][1] == 29092
    # documented for host users (Settings default 127.0.0.1:9092 is the `wirewatch stack` broker)
    assert "WIREWATCH_KAFKA_BOOTSTRAP=localhost:29092" in COMPOSE_FILE.read_text()


def test_scale_out_documented():
    text = COMPOSE_FILE.read_text()
    assert "docker compose up" in text
    assert "--scale consumer=3" in text
    assert "partition" in text.lower()
