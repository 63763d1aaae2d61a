"""Daily jobs run once per local day, whatever the number of workers: the first worker to claim
(job, date) in the database runs it, every other worker skips it."""

from __future__ import annotations

import threading
import time as clock
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.utils import timezone

from praxis.core import audit, audit_chain, audit_triggers
from praxis.core.daily import REGISTRY, DailyJob, run_due_jobs
from praxis.core.models import DailyJobRun, UserSession

NEW_YORK = ZoneInfo("America/New_York")  # settings.TIME_ZONE in the test profile


def june(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=NEW_YORK)


class CountingJob:
    """A job body that remembers how often it ran."""

    def __init__(self, *, fails: bool = False, takes: float = 0.0) -> None:
        self.runs = 0
        self.fails = fails
        self.takes = takes
        self._lock = threading.Lock()

    def __call__(self) -> dict[str, int]:
        with self._lock:
            self.runs += 1
        if self.takes:
            clock.sleep(self.takes)
        if self.fails:
            raise RuntimeError("the reminder service is down")
        return {"reminders_sent": 3}


def reminders_at_six(body: CountingJob) -> dict[str, DailyJob]:
    return {"send_reminders": DailyJob(name="send_reminders", at=time(6, 0), run=body)}


# --- once a day --------------------------------------------------------------------------------


def test_a_job_is_not_due_before_its_time(db):
    body = CountingJob()

    assert run_due_jobs(now=june(1, 5, 59), jobs=reminders_at_six(body)) == []

    assert body.runs == 0
    assert not DailyJobRun.objects.exists()


def test_a_due_job_runs_once_and_its_run_is_recorded(db):
    body = CountingJob()

    ran = run_due_jobs(now=june(1, 6, 0), jobs=reminders_at_six(body), claimed_by="worker-a")

    assert ran == ["send_reminders"]
    assert body.runs == 1
    run = DailyJobRun.objects.get()
    assert run.job == "send_reminders"
    assert run.run_date.isoformat() == "2026-06-01"
    assert run.claimed_by == "worker-a"
    assert run.outcome == "ok"
    assert run.summary == {"reminders_sent": 3}
    assert run.finished_at is not None


def test_the_second_call_the_same_day_runs_nothing(db):
    body = CountingJob()
    jobs = reminders_at_six(body)
    run_due_jobs(now=june(1, 6, 5), jobs=jobs)

    assert run_due_jobs(now=june(1, 6, 6), jobs=jobs) == []
    assert run_due_jobs(now=june(1, 23, 59), jobs=jobs) == []

    assert body.runs == 1
    assert DailyJobRun.objects.count() == 1


def test_the_day_is_the_practices_day_not_utcs(db):
    body = CountingJob()
    jobs = reminders_at_six(body)
    run_due_jobs(now=june(1, 7), jobs=jobs)

    # 01:30 UTC on 2 June is still the evening of 1 June in New York.
    late_evening = datetime(2026, 6, 2, 1, 30, tzinfo=ZoneInfo("UTC"))
    assert run_due_jobs(now=late_evening, jobs=jobs) == []

    assert body.runs == 1


def test_the_next_day_it_runs_again(db):
    body = CountingJob()
    jobs = reminders_at_six(body)
    run_due_jobs(now=june(1, 6), jobs=jobs)

    assert run_due_jobs(now=june(2, 5, 59), jobs=jobs) == []
    assert run_due_jobs(now=june(2, 6, 30), jobs=jobs) == ["send_reminders"]

    assert body.runs == 2
    run_dates = DailyJobRun.objects.order_by("run_date").values_list("run_date", flat=True)
    assert [d.isoformat() for d in run_dates] == ["2026-06-01", "2026-06-02"]


def test_a_failing_job_is_recorded_as_failed_and_not_retried_that_day(db, caplog):
    body = CountingJob(fails=True)
    jobs = reminders_at_six(body)

    assert run_due_jobs(now=june(1, 6), jobs=jobs) == ["send_reminders"]
    assert run_due_jobs(now=june(1, 7), jobs=jobs) == []

    assert body.runs == 1
    run = DailyJobRun.objects.get()
    assert run.outcome == "failed"
    assert run.summary == {"error": "RuntimeError"}
    assert run.finished_at is not None
    assert "daily job send_reminders failed" in caplog.text
    # Tomorrow is another day.
    assert run_due_jobs(now=june(2, 6), jobs=jobs) == ["send_reminders"]
    assert body.runs == 2


def test_one_failing_job_does_not_stop_the_others(db):
    broken, healthy = CountingJob(fails=True), CountingJob()
    jobs = {
        "broken": DailyJob(name="broken", at=time(6), run=broken),
        "healthy": DailyJob(name="healthy", at=time(6), run=healthy),
    }

    assert run_due_jobs(now=june(1, 6), jobs=jobs) == ["broken", "healthy"]

    assert dict(DailyJobRun.objects.values_list("job", "outcome")) == {
        "broken": "failed",
        "healthy": "ok",
    }


# --- many workers ------------------------------------------------------------------------------

ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_run_the_job_once():
    body = CountingJob(takes=0.05)
    jobs = reminders_at_six(body)
    start_together = threading.Barrier(2)
    ran: dict[str, list[list[str]]] = {"worker-a": [], "worker-b": []}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            for day in range(1, ROUNDS + 1):
                start_together.wait(timeout=30)
                ran[name].append(run_due_jobs(now=june(day, 6), jobs=jobs, claimed_by=name))
        except BaseException as exc:  # collected and re-raised in the test's thread
            errors.append(exc)
            start_together.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ran]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert body.runs == ROUNDS
    assert DailyJobRun.objects.count() == ROUNDS
    for day in range(ROUNDS):
        # Each day exactly one of the two workers reports having run it.
        assert sorted(ran["worker-a"][day] + ran["worker-b"][day]) == ["send_reminders"]
    claims = DailyJobRun.objects.values_list("run_date", "claimed_by", "outcome")
    assert {claimed_by for _, claimed_by, _ in claims} <= {"worker-a", "worker-b"}
    assert {outcome for _, _, outcome in claims} == {"ok"}


# --- the core app's own jobs -------------------------------------------------------------------


def core_job(name: str) -> dict[str, DailyJob]:
    return {name: REGISTRY[name]}


def test_the_core_jobs_are_registered_for_the_small_hours():
    assert REGISTRY["audit_chain_verify"].at == time(2, 0)
    assert REGISTRY["clear_expired_sessions"].at == time(3, 0)


def test_both_core_jobs_run_in_the_night(db):
    ran = run_due_jobs(
        now=june(1, 3, 30), jobs=core_job("audit_chain_verify") | core_job("clear_expired_sessions")
    )

    assert ran == ["audit_chain_verify", "clear_expired_sessions"]
    assert set(DailyJobRun.objects.values_list("outcome", flat=True)) == {"ok"}


def test_the_nightly_audit_check_reports_an_intact_chain(db):
    for step in range(3):
        audit.record("praxis.phi.read", patient_id=7, details={"step": step})

    run_due_jobs(now=june(1, 2, 15), jobs=core_job("audit_chain_verify"))

    run = DailyJobRun.objects.get(job="audit_chain_verify")
    assert run.outcome == "ok"
    assert run.summary == {"checked": 3, "ok": True, "problem": ""}
    assert mail.outbox == []


def test_the_nightly_audit_check_tells_the_administrators_about_a_broken_chain(db, admin_ada):
    events = [audit.record("praxis.phi.read", patient_id=7) for _ in range(3)]
    audit_chain.seal_pending()  # as the worker does within seconds
    audit_triggers.remove(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditseal WHERE event_id = %s", [events[1].id])
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[1].id])
    finally:
        audit_triggers.install(connection)

    run_due_jobs(now=june(1, 2, 15), jobs=core_job("audit_chain_verify"))

    run = DailyJobRun.objects.get(job="audit_chain_verify")
    assert run.outcome == "ok"  # the job worked; what it found is in the summary
    assert run.summary["ok"] is False
    assert run.summary["checked"] == 2
    assert f"missing before event {events[2].id}" in run.summary["problem"]
    assert [m.to for m in mail.outbox] == [["admin_ada@example.org"]]
    assert mail.outbox[0].subject == "Praxis: the audit trail failed verification"
    assert "praxis audit verify" in mail.outbox[0].body


def test_the_nightly_session_sweep_removes_expired_sessions_and_their_index(db, manager_max):
    now = timezone.now()
    for key, expires in [
        ("expired1", now - timedelta(hours=1)),
        ("expired2", now - timedelta(days=3)),
        ("alive", now + timedelta(hours=1)),
    ]:
        Session.objects.create(session_key=key, session_data="", expire_date=expires)
        UserSession.objects.create(user=manager_max, session_key=key)
    UserSession.objects.create(user=manager_max, session_key="already-gone")

    run_due_jobs(now=june(1, 3, 5), jobs=core_job("clear_expired_sessions"))

    run = DailyJobRun.objects.get(job="clear_expired_sessions")
    assert run.outcome == "ok"
    assert run.summary == {"sessions_deleted": 2, "index_rows_deleted": 3}
    assert list(Session.objects.values_list("session_key", flat=True)) == ["alive"]
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["alive"]
