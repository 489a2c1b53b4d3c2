"""Pure checks of `wirewatch stack`: generated configs, URL parsing, prerequisite messages.

Nothing here starts a server or touches the network.
"""
from __future__ import annotations

import base64
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from wirewatch.settings import PROJECT_ROOT, Settings
from wirewatch.stack import format_status
from wirewatch.stack import kafka_broker as kb
from wirewatch.stack import kafka_config as kc
from wirewatch.stack import postgres_server as pg
from wirewatch.stack import prereqs
from wirewatch.stack.prereqs import StackError
from wirewatch.stack.processes import loopback_ipv4, pid_alive, read_pid, tail


def _props(text: str) -> dict[str, str]:
    return dict(
        line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#")
    )


# --- Kafka --------------------------------------------------------------------------


def test_parse_bootstrap_takes_first_local_server() -> None:
    assert kc.parse_bootstrap("127.0.0.1:9092") == ("127.0.0.1", 9092)
    assert kc.parse_bootstrap(" localhost:19092 , 127.0.0.1:9093") == ("localhost", 19092)
    assert kc.parse_bootstrap("PLAINTEXT://127.0.0.1:9092") == ("127.0.0.1", 9092)


@pytest.mark.parametrize("bad", ["kafka.example.com:9092", "10.0.0.5:9092", "[::1]:9092"])
def test_parse_bootstrap_rejects_remote_hosts(bad: str) -> None:
    with pytest.raises(StackError, match="not a local address"):
        kc.parse_bootstrap(bad)


@pytest.mark.parametrize("bad", ["127.0.0.1", "127.0.0.1:x", "127.0.0.1:65535"])
def test_parse_bootstrap_rejects_bad_ports(bad: str) -> None:
    with pytest.raises(StackError, match="kafka_bootstrap"):
        kc.parse_bootstrap(bad)


def test_server_properties_single_node_kraft(tmp_path: Path) -> None:
    props = _props(kc.server_properties("127.0.0.1", 9092, tmp_path / "data"))
    assert props["process.roles"] == "broker,controller"
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093"
    assert props["controller.quorum.bootstrap.servers"] == "127.0.0.1:9093"
    assert "controller.quorum.voters" not in props  # would clash with format --standalone
    assert props["log.dirs"] == str(tmp_path / "data")
    required = {
        "group.min.session.timeout.ms": "1000",
        "group.initial.rebalance.delay.ms": "0",
        "num.partitions": "4",
        "auto.create.topics.enable": "true",
        "offsets.topic.num.partitions": "4",
        "offsets.topic.replication.factor": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
    }
    assert {k: props[k] for k in required} == required


def test_server_properties_follow_bootstrap_port_and_host() -> None:
    props = _props(kc.server_properties("localhost", 19092, Path("/d")))
    assert props["listeners"] == "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093"
    assert props["advertised.listeners"].startswith("PLAINTEXT://localhost:19092,")


def test_server_properties_escape_for_java_properties() -> None:
    # java.util.Properties reads ISO-8859-1 and treats backslash as an escape.
    text = kc.server_properties("127.0.0.1", 9092, Path("/home/josé/a\\b"))
    text.encode("ascii")
    assert "log.dirs=/home/jos\\u00e9/a\\\\b" in text


def test_jvm_command_uses_heap_classpath_and_log4j(tmp_path: Path) -> None:
    paths = kc.KafkaPaths(tmp_path / "kafka")
    cmd = kc.jvm_command("/usr/bin/java", paths, ["kafka.Kafka", str(paths.properties)])
    assert cmd[:3] == ["/usr/bin/java", "-Xms512m", "-Xmx1g"]
    assert f"-Dlog4j2.configurationFile={paths.log4j}" in cmd
    assert f"-Dkafka.logs.dir={paths.logs}" in cmd
    assert cmd[cmd.index("-cp") + 1] == str(paths.libs / "*")
    assert cmd[-2:] == ["kafka.Kafka", str(paths.properties)]


def test_log4j2_yaml_logs_to_a_file_under_kafka_logs_dir() -> None:
    config = yaml.safe_load(kc.LOG4J2_YAML)["Configuration"]
    appender = config["Appenders"]["RollingFile"][0]
    assert appender["fileName"] == "${sys:kafka.logs.dir}/server.log"
    assert config["Loggers"]["Root"]["AppenderRef"][0]["ref"] == appender["name"]


@pytest.mark.parametrize("version", ["3.9.1", "4.0.0", "four"])
def test_check_version_rejects_unsupported(version: str) -> None:
    with pytest.raises(StackError, match="kafka_version"):
        kc.check_version(version)


def test_check_version_accepts_4_1() -> None:
    kc.check_version("4.1.1")
    kc.check_version("4.0.1")


def test_new_cluster_id_looks_like_a_kafka_uuid() -> None:
    for _ in range(200):
        cid = kc.new_cluster_id()
        assert len(cid) == 22 and not cid.startswith("-")
        assert len(base64.urlsafe_b64decode(cid + "==")) == 16


def test_libs_complete_needs_marker_for_same_version_and_pom(tmp_path: Path) -> None:
    paths = kc.KafkaPaths(tmp_path / "kafka")
    assert not kb.libs_complete(paths, "4.1.1")
    paths.libs.mkdir(parents=True)
    (paths.libs / "kafka_2.13-4.1.1.jar").write_bytes(b"")
    marker = {"version": "4.1.1", "pom_sha256": kb._pom_digest(), "jars": ["kafka_2.13-4.1.1.jar"]}
    paths.libs_marker.write_text(json.dumps(marker))
    assert kb.libs_complete(paths, "4.1.1")
    assert not kb.libs_complete(paths, "4.1.2")
    (paths.libs / "kafka_2.13-4.1.1.jar").unlink()
    assert not kb.libs_complete(paths, "4.1.1")


def test_pom_lists_broker_and_release_only_jars() -> None:
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    root = ET.parse(PROJECT_ROOT / "stack" / "kafka" / "pom.xml").getroot()
    assert root.findtext("m:packaging", namespaces=ns) == "pom"
    properties = {el.tag.split("}")[1]: el.text for el in root.find("m:properties", ns)}

    def resolve(text: str) -> str:
        return properties[text[2:-1]] if text.startswith("${") else text

    deps = {
        d.findtext("m:artifactId", namespaces=ns): resolve(d.findtext("m:version", namespaces=ns))
        for d in root.findall("m:dependencies/m:dependency", ns)
    }
    assert deps == {
        "kafka_2.13": "4.1.1",
        "slf4j-api": "1.7.36",
        "log4j-slf4j-impl": "2.24.3",
        "log4j-1.2-api": "2.24.3",
        "jackson-dataformat-yaml": "2.19.0",
    }
    assert Settings.model_fields["kafka_version"].default == properties["kafka.version"]


# --- PostgreSQL ---------------------------------------------------------------------


def test_parse_database_url_default_settings() -> None:
    target = pg.parse_database_url(Settings.model_fields["database_url"].default)
    assert target == pg.PgTarget("127.0.0.1", 54329, "wirewatch", "wirewatch", "wirewatch")


def test_parse_database_url_decodes_and_defaults_port() -> None:
    target = pg.parse_database_url("postgresql://u%40x:p%2Fw%3A@localhost/db%20name")
    assert (target.user, target.password, target.dbname, target.port) == ("u@x", "p/w:", "db name", 5432)


def test_parse_database_url_rejects_other_schemes() -> None:
    with pytest.raises(StackError, match="postgresql://"):
        pg.parse_database_url("mysql://u:p@127.0.0.1/db")


def test_loopback_ipv4() -> None:
    assert loopback_ipv4("localhost") == "127.0.0.1"
    assert loopback_ipv4("127.0.0.1") == "127.0.0.1"
    assert loopback_ipv4("db.example.com") is None
    assert loopback_ipv4("::1") is None  # we only listen on IPv4 loopback


def test_pick_locale_prefers_utf8() -> None:
    assert pg.pick_locale(["C", "C.utf8", "POSIX"]) == "C.UTF-8"
    assert pg.pick_locale(["C", "en_US.utf8"]) == "en_US.UTF-8"
    assert pg.pick_locale(["C", "POSIX"]) is None


def test_server_conf_keeps_fsync_default() -> None:
    conf = pg.server_conf("127.0.0.1", 54329, Path("/var/lib/wirewatch/abc"))
    assert "listen_addresses = '127.0.0.1'" in conf
    assert "port = 54329" in conf
    assert "unix_socket_directories = '/var/lib/wirewatch/abc'" in conf
    assert "fsync" not in conf


def test_cluster_base_as_root_is_per_stack_dir_and_traversable(tmp_path: Path) -> None:
    a = pg.cluster_base(tmp_path / "a", as_root=True)
    b = pg.cluster_base(tmp_path / "b", as_root=True)
    assert a.parent == pg.ROOT_BASE and b.parent == pg.ROOT_BASE and a != b
    assert pg.cluster_base(tmp_path / "a", as_root=False) == (tmp_path / "a").resolve()


def test_socket_dir_falls_back_to_tmp_for_long_paths() -> None:
    assert pg.socket_dir_for(Path("/short")) == Path("/short")
    assert pg.socket_dir_for(Path("/" + "x" * 120)) == Path("/tmp")


def test_sql_literal_doubles_quotes() -> None:
    assert pg._sql_literal("it's") == "'it''s'"


# --- prerequisites ------------------------------------------------------------------


def _fake_tool(directory: Path, name: str, script: str) -> None:
    tool = directory / name
    tool.write_text("#!/bin/sh\n" + script + "\n")
    tool.chmod(0o755)


@pytest.mark.parametrize(
    ("output", "major"),
    [('openjdk version "17.0.15" 2025-04-15', 17), ('java version "1.8.0_392"', 8),
     ('openjdk version "21" 2023-09-19', 21), ("garbage", None)],
)
def test_java_major(output: str, major: int | None) -> None:
    assert prereqs.java_major(output) == major


def test_require_java_missing_says_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(StackError) as err:
        prereqs.require_java({"PATH": str(tmp_path)})
    assert "Java 17+ not found" in str(err.value)
    assert "apt-get install -y openjdk-17-jdk-headless" in str(err.value)


def test_require_java_too_old(tmp_path: Path) -> None:
    _fake_tool(tmp_path, "java", """echo 'openjdk version "11.0.22" 2024-01-16' >&2""")
    with pytest.raises(StackError, match="found Java 11"):
        prereqs.require_java({"PATH": str(tmp_path)})


def test_require_java_17_ok_and_java_home_wins(tmp_path: Path) -> None:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    _fake_tool(home / "bin", "java", """echo 'openjdk version "17.0.15" 2025-04-15' >&2""")
    _fake_tool(tmp_path, "java", """echo 'java version "1.8.0_392"' >&2""")
    env = {"PATH": str(tmp_path), "JAVA_HOME": str(home)}
    assert prereqs.require_java(env) == str(home / "bin" / "java")


def test_require_maven_missing(tmp_path: Path) -> None:
    with pytest.raises(StackError) as err:
        prereqs.require_maven({"PATH": str(tmp_path)})
    assert "Maven (`mvn`) not found" in str(err.value)
    assert "apt-get install -y maven" in str(err.value)


def test_install_postgres_without_apt_get(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="apt-get is not available"):
        prereqs.install_postgres(print, {"PATH": str(tmp_path)})


def test_find_postgres_bindir_takes_newest_complete(tmp_path: Path) -> None:
    for major, tools in (("13", prereqs.POSTGRES_TOOLS), ("15", prereqs.POSTGRES_TOOLS), ("16", ("psql",))):
        bindir = tmp_path / major / "bin"
        bindir.mkdir(parents=True)
        for tool in tools:
            (bindir / tool).touch()
    assert prereqs.find_postgres_bindir(tmp_path) == tmp_path / "15" / "bin"
    assert prereqs.find_postgres_bindir(tmp_path, prefer="13") == tmp_path / "13" / "bin"
    assert prereqs.find_postgres_bindir(tmp_path / "none") is None


# --- process plumbing ---------------------------------------------------------------


def test_pid_alive_treats_zombies_as_dead() -> None:
    assert pid_alive(os.getpid())
    child = subprocess.Popen(["true"])
    for _ in range(200):  # exited but not yet reaped: a zombie
        if Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
            break
        subprocess.run(["sleep", "0.01"])
    assert not pid_alive(child.pid)
    child.wait()
    assert not pid_alive(child.pid)
    assert not pid_alive(None)


def test_read_pid_and_tail(tmp_path: Path) -> None:
    (tmp_path / "x.pid").write_text("1234\n/data\n")
    assert read_pid(tmp_path / "x.pid") == 1234
    assert read_pid(tmp_path / "missing.pid") is None
    (tmp_path / "log").write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail(tmp_path / "log", 3) == "line 97\nline 98\nline 99"
    assert tail(tmp_path / "missing") == ""


def test_format_status_lines() -> None:
    text = format_status({
        "kafka": {"state": "running", "pid": 42, "address": "127.0.0.1:9092", "data_dir": "/k"},
        "postgres": {"state": "stopped", "pid": None, "address": "127.0.0.1:54329", "data_dir": None},
    })
    assert text.splitlines()[0].split() == ["kafka", "running", "pid", "42", "127.0.0.1:9092", "data", "/k"]
    assert "stopped" in text.splitlines()[1]
