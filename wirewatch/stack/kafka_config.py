"""Pure configuration of the local Kafka broker: paths, server.properties, log4j2, JVM flags.

Layout under <stack_dir>/kafka: libs/ (jars), config/ (server.properties, log4j2.yaml),
data/ (log.dirs), logs/ (server.log, console.log), cluster.id, kafka.pid.
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from pathlib import Path

from wirewatch.stack.prereqs import StackError
from wirewatch.stack.processes import loopback_ipv4

HEAP = ("-Xms512m", "-Xmx1g")
# The flags Apache's kafka-run-class.sh / kafka-server-start.sh pass (heap aside).
JVM_FLAGS = (
    "-server", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
    "-XX:MaxInlineLevel=15", "-Djava.awt.headless=true",
)

# log4j2 reads YAML thanks to jackson-dataformat-yaml in the pom; ${sys:kafka.logs.dir}
# comes from -Dkafka.logs.dir so the file never embeds a path.
LOG4J2_YAML = """\
# Written by `wirewatch stack up` on every start; edits are overwritten.
Configuration:
  name: wirewatch-kafka
  Properties:
    Property:
      - name: logPattern
        value: "[%d] %p %m (%c)%n"
  Appenders:
    RollingFile:
      - name: ServerAppender
        fileName: "${sys:kafka.logs.dir}/server.log"
        filePattern: "${sys:kafka.logs.dir}/server.log.%i"
        PatternLayout:
          pattern: "${logPattern}"
        Policies:
          SizeBasedTriggeringPolicy:
            size: 50MB
        DefaultRolloverStrategy:
          max: 3
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: ServerAppender
    Logger:
      - name: kafka.request.logger
        level: WARN
      - name: kafka.network.RequestChannel$
        level: WARN
      - name: state.change.logger
        level: WARN
"""


@dataclass(frozen=True)
class KafkaPaths:
    """Where the broker keeps everything, derived from settings.stack_dir."""

    root: Path

    @property
    def libs(self) -> Path:
        return self.root / "libs"

    @property
    def libs_marker(self) -> Path:
        return self.libs / ".complete.json"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def properties(self) -> Path:
        return self.config / "server.properties"

    @property
    def log4j(self) -> Path:
        return self.config / "log4j2.yaml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def server_log(self) -> Path:
        return self.logs / "server.log"

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"

    @property
    def cluster_id(self) -> Path:
        return self.root / "cluster.id"

    @property
    def formatted_for(self) -> Path:
        return self.root / "controller.address"

    @property
    def pidfile(self) -> Path:
        return self.root / "kafka.pid"


def kafka_paths(stack_dir: Path) -> KafkaPaths:
    return KafkaPaths(Path(stack_dir).resolve() / "kafka")


def parse_bootstrap(bootstrap: str) -> tuple[str, int]:
    """(host, port) of the first bootstrap server; it must be a loopback address.

    The local stack runs one broker on loopback, so only the first entry matters.
    """
    first = bootstrap.split(",")[0].strip()
    if "://" in first:
        first = first.split("://", 1)[1]
    host, sep, port_text = first.rpartition(":")
    if not sep or not host or not port_text.isdigit():
        raise StackError(f"settings.kafka_bootstrap={bootstrap!r} is not host:port (e.g. 127.0.0.1:9092)")
    port = int(port_text)
    if not 1 <= port <= 65534:  # the controller listens on port+1
        raise StackError(f"settings.kafka_bootstrap={bootstrap!r}: port must be 1-65534")
    if loopback_ipv4(host) is None:
        raise StackError(
            f"settings.kafka_bootstrap={bootstrap!r} is not a local address; `wirewatch stack` "
            "only runs a broker on 127.0.0.1: set WIREWATCH_KAFKA_BOOTSTRAP=127.0.0.1:<port>, "
            "or run that remote broker yourself"
        )
    return host, port


def check_version(version: str) -> None:
    """The config written here (KRaft --standalone, log4j2) needs Kafka >= 4.0.1."""
    try:
        parts = tuple(int(p) for p in version.split(".")[:3])
    except ValueError:
        raise StackError(f"settings.kafka_version={version!r} is not a version like 4.1.1") from None
    if parts < (4,):
        raise StackError(
            f"settings.kafka_version={version} is not supported: the local stack runs Kafka 4.x "
            "(KRaft `format --standalone`, log4j2); set WIREWATCH_KAFKA_VERSION=4.1.1"
        )
    if parts == (4, 0, 0):
        raise StackError(
            "settings.kafka_version=4.0.0 dropped JoinGroup v0-1 (restored in 4.0.1); "
            "set WIREWATCH_KAFKA_VERSION=4.1.1"
        )


def _prop_value(value: str) -> str:
    """Escape for java.util.Properties, which reads ISO-8859-1 and treats \\ as escape."""
    out = value.replace("\\", "\\\\")
    return "".join(c if ord(c) < 128 else f"\\u{ord(c):04x}" for c in out)


def server_properties(host: str, port: int, data_dir: Path) -> str:
    """Single-node combined broker+controller KRaft config (controller on port+1)."""
    bind = loopback_ipv4(host) or "127.0.0.1"
    controller = f"{bind}:{port + 1}"
    props = {
        "process.roles": "broker,controller",
        "node.id": "1",
        # bootstrap.servers (not static voters) pairs with `format --standalone`.
        "controller.quorum.bootstrap.servers": controller,
        "listeners": f"PLAINTEXT://{bind}:{port},CONTROLLER://{controller}",
        "advertised.listeners": f"PLAINTEXT://{host}:{port},CONTROLLER://{controller}",
        "inter.broker.listener.name": "PLAINTEXT",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
        "log.dirs": str(data_dir),
        "num.partitions": "4",
        "auto.create.topics.enable": "true",
        "default.replication.factor": "1",
        "min.insync.replicas": "1",
        # One node: every internal topic has replication 1; few partitions start fast on 2 cores.
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "4",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "4",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        # Fast consumer-group tests: no join delay, short sessions allowed.
        "group.initial.rebalance.delay.ms": "0",
        "group.min.session.timeout.ms": "1000",
        "num.recovery.threads.per.data.dir": "1",
    }
    lines = ["# Written by `wirewatch stack up` on every start; edits are overwritten."]
    lines += [f"{key}={_prop_value(value)}" for key, value in props.items()]
    return "\n".join(lines) + "\n"


def jvm_command(java: str, paths: KafkaPaths, main: list[str], heap: tuple[str, ...] = HEAP) -> list[str]:
    """`java ... <main>` with Kafka's classpath, logging and GC flags."""
    return [
        java, *heap, *JVM_FLAGS,
        f"-Dkafka.logs.dir={paths.logs}",
        f"-Dlog4j2.configurationFile={paths.log4j}",
        "-cp", str(paths.libs / "*"),  # the JVM expands dir/* to every jar in it
        *main,
    ]


def new_cluster_id() -> str:
    """Same shape as Kafka's Uuid.randomUuid(): 16 random bytes, url-safe base64, no padding.

    Generated here to save a JVM start; Kafka rejects ids starting with '-'.
    """
    while True:
        cid = base64.urlsafe_b64encode(secrets.token_bytes(16)).decode().rstrip("=")
        if not cid.startswith("-"):
            return cid
