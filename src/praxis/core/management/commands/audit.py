from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.core.audit import verify_chain


class Command(BaseCommand):
    help = "`praxis audit verify`: walk the audit hash chain and report the first broken row."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.problem is not None:
            raise CommandError(
                f"audit chain BROKEN after checking {report.checked} events: "
                f"{report.problem.kind} at event {report.problem.event_id}: "
                f"{report.problem.message}"
            )
        self.stdout.write(
            f"audit chain intact: {report.checked} events, head {report.head_hash[:16]}…"
        )
        self.stdout.write(
            "Keep the head hash somewhere else to detect truncation of the newest events."
        )
