"""A single-node KRaft Kafka broker run from Maven Central jars, without Docker.

Lifecycle only: fetch jars, format storage, start detached, wait until ready, stop.
The files it writes are described in kafka_config.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from wirewatch.settings import PROJECT_ROOT, Settings
from wirewatch.stack.kafka_config import (
    LOG4J2_YAML, KafkaPaths, check_version, jvm_command, kafka_paths, new_cluster_id,
    parse_bootstrap, server_properties,
)
from wirewatch.stack.prereqs import StackError, require_java, require_maven
from wirewatch.stack.processes import cmdline, loopback_ipv4, pid_alive, port_open, read_pid, tail

POM = PROJECT_ROOT / "stack" / "kafka" / "pom.xml"
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0


# --- jars ---------------------------------------------------------------------------


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def libs_complete(paths: KafkaPaths, version: str) -> bool:
    """True when libs/ holds every jar Maven copied for this version and pom."""
    try:
        marker = json.loads(paths.libs_marker.read_text())
    except (OSError, ValueError):
        return False
    if marker.get("version") != version or marker.get("pom_sha256") != _pom_digest():
        return False
    return bool(marker.get("jars")) and all((paths.libs / jar).is_file() for jar in marker["jars"])


def ensure_libs(paths: KafkaPaths, version: str, log: Callable[[str], None]) -> None:
    """Copy Kafka's runtime classpath from Maven Central (via ~/.m2) unless already there."""
    if libs_complete(paths, version):
        return
    if not POM.is_file():
        raise StackError(f"{POM} is missing; it lists the broker's jars (restore it from git)")
    mvn = require_maven()
    partial = paths.root / "libs.partial"  # copy aside, then swap, so libs/ is never half-filled
    shutil.rmtree(partial, ignore_errors=True)
    log(
        f"kafka: fetching Kafka {version} jars with Maven into {paths.libs} "
        "(first run downloads ~45 jars plus the dependency plugin into ~/.m2; this can take a few minutes)"
    )
    started = time.monotonic()
    cmd = [
        mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies",
        "-DincludeScope=runtime", f"-DoutputDirectory={partial}", f"-Dkafka.version={version}",
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, cwd=POM.parent, timeout=1800)
    except subprocess.TimeoutExpired:
        raise StackError("Maven did not finish fetching Kafka's jars within 30 minutes") from None
    if out.returncode != 0:
        details = "\n".join((out.stdout + out.stderr).strip().splitlines()[-30:])
        raise StackError(
            f"Maven could not fetch Kafka {version}'s jars (exit {out.returncode}); is Maven Central "
            f"reachable?\n$ {' '.join(cmd)}\n{details}"
        )
    jars = sorted(p.name for p in partial.glob("*.jar"))
    if f"kafka_2.13-{version}.jar" not in jars:
        raise StackError(f"Maven finished but kafka_2.13-{version}.jar is not among the {len(jars)} jars in {partial}")
    (partial / ".complete.json").write_text(
        json.dumps({"version": version, "pom_sha256": _pom_digest(), "jars": jars}, indent=1)
    )
    shutil.rmtree(paths.libs, ignore_errors=True)
    partial.rename(paths.libs)
    log(f"kafka: {len(jars)} jars ready in {time.monotonic() - started:.1f} s")


# --- storage and process ------------------------------------------------------------


def _cluster_id(paths: KafkaPaths) -> str:
    """The id the data dir was (or will be) formatted with; kept in cluster.id."""
    meta = paths.data / "meta.properties"
    if meta.is_file():  # the data dir is the truth; resync a lost cluster.id from it
        for line in meta.read_text().splitlines():
            if line.startswith("cluster.id="):
                cid = line.split("=", 1)[1].strip()
                paths.cluster_id.write_text(cid + "\n")
                return cid
    if paths.cluster_id.is_file():
        cid = paths.cluster_id.read_text().strip()
        if cid:
            return cid
    cid = new_cluster_id()
    paths.cluster_id.write_text(cid + "\n")
    return cid


def ensure_formatted(java: str, paths: KafkaPaths, controller: str, log: Callable[[str], None]) -> None:
    """Format KRaft storage once; never again (that would wipe the cluster's identity)."""
    cid = _cluster_id(paths)
    if (paths.data / "meta.properties").is_file():
        formatted_for = paths.formatted_for.read_text().strip() if paths.formatted_for.is_file() else controller
        if formatted_for != controller:
            # The standalone voter set stores the controller endpoint; a new port strands it.
            raise StackError(
                f"kafka: {paths.data} was formatted for controller {formatted_for}, but "
                f"settings.kafka_bootstrap now implies {controller}; restore the old port or "
                f"reset Kafka with `wirewatch stack down && rm -rf {paths.root}/data {paths.root}/cluster.id "
                f"{paths.formatted_for}`"
            )
        return
    log(f"kafka: formatting KRaft storage in {paths.data} (cluster id {cid})")
    cmd = jvm_command(
        java, paths,
        ["kafka.tools.StorageTool", "format", "--standalone", "--ignore-formatted",
         "-t", cid, "-c", str(paths.properties)],
        heap=("-Xmx256m",),
    )
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=paths.root, timeout=300)
    if out.returncode != 0:
        details = "\n".join((out.stdout + out.stderr).strip().splitlines()[-30:])
        raise StackError(f"kafka: formatting storage failed (exit {out.returncode}):\n{details}")
    paths.formatted_for.write_text(controller + "\n")


def running_pid(paths: KafkaPaths) -> int | None:
    """Pid from kafka.pid if that process is alive and is our broker (pids get reused)."""
    pid = read_pid(paths.pidfile)
    if not pid_alive(pid):
        return None
    cmd = cmdline(pid)
    if cmd and ("kafka.Kafka" not in cmd or str(paths.properties) not in cmd):
        return None
    return pid


@contextlib.contextmanager
def _quiet_kafka_client() -> Iterator[None]:
    """kafka-python logs every refused connection while the broker boots; hush it."""
    logger = logging.getLogger("kafka")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _admin(bootstrap: str):
    from kafka import KafkaAdminClient  # imported late: only `up` needs the client

    return KafkaAdminClient(
        bootstrap_servers=bootstrap, client_id="wirewatch-stack",
        request_timeout_ms=5000, bootstrap_timeout_ms=3000,
    )


def answers_as_kafka(bootstrap: str) -> bool:
    """True if a Kafka broker answers a metadata request at `bootstrap`."""
    from kafka.errors import KafkaError

    with _quiet_kafka_client():
        try:
            admin = _admin(bootstrap)
        except (KafkaError, OSError):
            return False
        try:
            return bool(admin.describe_cluster().get("brokers"))
        except (KafkaError, OSError):
            return False
        finally:
            admin.close()


@dataclass
class Launch:
    """A broker `up` started (or found starting) and still has to wait for."""

    pid: int
    proc: subprocess.Popen | None
    started: float


def launch(settings: Settings, log: Callable[[str], None]) -> Launch | None:
    """Start the broker in the background unless it already runs; None when nothing to wait for."""
    host, port = parse_bootstrap(settings.kafka_bootstrap)
    address = f"{host}:{port}"
    paths = kafka_paths(settings.stack_dir)
    pid = running_pid(paths)
    if pid is not None:
        if port_open(host, port):
            log(f"kafka: already running (pid {pid}) on {address}")
            return None
        log(f"kafka: broker pid {pid} is up but not yet listening on {address}; waiting for it")
        return Launch(pid, None, time.monotonic())
    if paths.pidfile.exists():
        paths.pidfile.unlink()  # stale: the process is gone
    if port_open(host, port):
        if answers_as_kafka(address):
            log(
                f"kafka: {address} already answers as a Kafka broker that was not started from "
                f"{settings.stack_dir}; using it as is"
            )
            return None
        raise StackError(
            f"kafka: {address} is already in use by another program (not a Kafka broker); stop it "
            "or set WIREWATCH_KAFKA_BOOTSTRAP=127.0.0.1:<free port>"
        )
    controller = f"{loopback_ipv4(host)}:{port + 1}"
    if port_open(loopback_ipv4(host) or host, port + 1):
        raise StackError(
            f"kafka: controller port {controller} (bootstrap port + 1) is already in use; free it "
            "or set WIREWATCH_KAFKA_BOOTSTRAP to another port"
        )
    check_version(settings.kafka_version)
    java = require_java()
    for directory in (paths.root, paths.config, paths.data, paths.logs):
        directory.mkdir(parents=True, exist_ok=True)
    ensure_libs(paths, settings.kafka_version, log)
    paths.properties.write_text(server_properties(host, port, paths.data), encoding="ascii")
    paths.log4j.write_text(LOG4J2_YAML)
    ensure_formatted(java, paths, controller, log)

    cmd = jvm_command(java, paths, ["kafka.Kafka", str(paths.properties)])
    log(f"kafka: starting Kafka {settings.kafka_version} broker on {address} (controller {controller})")
    with open(paths.console_log, "ab") as console:
        console.write(f"\n=== wirewatch stack up {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n".encode())
        console.flush()
        # Own session: the broker must outlive this process and ignore its Ctrl-C.
        proc = subprocess.Popen(
            cmd, cwd=paths.root, stdin=subprocess.DEVNULL, stdout=console,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
    paths.pidfile.write_text(f"{proc.pid}\n")
    return Launch(proc.pid, proc, time.monotonic())


def _died(paths: KafkaPaths, pid: int) -> StackError:
    paths.pidfile.unlink(missing_ok=True)
    parts = [f"kafka: broker pid {pid} died during startup."]
    for log_file in (paths.server_log, paths.console_log):
        text = tail(log_file, 30)
        if any(line.strip() and not line.startswith("=== ") for line in text.splitlines()):
            parts.append(f"--- last lines of {log_file} ---\n{text}")
    return StackError("\n".join(parts))


def wait_ready(settings: Settings, started: Launch | None, log: Callable[[str], None],
               timeout: float = READY_TIMEOUT_S) -> None:
    """Poll with a metadata request until the broker lists itself; fail with its log if it dies."""
    if started is None:
        return
    from kafka.errors import KafkaError

    host, port = parse_bootstrap(settings.kafka_bootstrap)
    paths = kafka_paths(settings.stack_dir)
    address = f"{host}:{port}"
    admin = None
    next_note = started.started + 5
    with _quiet_kafka_client():
        try:
            while True:
                dead = started.proc.poll() is not None if started.proc else not pid_alive(started.pid)
                if dead:
                    raise _died(paths, started.pid)
                if admin is None and port_open(host, port):
                    try:
                        admin = _admin(address)
                    except (KafkaError, OSError):
                        admin = None
                if admin is not None:
                    try:
                        if admin.describe_cluster().get("brokers"):
                            break
                    except (KafkaError, OSError):
                        pass
                now = time.monotonic()
                if now - started.started > timeout:
                    raise StackError(
                        f"kafka: broker pid {started.pid} not ready on {address} after {timeout:.0f} s "
                        f"(still running; see {paths.server_log}, or `wirewatch stack down`).\n"
                        f"--- last lines of {paths.server_log} ---\n{tail(paths.server_log, 30)}"
                    )
                if now >= next_note:
                    log(f"kafka: waiting for broker pid {started.pid} on {address} ({now - started.started:.0f} s)")
                    next_note = now + 5
                time.sleep(0.5)
        finally:
            if admin is not None:
                admin.close()
    log(f"kafka: ready on {address} after {time.monotonic() - started.started:.1f} s (pid {started.pid})")


def up(settings: Settings, log: Callable[[str], None] = print) -> None:
    wait_ready(settings, launch(settings, log), log)


def down(settings: Settings, log: Callable[[str], None] = print) -> None:
    """SIGTERM (controlled shutdown), wait up to 30 s, then SIGKILL."""
    host, port = parse_bootstrap(settings.kafka_bootstrap)
    paths = kafka_paths(settings.stack_dir)
    pid = running_pid(paths)
    if pid is None:
        paths.pidfile.unlink(missing_ok=True)
        if port_open(host, port):
            log(f"kafka: {host}:{port} is served by a process not started from {settings.stack_dir}; left alone")
        else:
            log("kafka: not running")
        return
    log(f"kafka: stopping broker pid {pid} (SIGTERM)")
    started = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    while pid_alive(pid) and time.monotonic() - started < STOP_TIMEOUT_S:
        time.sleep(0.25)
    if pid_alive(pid):
        log(f"kafka: broker pid {pid} still alive after {STOP_TIMEOUT_S:.0f} s; sending SIGKILL")
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(pid):
            raise StackError(f"kafka: broker pid {pid} survived SIGKILL")
    paths.pidfile.unlink(missing_ok=True)
    log(f"kafka: stopped in {time.monotonic() - started:.1f} s")


def status(settings: Settings) -> dict:
    host, port = parse_bootstrap(settings.kafka_bootstrap)
    paths = kafka_paths(settings.stack_dir)
    pid = running_pid(paths)
    listening = port_open(host, port)
    if pid is not None:
        state = "running" if listening else "starting"
    else:
        state = "external" if listening else "stopped"
    try:
        version = json.loads(paths.libs_marker.read_text()).get("version")
    except (OSError, ValueError):
        version = None
    return {
        "state": state,
        "pid": pid,
        "address": f"{host}:{port}",
        "data_dir": str(paths.data),
        "log": str(paths.server_log),
        "version": version or settings.kafka_version,
    }
