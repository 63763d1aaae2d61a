"""Two front desks register patients at the same moment: every patient still gets a number of
their own, and the numbers follow each other. Real threads, each with its own database
connection, on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection

from praxis.patients import registration
from praxis.patients.models import Patient

THREADS = 8
EACH = 4


def _run_at_once(work: Callable[[int], None], count: int) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            work(n)
        except BaseException as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
def test_patients_registered_at_once_get_distinct_consecutive_mrns(practice):
    def register(n: int) -> None:
        for i in range(EACH):
            registration.patient_register(
                practice=practice,
                values={
                    "legal_first_name": f"Thread{n}",
                    "legal_last_name": f"Patient{n}x{i}",
                    "date_of_birth": date(1950 + n, 1 + i, 1),
                    "sex": "U",
                },
                registered_by=None,
            )

    errors = _run_at_once(register, THREADS)

    assert errors == []
    mrns = sorted(Patient.objects.filter(practice=practice).values_list("mrn", flat=True))
    assert mrns == [str(100001 + k) for k in range(THREADS * EACH)]


@pytest.mark.django_db(transaction=True)
def test_the_same_person_registered_twice_at_once_is_caught(practice):
    outcomes: list[str] = []

    def register(n: int) -> None:
        try:
            registration.patient_register(
                practice=practice,
                values={
                    "legal_first_name": "Zoë",
                    "legal_last_name": "Åberg",
                    "date_of_birth": date(1992, 4, 5),
                    "sex": "F",
                },
                registered_by=None,
            )
            outcomes.append("registered")
        except registration.DuplicateWarning:
            outcomes.append("warned")

    errors = _run_at_once(register, 2)

    assert errors == []
    assert sorted(outcomes) == ["registered", "warned"]
    assert Patient.objects.filter(practice=practice).count() == 1
