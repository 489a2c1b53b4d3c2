"""The composition root: the one place where settings become clients and stages.

Everything is built lazily, so `wirewatch --help` or a unit test never connects to
Kafka or PostgreSQL and never loads spaCy. `bootstrap(settings, engine=..., mailer=...)`
replaces any shared part with a fake; `with bootstrap() as app:` closes what the App built.
"""
from __future__ import annotations

import logging
from functools import cached_property

from schemas.topics import TopicNames
from wirewatch.settings import Settings, get_settings

log = logging.getLogger(__name__)


# The shared parts a caller may supply instead of the ones built from settings.
REPLACEABLE = ("engine", "store", "delivery_rules", "analyzer", "mailer")


class App:
    def __init__(self, settings: Settings, **parts) -> None:
        unknown = sorted(set(parts) - set(REPLACEABLE))
        if unknown:
            raise TypeError(f"App() cannot replace {', '.join(unknown)}; it can replace {', '.join(REPLACEABLE)}")
        self.settings = settings
        self.names = TopicNames(settings.topic_prefix)
        self.__dict__.update(parts)  # a cached_property already computed is never built again
        self._supplied = frozenset(parts)

    def close(self) -> None:
        """Dispose of the clients this App built; the ones it was given belong to the caller."""
        engine = self.__dict__.pop("engine", None)
        if engine is not None and "engine" not in self._supplied:
            engine.dispose()
        if "store" not in self._supplied:
            self.__dict__.pop("store", None)  # built on the engine just disposed

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @cached_property
    def engine(self):
        from wirewatch.adapters.postgres_engine import make_engine

        return make_engine(self.settings.database_url, self.settings.db_schema)

    @cached_property
    def delivery_rules(self):
        """One delivery rules source (hot-reloaded) for the items stage and the notifier."""
        from consumers.alerting.delivery_config import DeliveryRulesSource, parse_recipients

        return DeliveryRulesSource(self.settings.delivery_rules_file(),
                                   parse_recipients(self.settings.alert_recipients))

    @cached_property
    def store(self):
        from wirewatch.adapters.postgres_store import PostgresStore

        store = PostgresStore(self.engine)
        store.set_delivery_rules(self.delivery_rules)
        return store

    def feed_poller(self, config=None):
        """The feed poller on PostgreSQL, Kafka and HTTP; `config` replaces the feeds file (not re-read)."""
        from functools import partial

        from producers.polling.poller import FeedPoller
        from producers.registry import load_registry
        from producers.url_policy import UrlPolicy
        from wirewatch.adapters import kafka_bus as bus
        from wirewatch.adapters.http_fetch import USER_AGENT, FetchLimits, fetch_feed
        from wirewatch.adapters.kafka_feeds import read_back, record_too_large
        from wirewatch.adapters.postgres_feeds import FeedStore, PollerLock
        from wirewatch.poller_metrics import PrometheusPollObserver

        settings = self.settings
        path = None if config is not None else settings.feeds_file
        config = config if config is not None else load_registry(path)
        timeout_ms = int(config.options.publish_timeout * 1000)

        def connect():
            bus.ensure_topics(settings, self.names)
            return self.producer_bus(request_timeout_ms=min(10_000, max(1000, timeout_ms // 2)),
                                     delivery_timeout_ms=max(timeout_ms, 15_000), max_block_ms=10_000,
                                     client_id="wirewatch-feed-poller")

        fetch = partial(fetch_feed, limits=FetchLimits.of(config.options), policy=UrlPolicy.from_settings(settings),
                        user_agent=settings.feed_user_agent or USER_AGENT)
        return FeedPoller(store=FeedStore(self.engine), lock=PollerLock(self.engine, settings.db_schema),
                          connect=connect, fetch=fetch, reader=partial(read_back, settings.kafka_bootstrap),
                          topic=self.names.items, config=config, config_path=path, too_large=record_too_large,
                          observer=PrometheusPollObserver())

    def notifier(self, mailer=None, *, rules=None, config=None):
        """The outbox-draining stage; `mailer`, `rules` and `config` replace the ones from settings."""
        from consumers.alerting.notifier import CallbackObserver, Notifier, NotifierConfig
        from wirewatch import metrics
        from wirewatch.adapters.postgres_outbox import PostgresOutbox

        s = self.settings
        config = config or NotifierConfig(
            mail_from=s.mail_from, max_attempts=s.notify_max_attempts, backoff_seconds=s.notify_backoff_seconds,
            sending_timeout_seconds=s.notify_sending_timeout_seconds, poll_seconds=s.notify_poll_seconds)
        return Notifier(PostgresOutbox(self.engine), mailer or self.mailer, rules or self.delivery_rules, config,
                        observer=CallbackObserver(sent=metrics.EMAILS_SENT.inc, failed=metrics.EMAILS_FAILED.inc))

    @cached_property
    def mailer(self):
        """SMTP from settings; connects only when a message is sent."""
        from wirewatch.adapters.smtp_mailer import SmtpMailer

        s = self.settings
        return SmtpMailer(s.smtp_host, s.smtp_port, security=s.smtp_security.lower(),
                          user=s.smtp_user, password=s.smtp_password)

    @cached_property
    def analyzer(self):
        from consumers.understanding.analyzer import Analyzer

        return Analyzer(watchlist=str(self.settings.watchlist_file), caps=self.analysis_caps(),
                        parties=str(self.settings.parties_dir))

    def analysis_caps(self):
        from consumers.understanding.limits import Caps

        return Caps(max_chars=self.settings.analysis_max_chars, max_tokens=self.settings.analysis_max_tokens)

    @property
    def extractor_version(self) -> str:
        from consumers.understanding.analyzer import EXTRACTOR_VERSION

        return EXTRACTOR_VERSION

    def producer_bus(self, **overrides):
        from wirewatch.adapters.kafka_bus import ProducerBus, make_producer

        return ProducerBus(make_producer(self.settings, **overrides))

    def analysis_budget(self):
        from wirewatch.analysis_sandbox import Budget

        return Budget(seconds=self.settings.analysis_budget_seconds,
                      memory_mb=self.settings.analysis_memory_budget_mb)

    def sandboxed_analyser(self, **callbacks):
        """Analysis in a child process that is killed and replaced when an item goes over budget."""
        from functools import partial

        from consumers.understanding.analyzer import Analyzer
        from wirewatch import metrics
        from wirewatch.analysis_sandbox import SandboxedAnalyser

        callbacks.setdefault("on_reject", lambda kind: metrics.ANALYSIS_OVER_BUDGET.labels(budget=kind).inc())
        callbacks.setdefault("on_restart", metrics.ANALYSIS_WORKER_RESTARTS.inc)
        return SandboxedAnalyser(partial(Analyzer, watchlist=str(self.settings.watchlist_file),
                                         caps=self.analysis_caps(), parties=str(self.settings.parties_dir)),
                                 self.analysis_budget(), **callbacks)

    def max_poll_interval_ms(self) -> int:
        """Long enough for a batch in which every item runs to its budget and costs a restart,
        so a slow batch never costs the consumer its group membership."""
        from wirewatch.adapters import kafka_bus as bus

        per_item = self.settings.analysis_budget_seconds + 30  # + replacing the analysis process
        return int(max(600.0, bus.MAX_POLL_RECORDS * per_item + 120) * 1000)

    # The hook point for watching every items worker this App builds, besides its Prometheus
    # metrics: a WorkerObserver (consumers/items_loop.py), e.g. the benchmark's, which sets it
    # on the App it hands to `wirewatch.cli.main(app_factory=...)` (bench/consume_child.py).
    worker_observer = None

    def items_worker(self, group: str | None = None, observer=None, **consumer_overrides):
        """Build the items stage with its consumer, store and dead-letter/alert producer.
        `observer` (default: `worker_observer`) is told what the worker does, with its metrics."""
        from consumers.items_loop import ANALYSIS, ItemsWorker, Observers, timed
        from consumers.matching.runtime import TopicRuntime
        from consumers.matching.topics import TopicFileWatcher
        from consumers.pipeline import ItemsStage
        from wirewatch.adapters import kafka_bus as bus
        from wirewatch.adapters.faults import ItemsFaults
        from wirewatch.adapters.kafka_inbox import KafkaInbox
        from wirewatch.heartbeat import Heartbeat
        from wirewatch.worker_metrics import WorkerMetrics

        self.delivery_rules.current()  # refuse to start on a broken delivery file
        bus.ensure_topics(self.settings, self.names)
        observer = observer or self.worker_observer
        observer = WorkerMetrics() if observer is None else Observers(WorkerMetrics(), observer)
        # A watcher per worker: a shared one would report "unchanged" to the second worker.
        runtime = TopicRuntime(TopicFileWatcher(self.settings.topics_file), self.store)
        runtime.refresh(force=True)
        heartbeat = Heartbeat(self.settings.heartbeat_dir, group or self.settings.consumer_group, "items")
        holder: dict = {}
        sandbox = None
        if self.settings.analysis_isolation:
            sandbox = self.sandboxed_analyser(
                should_stop=lambda: holder["worker"].stop_event.is_set(),
                on_wait=lambda: heartbeat.beat("analysing"))
            # Analysis runs in the sandbox's child, whose CPU this thread's clock does not see.
            analyse = timed(observer, ANALYSIS, sandbox.analyse_many, clock=lambda: sandbox.cpu_seconds)
        else:
            analyse = self.analyzer.analyse_many
        stage = ItemsStage(analyse, runtime.match, self.extractor_version)
        consumer_overrides.setdefault("max_poll_interval_ms", self.max_poll_interval_ms())
        consumer = bus.make_consumer(self.settings, [self.names.items], group, **consumer_overrides)
        holder["worker"] = worker = ItemsWorker(
            inbox=KafkaInbox(consumer), stage=stage, store=self.store, producer=self.producer_bus(),
            topics=self.names, match_input=runtime.match_input,
            extractor_version=self.extractor_version, faults=ItemsFaults(), on_idle=runtime.refresh,
            analyser=sandbox, heartbeat=heartbeat, observer=observer,
        )
        return worker


def bootstrap(settings: Settings | None = None, **parts) -> App:
    """The App for ``settings`` (default: from the environment), with ``parts`` (see REPLACEABLE)
    used instead of building them: how tests plug in fakes."""
    return App(settings or get_settings(), **parts)
