"""Jobs the worker runs every few minutes (reminders, for one). Unlike daily jobs they are not
claimed here: each worker runs them on its own clock, so a job must make running twice at once
harmless itself (reminders claim each message by inserting a row)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

logger = logging.getLogger("praxis.periodic")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: Callable[[], timedelta]
    run: Callable[[], dict[str, Any]]


REGISTRY: dict[str, PeriodicJob] = {}
_last_run: dict[str, datetime] = {}


def periodic_job(name: str, *, every: Callable[[], timedelta]) -> Callable[[Any], Any]:
    def register(func: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
        REGISTRY[name] = PeriodicJob(name=name, every=every, run=func)
        return func

    return register


def run_periodic_jobs(now: datetime | None = None) -> list[str]:
    """Run each registered job whose interval has passed since this process last ran it."""
    now = now or timezone.now()
    ran = []
    for job in REGISTRY.values():
        last = _last_run.get(job.name)
        if last is not None and now - last < job.every():
            continue
        _last_run[job.name] = now
        try:
            job.run()
        except Exception:  # logged; the next interval tries again
            logger.exception("periodic job %s failed", job.name)
        ran.append(job.name)
    return ran


# --- the core app's own periodic jobs ------------------------------------------------------------

AUDIT_SEAL_EVERY = timedelta(seconds=5)


@periodic_job("audit_seal", every=lambda: AUDIT_SEAL_EVERY)
def _seal_audit_trail() -> dict[str, Any]:
    # Several workers may run this at once: sealers take turns on their own lock.
    from .audit_chain import seal_pending

    return {"sealed": seal_pending()}
