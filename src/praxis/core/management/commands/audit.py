from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.core.audit_chain import ChainReport, seal_pending, verify_chain, write_checkpoint


class Command(BaseCommand):
    help = (
        "`praxis audit verify`: seal pending events, then walk the audit hash chain, check it "
        "against the audit key and the checkpoints, and report the first problem. "
        "`praxis audit checkpoint`: verify, then append a signed checkpoint of the chain's head "
        "to the checkpoint file (the nightly job does this). `praxis audit seal`: only seal "
        "pending events (the worker does this every few seconds)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["verify", "checkpoint", "seal"])
        parser.add_argument(
            "--checkpoints",
            type=Path,
            help="verify against the checkpoint lines in this file (for example the nightly "
            "e-mails, saved) instead of the installation's checkpoint file",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action, checkpoints = options["action"], options["checkpoints"]
        if action == "seal":
            self.stdout.write(f"sealed {seal_pending()} events")
            return
        if checkpoints is not None and (action != "verify" or not checkpoints.is_file()):
            raise CommandError(f"--checkpoints needs `verify` and an existing file: {checkpoints}")
        report = verify_chain(checkpoints=checkpoints)
        _fail_if_broken(report)
        self.stdout.write(
            f"audit chain intact: {report.checked} events ({report.sealed} sealed just now), "
            f"head {report.head_hash[:16]}… at seal {report.head_seq}"
        )
        if report.legacy:
            self.stdout.write(
                f"{report.legacy} of them sealed before the chain was keyed (unkeyed SHA-256)"
            )
        if action == "checkpoint":
            # The chain just verified, so the checkpoint vouches only for a sound head.
            checkpoint = write_checkpoint(report)
            self.stdout.write(f"checkpoint written: {checkpoint.line}")
            return
        if report.checkpoint is not None:
            since = report.head_seq - report.checkpoint.seq
            self.stdout.write(
                f"matches the checkpoint of {report.checkpoint.when} (seal "
                f"{report.checkpoint.seq}; {since} sealed since, not yet covered)"
            )
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")


def _fail_if_broken(report: ChainReport) -> None:
    problem = report.problem
    if problem is None:
        return
    where = f" at event {problem.event_id}" if problem.event_id else ""
    raise CommandError(
        f"audit chain BROKEN after checking {report.checked} events: {problem.kind}{where}: "
        f"{problem.message}"
    )
