"""Which exceptions of kafka-python and SQLAlchemy are outages and which are refusals: the
items loop's `Faults` port (consumers/items_loop.py), so the loop imports neither library."""
from __future__ import annotations

from kafka.errors import CommitFailedError, KafkaError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from wirewatch.adapters.kafka_bus import BusUnavailable

OUTAGES = (OperationalError, InterfaceError, KafkaError, BusUnavailable)


class ItemsFaults:
    @staticmethod
    def transient(exc: BaseException) -> bool:
        """Broker or database down, or the connection dropped mid-statement: worth a retry."""
        if isinstance(exc, CommitFailedError):
            return False  # the group moved on: no retry will make this commit succeed
        if isinstance(exc, OUTAGES):
            return True
        return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)

    @classmethod
    def refusal(cls, exc: BaseException) -> str | None:
        """The database's own reason for refusing the data (a constraint, a bad value)."""
        if not isinstance(exc, DBAPIError) or cls.transient(exc):
            return None
        return str(exc.orig or exc).splitlines()[0]
