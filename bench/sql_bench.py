"""SQL surface benchmark: every docs/sql.md cookbook query on 100,000 stories.

    python -m bench.sql_bench [--items 100000] [--schema sqlbench] [--keep]

Seeds its own schema (dropped at the end unless --keep) through the real migrations,
then fills it directly with COPY: stories sampled with replacement from the Reuters
corpus (../shared/eval-data/reuters/articles.jsonl, read in place) plus the reference
story, each with its own id, date (spread over the last year), publisher and dateline;
mentions from a fast capitalised-phrase heuristic (spaCy on 100,000 stories would take an
hour; the shape of the data matters here, not its labels); about 6% of stories open an
alert (1-4 stories of evidence each) and a quarter of the alerts are rated. Then ANALYZE,
and for each query: one warm-up, the median of 5 timed runs, and EXPLAIN (FORMAT JSON) to
report whether an index is used. Prints a markdown table and writes bench/sql_results.json.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/sql_bench.py` from anywhere
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from wirewatch.adapters.postgres_engine import drop_schema, make_engine, upgrade  # noqa: E402
from wirewatch.settings import Settings  # noqa: E402

DOC = ROOT / "docs" / "sql.md"
RESULTS = ROOT / "bench" / "sql_results.json"
EVAL = ROOT.parent / "shared" / "eval-data"
ARTICLES = EVAL / "reuters" / "articles.jsonl"
SEED = EVAL / "seed" / "kem-sokha-arrest.txt"
TARGET_MS = 100.0
INDEX_NODES = ("Index Scan", "Index Only Scan", "Bitmap Index Scan")

HOSTS = ["reuters.com", "apnews.com", "afp.com", "bbc.co.uk", "aljazeera.com", "phnompenhpost.com",
         "straitstimes.com", "theguardian.com", "dw.com", "france24.com", "nikkei.com", "scmp.com",
         "hurriyetdailynews.com", "dailymaverick.co.za", "monitor.co.ug", "kyivindependent.com",
         "themoscowtimes.com", "elpais.com", "folha.uol.com.br", "thehindu.com"]
COUNTRIES = {"PHNOM PENH": "Cambodia", "ANKARA": "Turkey", "ISTANBUL": "Turkey", "BISHKEK": "Kyrgyzstan",
             "KAMPALA": "Uganda", "MOSCOW": "Russia", "CARACAS": "Venezuela", "HARARE": "Zimbabwe",
             "DHAKA": "Bangladesh", "MINSK": "Belarus", "TEHRAN": "Iran", "YANGON": "Myanmar",
             "ADDIS ABABA": "Ethiopia", "NAIROBI": "Kenya", "ISLAMABAD": "Pakistan", "TUNIS": "Tunisia",
             "CAIRO": "Egypt", "MANILA": "Philippines", "LIMA": "Peru", "KINSHASA": "Congo"}
TOPICS = [
    ("arrests-of-opposition-leaders", "Arrests of opposition leaders", "arrest", 40),
    ("opposition-leaders-released", "Opposition leaders released", "release", 10),
    ("military-coups", "Military coups and coup attempts", None, 12),
    ("journalists-detained", "Journalists detained", "arrest", 10),
    ("election-violence", "Election violence", None, 10),
    ("protest-crackdowns", "Protest crackdowns", None, 8),
    ("sanctions", "New sanctions", None, 6),
    ("cambodian-opposition", "Cambodian opposition figures", None, 4),
]
STAGES = ["arrested", "detained", "charged", "charged with treason", "remanded", "sentenced"]
CAPS = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}\b")
ORG_WORDS = ("Party", "Ministry", "Bank", "Council", "Union", "Committee", "Court", "Agency", "Group", "Inc",
             "Corp", "Association", "Commission", "Congress", "Parliament", "Army", "Police", "Reuters",
             "Department", "Office", "Assembly", "Front", "Movement", "Fund", "Organization", "Senate")
GPE_WORDS = ("United States", "North Korea", "South Korea", "Saudi Arabia", "New York", "Hong Kong",
             "South Africa", "United Kingdom", "European Union", "Middle East", "White House")
SEED_ENTITIES = [("Kem Sokha", "PERSON"), ("Hun Sen", "PERSON"), ("Mu Sochua", "PERSON"),
                 ("Cambodia National Rescue Party", "ORG"), ("Cambodian People's Party", "ORG"),
                 ("Cambodia", "GPE"), ("China", "GPE"), ("Sok Eysan", "PERSON")]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- corpus ----------------------------------------------------------------------

def tsv(value) -> str:
    if value is None:
        return r"\N"
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))


def entities_of(title: str, body: str) -> list[tuple[str, str, int, int, list]]:
    """(name, label, count, first position, up to 3 mentions) from capitalised phrases."""
    found: dict[tuple[str, str], list] = {}
    for m in CAPS.finditer(body[:6000]):
        name = m.group(0)
        if name.split()[0] in ("The", "A", "An", "In", "On", "But", "He", "She", "It", "We", "They", "This"):
            continue
        label = ("GPE" if name in GPE_WORDS else "ORG" if name.split()[-1] in ORG_WORDS else "PERSON")
        found.setdefault((name, label), []).append((m.start(), m.end()))
    out = []
    for (name, label), spans in found.items():
        mentions = [{"start": s, "end": e, "text": name} for s, e in spans[:3]]
        out.append((name, label, len(spans), spans[0][0], mentions))
    return out[:25]


def load_corpus() -> list[dict]:
    stories = []
    with open(ARTICLES, encoding="utf-8") as fh:
        for line in fh:
            a = json.loads(line)
            body = a.get("body") or ""
            if len(body) < 200:
                continue
            place = (a.get("dateline") or "").split(",")[0].strip().upper() or None
            stories.append({"title": a.get("title") or "", "body": body, "place": place,
                            "entities": entities_of(a.get("title") or "", body)})
    seed = SEED.read_text(encoding="utf-8")
    body = seed.split(" - ", 1)[1]
    seed_entities = []
    for name, label in SEED_ENTITIES:
        spans = [m.start() for m in re.finditer(re.escape(name), body)] or [0]
        seed_entities.append((name, label, len(spans), spans[0],
                              [{"start": s, "end": s + len(name), "text": name} for s in spans[:3]]))
    stories.append({"title": "Cambodia opposition leader Kem Sokha arrested, charged with treason",
                    "body": body, "place": "PHNOM PENH", "entities": seed_entities, "seed": True})
    return stories


# --- seeding -----------------------------------------------------------------------

def copy_rows(raw, table: str, columns: list[str], lines) -> int:
    n = 0
    with raw.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            buf = []
            for line in lines:
                buf.append(line)
                n += 1
                if len(buf) >= 5000:
                    copy.write("".join(buf))
                    buf = []
            if buf:
                copy.write("".join(buf))
    return n


def seed(engine, n_items: int, rng: random.Random) -> dict:
    t0 = time.perf_counter()
    corpus = load_corpus()
    log(f"corpus: {len(corpus)} stories ({time.perf_counter() - t0:.1f}s)")
    seed_index = len(corpus) - 1
    for s in corpus:
        s["esc_title"], s["esc_body"] = tsv(s["title"]), tsv(s["body"])
    # Entities: every name in the corpus, plus a misspelling for fuzzy lookup.
    names: dict[tuple[str, str], int] = {}
    for s in corpus:
        for name, label, *_ in s["entities"]:
            names.setdefault((name, label), len(names) + 1)
    names.setdefault(("Kem Sokhar", "PERSON"), len(names) + 1)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    start = now - timedelta(days=365)
    places = list(COUNTRIES)

    picks, published, hosts, item_places = [], [], [], []
    for _ in range(n_items):
        # 1 story in 300 is the reference story (with its own date and publisher): ~330 stories
        # about Kem Sokha, so his timeline and the two-people query have real work to do.
        idx = seed_index if rng.random() < 1 / 300 else rng.randrange(seed_index)
        picks.append(idx)
        published.append(start + timedelta(seconds=rng.randrange(365 * 86400)))
        hosts.append(rng.choice(HOSTS))
        item_places.append(corpus[idx]["place"] if rng.random() < 0.7 and corpus[idx]["place"] else rng.choice(places))
    ids = [f"bench-{n:06d}" for n in range(n_items)]

    raw = engine.raw_connection()
    try:
        dbapi = raw.driver_connection
        t = time.perf_counter()
        copy_rows(dbapi, "entities", ["id", "canonical_name", "label"],
                  (f"{i}\t{tsv(name)}\t{label}\n" for (name, label), i in names.items()))
        with dbapi.cursor() as cur:
            cur.execute("SELECT setval('entities_id_seq', %s)", (len(names),))

        def item_lines():
            for n in range(n_items):
                s = corpus[picks[n]]
                pub = published[n]
                recv = pub + timedelta(seconds=rng.randrange(1, 600))
                yield (f"{ids[n]}\t1\tbench\thttps://{hosts[n]}/feed.xml\thttps://{hosts[n]}/story/{n}\t"
                       f"{s['esc_title']}\t{s['esc_body']}\ten\t{tsv(item_places[n])}\t{pub.isoformat()}\t"
                       f"{recv.isoformat()}\t{hashlib.md5(ids[n].encode()).hexdigest()}\tbench\n")

        copy_rows(dbapi, "items", ["id", "version", "source", "feed", "url", "headline", "body", "language",
                                   "dateline_place", "published_at", "received_at", "content_hash",
                                   "extractor_version"], item_lines())
        dbapi.commit()
        log(f"items: {n_items} ({time.perf_counter() - t:.1f}s)")

        t = time.perf_counter()
        mention_json = {}

        def mention_lines():
            for n in range(n_items):
                s = corpus[picks[n]]
                for name, label, count, first, mentions in s["entities"]:
                    key = id(mentions)
                    if key not in mention_json:
                        mention_json[key] = tsv(json.dumps(mentions))
                    yield f"{ids[n]}\t{names[(name, label)]}\t{count}\t{first}\t{mention_json[key]}\t[]\n"
            # The misspelling appears in a handful of stories.
            for n in range(0, n_items, max(1, n_items // 7)):
                if ("Kem Sokhar", "PERSON") not in {(e[0], e[1]) for e in corpus[picks[n]]["entities"]}:
                    yield f"{ids[n]}\t{names[('Kem Sokhar', 'PERSON')]}\t1\t0\t[]\t[]\n"

        n_mentions = copy_rows(dbapi, "item_entities",
                               ["item_id", "entity_id", "mention_count", "first_position", "mentions", "aliases"],
                               mention_lines())
        dbapi.commit()
        log(f"mentions: {n_mentions} ({time.perf_counter() - t:.1f}s)")

        t = time.perf_counter()
        with dbapi.cursor() as cur:
            cur.executemany(
                "INSERT INTO topics (name, title, version, fingerprint, definition) VALUES (%s, %s, 1, %s, '{}')",
                [(name, title, hashlib.md5(name.encode()).hexdigest()[:16]) for name, title, _, _ in TOPICS])
        alert_lines, evidence_lines, feedback_lines = [], [], []
        weights = [w for *_, w in TOPICS]
        alert_id = evidence_id = 0
        for n in range(n_items):
            s = corpus[picks[n]]
            is_seed = picks[n] == seed_index
            if not is_seed and rng.random() >= 0.06:
                continue
            alert_id += 1
            name, title, event, _ = TOPICS[0] if is_seed else rng.choices(TOPICS, weights)[0]
            people = [e[0] for e in s["entities"] if e[1] == "PERSON"]
            target = "Kem Sokha" if is_seed else (rng.choice(people) if people and event else None)
            role = "opposition" if event else None
            place = item_places[n]
            country = COUNTRIES.get(place or "", None)
            first = published[n]
            sentence = (s["body"].split(". ")[0] + ".")[:500]
            evidence = rng.choice([1, 1, 1, 2, 2, 3, 4])
            stage = rng.choice(STAGES) if event == "arrest" else None
            alert_lines.append("\t".join([
                str(alert_id), hashlib.sha256(f"e{alert_id}".encode()).hexdigest(),
                hashlib.sha256(f"a{alert_id}".encode()).hexdigest(), name, "1", ids[n], tsv(target), tsv(role),
                tsv(event), tsv("arrest" if event else None), tsv(place), tsv(sentence), "1.0",
                "event=arrest AND target_role=opposition" if event else "query", "{}", tsv(country),
                tsv(stage), str(evidence), str(min(evidence, rng.choice([1, 1, 2, 3, 4]))),
                first.isoformat(), (first + timedelta(hours=rng.randrange(0, 120) if evidence > 1 else 0)).isoformat(),
                (first + timedelta(minutes=2)).isoformat()]) + "\n")
            others = rng.sample(range(1, 5000), evidence - 1)
            for k in range(evidence):
                evidence_id += 1
                item = ids[n] if k == 0 else ids[(n + others[k - 1]) % n_items]
                evidence_lines.append("\t".join([
                    str(evidence_id), str(alert_id), item, hashlib.sha256(f"a{alert_id}.{k}".encode()).hexdigest(),
                    tsv(sentence), tsv(stage), hosts[n] if k == 0 else rng.choice(HOSTS),
                    f"https://{hosts[n]}/story/{n}", tsv(country), (first + timedelta(hours=k)).isoformat()]) + "\n")
            if rng.random() < 0.25 or alert_id == 1:
                for _ in range(rng.choice([1, 1, 2])):
                    rating = "good" if rng.random() < (0.8 if name == TOPICS[0][0] else 0.6) else "bad"
                    note = None if rating == "good" else rng.choice(["not an opposition figure", "old news",
                                                                     "a metaphor", "wrong country"])
                    feedback_lines.append(f"{alert_id}\t{rating}\t{tsv(note)}\tbench\t"
                                          f"{(first + timedelta(hours=rng.randrange(1, 48))).isoformat()}\n")
        copy_rows(dbapi, "alerts", ["id", "event_key", "alert_key", "topic_name", "topic_version", "item_id", "target",
                                    "target_role", "event", "action", "place", "evidence", "score", "rule",
                                    "explanation", "country", "stage", "evidence_count", "source_count",
                                    "first_seen_at", "last_seen_at", "created_at"], alert_lines)
        copy_rows(dbapi, "alert_items", ["id", "alert_id", "item_id", "alert_key", "evidence", "stage", "source",
                                         "url", "country", "published_at"], evidence_lines)
        copy_rows(dbapi, "alert_feedback", ["alert_id", "rating", "note", "rated_by", "created_at"], feedback_lines)
        with dbapi.cursor() as cur:
            cur.execute("SELECT setval('alerts_id_seq', %s)", (alert_id,))
            cur.execute("SELECT setval('alert_items_id_seq', %s)", (evidence_id,))
        dbapi.commit()
        log(f"alerts: {alert_id}, evidence rows: {evidence_id}, ratings: {len(feedback_lines)} "
            f"({time.perf_counter() - t:.1f}s)")
        t = time.perf_counter()
        dbapi.autocommit = True
        with dbapi.cursor() as cur:  # our tables only (search_path): other schemas are not ours
            for table_ in ("items", "entities", "item_entities", "topics", "alerts", "alert_items", "alert_feedback"):
                cur.execute(f"VACUUM (ANALYZE) {table_}")
        log(f"vacuum analyze ({time.perf_counter() - t:.1f}s)")
    finally:
        raw.close()
    return {"items": n_items, "entities": len(names), "mentions": n_mentions, "alerts": alert_id,
            "alert_items": evidence_id, "ratings": len(feedback_lines),
            "seed_seconds": round(time.perf_counter() - t0, 1)}


# --- measuring ---------------------------------------------------------------------

def cookbook() -> list[tuple[str, str]]:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    out = []
    for block in blocks:
        m = re.search(r"^-- name: ([\w-]+)", block, re.M)
        out.append((m.group(1) if m else f"query-{len(out) + 1}", block.strip()))
    return out


def plan_nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def measure(engine, queries, repeat: int) -> list[dict]:
    results = []
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.autocommit = True
        for name, sql in queries:
            with conn.cursor() as cur:
                cur.execute(sql)
                rows = len(cur.fetchall())  # warm-up
                times = []
                for _ in range(repeat):
                    t = time.perf_counter()
                    cur.execute(sql)
                    cur.fetchall()
                    times.append((time.perf_counter() - t) * 1000)
                cur.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                plan = cur.fetchone()[0][0]["Plan"]
            nodes = list(plan_nodes(plan))
            indexes = sorted({n["Index Name"] for n in nodes if n["Node Type"] in INDEX_NODES and "Index Name" in n})
            seq = sorted({n["Relation Name"] for n in nodes if n["Node Type"] == "Seq Scan"})
            median = statistics.median(times)
            results.append({"query": name, "median_ms": round(median, 2), "min_ms": round(min(times), 2),
                            "max_ms": round(max(times), 2), "rows": rows,
                            "index_used": any(n["Node Type"] in INDEX_NODES for n in nodes),
                            "indexes": indexes, "seq_scans": seq, "under_target": median < TARGET_MS,
                            "sql": sql})
            log(f"{name}: {median:.1f} ms, {rows} rows, indexes {indexes or '-'}")
    finally:
        raw.close()
    return results


def table(results: list[dict]) -> str:
    lines = ["| query | median ms (of 5) | rows | index used | indexes | seq scans | < 100 ms |",
             "| --- | ---: | ---: | --- | --- | --- | --- |"]
    for r in results:
        lines.append(f"| {r['query']} | {r['median_ms']:.1f} | {r['rows']} | {'yes' if r['index_used'] else 'no'} | "
                     f"{', '.join(r['indexes']) or '-'} | {', '.join(r['seq_scans']) or '-'} | "
                     f"{'yes' if r['under_target'] else 'NO'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sql_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--schema", default="sqlbench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7, help="random seed (the data set is reproducible)")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards (to explore it)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing --keep schema, no seeding")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    settings = Settings()
    engine = make_engine(settings.database_url, args.schema)
    try:
        if args.reuse:
            data = {"reused": True}
        else:
            drop_schema(engine, args.schema)
            upgrade(engine, args.schema)
            data = seed(engine, args.items, random.Random(args.seed))
        with engine.connect() as conn:
            version = conn.execute(text("SHOW server_version")).scalar_one()
        results = measure(engine, cookbook(), args.repeat)
    finally:
        if not args.keep:
            drop_schema(engine, args.schema)
        engine.dispose()
    report = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "postgres": version, "target_ms": TARGET_MS, "repeat": args.repeat, "data": data,
              "all_under_target": all(r["under_target"] for r in results), "queries": results}
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"{data}\n")
    print(table(results))
    print(f"\nwritten {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if report["all_under_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
