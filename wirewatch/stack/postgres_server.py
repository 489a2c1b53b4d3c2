"""A local PostgreSQL cluster for settings.database_url, unless that URL already works.

The cluster is plain initdb + pg_ctl (no systemd, no Docker). Its location is recorded
in <stack_dir>/postgres.json so `down` and `status` find it again.
"""
from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from wirewatch.settings import Settings, process_environment
from wirewatch.stack.prereqs import StackError, find_postgres_bindir, install_postgres
from wirewatch.stack.processes import loopback_ipv4, pid_alive, port_open, read_pid, tail

POSTGRES_USER = "postgres"  # the OS user postgres runs as when we are root (it refuses root)
ROOT_BASE = Path("/var/lib/wirewatch")  # traversable by that user, unlike e.g. /root/<clone>
SOCKET_PATH_MAX = 100  # sun_path is 108 bytes; leave room for "/.s.PGSQL.<port>"
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class PgTarget:
    """What settings.database_url asks for."""

    host: str
    port: int
    user: str
    password: str
    dbname: str

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def connect_kwargs(self) -> dict:
        return {"host": self.host, "port": self.port, "user": self.user,
                "password": self.password, "dbname": self.dbname}


def parse_database_url(url: str) -> PgTarget:
    """Parse a (SQLAlchemy-style) postgresql URL; the port defaults to 5432 as in libpq."""
    parts = urlsplit(url)
    if parts.scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise StackError(f"settings.database_url must be a postgresql:// URL, got scheme {parts.scheme!r}")
    query = parse_qs(parts.query)
    host = parts.hostname or (query.get("host") or [""])[0]
    try:
        port = parts.port or 5432
    except ValueError:
        raise StackError("settings.database_url has an invalid port") from None
    return PgTarget(
        host=host,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        dbname=unquote(parts.path.lstrip("/")) or unquote(parts.username or ""),
    )


def pick_locale(available: Sequence[str]) -> str | None:
    """A UTF-8 locale for initdb, so pg_trgm treats accented letters as word characters."""
    names = {name.lower().replace("-", "") for name in available}
    for wanted, norm in (("C.UTF-8", "c.utf8"), ("en_US.UTF-8", "en_us.utf8")):
        if norm in names:
            return wanted
    return None


def server_conf(listen: str, port: int, socket_dir: Path) -> str:
    """Settings we own, included from postgresql.conf; fsync stays on (the default)."""
    return (
        "# Written by `wirewatch stack up` on every start; edits are overwritten.\n"
        f"listen_addresses = '{listen}'\n"
        f"port = {port}\n"
        f"unix_socket_directories = '{socket_dir}'\n"
    )


@dataclass
class Cluster:
    """Where our cluster lives; persisted as <stack_dir>/postgres.json."""

    data_dir: str
    socket_dir: str
    log_file: str
    bin_dir: str
    run_as: str | None  # OS user for initdb/pg_ctl/psql, None = ourselves
    listen: str
    port: int

    def bin(self, tool: str) -> str:
        return str(Path(self.bin_dir) / tool)


def state_file(stack_dir: Path) -> Path:
    return Path(stack_dir).resolve() / "postgres.json"


def load_cluster(stack_dir: Path) -> Cluster | None:
    try:
        return Cluster(**json.loads(state_file(stack_dir).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def cluster_base(stack_dir: Path, as_root: bool) -> Path:
    """Directory holding data dir, socket and log.

    As root, postgres runs as the `postgres` user, which cannot traverse a clone under
    /root (mode 700), so the cluster lives under /var/lib/wirewatch/<hash of stack_dir>.
    """
    stack_dir = Path(stack_dir).resolve()
    if as_root:
        return ROOT_BASE / hashlib.sha256(str(stack_dir).encode()).hexdigest()[:12]
    return stack_dir


def socket_dir_for(base: Path) -> Path:
    """The data dir's parent, unless that path is too long for a unix socket."""
    return base if len(str(base)) <= SOCKET_PATH_MAX - len("/.s.PGSQL.65535") else Path("/tmp")


def _env() -> dict[str, str]:
    # PGHOST/PGPORT/PGDATA... from the caller's shell must not redirect our tools.
    return {k: v for k, v in process_environment().items() if not k.startswith("PG")}


def _run(cluster: Cluster, cmd: list[str], what: str, stdin: str | None = None,
         timeout: float = 120) -> str:
    """Run a postgres tool (as cluster.run_as when set); StackError with its output on failure."""
    full = ["runuser", "-u", cluster.run_as, "--", *cmd] if cluster.run_as else cmd
    try:
        out = subprocess.run(
            full, input=stdin, capture_output=True, text=True, env=_env(), timeout=timeout,
            cwd="/",  # the postgres user may not be allowed into our cwd
            start_new_session=True,  # the postmaster pg_ctl forks must not share our session
        )
    except subprocess.TimeoutExpired:
        raise StackError(f"postgres: {what} did not finish within {timeout:.0f} s") from None
    if out.returncode != 0:
        details = "\n".join((out.stdout + out.stderr).strip().splitlines()[-30:])
        raise StackError(f"postgres: {what} failed (exit {out.returncode}):\n$ {' '.join(full)}\n{details}")
    return out.stdout


def server_pid(cluster: Cluster) -> int | None:
    """Postmaster pid from the data dir's postmaster.pid if that process is alive."""
    pid = read_pid(Path(cluster.data_dir) / "postmaster.pid")
    return pid if pid_alive(pid) else None


def try_connect(target: PgTarget) -> str | None:
    """None if database_url logs in (3 s timeout), else the error text."""
    import psycopg

    try:
        with psycopg.connect(connect_timeout=3, **target.connect_kwargs()):
            return None
    except psycopg.Error as exc:
        return str(exc).strip() or type(exc).__name__


def _locale_args() -> list[str]:
    try:
        available = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.split()
    except OSError:
        available = []
    chosen = pick_locale(available)
    return [f"--locale={chosen}"] if chosen else ["--no-locale"]


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"  # standard_conforming_strings is on


def _psql(cluster: Cluster, dbname: str, sql: str, what: str) -> str:
    cmd = [cluster.bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
           "-h", cluster.socket_dir, "-p", str(cluster.port), "-d", dbname, "-f", "-"]
    return _run(cluster, cmd, what, stdin=sql)  # SQL on stdin: the password never hits argv


def ensure_role_and_database(cluster: Cluster, target: PgTarget, log: Callable[[str], None]) -> None:
    """Role (LOGIN, password from the URL), database owned by it, pg_trgm in it."""
    role, db = _sql_literal(target.user), _sql_literal(target.dbname)
    found = _psql(
        cluster, "postgres",
        f"SELECT (SELECT count(*) FROM pg_roles WHERE rolname = {role}),"
        f" (SELECT count(*) FROM pg_database WHERE datname = {db});",
        "looking up role and database",
    ).strip().split("|")
    has_role, has_db = found[0] == "1", len(found) > 1 and found[1] == "1"
    verb = "ALTER" if has_role else "CREATE"
    if not has_role:
        log(f"postgres: creating role {target.user}")
    # ALTER on an existing role keeps the URL authoritative for the password.
    password = _sql_literal(target.password)
    sql = f"SELECT format('{verb} ROLE %I LOGIN CREATEROLE PASSWORD %L', {role}, {password})\n\\gexec\n"
    if not has_db:
        log(f"postgres: creating database {target.dbname} (owner {target.user})")
        sql += f"SELECT format('CREATE DATABASE %I OWNER %I', {db}, {role})\n\\gexec\n"
    _psql(cluster, "postgres", sql, "creating role/database")
    _psql(cluster, target.dbname, "CREATE EXTENSION IF NOT EXISTS pg_trgm;\n", "creating extension pg_trgm")


def _new_cluster(settings: Settings, target: PgTarget, log: Callable[[str], None]) -> Cluster:
    """Pick binaries and directories for a cluster we are about to create or restart."""
    as_root = os.geteuid() == 0
    old = load_cluster(settings.stack_dir)
    base = Path(old.data_dir).parent if old else cluster_base(settings.stack_dir, as_root)
    data_dir = base / "postgres"
    pg_version = (data_dir / "PG_VERSION").read_text().strip() if (data_dir / "PG_VERSION").is_file() else None
    bindir = find_postgres_bindir(prefer=pg_version)
    if bindir is None:
        log("postgres: no server binaries under /usr/lib/postgresql/*/bin; installing Debian's postgresql")
        bindir = install_postgres(log)
    if pg_version and bindir.parent.name != pg_version:
        raise StackError(
            f"postgres: {data_dir} was created by PostgreSQL {pg_version}, but only "
            f"{bindir.parent.name} binaries are installed; install postgresql-{pg_version} or reset "
            f"the database (`wirewatch stack down && rm -rf {data_dir} {state_file(settings.stack_dir)}`)"
        )
    run_as = None
    if as_root:
        try:
            pwd.getpwnam(POSTGRES_USER)
        except KeyError:
            raise StackError(
                "postgres: running as root, but there is no `postgres` OS user to run the server "
                "as (postgres refuses root): `apt-get install -y postgresql` creates it"
            ) from None
        if shutil.which("runuser") is None:
            raise StackError("postgres: `runuser` (util-linux) is needed to run postgres as its user when root")
        run_as = POSTGRES_USER
    return Cluster(
        data_dir=str(data_dir), socket_dir=str(socket_dir_for(base)), log_file=str(base / "postgres.log"),
        bin_dir=str(bindir), run_as=run_as, listen=loopback_ipv4(target.host) or "127.0.0.1",
        port=target.port,
    )


def _prepare_dirs(cluster: Cluster) -> None:
    base = Path(cluster.data_dir).parent
    base.mkdir(parents=True, exist_ok=True)
    if cluster.run_as:
        user = pwd.getpwnam(cluster.run_as)
        os.chown(base, user.pw_uid, user.pw_gid)
        base.chmod(0o700)


def _write_conf(cluster: Cluster) -> None:
    data = Path(cluster.data_dir)
    conf = data / "wirewatch.conf"
    conf.write_text(server_conf(cluster.listen, cluster.port, Path(cluster.socket_dir)))
    main_conf = data / "postgresql.conf"
    include = "include_if_exists = 'wirewatch.conf'"
    if include not in main_conf.read_text():
        with open(main_conf, "a") as fh:
            fh.write(f"\n# wirewatch stack: listen address, port, socket dir\n{include}\n")
    if cluster.run_as:
        user = pwd.getpwnam(cluster.run_as)
        os.chown(conf, user.pw_uid, user.pw_gid)


def up(settings: Settings, log: Callable[[str], None] = print) -> None:
    target = parse_database_url(settings.database_url)
    cluster = load_cluster(settings.stack_dir)
    if cluster and (pid := server_pid(cluster)) and port_open(cluster.listen, cluster.port):
        if cluster.port != target.port:
            raise StackError(
                f"postgres: the stack's cluster runs on port {cluster.port} but database_url says "
                f"{target.port}; run `wirewatch stack down` first"
            )
        log(f"postgres: already running (pid {pid}) on {target.address}, data {cluster.data_dir}")
        ensure_role_and_database(cluster, target, log)
        _verify(target)
        return

    if port_open(target.host or "127.0.0.1", target.port, timeout=3):
        error = try_connect(target)
        if error is None:
            log(f"postgres: database_url already reaches a server at {target.address}; using it as is")
            return
        raise StackError(
            f"postgres: a server answers on {target.address} but rejects database_url: {error}\n"
            "It was not started by `wirewatch stack`; fix WIREWATCH_DATABASE_URL or stop that server."
        )

    if loopback_ipv4(target.host) is None:
        raise StackError(
            f"postgres: nothing answers at {target.address or settings.database_url!r}, and that "
            "host is not local, so `wirewatch stack` cannot start it; start that server or set "
            "WIREWATCH_DATABASE_URL to a 127.0.0.1 URL"
        )
    if not target.user or not target.password:
        raise StackError("postgres: database_url needs a user and a password for the local cluster")

    cluster = _new_cluster(settings, target, log)
    _prepare_dirs(cluster)
    data = Path(cluster.data_dir)
    if not (data / "PG_VERSION").is_file():
        log(f"postgres: initdb {data} (PostgreSQL {Path(cluster.bin_dir).parent.name})")
        _run(cluster, [cluster.bin("initdb"), "-D", str(data), "--auth-local=peer",
                       "--auth-host=scram-sha-256", "--encoding=UTF8", *_locale_args()], "initdb")
    _write_conf(cluster)
    state_file(settings.stack_dir).parent.mkdir(parents=True, exist_ok=True)
    state_file(settings.stack_dir).write_text(json.dumps(asdict(cluster), indent=1) + "\n")

    log(f"postgres: starting on {target.address} (data {data})")
    started = time.monotonic()
    try:
        # -w: pg_ctl returns once the server accepts connections.
        _run(cluster, [cluster.bin("pg_ctl"), "start", "-D", str(data), "-l", cluster.log_file,
                       "-w", "-t", str(START_TIMEOUT_S), "-s"], "pg_ctl start", timeout=START_TIMEOUT_S + 30)
    except StackError as exc:
        raise StackError(f"{exc}\n--- last lines of {cluster.log_file} ---\n{tail(Path(cluster.log_file))}") from None
    ensure_role_and_database(cluster, target, log)
    _verify(target)
    log(f"postgres: ready on {target.address} after {time.monotonic() - started:.1f} s (pid {server_pid(cluster)})")


def _verify(target: PgTarget) -> None:
    error = try_connect(target)
    if error is not None:
        raise StackError(f"postgres: the cluster runs but database_url cannot log in: {error}")


def down(settings: Settings, log: Callable[[str], None] = print) -> None:
    cluster = load_cluster(settings.stack_dir)
    if cluster is None:
        log("postgres: no cluster managed by `wirewatch stack` (a server at database_url, if any, is left alone)")
        return
    if server_pid(cluster) is None:
        log(f"postgres: not running (data {cluster.data_dir})")
        return
    log(f"postgres: stopping (pg_ctl stop -m fast, data {cluster.data_dir})")
    started = time.monotonic()
    _run(cluster, [cluster.bin("pg_ctl"), "stop", "-D", cluster.data_dir, "-m", "fast", "-w",
                   "-t", str(START_TIMEOUT_S), "-s"], "pg_ctl stop", timeout=START_TIMEOUT_S + 30)
    log(f"postgres: stopped in {time.monotonic() - started:.1f} s")


def status(settings: Settings) -> dict:
    target = parse_database_url(settings.database_url)
    cluster = load_cluster(settings.stack_dir)
    listening = port_open(target.host or "127.0.0.1", target.port)
    if cluster is None:
        return {"state": "external" if listening else "stopped", "pid": None,
                "address": target.address, "data_dir": None, "log": None}
    pid = server_pid(cluster)
    if pid is not None:
        state = "running" if port_open(cluster.listen, cluster.port) else "starting"
    else:
        state = "external" if listening else "stopped"
    return {"state": state, "pid": pid, "address": f"{target.host}:{cluster.port}",
            "data_dir": cluster.data_dir, "log": cluster.log_file}
