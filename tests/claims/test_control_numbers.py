"""Two billers create batches at the same moment: real threads, real transactions, on SQLite and
PostgreSQL. No two batches ever get the same interchange control number."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from praxis.claims.batching import next_control_number
from praxis.claims.models import ControlSequence
from praxis.core.models import Practice

pytestmark = pytest.mark.django_db(transaction=True)


def test_control_numbers_are_unique_under_concurrency(practice: Practice):
    taken: list[int] = []
    failures: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def take() -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(5):
                with transaction.atomic():
                    number = next_control_number(practice)
                with lock:
                    taken.append(number)
        except Exception as exc:  # anything else is a failure of the subject
            failures.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a biller hung (deadlock?)"
    assert failures == []
    assert sorted(taken) == list(range(1, 21))
    assert ControlSequence.objects.get(practice=practice).last_number == 20


def test_a_control_number_is_only_taken_inside_a_transaction(practice: Practice):
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        next_control_number(practice)
