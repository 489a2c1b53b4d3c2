"""The I/O adapters, all in one place: Kafka (``kafka_*``), PostgreSQL (``postgres_*``), SMTP
(``smtp_mailer``) and HTTP (``http_fetch``).

Each one implements a port that a pure stage or a loop declares (``Outbound``, ``Mailer``, the
feed store, the outbox), and gets its clients and settings from ``wirewatch.bootstrap``. Nothing
here connects at import time.
"""
