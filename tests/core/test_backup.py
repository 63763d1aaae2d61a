"""Backups that restore: an archive taken while the front desk keeps booking comes back whole in
a new installation (same rows, same audit head, the chain verified); a damaged archive and a
non-empty installation are refused before anything is written. On SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import json
import tarfile
import threading
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.db import connection

from praxis.core import audit, audit_chain, backup
from praxis.core.backup import BackupError, backup_create, restore_archive
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment, AppointmentResource
from praxis.scheduling.testing import (
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    weekly_hours,
)
from tests.processes import fresh_database, praxis, praxis_env, query
from tests.scheduling.conftest import NEW_YORK, local, make_patient

pytestmark = pytest.mark.django_db(transaction=True)

SLOTS_A_DAY = 20  # 08:00 to 18:00, every half hour


class FrontDesk(threading.Thread):
    """Books one visit after another (each a real booking: the visit, its room hold, its audit
    event, in one transaction) and seals the trail now and then, as the worker would."""

    def __init__(self, practice, location) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.provider = ProviderFactory(practice=practice)
        weekly_hours(self.provider, location, start=time(8), end=time(18))
        self.room = ResourceFactory(location=location)
        self.kind = AppointmentTypeFactory(
            practice=practice, providers=[self.provider], required_resources=[self.room]
        )
        self.patient = make_patient(practice)
        self.location = location
        self.first_day = datetime.now(NEW_YORK).date() + timedelta(days=3)
        self.booked = 0
        self.stop = threading.Event()
        self.errors: list[BaseException] = []

    def book_one(self) -> None:
        day = self.first_day + timedelta(days=self.booked // SLOTS_A_DAY)
        start = local(day, 8) + timedelta(minutes=30 * (self.booked % SLOTS_A_DAY))
        appointment_book(
            patient=self.patient,
            provider=self.provider,
            location=self.location,
            appointment_type=self.kind,
            start=start,
            booked_by=None,
        )
        self.booked += 1
        if self.booked % 5 == 0:
            audit_chain.seal_pending()

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.book_one()
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.errors.append(exc)
        finally:
            connection.close()

    def wait_for(self, count: int) -> None:
        deadline = datetime.now() + timedelta(seconds=30)
        while self.booked < count and not self.errors and datetime.now() < deadline:
            threading.Event().wait(0.01)


def test_a_backup_taken_while_the_desk_books_restores_whole(practice, location, tmp_path, settings):
    files = tmp_path / "files"
    (files / "documents").mkdir(parents=True)
    (files / "documents" / "card.pdf").write_bytes(b"%PDF-1.4 insurance card\n")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(files)}},
    }
    desk = FrontDesk(practice, location)
    desk.start()
    try:
        desk.wait_for(15)
        before = desk.booked
        backup = backup_create(out_dir=tmp_path / "backups")
        after = desk.booked
        desk.wait_for(after + 5)  # the desk goes on after the snapshot
    finally:
        desk.stop.set()
        desk.join(timeout=30)
    assert not desk.errors, desk.errors
    manifest = backup.manifest
    in_backup = manifest["row_counts"][Appointment._meta.db_table]
    assert before <= in_backup <= after + 1 < desk.booked
    # Nothing half-written in the snapshot: every visit with its room hold and its audit event.
    assert manifest["row_counts"][AppointmentResource._meta.db_table] == in_backup
    assert manifest["audit"]["head_seq"] > 0
    assert "files/documents/card.pdf" in manifest["members"]
    assert backup.path.with_name(backup.path.name + ".sha256").read_text().startswith(backup.sha256)

    with fresh_database(tmp_path / "restored") as (database, url):
        env = praxis_env(database_url=url, data_dir=tmp_path / "restored")
        restored = praxis("restore", str(backup.path), env=env)
        assert restored.returncode == 0, restored.stderr
        assert "row counts match the archive" in restored.stdout
        assert "audit chain intact" in restored.stdout

        ((visits,),) = query(database, f"SELECT COUNT(*) FROM {Appointment._meta.db_table}")
        ((holds,),) = query(database, f"SELECT COUNT(*) FROM {AppointmentResource._meta.db_table}")
        ((booked_events,),) = query(
            database,
            "SELECT COUNT(*) FROM core_auditevent "
            "WHERE action = 'praxis.scheduling.appointment.booked'",
        )
        ((head_hash,),) = query(
            database, f"SELECT hash FROM core_auditseal WHERE seq = {manifest['audit']['head_seq']}"
        )
    assert visits == holds == booked_events == in_backup
    assert head_hash == manifest["audit"]["head_hash"]
    restored_card = tmp_path / "restored" / "files" / "documents" / "card.pdf"
    assert restored_card.read_bytes() == b"%PDF-1.4 insurance card\n"


@pytest.fixture
def archive(practice, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    audit.record("praxis.core.practice.updated", obj=practice)
    return backup_create(out_dir=tmp_path / "backups").path


def _target(tmp_path: Path) -> tuple[dict, Path]:  # type: ignore[type-arg]
    database = {**connection.settings_dict, "NAME": str(tmp_path / "new" / "praxis.sqlite3")}
    return database, tmp_path / "new" / "files"


def test_a_damaged_archive_is_refused_and_nothing_is_written(archive, tmp_path):
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    database, files = _target(tmp_path)

    with pytest.raises(BackupError, match="damaged"):
        restore_archive(archive, database=database, files_dir=files)

    assert not (tmp_path / "new").exists()


def test_a_member_that_does_not_match_the_manifest_is_refused(archive, tmp_path):
    """Rebuilt with a changed database member and the original manifest (no side file)."""
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(tampered, "w:gz") as out:
        for member in source:
            body = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name != "manifest.json":
                body += b"\0"
                member.size = len(body)
            out.addfile(member, io.BytesIO(body))
    database, files = _target(tmp_path)

    with pytest.raises(BackupError, match="checksum mismatch"):
        restore_archive(tampered, database=database, files_dir=files)

    assert not (tmp_path / "new").exists()


def test_restore_refuses_an_installation_that_has_data(archive, tmp_path):
    with pytest.raises(BackupError, match="not empty"):
        restore_archive(archive)  # the configured database: this test's, with every table

    files = tmp_path / "files"
    (files / "documents").mkdir(parents=True)
    (files / "documents" / "kept.pdf").write_bytes(b"%PDF")
    database = {**connection.settings_dict, "NAME": str(tmp_path / "new.sqlite3")}
    if connection.vendor == "sqlite":
        with pytest.raises(BackupError, match="already holds files"):
            restore_archive(archive, database=database, files_dir=files)
        assert not (tmp_path / "new.sqlite3").exists()
    assert (files / "documents" / "kept.pdf").read_bytes() == b"%PDF"


def test_the_manifest_names_version_migrations_and_counts(archive):
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["praxis_version"]
    assert "0001_initial" in manifest["migrations"]["core"]
    assert manifest["migration_heads"]["core"] == manifest["migrations"]["core"][-1]
    assert manifest["row_counts"]["core_practice"] == 1
    assert manifest["audit"]["events"] >= 1


def test_a_backup_that_fails_half_way_leaves_no_archive(practice, tmp_path, monkeypatch):
    def disk_full() -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("praxis.core.backup.files_root", disk_full)
    out = tmp_path / "backups"

    with pytest.raises(OSError, match="No space left"):
        backup_create(out_dir=out)

    assert list(out.iterdir()) == []


def test_a_restore_that_fails_half_way_leaves_no_files_behind(
    practice, tmp_path, settings, monkeypatch
):
    files = tmp_path / "files"
    files.mkdir()
    (files / "card.pdf").write_bytes(b"%PDF")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(files)}},
    }
    archive = backup_create(out_dir=tmp_path / "backups").path
    real_extract = backup._extract

    def extract_then_fail_on_the_database(tar, name, expected, dest):  # type: ignore[no-untyped-def]
        if name.startswith("database."):
            raise OSError(28, "No space left on device")
        real_extract(tar, name, expected, dest)

    monkeypatch.setattr(backup, "_extract", extract_then_fail_on_the_database)
    new = tmp_path / "new"

    with fresh_database(new) as (database, _), pytest.raises(OSError, match="No space left"):
        restore_archive(archive, database=database, files_dir=new / "files")

    assert list(new.glob("files*")) == []
    assert not (new / "praxis.sqlite3").exists()


# --- the audit checkpoints travel with the chain they vouch for ---------------------------------


def test_the_archive_carries_the_checkpoints_of_its_chain_and_not_later_ones(
    practice, tmp_path, settings
):
    from praxis.core.audit_checkpoints import Checkpoint
    from praxis.core.models import AuditSeal

    audit.record("praxis.core.practice.updated", obj=practice)
    written = audit_chain.write_checkpoint()
    audit_chain.seal_pending()
    head = AuditSeal.objects.order_by("-seq").first()
    assert head is not None
    # A checkpoint of seals the snapshot will not hold (written while a backup runs).
    later = Checkpoint.sign(seq=head.seq + 5, head="f" * 64, at=head.sealed_at)
    checkpoint_file = Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE)
    with checkpoint_file.open("a") as file:
        file.write(later.line + "\n")

    made = backup_create(out_dir=tmp_path / "backups")

    assert "audit-checkpoints.txt" in made.manifest["members"]
    with tarfile.open(made.path) as tar:
        archived = tar.extractfile("audit-checkpoints.txt").read().decode()  # type: ignore[union-attr]
    assert archived == written.line + "\n"


def test_a_restore_puts_the_checkpoints_back_and_verify_checks_against_them(
    practice, tmp_path, settings
):
    audit.record("praxis.core.practice.updated", obj=practice)
    written = audit_chain.write_checkpoint()
    made = backup_create(out_dir=tmp_path / "backups")

    with fresh_database(tmp_path / "restored") as (_, url):
        env = praxis_env(database_url=url, data_dir=tmp_path / "restored")
        restored = praxis("restore", str(made.path), env=env)
        assert restored.returncode == 0, restored.stderr
        assert "audit chain intact" in restored.stdout
        assert f"matches the checkpoint of {written.when} (seal {written.seq}" in restored.stdout
        restored_file = tmp_path / "restored" / "audit-checkpoints.txt"
        assert restored_file.read_text() == written.line + "\n"


def test_restore_refuses_a_data_folder_with_another_trails_checkpoints(archive, tmp_path, settings):
    settings.PRAXIS_AUDIT_CHECKPOINT_FILE = tmp_path / "other" / "audit-checkpoints.txt"
    settings.PRAXIS_AUDIT_CHECKPOINT_FILE.parent.mkdir()
    settings.PRAXIS_AUDIT_CHECKPOINT_FILE.write_text("praxis-audit-checkpoint seq=1 …\n")
    new = tmp_path / "new"

    with fresh_database(new) as (database, _):
        with pytest.raises(BackupError, match=r"checkpoint file .* is not empty"):
            restore_archive(archive, database=database, files_dir=new / "files")
        tables = backup._database_tables(database, connection.vendor)
    assert tables == []  # nothing was written


def test_an_archive_from_an_older_version_is_restored_and_brought_up_to_date(tmp_path):
    """A practice restores last month's backup after an upgrade: the archive's schema is older
    than the code's, so restore applies the migrations it lacks, then verifies the chain."""
    with fresh_database(tmp_path / "old") as (_, old_url):
        old = praxis_env(database_url=old_url, data_dir=tmp_path / "old")
        assert praxis("migrate", "--no-input", env=old).returncode == 0
        rolled_back = praxis("migrate", "scheduling", "0004_waitlist_offered", env=old)
        assert rolled_back.returncode == 0, rolled_back.stderr
        made = praxis("backup", "--out", str(tmp_path / "backups"), env=old)
        assert made.returncode == 0, made.stderr
    (archive,) = (tmp_path / "backups").glob("praxis-backup-*.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["migration_heads"]["scheduling"] == "0004_waitlist_offered"

    with fresh_database(tmp_path / "new") as (database, url):
        new = praxis_env(database_url=url, data_dir=tmp_path / "new")
        restored = praxis("restore", str(archive), env=new)
        assert restored.returncode == 0, restored.stderr
        assert "predates this version: applying its migrations" in restored.stdout
        assert "audit chain intact" in restored.stdout
        applied = query(
            database,
            "SELECT name FROM django_migrations WHERE app = 'scheduling' ORDER BY id DESC",
        )
    # Brought up to this version's newest scheduling migration, whichever that is now.
    from django.db.migrations.loader import MigrationLoader

    (newest,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("scheduling")
    assert applied[0] == (newest[1],) and ("0005_reminder_claim_takeover",) in applied
