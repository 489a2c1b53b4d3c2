"""Email rendering and header safety."""
import email
import email.policy
from datetime import datetime, timezone

import pytest

from consumers.alerting.mail import Rendered, build_email, clean_header, make_message_id
from consumers.alerting.render import AlertView, EvidenceView, highlight, render_alert, render_digest, safe_url

HOSTILE = "Kem Sokha arrested <script>alert(1)</script>\r\nBcc: victim@evil.example\u2028X-Evil: 1"


def view(**kw) -> AlertView:
    ev = (
        EvidenceView("i1", "The leader, Kem Sokha, was arrested on Sept. 3 and charged with treason.",
                     ("Kem Sokha", "arrested"), "reuters-text", None, "Half of Cambodia's opposition MPs flee",
                     datetime(2017, 9, 15, tzinfo=timezone.utc), "charged with treason"),
        EvidenceView("i2", "Police detained Kem Sokha.", ("Kem Sokha", "detained"), "asia-wire.example",
                     "https://asia-wire.example/a?b=1&c=2", HOSTILE, datetime(2017, 9, 16, tzinfo=timezone.utc)),
    )
    base = dict(id=7, topic="arrests-of-opposition-leaders", topic_title="Arrests of opposition leaders",
                topic_version=1, rule="event=arrest AND target_role=opposition", target="Kem Sokha",
                stage="charged with treason", country="Cambodia", evidence=ev, source_count=2,
                first_seen=ev[0].published_at, last_seen=ev[1].published_at,
                people=("Kem Sokha", "Hun Sen"), organisations=("Cambodia National Rescue Party",),
                places=("Cambodia",), why="Arrest of Kem Sokha (opposition) in the lead")
    base.update(kw)
    return AlertView(**base)


def test_subject_names_topic_target_and_country():
    assert render_alert(view(), "a@x.org").subject == "[wirewatch] Arrests of opposition leaders: Kem Sokha (Cambodia)"
    esc = render_alert(view(escalation=1, stage="sentenced", escalation_reason="charged \u2192 sentenced"), "a@x.org")
    assert esc.subject.startswith("[wirewatch] Update: Arrests of opposition leaders: Kem Sokha (Cambodia)")
    assert "now sentenced" in esc.subject


def test_html_escapes_and_highlights_text_marks():
    r = render_alert(view(), "a@x.org")
    assert "<script>" not in r.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.html
    assert "<mark>Kem Sokha</mark>" in r.html and "<mark>arrested</mark>" in r.html
    assert "*Kem Sokha*" in r.text and "*arrested*" in r.text
    assert 'href="https://asia-wire.example/a?b=1&amp;c=2"' in r.html
    assert "2 independent sources" in r.text and "2</strong> independent sources" in r.html
    for needle in ("Why you got this", "event=arrest AND target_role=opposition", "version 1", "Hun Sen",
                   "Cambodia National Rescue Party"):
        assert needle in r.text and needle in r.html
    assert "\nBcc:" not in r.text  # single-line fields lose their line breaks


def test_only_http_links():
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://x.org/a") == "https://x.org/a"
    assert safe_url('https://x.org/"><script>') is None


def test_highlight_segments():
    assert highlight("Kem Sokha was arrested", ["arrested", "Kem Sokha"]) == [
        ("Kem Sokha", True), (" was ", False), ("arrested", True)]
    assert highlight("unarrested", ["arrested"]) == [("unarrested", False)]


def test_digest_groups_by_topic():
    other = view(id=8, topic="t2", topic_title="Protests", target="Bobi Wine", country="Uganda")
    r = render_digest([view(), other, view(id=9, target="Sam Rainsy")], "a@x.org")
    assert r.subject == "[wirewatch] Digest: 3 alerts \u2014 Arrests of opposition leaders, Protests"
    assert r.text.count("== Arrests of opposition leaders (2) ==") == 1 and "== Protests (1) ==" in r.text
    assert r.html.count("<section") == 2


def test_clean_header_strips_every_line_break():
    assert clean_header(HOSTILE) == ("Kem Sokha arrested <script>alert(1)</script> Bcc: victim@evil.example "
                                     "X-Evil: 1")
    assert len(clean_header("x" * 500, 100)) == 100


def test_build_email_has_no_injected_headers_and_policy_refuses_raw_linefeeds():
    r = Rendered(HOSTILE, "text", "<p>html</p>")
    msg = build_email(r, "wirewatch@x.org", "a@x.org", make_message_id("k", "wirewatch@x.org"))
    parsed = email.message_from_bytes(msg.as_bytes(), policy=email.policy.default)
    assert parsed.get_all("Bcc") is None and parsed.get_all("X-Evil") is None
    assert "\n" not in parsed["Subject"]
    assert parsed.get_body(("plain",)).get_content().strip() == "text"
    with pytest.raises(ValueError):
        msg["Subject"] = "x\r\nBcc: y@z.org"  # defence in depth: the policy refuses linefeeds


def test_message_id_is_deterministic_and_uses_the_sender_domain():
    a = make_message_id("key", "wirewatch@newsroom.example")
    assert a == make_message_id("key", "Wirewatch <wirewatch@newsroom.example>".split("<")[1])
    assert a != make_message_id("other", "wirewatch@newsroom.example")
    assert a.endswith("@newsroom.example>")
    assert make_message_id("k", "bad@dom\r\nain").endswith("@wirewatch.invalid>")
