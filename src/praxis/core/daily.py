"""Daily jobs: each registered job runs at most once per local calendar day, however many
workers are running. A worker claims (job, date) by inserting a DailyJobRun row; the unique
constraint lets exactly one insert win, and only the winner runs the job."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DailyJobRun

logger = logging.getLogger("praxis.daily")


@dataclass(frozen=True)
class DailyJob:
    name: str
    at: time  # local wall-clock time (settings.TIME_ZONE) after which the job is due
    run: Callable[[], dict[str, Any]]


REGISTRY: dict[str, DailyJob] = {}


def daily_job(
    name: str, *, at: time
) -> Callable[[Callable[[], dict[str, Any]]], Callable[[], dict[str, Any]]]:
    def register(func: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        REGISTRY[name] = DailyJob(name=name, at=at, run=func)
        return func

    return register


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _claim(job: DailyJob, run_date: Any, claimed_by: str) -> DailyJobRun | None:
    try:
        with transaction.atomic():
            return DailyJobRun.objects.create(
                job=job.name, run_date=run_date, claimed_by=claimed_by
            )
    except IntegrityError:
        return None  # another worker claimed it first


def run_due_jobs(
    *,
    now: datetime | None = None,
    jobs: dict[str, DailyJob] | None = None,
    claimed_by: str | None = None,
) -> list[str]:
    """Run every job that is due today and not yet claimed; return the names this call ran."""
    now = now or timezone.now()
    local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
    ran = []
    for job in (jobs if jobs is not None else REGISTRY).values():
        if local.time() < job.at:
            continue
        if DailyJobRun.objects.filter(job=job.name, run_date=local.date()).exists():
            continue
        claim = _claim(job, local.date(), claimed_by or worker_name())
        if claim is None:
            continue
        try:
            summary = job.run()
            claim.outcome = "ok"
            claim.summary = summary or {}
        except Exception as exc:  # a failed job is recorded, not retried the same day
            logger.exception("daily job %s failed", job.name)
            claim.outcome = "failed"
            claim.summary = {"error": type(exc).__name__}
        claim.finished_at = timezone.now()
        claim.save(update_fields=["outcome", "summary", "finished_at"])
        ran.append(job.name)
    return ran


# --- the core app's own daily jobs -------------------------------------------------------------


@daily_job("audit_chain_verify", at=time(2, 0))
def _verify_audit_chain() -> dict[str, Any]:
    """Verify the chain; if it holds, write a checkpoint of its head and e-mail it to the
    Administrators, so a copy lives where someone with the database and the server cannot
    reach it."""
    from .audit_chain import verify_chain, write_checkpoint
    from .tasks import email_administrators

    report = verify_chain()
    if report.problem is not None:
        email_administrators.enqueue(
            subject="Praxis: the audit trail failed verification",
            body=f"{report.problem.message}\nRun `praxis audit verify` for details.",
        )
    else:
        checkpoint = write_checkpoint(report)
        email_administrators.enqueue(
            subject="Praxis: audit trail checkpoint",
            body=(
                f"The audit trail verified intact ({report.checked} events). Keep this e-mail: "
                "its last line is a signed checkpoint of the trail's head. Saved in a file, "
                "the lines of these e-mails let `praxis audit verify --checkpoints FILE` show "
                "that nothing up to them was later removed or rewritten.\n\n"
                f"{checkpoint.line}\n"
            ),
        )
    return {
        "checked": report.checked,
        "ok": report.ok,
        "problem": report.problem.message if report.problem else "",
    }


@daily_job("clear_expired_sessions", at=time(3, 0))
def _clear_sessions() -> dict[str, Any]:
    from django.contrib.sessions.models import Session

    from .models import UserSession

    expired = Session.objects.filter(expire_date__lt=timezone.now())
    keys = list(expired.values_list("session_key", flat=True))
    expired.delete()
    orphans = UserSession.objects.exclude(
        session_key__in=Session.objects.values("session_key")
    ).delete()[0]
    return {"sessions_deleted": len(keys), "index_rows_deleted": orphans}
