"""Races that only real concurrent database connections can show (PostgreSQL).

Each callable runs in its own thread, so on its own Django connection, and a
barrier releases them together. SQLite serializes every writer, so these
tests run on PostgreSQL only.
"""

import threading

import pytest
from django.db import connection, connections, transaction

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs real concurrent PostgreSQL connections (set DATABASE_URL to a postgres URL); "
    "SQLite serializes all writers, so it cannot show the race",
)


def race(calls, *, atomic: bool = False) -> list:
    """Run the callables at the same moment; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            if atomic:
                with transaction.atomic():
                    results[i] = call()
            else:
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each side got
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results
