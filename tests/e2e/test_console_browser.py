"""The analyst console in a real browser: Debian's Chromium, driven by Playwright, against the
real `wirewatch web` process, over a schema the real pipeline (`produce`, `consume`) filled
from the reference story.

One module-scoped deployment (own schema, topic prefix, consumer group, topics file): the
spaCy load in `consume` is the slow part, so it happens once. Each test has its own browser
context (its own cookies). Screenshots go to .artifacts/screenshots/; with
WIREWATCH_UPDATE_DOCS_SCREENSHOT=1 the inbox one is also written to docs/console-inbox.png.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest
from kafka import KafkaAdminClient
from sqlalchemy import func, select

from schemas.tables import AlertFeedback
from tests.conftest import ROOT
from tests.e2e.conftest import WIREWATCH
from wirewatch.adapters.postgres_engine import drop_schema, make_engine

SEED = ROOT.parent / "shared" / "eval-data" / "seed" / "kem-sokha-arrest.txt"
SHOTS = ROOT / ".artifacts" / "screenshots"
DOCS_SHOT = ROOT / "docs" / "console-inbox.png"
FLAGSHIP = "arrests-of-opposition-leaders"
ANALYST = ("ana", "analyst-password-1")
VIEWER = ("vic", "viewer-password-1")
VIEWPORT = {"width": 1280, "height": 800}
WAIT_MS = 20_000          # any one page step; a preview (spaCy in the server) gets more
PREVIEW_MS = 180_000

# A made-up story (no such country, party or person) for the live-update test.
FICTIONAL_STORY = """\
Fictional test story: Veldoria police arrest opposition leader Marta Quill
Police in the fictional Republic of Veldoria arrested opposition leader Marta Quill on Monday, \
her party said, days before a vote she had been expected to contest.
Marta Quill, who leads the opposition Veldorian Unity Party, was detained at her home in the capital \
and taken to a police station, party spokesman Tomas Orrin told reporters.
This story is invented for wirewatch's browser test; Veldoria does not exist.
"""


class Deployment:
    """The console's world: child-process environment, its URL, and the alert to look at."""

    def __init__(self, base_settings, tmp: Path) -> None:
        tag = uuid.uuid4().hex[:10]
        self.tmp = tmp
        self.settings = base_settings.model_copy(update={
            "topic_prefix": f"e2e-web-{tag}", "consumer_group": f"e2e-web-{tag}", "db_schema": f"e2e_web_{tag}",
        })
        self.topics_file = tmp / "topics.yaml"
        shutil.copy(ROOT / "config" / "topics.yaml", self.topics_file)
        self.topics_text = self.topics_file.read_bytes()
        (tmp / "heartbeats").mkdir()
        self.env = {**os.environ,
                    "WIREWATCH_TOPIC_PREFIX": self.settings.topic_prefix,
                    "WIREWATCH_CONSUMER_GROUP": self.settings.consumer_group,
                    "WIREWATCH_DB_SCHEMA": self.settings.db_schema,
                    "WIREWATCH_TOPICS_FILE": str(self.topics_file),
                    "WIREWATCH_HEARTBEAT_DIR": str(tmp / "heartbeats"),
                    "WIREWATCH_LOG_LEVEL": "INFO",
                    "PYTHONUNBUFFERED": "1"}
        self.engine = None
        self.server: subprocess.Popen | None = None
        self.url = ""
        self.alert_id = 0

    def run(self, *args: str, stdin: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        """One `wirewatch` command; it must succeed."""
        done = subprocess.run(WIREWATCH + list(args), cwd=ROOT, env=self.env, input=stdin, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, f"wirewatch {' '.join(args)} exited {done.returncode}:\n" \
                                     f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done

    def alerts(self) -> list[dict]:
        out = self.run("alerts", "--json", "--limit", "100").stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def start_server(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.log = open(self.tmp / "web.log", "w")
        self.server = subprocess.Popen(WIREWATCH + ["web", "--port", str(port)], cwd=ROOT, env=self.env,
                                       stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert self.server.poll() is None, f"`wirewatch web` exited {self.server.returncode}:\n{self.server_log()}"
            assert time.monotonic() < deadline, f"`wirewatch web` did not answer in 60 s:\n{self.server_log()}"
            try:
                if httpx.get(self.url + "/login", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)

    def server_log(self) -> str:
        return (self.tmp / "web.log").read_text()[-4000:]

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait(10)
        if self.server is not None:
            self.log.close()

    def ratings(self, alert_id: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(AlertFeedback)
                                .where(AlertFeedback.alert_id == alert_id)).scalar_one()

    def cleanup(self) -> None:
        if self.engine is not None:
            self.engine.dispose()
        engine = make_engine(self.settings.database_url)
        drop_schema(engine, self.settings.db_schema)
        engine.dispose()
        try:
            admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka_bootstrap.split(","))
            admin.delete_topics([t for t in admin.list_topics() if t.startswith(self.settings.topic_prefix + ".")])
            admin.close()
        except Exception:
            pass  # best effort; the names are unique anyway


@pytest.fixture(scope="module")
def console(base_settings, tmp_path_factory):
    assert SEED.is_file(), f"the reference story {SEED} is missing: clone wirewatch next to ../shared"
    d = Deployment(base_settings, tmp_path_factory.mktemp("console-browser"))
    try:
        d.run("db", "upgrade")
        d.engine = make_engine(d.settings.database_url, d.settings.db_schema)
        d.run("produce", str(SEED))
        d.run("consume", "--until-idle", "5")
        [alert] = [a for a in d.alerts() if a["target"] == "Kem Sokha"]
        assert alert["topic"] == FLAGSHIP, alert
        d.alert_id = alert["id"]
        d.run("users", "add", ANALYST[0], "--role", "analyst", "--password-stdin", stdin=ANALYST[1] + "\n")
        d.run("users", "add", VIEWER[0], "--role", "viewer", "--password-stdin", stdin=VIEWER[1] + "\n")
        d.start_server()
        yield d
    finally:
        d.stop_server()
        d.cleanup()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("WIREWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
    if not (Path(chromium).is_file() and os.access(chromium, os.X_OK)):
        pytest.fail(f"Chromium not found at {chromium}: run `make browser` (installs Debian's chromium), "
                    "or set WIREWATCH_TEST_CHROMIUM", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"], timeout=60_000)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


def login(context, console, who=ANALYST):
    page = context.new_page()
    page.goto(console.url + "/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button:has-text('Log in')")
    page.wait_for_url(console.url + "/alerts")
    return page


def shot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def path_of(page) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_login_lands_on_the_inbox(context, console):
    page = context.new_page()
    page.goto(console.url + "/")
    assert path_of(page) == "/login?next=%2Falerts"
    shot(page, "login")
    page.fill("input[name=username]", ANALYST[0])
    page.fill("input[name=password]", ANALYST[1])
    page.click("button:has-text('Log in')")
    page.wait_for_url(console.url + "/alerts")
    assert page.title() == "Alerts · wirewatch"
    assert page.locator("form.who span").inner_text() == f"{ANALYST[0]} (analyst)"
    page.locator(f"#alert-rows tr[data-id='{console.alert_id}']").wait_for()
    path = shot(page, "inbox")
    if os.environ.get("WIREWATCH_UPDATE_DOCS_SCREENSHOT") == "1":
        shutil.copy(path, DOCS_SHOT)


def test_a_wrong_password_is_refused(context, console):
    page = context.new_page()
    page.goto(console.url + "/login")
    page.fill("input[name=username]", ANALYST[0])
    page.fill("input[name=password]", "not-the-password")
    page.click("button:has-text('Log in')")
    page.locator("p.error").wait_for()
    assert "Wrong user name or password." in page.locator("p.error").inner_text()
    assert path_of(page) == "/login"
    assert "Kem Sokha" not in page.content()


def test_the_reference_alert_is_in_the_inbox_with_marked_evidence(context, console):
    page = login(context, console)
    row = page.locator(f"#alert-rows tr[data-id='{console.alert_id}']")
    assert row.locator("td.who strong").inner_text() == "Kem Sokha"
    assert FLAGSHIP in row.locator("span.topic").inner_text()
    targets = row.locator("span.evidence mark.target").all_inner_texts()
    triggers = row.locator("span.evidence mark.trigger").all_inner_texts()
    assert any("Kem Sokha" in t for t in targets), targets
    assert any("arrest" in t.lower() for t in triggers), triggers


def test_rating_an_alert_bad_changes_the_topic_precision(context, console):
    page = login(context, console)
    page.goto(console.url + "/topics")
    precision = page.locator(f"tr[data-topic='{FLAGSHIP}'] td.precision")
    assert precision.inner_text() == "–"
    before = console.ratings(console.alert_id)

    page.goto(console.url + "/alerts")
    page.click(f"#alert-rows tr[data-id='{console.alert_id}'] a[href='/alerts/{console.alert_id}']")
    page.wait_for_url(f"{console.url}/alerts/{console.alert_id}")
    assert "Kem Sokha" in page.locator("h1").inner_text()
    assert "Kem Sokha" in " ".join(page.locator("p.evidence-main mark.target").all_inner_texts())
    shot(page, "alert")
    page.fill("form.rate input[name=note]", "browser test: rated bad on purpose")
    page.click("form.rate button[value=bad]")
    page.wait_for_url(f"{console.url}/alerts/{console.alert_id}?done=rate")
    assert page.locator("p.notice").inner_text() == "Done: rate."
    assert page.locator("p.state-line .rating").inner_text() == "rated bad"
    assert "browser test: rated bad on purpose" in page.locator("table.small").first.inner_text()
    assert console.ratings(console.alert_id) == before + 1

    page.click("nav a:has-text('Topics')")
    page.wait_for_url(console.url + "/topics")
    assert precision.inner_text() == "0%"
    assert page.locator(f"tr[data-topic='{FLAGSHIP}'] td.num").nth(2).inner_text() == "1"  # rated
    shot(page, "topics")


def _edit(page, old: str, new: str) -> str:
    """Replace ``old`` (once) in the editor's textarea; returns the original text."""
    area = page.locator("form.editor textarea[name=text]")
    text = area.input_value()
    assert text.count(old) == 1, f"{old!r} not once in the editor:\n{text}"
    area.fill(text.replace(old, new))
    return text


def test_a_broken_topic_is_reported_at_its_line_and_not_saved(context, console):
    page = login(context, console)
    page.goto(f"{console.url}/topics/{FLAGSHIP}")
    text = _edit(page, "status: [reported]", "status: [reportd]")
    line = next(i for i, t in enumerate(text.split("\n"), 1) if "status: [reported]" in t)
    page.click("form.editor button:has-text('Save as a new version')")
    page.locator("div.errors").wait_for()
    assert path_of(page) == f"/topics/{FLAGSHIP}"
    assert page.locator("div.errors h2").inner_text().startswith("Not saved:")
    error = page.locator(f"li.error-line[data-line='{line}']")
    assert error.count() == 1, page.locator("div.errors").inner_text()
    assert "reportd" in error.inner_text()
    assert page.locator(f"ol.gutter li#line-{line}").get_attribute("class") == "bad"
    assert page.locator("ol.gutter li.bad").count() == page.locator("li.error-line").count()
    assert "status: [reportd]" in page.locator("form.editor textarea").input_value()  # the edit is kept
    shot(page, "topic-editor-error")
    assert console.topics_file.read_bytes() == console.topics_text


def test_preview_of_an_edited_topic_lists_the_reference_story_and_saves_nothing(context, console):
    page = login(context, console)
    page.goto(f"{console.url}/topics/{FLAGSHIP}")
    _edit(page, "title: Arrests of opposition leaders\n", "title: Arrests of opposition leaders (draft)\n")
    page.click("form.editor button:has-text('Preview')", timeout=PREVIEW_MS)
    page.locator("section.preview").wait_for(timeout=PREVIEW_MS)
    assert path_of(page) == f"/topics/{FLAGSHIP}/preview"
    preview = page.locator("section.preview")
    heading = preview.locator("h2").inner_text()
    assert "match(es) would fire" in heading and not heading.startswith("Preview: 0 "), heading
    hit = preview.locator("tr", has_text="Kem Sokha")
    assert hit.count() >= 1, preview.inner_text()
    assert "already alerted" in hit.first.inner_text()
    assert "Nothing was saved or sent." in preview.inner_text()
    assert "(draft)" in page.locator("form.editor textarea").input_value()
    shot(page, "topic-preview")
    assert console.topics_file.read_bytes() == console.topics_text
    page.goto(f"{console.url}/topics/{FLAGSHIP}")
    assert "(draft)" not in page.locator("form.editor textarea").input_value()
    assert page.locator("section", has_text="Versions").locator("p.empty").count() == 1  # no version saved


def test_a_viewer_may_not_rate(context, console):
    page = login(context, console, VIEWER)
    page.goto(f"{console.url}/alerts/{console.alert_id}")
    assert "Kem Sokha" in page.locator("h1").inner_text()
    assert page.locator("form.rate").count() == 0
    assert page.locator("button", has_text="Rate").count() == 0
    assert "reads only" in page.locator("p.hint").inner_text()
    before = console.ratings(console.alert_id)
    csrf = page.locator("form.who input[name=csrf]").input_value()
    assert csrf
    answer = page.evaluate(
        """async ([url, csrf]) => {
             const body = new URLSearchParams({csrf: csrf, rating: "good", note: "viewer tries"});
             const r = await fetch(url, {method: "POST", body: body, credentials: "same-origin", redirect: "manual"});
             return {status: r.status, text: await r.text()};
           }""",
        [f"/alerts/{console.alert_id}/rate", csrf])
    assert answer["status"] == 403, answer
    assert "viewer role may not change anything" in answer["text"], answer  # the role, not the CSRF check
    assert console.ratings(console.alert_id) == before


def test_an_anonymous_visitor_gets_no_alert_data(browser, console):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(WAIT_MS)
    try:
        page = ctx.new_page()
        for target in ("/alerts", f"/alerts/{console.alert_id}"):
            page.goto(console.url + target)
            assert path_of(page).startswith("/login"), page.url
            assert "Kem Sokha" not in page.content()
            assert page.locator("input[name=password]").count() == 1
        rows = ctx.request.get(console.url + "/alerts/rows?after_id=0", max_redirects=0)
        assert rows.status == 401
        assert "Kem Sokha" not in rows.text()
    finally:
        ctx.close()


def test_feeds_page(context, console):
    page = login(context, console)
    page.click("nav a:has-text('Feeds')")
    page.wait_for_url(console.url + "/feeds")
    assert page.locator("h1").inner_text() == "Feeds"
    assert "No feeds yet" in page.locator("table.feeds").inner_text()
    shot(page, "feeds")


def test_a_new_alert_appears_in_the_open_inbox_without_a_reload(context, console):
    page = login(context, console)
    page.evaluate("window.__notReloaded = true")
    before = {a["id"] for a in console.alerts()}
    story = console.tmp / "fictional-veldoria.txt"
    story.write_text(FICTIONAL_STORY, encoding="utf-8")
    console.run("produce", str(story))
    console.run("consume", "--until-idle", "5")
    new = [a for a in console.alerts() if a["id"] not in before]
    assert [a["target"] for a in new] == ["Marta Quill"], new
    row = page.locator(f"#alert-rows tr[data-id='{new[0]['id']}']")
    row.wait_for(timeout=15_000)
    assert row.locator("td.who strong").inner_text() == "Marta Quill"
    assert "fresh" in (row.get_attribute("class") or "")
    assert page.evaluate("window.__notReloaded") is True
    assert "1 new alert(s)" in page.locator("#live").inner_text()
    assert page.locator(f"#alert-rows tr[data-id='{console.alert_id}']").count() == 1
