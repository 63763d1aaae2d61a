from pathlib import Path
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from praxis.core import audit
from praxis.core.backup import BackupError, restore_archive, restored_problems


class Command(BaseCommand):
    help = (
        "Bring a `praxis backup` archive back into an EMPTY installation (a new database and "
        "data folder): checksums first, then the database and files, then the audit chain check."
    )
    # The checks would open the database; restore must see it as it is, untouched.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, archive: Path, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"no such archive: {archive}")
        try:
            manifest = restore_archive(archive)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {archive.name} (made {manifest['created_at']})")
        problems = restored_problems(manifest)
        if problems:
            raise CommandError("restored data differs from the archive: " + "; ".join(problems))
        self.stdout.write(
            f"row counts match the archive ({len(manifest['row_counts'])} tables); audit head "
            f"#{manifest['audit']['head_seq']} {manifest['audit']['head_hash'][:16]}… as recorded"
        )
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("the archive predates this version: applying its migrations")
            call_command("migrate", "--no-input", verbosity=0)
        # Seals what the backup caught unsealed, then walks the whole chain.
        call_command("audit", "verify", stdout=self.stdout, stderr=self.stderr)
        if "ledger" in get_commands():
            call_command("ledger", "check", stdout=self.stdout, stderr=self.stderr)
        audit.record(
            "praxis.core.backup.restored",
            object_type="backup",
            object_id=archive.name,
            details={"head_seq": manifest["audit"]["head_seq"]},
        )
