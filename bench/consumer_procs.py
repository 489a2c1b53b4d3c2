"""Start, watch and stop real `wirewatch consume` processes (see consume_child.py)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from wirewatch.settings import PROJECT_ROOT


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set size of a live process (VmHWM in /proc/<pid>/status), in MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class ConsumerProcesses:
    """``n`` consumer processes in one group, each with a status file and a log file."""

    def __init__(self, settings, n: int, workdir: Path, label: str, until_idle: float = 900,
                 profile: Path | None = None, extra_env: dict | None = None) -> None:
        self.settings = settings
        self.n = n
        self.workdir = Path(workdir)
        self.label = label
        self.until_idle = until_idle
        self.profile = profile
        self.extra_env = extra_env or {}
        self.procs: list[subprocess.Popen] = []
        self._logs = []
        self.peak_rss: dict[int, float] = {}

    def _status_path(self, k: int) -> Path:
        return self.workdir / f"{self.label}-consumer-{k}.json"

    def log_path(self, k: int) -> Path:
        return self.workdir / f"{self.label}-consumer-{k}.log"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        s = self.settings
        for k in range(self.n):
            env = dict(os.environ)
            env.update({
                "WIREWATCH_KAFKA_BOOTSTRAP": s.kafka_bootstrap,
                "WIREWATCH_TOPIC_PREFIX": s.topic_prefix,
                "WIREWATCH_TOPIC_PARTITIONS": str(s.topic_partitions),
                "WIREWATCH_CONSUMER_GROUP": s.consumer_group,
                "WIREWATCH_DATABASE_URL": s.database_url,
                "WIREWATCH_DB_SCHEMA": s.db_schema,
                "WIREWATCH_LOG_LEVEL": "INFO",
                "WIREWATCH_BENCH_STATUS": str(self._status_path(k)),
            })
            if self.profile is not None and k == 0:
                env["WIREWATCH_BENCH_PROFILE"] = str(self.profile)
            env.update(self.extra_env)
            self._status_path(k).unlink(missing_ok=True)
            log = open(self.log_path(k), "w", encoding="utf-8")
            self._logs.append(log)
            self.procs.append(subprocess.Popen(
                [sys.executable, "-m", "bench.consume_child", "--until-idle", str(self.until_idle)],
                cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def statuses(self) -> list[dict]:
        out = []
        for k in range(self.n):
            try:
                out.append(json.loads(self._status_path(k).read_text(encoding="utf-8")))
            except (OSError, ValueError):
                out.append({})
        return out

    def check_alive(self) -> None:
        for k, p in enumerate(self.procs):
            code = p.poll()
            if code is not None:
                tail = self.log_path(k).read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"consumer process {k} (pid {p.pid}) exited with {code}:\n{tail}")

    def sample_rss(self) -> None:
        for pid in self.pids:
            mb = vm_hwm_mb(pid)
            if mb is not None:
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0.0), mb)

    def wait_ready(self, partitions: int, timeout: float = 600, progress=None) -> float:
        """Until every process has warmed up and the group has settled: every process owns
        at least one partition and together they own all of them, unchanged for 2 s."""
        t0 = time.monotonic()
        settled_since, last = None, None
        while True:
            self.check_alive()
            st = self.statuses()
            assigned = [s.get("assigned", 0) for s in st]
            ready = (all(s.get("warm") for s in st) and all(a >= 1 for a in assigned)
                     and sum(assigned) == partitions)
            if ready and assigned == last:
                settled_since = settled_since or time.monotonic()
                if time.monotonic() - settled_since >= 2:
                    return time.monotonic() - t0
            else:
                settled_since = None
            last = assigned
            if time.monotonic() - t0 > timeout:
                raise TimeoutError(f"consumers not ready after {timeout:.0f}s: {st}")
            time.sleep(0.25)

    def first_record(self) -> float | None:
        times = [s.get("first_record") for s in self.statuses() if s.get("first_record")]
        return min(times) if times else None

    def dead_lettered(self) -> int:
        return sum(s.get("dead_lettered", 0) for s in self.statuses())

    def stop(self, timeout: float = 90) -> list[int | None]:
        """SIGTERM (the consumer drains its batch and exits), then kill after ``timeout``."""
        self.sample_rss()
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes = []
        for p in self.procs:
            try:
                codes.append(p.wait(max(0.1, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                p.kill()
                codes.append(p.wait(10))
        for log in self._logs:
            log.close()
        return codes

    def memory(self, run: str) -> list[dict]:
        """Peak RSS per process: VmHWM sampled while alive, else the child's own getrusage."""
        out = []
        for k, (pid, st) in enumerate(zip(self.pids, self.statuses())):
            mb = self.peak_rss.get(pid) or st.get("peak_rss_mb")
            source = "VmHWM" if pid in self.peak_rss else "ru_maxrss"
            out.append({"run": run, "process": k, "pid": pid, "peak_rss_mb": round(mb, 1) if mb else None,
                        "source": source})
        return out
