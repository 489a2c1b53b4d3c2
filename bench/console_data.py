"""Synthetic, FICTIONAL console data for the page benchmark, bulk-loaded with COPY.

Items over DAYS days with entities and mentions, alerts over three topics with their
evidence stories, ratings, deliveries and feeds: the shapes `bench/console_pages.py` reads.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
from datetime import datetime, timedelta

DAYS = 60
FEEDS = 50
SEED = 20261202
FLAGSHIP = "arrests-of-opposition-leaders"
PASSWORD_USER = "bench"  # the console account the benchmark logs in with, and the raters' name

# --- synthetic, fictional vocabulary ----------------------------------------------------

FIRST = ("Arlen Beska Corin Dalia Emeric Fenna Galen Hesper Ilar Jorun Kesia Lorcan Mirela Nadir Orsa Petran "
         "Quilla Rasmin Sabeth Tovan Ulla Varek Wenna Yorik Zelda Anouk Brannoc Cassin Dorell Elsa Faro Gwyn "
         "Halvard Isolde Jarek Kalinda Lisandro Maelis Nerys Oskar Perrin Runa Sorrel Teodor Una Valka Wystan "
         "Ysolde Zoran Amrit").split()
LAST = ("Ardent Balwick Corrow Denhalt Essary Farrowind Gellan Harrowby Istvel Jandrell Korvath Lemarre Mossgrove "
        "Nerrin Oldacre Pellham Quarrington Rathmere Selwood Thornby Ulverin Vantreen Westerholm Yarrow Zabrecki "
        "Ambergast Bellweather Carnaby Drummore Eskerby Fennick Glasswell Holloway Ivenhart Jessop Kettleby "
        "Larkspur Marrowby Norcott Orwenna Pendry Quillon Rookwood Stavely Tallis Underhay Vossberg Whitlow "
        "Yelverton Zennor Ashcombe Brightwater Coldrey Dunmore Everleigh Foxhollow Greyling Hartsell Inchley "
        "Jorvane").split()
COUNTRIES = ("Aldoria Belmark Corvania Drestia Elvaran Fennmoor Galdavia Harrowmere Istrany Karvenia Lusmark "
             "Moravel Nestoria Ostravel Pelloria Quarnis Rovenia Sardovia Talvesh Ulmaria Varnholt Westmarch "
             "Yssaria Zenthara Arvenne Brelland Calvory Dunmarra Estrelle Farnesse Glavonia Hollinmark Ivaria "
             "Jessamar Kothlen Lirovia Mereth Norvane Orlemark Pravessa").split()
SYLLABLES = "al bar cor den esk fal gor hal ist jor kel lun mar nor ost pel quin ros sal tor ul ven wes yar zor".split()
PARTIES = ("Democratic Renewal Party", "People's Union", "Civic Forward", "Green Coast Movement",
           "Liberty and Justice Front", "National Reform Alliance", "Workers' Voice", "Free Citizens Party")
ORG_WORDS = ("Bank", "Holdings", "Institute", "Union", "Authority", "Council", "Mining", "Shipping", "Foundation",
             "Telecom", "Rail", "Energy")
TOPICS = (  # name, title, share of the alerts, role word, event family
    (FLAGSHIP, "Arrests of opposition leaders", 0.6, "opposition leader", "opposition"),
    ("detentions-of-journalists", "Detentions of journalists", 0.25, "journalist", "journalist"),
    ("protest-crackdowns", "Crackdowns on protests", 0.15, "protest organiser", "organiser"),
)
VERBS = (("arrested", "arrest"), ("detained", "detain"), ("jailed", "jail"), ("charged", "charge"))
DAYNAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
GENERIC_HEADLINES = (
    "{country} central bank holds rates as {org} warns on prices",
    "Floods cut roads around {city}",
    "{person} named chair of {org}",
    "{country} signs fisheries accord with its neighbours",
    "Transport strike ends in {city} after talks",
    "{org} reports higher quarterly output",
    "Harvest festival draws record crowds to {city}",
    "{person} wins the {city} marathon",
    "New ferry link to open between {city} and the coast",
    "{country} parliament debates the budget for next year",
)
GENERIC_SENTENCES = (
    "Officials in {city} said on {day} that the measure would take effect next month.",
    "{person}, a spokesperson for {org}, told reporters the figures were in line with forecasts.",
    "The {country} statistics office will publish revised numbers in the coming weeks.",
    "Residents described long queues at fuel stations and crowded markets.",
    "Analysts at {org} expect growth to slow in the second half of the year.",
    "The decision follows months of negotiation between unions and employers.",
    "Local media reported that schools would reopen once repairs were complete.",
    "No figures were given for the cost of the programme.",
    "{person} said the plan had the support of most regional governors.",
    "Traders in {city} said demand had picked up since the start of the month.",
)
ALERT_HEADLINES = (
    "{role_cap} {target} {verb} in {city}",
    "{country} police {verb} {role} {target}",
    "{target} {verb} after rally in {city}",
    "Supporters protest as {target} is {verb}",
)


def _title(words: str) -> str:
    return words[0].upper() + words[1:]


def _hex(*parts) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def _zipf(n: int, s: float) -> list[float]:
    weights = [1 / (k + 1) ** s for k in range(n)]
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


class Synthetic:
    """Every row of the load, built in memory from one seed (reproducible)."""

    def __init__(self, items: int, alerts: int, now: datetime, seed: int = SEED) -> None:
        if items < 1 or alerts < 1:
            raise ValueError("--items and --alerts must be at least 1")
        if alerts * 3 > items:
            raise ValueError(f"--items must be at least 3 x --alerts (each alert has up to 3 stories): "
                             f"{items} < {3 * alerts}")
        self.n_items, self.n_alerts, self.now = items, alerts, now
        self.rng = random.Random(seed)
        rng = self.rng
        self.start = now - timedelta(days=DAYS)
        n_targets = max(1, alerts // 5)
        names = [f"{f} {last}" for last in LAST for f in FIRST]
        rng.shuffle(names)
        self.targets = names[:n_targets]
        self.people = names[n_targets:n_targets + max(20, items // 100)]
        cities = sorted({_title(rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + rng.choice(("ton", "ova", "grad",
                                                                                             "holm", "ia", "mouth")))
                         for _ in range(400)})
        self.cities = cities[:200]
        self.orgs = sorted({f"{rng.choice(LAST)} {rng.choice(ORG_WORDS)}" for _ in range(max(10, items // 200))})
        self.feeds = [(f"https://news{k:02d}.example.net/rss", f"Example News {k:02d}") for k in range(1, FEEDS + 1)]
        # entities: (id, name, label)
        self.entities: list[tuple[int, str, str]] = []
        self.entity_id: dict[tuple[str, str], int] = {}
        for label, group in (("PERSON", self.targets + self.people), ("ORG", self.orgs + list(PARTIES)),
                             ("GPE", COUNTRIES + self.cities)):
            for name in group:
                if (name, label) not in self.entity_id:
                    self.entity_id[(name, label)] = len(self.entities) + 1
                    self.entities.append((len(self.entities) + 1, name, label))

    # --- alerts first: they decide which items carry an arrest story -----------------------

    def plan(self) -> None:
        rng = self.rng
        n = self.n_items
        span = DAYS * 86400.0
        offsets = sorted(rng.random() * span for _ in range(n))
        self.received = [self.start + timedelta(seconds=s) for s in offsets]
        target_cum = _zipf(len(self.targets), 0.8)
        country_cum = _zipf(len(COUNTRIES), 1.0)
        topic_cum = []
        total = 0.0
        for t in TOPICS:
            total += t[2]
            topic_cum.append(total)
        used: set[int] = set()
        groups = []
        window = max(10, n // 60)  # follow-up stories within about a day of the opener
        # every target at least once, the rest skewed: a few people are in the news a lot
        who = self.targets + rng.choices(self.targets, cum_weights=target_cum,
                                         k=max(0, self.n_alerts - len(self.targets)))
        rng.shuffle(who)
        for target in who[:self.n_alerts]:
            k = rng.choices((1, 2, 3), weights=(50, 30, 20))[0]
            while True:
                opener = rng.randrange(n)
                if opener not in used:
                    break
            members = [opener]
            used.add(opener)
            for _j in range(k - 1):
                for _try in range(20):
                    follow = opener + 1 + rng.randrange(window)
                    if follow < n and follow not in used:
                        members.append(follow)
                        used.add(follow)
                        break
            topic = rng.choices(TOPICS, cum_weights=topic_cum)[0]
            groups.append({
                "items": members, "topic": topic,
                "target": target,
                "country": rng.choices(COUNTRIES, cum_weights=country_cum)[0],
                "city": rng.choice(self.cities), "verb": rng.choice(VERBS), "party": rng.choice(PARTIES),
                "org": rng.choice(self.orgs),
            })
        groups.sort(key=lambda g: g["items"][0])  # ids grow with time, as inserts do
        self.groups = groups
        self.alert_of_item = {i: (a, g) for a, g in enumerate(groups, start=1) for i in g["items"]}

    # --- rows ---------------------------------------------------------------------------------

    def _text(self, index: int):
        """(headline, body, evidence sentence or None, its start, entity names by label)."""
        rng = self.rng
        day = DAYNAMES[self.received[index].weekday()]
        entry = self.alert_of_item.get(index)
        if entry is None:
            person, org = rng.choice(self.people), rng.choice(self.orgs)
            country, city = rng.choice(COUNTRIES), rng.choice(self.cities)
            fill = dict(person=person, org=org, country=country, city=city, day=day)
            headline = rng.choice(GENERIC_HEADLINES).format(**fill)
            sentences = rng.sample(GENERIC_SENTENCES, rng.randint(3, 6))
            body = " ".join(s.format(**fill) for s in sentences)
            named = [(person, "PERSON"), (org, "ORG"), (country, "GPE"), (city, "GPE")]
            return headline, body, None, None, [(nm, lb) for nm, lb in named if nm in headline or nm in body]
        _a, g = entry
        verb = g["verb"][0]
        role = g["topic"][3]
        fill = dict(target=g["target"], verb=verb, city=g["city"], country=g["country"], role=role,
                    role_cap=_title(role), party=g["party"], org=g["org"], day=day, person=rng.choice(self.people))
        headline = rng.choice(ALERT_HEADLINES).format(**fill)
        evidence = "Police in {city} {verb} {role} {target} on {day}, officials of the {party} said.".format(**fill)
        lead = rng.choice(("", "{city}, {country} - ".format(**fill)))
        after = [s.format(**fill) for s in rng.sample(GENERIC_SENTENCES, rng.randint(2, 4))]
        body = lead + evidence + " " + "{target} had led demonstrations in {city} for several weeks.".format(**fill) \
            + " " + " ".join(after)
        named = [(g["target"], "PERSON"), (g["party"], "ORG"), (g["country"], "GPE"), (g["city"], "GPE"),
                 (fill["person"], "PERSON"), (g["org"], "ORG")]
        return headline, body, evidence, len(lead), [(nm, lb) for nm, lb in named if nm in headline or nm in body]

    def items(self):
        """Yield item rows (ITEM_COLUMNS) and fill self.evidence / self.mentions on the way."""
        rng = self.rng
        self.evidence: dict[int, dict] = {}
        self.mentions: list[tuple] = []
        self.item_ids: list[str] = []
        offsets = [0, 0, 0, 0]
        for i in range(self.n_items):
            headline, body, evidence, ev_start, named = self._text(i)
            feed_url, _name = self.feeds[i % len(self.feeds)] if rng.random() < 0.9 else (None, None)
            url = f"{feed_url.rsplit('/', 1)[0]}/story/{i}" if feed_url else None
            item_id = f"rss-{_hex('item', i)[:32]}" if feed_url else f"ninjs-{_hex('item', i)[:32]}"
            self.item_ids.append(item_id)
            received = self.received[i]
            published = None if rng.random() < 0.1 else received - timedelta(seconds=rng.randint(30, 1800))
            part = i % 4
            offsets[part] += 1
            if evidence is not None:
                self.evidence[i] = {"sentence": evidence, "start": ev_start, "end": ev_start + len(evidence),
                                    "url": url, "source": (feed_url or "ninjs").split("/")[2 if feed_url else 0],
                                    "published": published or received}
            text = headline + "\n" + body
            for name, label in named:
                spots = [m.start() for m in re.finditer(re.escape(name), body)] or [0]  # else in the headline
                self.mentions.append((item_id, self.entity_id[(name, label)], len(spots), spots[0],
                                      json.dumps([{"start": s, "end": s + len(name), "text": name} for s in spots]),
                                      "[]"))
            yield (item_id, 1, "rss" if feed_url else "ninjs", feed_url, url, url, headline, body, "en",
                   None, published, received, _hex(text), item_id, "bench-1", "wirewatch.items", part,
                   offsets[part], received + timedelta(seconds=rng.uniform(0.5, 5)), "[]")

    def alerts(self):
        """Alert rows (ALERT_COLUMNS) and, on self.alert_items / feedback / deliveries, their children."""
        rng = self.rng
        self.alert_items: list[tuple] = []
        two_days_ago = self.now - timedelta(days=2)
        rows = []
        for alert_id, g in enumerate(self.groups, start=1):
            name, title, _share, role, role_word = g["topic"]
            opener = g["items"][0]
            ev = self.evidence[opener]
            created = self.received[opener] + timedelta(seconds=rng.uniform(2, 30))
            verb, action = g["verb"]
            trig_at = ev["sentence"].find(verb)
            target_at = ev["sentence"].find(g["target"])
            stage, rank = ("charged", 2) if action == "charge" else ("arrested", 1)
            key = _hex("alert", alert_id)
            frame = {
                "event": "arrest", "action": action, "trigger": verb, "trigger_start": ev["start"] + trig_at,
                "trigger_end": ev["start"] + trig_at + len(verb), "target": g["target"], "target_role": role_word,
                "role_evidence": role, "status": "reported", "agent": "Police", "place": g["city"], "time": None,
                "sentence": {"index": 0, "start": ev["start"], "end": ev["end"], "text": ev["sentence"]},
                "details": {},
            }
            rule = f"event arrest, target role {role_word}, status reported"
            score = round(rng.uniform(0.55, 0.98), 4)
            explanation = {
                "doc_id": self.item_ids[opener], "topic": name, "title": title, "version": 1,
                "fingerprint": _hex("topic", name), "score": score, "threshold": 0.5, "rule": rule,
                "why": f"Matched event arrest ({verb}) of {role} {g['target']}: \u201c{ev['sentence']}\u201d",
                "target": g["target"], "event": frame,
                "evidence": {"text": ev["sentence"], "field": "body", "start": ev["start"], "end": ev["end"]},
                "offsets_in": "body", "entities": [g["target"], g["party"], g["country"], g["city"]],
                "hits": [{"kind": "event", "term": action, "field": "body", "start": frame["trigger_start"],
                          "end": frame["trigger_end"], "text": verb, "weight": 1.0},
                         {"kind": "entity", "term": g["target"], "field": "body",
                          "start": ev["start"] + target_at, "end": ev["start"] + target_at + len(g["target"]),
                          "text": g["target"], "weight": 1.0}],
                "hits_total": 2,
            }
            sources = set()
            last_seen = ev["published"]
            for item_index in g["items"]:
                e = self.evidence[item_index]
                sources.add(e["source"])
                last_seen = max(last_seen, e["published"])
                self.alert_items.append((
                    alert_id, self.item_ids[item_index], key, e["sentence"], e["start"], e["end"],
                    json.dumps([verb, g["target"]]), action, stage, rank, e["source"], e["url"], g["country"],
                    e["published"], "wirewatch.items", item_index % 4, item_index,
                    self.received[item_index] + timedelta(seconds=rng.uniform(2, 30))))
            acked = created + timedelta(hours=rng.uniform(0.2, 30)) \
                if created < two_days_ago and rng.random() < 0.4 else None
            muted = created + timedelta(hours=rng.uniform(0.2, 30)) if rng.random() < 0.03 else None
            rows.append((
                alert_id, key, key, name, 1, self.item_ids[opener], g["target"], role_word, "arrest", action,
                g["city"], ev["sentence"], ev["start"], ev["end"], score, rule, json.dumps(explanation), "bench-1",
                "wirewatch.alerts", alert_id % 4, alert_id, created, g["target"].lower(), g["country"],
                (created - timedelta(days=created.weekday())).date(), stage, rank, 0, "[]", len(g["items"]),
                len(sources), ev["published"], last_seen, last_seen, acked, muted))
        self.alert_created = [r[21] for r in rows]
        return rows

    def feedback(self) -> list[tuple]:
        rng = self.rng
        n = self.n_alerts
        rated = rng.sample(range(1, n + 1), max(1, n // 4))
        twice = set(rated[: max(0, n // 20)])
        rows = []
        for alert_id in rated:
            created = self.alert_created[alert_id - 1]
            times = [created + timedelta(hours=rng.uniform(0.5, 48))]
            if alert_id in twice:
                times.append(times[0] + timedelta(hours=rng.uniform(1, 72)))
            for when in times:
                rating = "good" if rng.random() < 0.7 else "bad"
                note = rng.choice((None, None, "confirmed by a second source", "not an arrest", "old story"))
                rows.append((alert_id, rating, note, PASSWORD_USER, when))
        rows.sort(key=lambda r: r[4])
        return [(k, *r) for k, r in enumerate(rows, start=1)]

    def deliveries(self) -> list[tuple]:
        rng = self.rng
        chosen = sorted(rng.sample(range(1, self.n_alerts + 1), max(1, self.n_alerts // 10)))
        rows = []
        for k, alert_id in enumerate(chosen, start=1):
            created = self.alert_created[alert_id - 1]
            status = rng.choices(("sent", "failed", "pending", "muted"), weights=(85, 5, 5, 5))[0]
            sent = created + timedelta(seconds=rng.uniform(5, 600)) if status == "sent" else None
            rows.append((k, _hex("delivery", alert_id), alert_id, 0, "desk@example.org", "default", status,
                         1 if status != "failed" else 5, created + timedelta(seconds=30), None, None, None, None,
                         f"<{_hex('m', k)[:24]}@wirewatch.example>" if sent else None, sent, sent,
                         "550 mailbox unavailable" if status == "failed" else None, created))
        return rows

    def feed_rows(self) -> list[tuple]:
        rng = self.rng
        rows = []
        for k, (url, name) in enumerate(self.feeds, start=1):
            status = rng.choices(("ok", "not_modified", "error", "bozo"), weights=(70, 15, 10, 5))[0]
            polled = self.now - timedelta(seconds=rng.uniform(10, 300))
            rows.append((k, url, name, "http", "file", True, k % 17 == 0, 300.0, None, None, status,
                         {"ok": 200, "not_modified": 304, "error": 503, "bozo": 200}[status],
                         "HTTP 503 from the server" if status == "error" else None,
                         "not well-formed (invalid token)" if status == "bozo" else None,
                         polled, polled if status != "error" else polled - timedelta(hours=3),
                         polled + timedelta(seconds=300), 3 if status == "error" else 0,
                         rng.randint(500, 5000), rng.randint(400, 4000), rng.randint(0, 40),
                         rng.randint(0, 20), self.start, polled))
        return rows


ITEM_COLUMNS = ("id", "version", "source", "feed", "url", "guid", "headline", "body", "language", "dateline_place",
                "published_at", "received_at", "content_hash", "story_id", "extractor_version", "kafka_topic",
                "kafka_partition", "kafka_offset", "stored_at", "limits")
MENTION_COLUMNS = ("item_id", "entity_id", "mention_count", "first_position", "mentions", "aliases")
ALERT_COLUMNS = ("id", "event_key", "alert_key", "topic_name", "topic_version", "item_id", "target", "target_role",
                 "event", "action", "place", "evidence", "evidence_start", "evidence_end", "score", "rule",
                 "explanation", "extractor_version", "kafka_topic", "kafka_partition", "kafka_offset", "created_at",
                 "target_key", "country", "window_start", "stage", "stage_rank", "escalation", "escalations",
                 "evidence_count", "source_count", "first_seen_at", "last_seen_at", "updated_at", "acked_at",
                 "muted_at")
ALERT_ITEM_COLUMNS = ("alert_id", "item_id", "alert_key", "evidence", "evidence_start", "evidence_end", "terms",
                      "action", "stage", "stage_rank", "source", "url", "country", "published_at", "kafka_topic",
                      "kafka_partition", "kafka_offset", "created_at")
FEEDBACK_COLUMNS = ("id", "alert_id", "rating", "note", "rated_by", "created_at")
DELIVERY_COLUMNS = ("id", "idempotency_key", "alert_id", "escalation", "recipient", "rule", "status", "attempts",
                    "next_attempt_at", "planned_at", "plan", "digest_slot", "batch_key", "message_id", "claimed_at",
                    "sent_at", "last_error", "created_at")
FEED_COLUMNS = ("id", "url", "name", "kind", "origin", "enabled", "paused", "interval_seconds", "etag",
                "last_modified", "last_status", "last_http_status", "last_error", "bozo_reason", "last_polled_at",
                "last_success_at", "next_poll_at", "consecutive_failures", "items_fetched", "items_published",
                "items_dropped", "errors_total", "created_at", "updated_at")


def _copy(cur, table: str, columns, rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def load(engine, data: Synthetic, progress) -> dict:
    """COPY every table; return the row counts."""
    from sqlalchemy import text

    counts: dict[str, int] = {}
    data.plan()
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            topics = [(name, title, 1, _hex("topic", name),
                       json.dumps({"name": name, "title": title, "version": 1,
                                   "event": {"type": "arrest", "target_role": role, "status": ["reported"]}}),
                       data.start) for name, title, _s, _r, role in TOPICS]
            counts["topics"] = _copy(cur, "topics", ("name", "title", "version", "fingerprint", "definition",
                                                     "updated_at"), topics)
            counts["feeds"] = _copy(cur, "feeds", FEED_COLUMNS, data.feed_rows())
            counts["entities"] = _copy(cur, "entities", ("id", "canonical_name", "label", "first_seen_at"),
                                       ((i, n, lb, data.start) for i, n, lb in data.entities))

            def items_with_progress():
                step = max(1, data.n_items // 5)
                for k, row in enumerate(data.items(), start=1):
                    yield row
                    if k % step == 0 and k < data.n_items:
                        progress(f"items: {k:,} / {data.n_items:,}")

            counts["items"] = _copy(cur, "items", ITEM_COLUMNS, items_with_progress())
            raw.commit()
            progress(f"items: {counts['items']:,} loaded; mentions ...")
            counts["item_entities"] = _copy(cur, "item_entities", MENTION_COLUMNS, data.mentions)
            raw.commit()
            alerts = data.alerts()
            counts["alerts"] = _copy(cur, "alerts", ALERT_COLUMNS, alerts)
            counts["alert_items"] = _copy(cur, "alert_items", ALERT_ITEM_COLUMNS, data.alert_items)
            counts["alert_feedback"] = _copy(cur, "alert_feedback", FEEDBACK_COLUMNS, data.feedback())
            counts["deliveries"] = _copy(cur, "deliveries", DELIVERY_COLUMNS, data.deliveries())
            for table in ("entities", "alerts", "alert_items", "alert_feedback", "deliveries", "feeds"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
        raw.commit()
    finally:
        raw.close()
    progress("VACUUM ANALYZE (what autovacuum does on a live database) ...")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("items", "entities", "item_entities", "topics", "alerts", "alert_items", "alert_feedback",
                      "deliveries", "feeds"):
            conn.execute(text(f"VACUUM (ANALYZE) {table}"))
    counts["distinct_targets"] = len({g["target"] for g in data.groups})
    counts["distinct_countries"] = len({g["country"] for g in data.groups})
    return counts


# --- HTTP ---------------------------------------------------------------------------------
