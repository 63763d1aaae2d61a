from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from praxis.core import audit
from praxis.core.backup import BackupError, backup_create, default_backup_dir


class Command(BaseCommand):
    help = (
        "Write a dated, checksummed archive of the database and the uploaded files (safe while "
        "Praxis runs). Restore it with `praxis restore ARCHIVE` into an empty installation."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=None,
            help=f"folder for the archive ({default_backup_dir()})",
        )

    def handle(self, *args: Any, out: Path | None = None, **options: Any) -> None:
        try:
            backup = backup_create(out_dir=out)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        # A backup copies every patient's record: the trail says who took one, and which.
        audit.record(
            "praxis.core.backup.created",
            object_type="backup",
            object_id=backup.path.name,
            details={"sha256": backup.sha256, "head_seq": backup.manifest["audit"]["head_seq"]},
        )
        manifest = backup.manifest
        self.stdout.write(
            f"{backup.path}\n  sha256 {backup.sha256}\n"
            f"  {sum(manifest['row_counts'].values())} rows in {len(manifest['row_counts'])} "
            f"tables, {len(manifest['members']) - 1} files, audit head "
            f"#{manifest['audit']['head_seq']} {manifest['audit']['head_hash'][:16]}"
        )
