"""The analyst console over real PostgreSQL: security, and the writes it shares with the CLI.

The reference story goes through the real pipeline (Kafka, analysis, store) once per test;
requests go over HTTP to the real server (uvicorn, in a thread).
"""
from __future__ import annotations

import html
import re
import shutil
import socket
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import func, select, update

from producers.reuters_text import parse_story
from schemas.tables import AlertFeedback, ConsoleSession, Feed, Item, TopicVersion
from tests.conftest import ROOT, SEED
from tests.integration.helpers import alerts, drain, publish_items
from wirewatch.accounts import add_user
from wirewatch.bootstrap import App
from wirewatch.web.server import make_server, start_in_thread, stop

ANALYST, VIEWER = ("ana", "analyst-password"), ("vic", "viewer-password")
FLAGSHIP = "arrests-of-opposition-leaders"


@pytest.fixture
def console(settings, shared_analyzer, tmp_path):
    topics = tmp_path / "topics.yaml"
    shutil.copy(ROOT / "config" / "topics.yaml", topics)
    s = settings.model_copy(update={"topics_file": topics, "web_secure_cookies": False, "web_login_attempts": 3,
                                    "feed_allow_hosts": "127.0.0.1"})
    with App(s, analyzer=shared_analyzer) as app:
        publish_items(app, [parse_story(SEED.read_text(), str(SEED))])
        drain(app)
        [alert] = alerts(app)
        add_user(app.engine, *ANALYST, "analyst")
        add_user(app.engine, *VIEWER, "viewer")
        with serving(app):
            yield app, alert


@contextmanager
def serving(app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = make_server(app, "127.0.0.1", port)
    thread = start_in_thread(server)
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the console did not start"
        time.sleep(0.05)
    app.console_url = f"http://127.0.0.1:{port}"
    try:
        yield
    finally:
        stop(server, thread)


def client(app) -> httpx.Client:
    return httpx.Client(base_url=app.console_url, follow_redirects=False, timeout=30)


def login(app, who=ANALYST) -> tuple[httpx.Client, str]:
    c = client(app)
    page = c.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = c.post("/login", data={"username": who[0], "password": who[1], "csrf": token, "next": "/alerts"})
    assert r.status_code == 303, r.text
    inbox = c.get("/alerts")
    assert inbox.status_code == 200
    return c, re.search(r'name="csrf" value="([^"]+)"', inbox.text).group(1)


def ratings(app) -> int:
    with app.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(AlertFeedback)).scalar_one()


def test_anonymous_requests_get_no_alert_data(console):
    app, alert = console
    c = client(app)
    for path in ("/alerts", f"/alerts/{alert['id']}", "/topics", f"/topics/{FLAGSHIP}", "/feeds",
                 "/alerts?person=Kem"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        assert "Kem Sokha" not in r.text
    rows = c.get("/alerts/rows?after_id=0")
    assert rows.status_code == 401 and "Kem Sokha" not in rows.text
    assert c.post(f"/alerts/{alert['id']}/rate", data={"rating": "bad"}).status_code == 401
    assert ratings(app) == 0
    # A made-up session cookie is no session.
    c.cookies.set("ww_session", "forged-token")
    assert c.get("/alerts").status_code == 303


def test_inbox_and_alert_page_show_the_evidence_marked(console):
    app, alert = console
    c, _csrf = login(app)
    inbox = c.get("/alerts").text
    assert re.search(r'<mark class="target"[^>]*>Kem Sokha</mark>', inbox)
    assert re.search(r'<mark class="trigger"[^>]*>arrested</mark>', inbox)
    page = c.get(f"/alerts/{alert['id']}").text
    for fact in ("Why it fired", alert["rule"].split(" AND ")[0], "partition", "offset", FLAGSHIP):
        assert fact in page
    assert c.get("/alerts?country=Nowhere").text.count("<tr data-id") == 0
    assert c.get("/alerts?person=sokha").text.count("<tr data-id") == 1
    assert c.get("/alerts/999999").status_code == 404


def test_post_without_or_with_a_wrong_csrf_token_is_refused(console):
    app, alert = console
    c, csrf = login(app)
    url = f"/alerts/{alert['id']}/rate"
    assert c.post(url, data={"rating": "bad"}).status_code == 403
    assert c.post(url, data={"rating": "bad", "csrf": "not-the-token"}).status_code == 403
    assert c.post(url, data={"rating": "bad", "csrf": csrf}, headers={"origin": "http://evil.example"}).status_code \
        == 403
    assert ratings(app) == 0
    assert c.post(url, data={"rating": "bad", "note": "not news", "csrf": csrf}).status_code == 303
    assert ratings(app) == 1
    assert "0%" in c.get("/topics").text  # one alert, rated bad: measured precision 0


def test_a_viewer_reads_but_every_write_is_refused(console):
    app, alert = console
    c, csrf = login(app, VIEWER)
    page = c.get(f"/alerts/{alert['id']}").text
    assert "Kem Sokha" in page and "Rate bad" not in page
    for path, data in ((f"/alerts/{alert['id']}/rate", {"rating": "good"}), (f"/alerts/{alert['id']}/mute", {}),
                       (f"/topics/{FLAGSHIP}", {"text": "name: x"}), ("/feeds", {"url": "http://127.0.0.1:9/f"})):
        r = c.post(path, data={**data, "csrf": csrf})
        assert r.status_code == 403, path
    assert ratings(app) == 0
    assert c.post("/logout", data={"csrf": csrf}).status_code == 303  # logging out is not a change of data


def test_a_script_headline_renders_as_text(console):
    app, alert = console
    with app.engine.begin() as conn:
        conn.execute(update(Item).where(Item.id == alert["item_id"])
                     .values(headline='<script>alert("x")</script> Kem Sokha held'))
    c, _csrf = login(app)
    for path in ("/alerts", f"/alerts/{alert['id']}", "/alerts/rows?after_id=0"):
        body = c.get(path).text
        assert "<script>alert" not in body, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in body, path
    assert "script-src 'self'" in c.get("/alerts").headers["content-security-policy"]


def test_login_failures_are_throttled_and_sessions_expire(console):
    app, _alert = console
    c = client(app)
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
    for _ in range(3):
        r = c.post("/login", data={"username": "ana", "password": "wrong-password", "csrf": token})
        assert r.status_code == 401 and "wrong-password" not in r.text
    r = c.post("/login", data={"username": "ana", "password": ANALYST[1], "csrf": token})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert c.post("/login", data={"username": "ana", "password": ANALYST[1]}).status_code == 403  # no CSRF

    c2, _ = login(app, VIEWER)
    with app.engine.begin() as conn:
        conn.execute(update(ConsoleSession).values(expires_at=datetime.now(timezone.utc) - timedelta(seconds=1)))
    assert c2.get("/alerts").status_code == 303


def test_the_session_cookie_is_httponly_strict_and_secure(settings, shared_analyzer):
    with App(settings, analyzer=shared_analyzer) as app, serving(app):  # web_secure_cookies defaults to on
        add_user(app.engine, *ANALYST, "analyst")
        c = client(app)
        page = c.get("/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        c.cookies.set("ww_login_csrf", token)
        r = c.post("/login", data={"username": "ana", "password": ANALYST[1], "csrf": token})
        cookie = r.headers["set-cookie"].lower()
        assert "ww_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie
        assert "max-age=" in cookie


def test_topic_edit_errors_save_versions_and_restore(console):
    app, _alert = console
    path = app.settings.topics_file
    original = path.read_text()
    c, csrf = login(app)
    editor = c.get(f"/topics/{FLAGSHIP}").text
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", editor, re.S).group(1)
    text = html.unescape(text)
    broken = text.replace("status: [reported]", "status: [reportd]")
    r = c.post(f"/topics/{FLAGSHIP}", data={"text": broken, "csrf": csrf})
    line = broken.split("\n").index("  status: [reportd]") + 1
    assert r.status_code == 422 and f'data-line="{line}"' in r.text and "unknown status" in r.text
    assert path.read_text() == original

    edited = text.replace("title: Arrests of opposition leaders", "title: Opposition arrests")
    r = c.post(f"/topics/{FLAGSHIP}", data={"text": edited, "csrf": csrf})
    assert r.status_code == 303 and "version 2" in unquote(r.headers["location"])
    saved = path.read_text()
    assert "title: Opposition arrests" in saved and "version: 2" in saved
    assert saved.replace("title: Opposition arrests", "title: Arrests of opposition leaders") \
        .replace("version: 2", "version: 1") == original  # nothing else in the file moved

    with app.engine.connect() as conn:
        history = conn.execute(select(TopicVersion.id, TopicVersion.version).order_by(TopicVersion.id)).all()
    assert [v for _, v in history] == [1, 2]
    r = c.post(f"/topics/{FLAGSHIP}/restore/{history[0].id}", data={"csrf": csrf})
    assert r.status_code == 303 and "version 3" in unquote(r.headers["location"])
    assert "title: Arrests of opposition leaders" in path.read_text() and "version: 3" in path.read_text()


def test_preview_backtests_without_saving(console):
    app, _alert = console
    path = app.settings.topics_file
    original = path.read_text()
    c, csrf = login(app)
    from wirewatch.topic_edits import topic_texts

    text = topic_texts(path)[FLAGSHIP].replace("title: Arrests of opposition leaders", "title: Preview")
    r = c.post(f"/topics/{FLAGSHIP}/preview", data={"text": text, "csrf": csrf, "days": "3650", "limit": "50"})
    assert r.status_code == 200 and "1 match(es) would fire" in r.text and "already alerted" in r.text
    assert path.read_text() == original


def test_feeds_add_pause_resume_remove(console):
    app, _alert = console
    c, csrf = login(app)
    r = c.post("/feeds", data={"url": "http://127.0.0.1:9/wire.xml", "name": "local", "csrf": csrf})
    assert r.status_code == 303 and "added" in r.headers["location"]
    bad = c.post("/feeds", data={"url": "ftp://example.org/x", "csrf": csrf})
    assert "error=" in bad.headers["location"]
    with app.engine.connect() as conn:
        feed_id = conn.execute(select(Feed.id).where(Feed.url == "http://127.0.0.1:9/wire.xml")).scalar_one()
    assert c.post(f"/feeds/{feed_id}/pause", data={"csrf": csrf}).status_code == 303
    from wirewatch.adapters.postgres_feeds import FeedStore

    store = FeedStore(app.engine)
    assert feed_id not in {f.id for f in store.due(datetime.now(timezone.utc), force=True)}
    assert "paused" in c.get("/feeds").text
    c.post(f"/feeds/{feed_id}/resume", data={"csrf": csrf})
    assert feed_id in {f.id for f in store.due(datetime.now(timezone.utc), force=True)}
    c.post(f"/feeds/{feed_id}/remove", data={"csrf": csrf})
    assert store.feeds(str(feed_id)) == []


def test_request_bodies_are_capped(console):
    app, _alert = console
    c, csrf = login(app)
    r = c.post(f"/topics/{FLAGSHIP}", data={"text": "x" * 300_000, "csrf": csrf})
    assert r.status_code == 413
    assert c.get("/alerts").status_code == 200  # and the console goes on


def test_no_secret_in_pages(console):
    app, alert = console
    c, _csrf = login(app)
    session_token = c.cookies.get("ww_session")
    with app.engine.connect() as conn:
        from schemas.tables import ConsoleUser

        hashes = conn.execute(select(ConsoleUser.password_hash)).scalars().all()
    for path in ("/alerts", f"/alerts/{alert['id']}", "/topics", f"/topics/{FLAGSHIP}", "/feeds"):
        body = c.get(path).text
        assert session_token not in body and not any(h in body for h in hashes), path
        assert ANALYST[1] not in body


def test_users_and_topics_commands_share_the_console_services(settings, tmp_path):
    import os
    import subprocess
    import sys

    topics = tmp_path / "topics.yaml"
    shutil.copy(ROOT / "config" / "topics.yaml", topics)
    env = {**os.environ, "WIREWATCH_DB_SCHEMA": settings.db_schema, "WIREWATCH_TOPICS_FILE": str(topics)}

    def ww(*args, stdin: str | None = None):
        return subprocess.run([sys.executable, "-m", "wirewatch.cli", *args], input=stdin, env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)

    added = ww("users", "add", "Ana", "--role", "analyst", "--password-stdin", stdin="a-long-password\n")
    assert added.returncode == 0 and "added ana (analyst)" in added.stdout, added.stderr
    assert "a-long-password" not in added.stdout + added.stderr
    again = ww("users", "add", "ana", "--password-stdin", stdin="another-password\n")
    assert again.returncode == 2 and "exists already" in again.stderr
    short = ww("users", "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    assert "ana" in ww("users", "list").stdout

    shown = ww("topics", "show", FLAGSHIP)
    assert shown.returncode == 0 and shown.stdout.startswith(f"name: {FLAGSHIP}")
    bad = ww("topics", "save", FLAGSHIP, "-", stdin=shown.stdout.replace("type: arrest", "type: [arrest"))
    assert bad.returncode == 2 and "not saved" in bad.stderr, bad.stderr
    saved = ww("topics", "save", FLAGSHIP, "-", "--note", "tighter title",
               stdin=shown.stdout.replace("title: Arrests of opposition leaders", "title: Opposition arrests"))
    assert saved.returncode == 0 and "version 2" in saved.stdout, saved.stderr
    versions = ww("topics", "versions", FLAGSHIP).stdout.splitlines()
    assert len(versions) == 2 and "tighter title" in versions[0]
    first_id = versions[-1].split()[0].lstrip("#")
    assert "version 3" in ww("topics", "restore", FLAGSHIP, first_id).stdout
    assert "title: Arrests of opposition leaders" in topics.read_text()
    assert ww("users", "remove", "ana").returncode == 0
    assert ww("users", "remove", "ana").returncode == 1


def test_a_console_save_is_what_the_daemon_reloads(console):
    """The items stage's own reload path (TopicRuntime over the file watcher) sees the saved
    version and mirrors it into the topics table, as a running daemon does when idle."""
    from consumers.matching.runtime import TopicRuntime
    from consumers.matching.topics import TopicFileWatcher
    from schemas.tables import Topic
    from wirewatch.topic_edits import topic_texts

    app, _alert = console
    runtime = TopicRuntime(TopicFileWatcher(app.settings.topics_file), app.store, check_every=0)
    runtime.refresh(force=True)
    c, csrf = login(app)
    text = topic_texts(app.settings.topics_file)[FLAGSHIP].replace("status: [reported]", "status: [reported, warrant]")
    assert c.post(f"/topics/{FLAGSHIP}", data={"text": text, "csrf": csrf}).status_code == 303
    runtime.refresh(force=True)
    with app.engine.connect() as conn:
        row = conn.execute(select(Topic.version, Topic.definition).where(Topic.name == FLAGSHIP)).one()
    assert row.version == 2 and row.definition["event"]["status"] == ["reported", "warrant"]
