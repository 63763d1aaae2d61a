from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.core.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = (
        "`praxis audit verify`: seal pending events, then walk the audit hash chain and report "
        "the first broken row. `praxis audit seal`: only seal pending events (the worker does "
        "this every few seconds)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "seal"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self.stdout.write(f"sealed {seal_pending()} events")
            return
        report = verify_chain()
        if report.problem is not None:
            raise CommandError(
                f"audit chain BROKEN after checking {report.checked} events: "
                f"{report.problem.kind} at event {report.problem.event_id}: "
                f"{report.problem.message}"
            )
        self.stdout.write(
            f"audit chain intact: {report.checked} events ({report.sealed} sealed just now), "
            f"head {report.head_hash[:16]}…"
        )
        self.stdout.write(
            "Keep the head hash somewhere else to detect truncation of the newest events."
        )
