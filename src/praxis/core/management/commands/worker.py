import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from praxis.core.daily import run_due_jobs
from praxis.core.periodic import run_periodic_jobs

# The audit sealer runs every few seconds (core/periodic.py); daily jobs cost one query a tick.
SCHEDULER_INTERVAL_S = 5


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, plus the daily jobs when they fall due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-daily", action="store_true", help="do not run daily jobs here")
        parser.add_argument("--batch", action="store_true", help="exit when the queue is empty")

    def handle(
        self, *args: Any, no_daily: bool = False, batch: bool = False, **options: Any
    ) -> None:
        if not no_daily:
            # Daily jobs are claimed in the database, so running this in every worker is safe.
            threading.Thread(target=self._daily_loop, name="praxis-daily", daemon=True).start()
        worker_args = ["--batch"] if batch else []
        call_command("db_worker", *worker_args, verbosity=options.get("verbosity", 1))

    def _daily_loop(self) -> None:
        while True:
            try:
                close_old_connections()
                ran = run_due_jobs()
                if ran:
                    self.stdout.write(f"daily jobs run: {', '.join(ran)}")
                run_periodic_jobs()  # e.g. appointment reminders, every few minutes
            except Exception as exc:  # keep the scheduler alive; the next tick retries
                self.stderr.write(f"daily scheduler error: {type(exc).__name__}: {exc}")
            finally:
                connection.close()
            time.sleep(SCHEDULER_INTERVAL_S)
