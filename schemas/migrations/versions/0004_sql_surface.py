"""The SQL surface for analysts: views, search, feedback and a read-only role (Issue 7).

- alert_feedback: analysts rate alerts good or bad (one row per rating).
- items.search_vector: a generated tsvector (headline weighted A, body B, 'english')
  with a GIN index; entities.canonical_name gets a GIN trigram index (pg_trgm) for
  fuzzy name lookup.
- Views alerts_v, entity_mentions_daily_v, topic_stats_v: stable names, columns named
  in words, every column commented (COMMENT ON COLUMN). They are created without a
  schema name, so they live in (and read from) the migration's schema.
- Role wirewatch_reader (NOLOGIN, cluster-wide, created once): USAGE on this schema and
  SELECT on the views and the documented tables. Nothing else: no deliveries, no
  alembic_version, no sequences, no writes. Grants are per schema, so running this in
  many schemas (one per test) is safe. When the migrating user may not create roles
  and the role does not exist yet, the grants are skipped with a WARNING (ask a DBA for
  `CREATE ROLE wirewatch_reader NOLOGIN`, then run the GRANT lines of docs/sql.md).

A branch off 0002 beside the feeds migration 0003; 0005_merge_heads joins the two.

Revision ID: 0004_sql_surface
Revises: 0002
Create Date: 2026-11-29
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_sql_surface"
down_revision = "0002"
branch_labels = None
depends_on = None

READER = "wirewatch_reader"
READABLE_TABLES = ("items", "entities", "item_entities", "topics", "alerts", "alert_items", "alert_feedback")
VIEWS = ("alerts_v", "entity_mentions_daily_v", "topic_stats_v")

SEARCH_VECTOR = (
    "setweight(to_tsvector('english'::regconfig, coalesce(headline, '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, coalesce(body, '')), 'B')"
)

ALERTS_V = """
CREATE VIEW alerts_v AS
SELECT a.id                                   AS alert_id,
       a.topic_name                           AS topic,
       t.title                                AS topic_title,
       a.target                               AS person,
       a.target_role                          AS person_role,
       a.country                              AS country,
       a.place                                AS place,
       a.event                                AS event_type,
       a.stage                                AS stage,
       COALESCE(a.first_seen_at, a.created_at) AS first_seen,
       COALESCE(a.last_seen_at, a.created_at)  AS last_seen,
       a.source_count                         AS independent_sources,
       a.evidence_count                       AS stories,
       NULLIF(i.headline, '')                 AS headline,
       i.url                                  AS url,
       a.evidence                             AS evidence_sentence,
       CASE WHEN a.muted_at IS NOT NULL THEN 'muted'
            WHEN a.acked_at IS NOT NULL THEN 'acknowledged'
            ELSE 'open' END                   AS status,
       r.rating                               AS latest_rating,
       a.created_at                           AS opened_at
FROM alerts a
-- LEFT joins on unique keys (the foreign keys are NOT NULL, so no row is lost or added):
-- PostgreSQL drops a join whose columns a query does not use.
LEFT JOIN topics t ON t.name = a.topic_name
LEFT JOIN items i ON i.id = a.item_id
LEFT JOIN (SELECT DISTINCT ON (f.alert_id) f.alert_id, f.rating
           FROM alert_feedback f
           ORDER BY f.alert_id, f.created_at DESC, f.id DESC) r ON r.alert_id = a.id
"""

ENTITY_MENTIONS_DAILY_V = """
CREATE VIEW entity_mentions_daily_v AS
SELECT e.id                                                            AS entity_id,
       e.canonical_name                                                AS entity,
       e.label                                                         AS entity_type,
       (COALESCE(i.published_at, i.received_at) AT TIME ZONE 'UTC')::date AS day,
       sum(m.mention_count)::bigint                                    AS mentions,
       count(*)                                                        AS stories
FROM item_entities m
JOIN entities e ON e.id = m.entity_id
JOIN items i ON i.id = m.item_id
GROUP BY e.id, e.canonical_name, e.label, (COALESCE(i.published_at, i.received_at) AT TIME ZONE 'UTC')::date
"""

TOPIC_STATS_V = """
CREATE VIEW topic_stats_v AS
WITH verdicts AS (
    SELECT DISTINCT ON (f.alert_id) f.alert_id, f.rating
    FROM alert_feedback f
    ORDER BY f.alert_id, f.created_at DESC, f.id DESC
), daily AS (
    SELECT a.topic_name,
           (COALESCE(a.first_seen_at, a.created_at) AT TIME ZONE 'UTC')::date AS day,
           count(*)                                      AS alerts,
           count(v.rating)                               AS rated_alerts,
           count(*) FILTER (WHERE v.rating = 'good')     AS rated_good,
           count(*) FILTER (WHERE v.rating = 'bad')      AS rated_bad
    FROM alerts a
    LEFT JOIN verdicts v ON v.alert_id = a.id
    GROUP BY a.topic_name, 2
)
SELECT d.topic_name                                                        AS topic,
       t.title                                                             AS topic_title,
       d.day                                                               AS day,
       d.alerts                                                            AS alerts,
       d.rated_alerts                                                      AS rated_alerts,
       d.rated_good                                                        AS rated_good,
       d.rated_bad                                                         AS rated_bad,
       round(d.rated_good::numeric / NULLIF(d.rated_good + d.rated_bad, 0), 3) AS day_precision,
       round(sum(d.rated_good) OVER per_topic
             / NULLIF(sum(d.rated_good + d.rated_bad) OVER per_topic, 0), 3) AS topic_precision
FROM daily d
JOIN topics t ON t.name = d.topic_name
WINDOW per_topic AS (PARTITION BY d.topic_name)
"""

COMMENTS = {
    "alerts_v": (
        "One row per alert (one alert per event: topic, person, event type, country and "
        "14-day window). Stable analyst view; base tables may change.",
        {
            "alert_id": "Alert number (alerts.id); use it with `wirewatch alerts show|rate ID`.",
            "topic": "Watched topic name (slug), e.g. arrests-of-opposition-leaders.",
            "topic_title": "Watched topic title, as shown in alert emails.",
            "person": "Who the event happened to (the event frame's target), as written in the story.",
            "person_role": "The target's role, e.g. opposition.",
            "country": "Country of the event, when known (from the place or dateline).",
            "place": "Place named by the opening story's event frame or dateline.",
            "event_type": "Event family, e.g. arrest.",
            "stage": "Furthest stage reported so far, e.g. arrested, charged with treason, sentenced.",
            "first_seen": "When the first story about this event was published (else received).",
            "last_seen": "When the latest story about this event was published (else received).",
            "independent_sources": "Number of distinct publishers (hosts or feeds) with a story about this event.",
            "stories": "Number of stories attached to this alert as evidence.",
            "headline": "Headline of the story that opened the alert (NULL when the story had none).",
            "url": "Link to the story that opened the alert (NULL for file or text sources).",
            "evidence_sentence": "The sentence of the opening story that made the alert fire.",
            "status": "open, acknowledged or muted (by an operator).",
            "latest_rating": "The latest analyst rating: good, bad, or NULL when not rated.",
            "opened_at": "When wirewatch opened the alert (database time).",
        },
    ),
    "entity_mentions_daily_v": (
        "Mentions of each entity per day (UTC day of the story's publication, else receipt). "
        "Mentions of pruned items (wirewatch db prune) are gone.",
        {
            "entity_id": "Entity number (entities.id).",
            "entity": "Canonical entity name, e.g. Kem Sokha.",
            "entity_type": "Entity type: PERSON, ORG (organisation), GPE (country, city, state), "
                           "NORP (nationality or group), LOC, FAC, EVENT, ...",
            "day": "UTC calendar day of the stories' publication (else receipt).",
            "mentions": "Times the entity is mentioned in that day's stories.",
            "stories": "Stories that day mentioning the entity at least once.",
        },
    ),
    "topic_stats_v": (
        "Alerts per watched topic per day (UTC day first seen), with analyst feedback. Each rated "
        "alert counts once, by its latest rating.",
        {
            "topic": "Watched topic name (slug).",
            "topic_title": "Watched topic title.",
            "day": "UTC calendar day the alerts were first seen.",
            "alerts": "Alerts of this topic first seen that day.",
            "rated_alerts": "Of those, alerts an analyst rated (good or bad).",
            "rated_good": "Of those, alerts whose latest rating is good.",
            "rated_bad": "Of those, alerts whose latest rating is bad.",
            "day_precision": "rated_good / (rated_good + rated_bad) for that day; NULL when none rated.",
            "topic_precision": "The topic's measured precision over ALL its rated alerts (every day): "
                               "good / (good + bad); NULL when none rated.",
        },
    ),
}

TABLE_COMMENTS = {
    "alert_feedback": "Analyst ratings of alerts: one row per rating (`wirewatch alerts rate ID good|bad`).",
}
COLUMN_COMMENTS = {
    ("alert_feedback", "alert_id"): "The rated alert (alerts.id).",
    ("alert_feedback", "rating"): "good (a true alert) or bad (a false alarm).",
    ("alert_feedback", "note"): "Free text: why.",
    ("alert_feedback", "rated_by"): "Who rated it.",
    ("alert_feedback", "created_at"): "When it was rated.",
    ("items", "search_vector"): "Full-text search vector ('english'): headline (weight A) + body (weight B). "
                                "Generated; query with search_vector @@ websearch_to_tsquery('english', '...').",
}


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _trgm_opclass() -> str:
    """gin_trgm_ops, qualified by the schema pg_trgm lives in (public here, maybe not elsewhere)."""
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
    schema: str = op.get_bind().execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'")).scalar_one()
    return '"' + schema.replace('"', '""') + '".gin_trgm_ops'


def upgrade() -> None:
    op.create_table(
        "alert_feedback",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.BigInteger, sa.ForeignKey("alerts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("rating", sa.String(8), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("rated_by", sa.String(200), nullable=False, server_default=sa.text("current_user")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("rating IN ('good', 'bad')", name="ck_alert_feedback_rating"),
    )
    op.create_index("ix_alert_feedback_alert_id", "alert_feedback", ["alert_id", "created_at"])

    # Search: a generated tsvector on items (recomputed when retention clears a body).
    op.execute(f"ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED")
    op.execute("CREATE INDEX ix_items_search_vector ON items USING gin (search_vector)")
    op.execute(f"CREATE INDEX ix_entities_canonical_name_trgm ON entities USING gin (canonical_name {_trgm_opclass()})")
    # Time-ordered lookups: retention (received_at) and alerts_v.first_seen.
    op.create_index("ix_items_received_at", "items", ["received_at"])
    op.execute("CREATE INDEX ix_alerts_first_seen ON alerts ((COALESCE(first_seen_at, created_at)))")

    for ddl in (ALERTS_V, ENTITY_MENTIONS_DAILY_V, TOPIC_STATS_V):
        op.execute(ddl)
    for view, (about, columns) in COMMENTS.items():
        op.execute(f"COMMENT ON VIEW {view} IS {_literal(about)}")
        for column, text in columns.items():
            op.execute(f"COMMENT ON COLUMN {view}.{column} IS {_literal(text)}")
    for table, text in TABLE_COMMENTS.items():
        op.execute(f"COMMENT ON TABLE {table} IS {_literal(text)}")
    for (table, column), text in COLUMN_COMMENTS.items():
        op.execute(f"COMMENT ON COLUMN {table}.{column} IS {_literal(text)}")

    grant_reader()


def grant_reader() -> None:
    """Create wirewatch_reader once per cluster (race-safe), grant it this schema's surface."""
    objects = ", ".join(VIEWS + READABLE_TABLES)
    op.execute(f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        BEGIN
            CREATE ROLE {READER} NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN
                NULL;  -- another migration (another schema) created it just now
            WHEN insufficient_privilege THEN
                RAISE WARNING 'wirewatch: % may not create role {READER}; the read-only grants are skipped. '
                              'Ask a DBA: CREATE ROLE {READER} NOLOGIN; then run the GRANT lines in docs/sql.md',
                              current_user;
                RETURN;
        END;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO {READER}', current_schema());
    EXECUTE 'GRANT SELECT ON {objects} TO {READER}';
END
$$;
""")


def downgrade() -> None:
    # The role is cluster-wide and may serve other schemas: revoke here, never drop it.
    op.execute(f"""
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{READER}') THEN
        EXECUTE 'REVOKE ALL ON {", ".join(VIEWS + READABLE_TABLES)} FROM {READER}';
        EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM {READER}', current_schema());
    END IF;
END
$$;
""")
    for view in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.execute("DROP INDEX IF EXISTS ix_alerts_first_seen")
    op.drop_index("ix_items_received_at", "items")
    op.execute("DROP INDEX IF EXISTS ix_entities_canonical_name_trgm")
    op.execute("DROP INDEX IF EXISTS ix_items_search_vector")
    op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
    op.drop_table("alert_feedback")
