"""Backups that restore: one dated, checksummed archive of the database and the uploaded files.

``backup_create`` takes a consistent snapshot while the application keeps running:

- SQLite through the online backup API (``sqlite3.Connection.backup``), which copies the pages
  of one read transaction: a writer that commits meanwhile is either wholly in or wholly out.
- PostgreSQL through ``pg_dump --format=custom``, run on a snapshot that a REPEATABLE READ
  transaction exported, so the row counts and the audit head written into the manifest are those
  of the very data that was dumped.

The uploaded files are copied after the database snapshot. Files are written before the rows
that name them commit and are never changed in place, so every file the snapshot refers to is
in the archive (a file uploaded during the backup may be there too, unreferenced and harmless).

The archive (``praxis-backup-<UTC time>.tar.gz``, written under a temporary name and renamed
when complete) holds ``database.sqlite3`` or ``database.pgdump``, ``files/...``,
``audit-checkpoints.txt`` (the signed checkpoints of the audit chain up to the snapshot's head,
when the installation has any) and, last, ``manifest.json``: the SHA-256 of every member, the
Praxis version, the applied migrations, the audit chain's head and the row count of every table.
A ``.sha256`` file beside it checks the archive as a whole (``sha256sum -c``).

``restore_archive`` writes only into an empty installation (a database with no tables, a files
folder with no files), and only after every member matched its checksum: a corrupt archive
leaves nothing behind. ``restored_problems`` then compares the restored rows with the manifest;
the restore command runs the audit chain verification after it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend

from praxis import __version__

from .models import AuditEvent, AuditSeal

FORMAT = 1
MANIFEST = "manifest.json"
FILES_PREFIX = "files/"
CHECKPOINTS_MEMBER = "audit-checkpoints.txt"
_CHECKPOINT_SEQ = re.compile(r"^praxis-audit-checkpoint seq=(\d{1,18}) ")
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    manifest: dict[str, Any]


# --- where things are --------------------------------------------------------------------------


def files_root() -> Path:
    """The folder of uploaded files (patient documents): the default storage's location."""
    storage: Any = settings.STORAGES["default"]
    options: dict[str, Any] = storage.get("OPTIONS") or {}
    return Path(options.get("location") or settings.MEDIA_ROOT)


def default_backup_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def _vendor(database: Mapping[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"cannot back up a database of engine {engine}")


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The libpq environment for pg_dump/pg_restore: no password on a command line."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[var] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(database["OPTIONS"]["sslmode"])
    env["PGDATABASE"] = str(database["NAME"])
    return env


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    try:
        proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            f"{what} is not installed: install the PostgreSQL client tools of the server's "
            "version (Debian: apt-get install postgresql-client)"
        ) from exc
    if proc.returncode != 0:
        raise BackupError(f"{what} failed: {proc.stderr.strip() or proc.stdout.strip()}")


# --- facts about a snapshot ----------------------------------------------------------------------


def _tables(cursor: Any, vendor: str) -> list[str]:
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return sorted(row[0] for row in cursor.fetchall())


def _facts(cursor: Any, vendor: str) -> dict[str, Any]:
    """Row counts, applied migrations and the audit head, read through one DB-API cursor (an
    sqlite3 one on the copied file, or Django's inside the exported PostgreSQL snapshot)."""
    counts = {}
    for table in _tables(cursor, vendor):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names from the catalog)
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    seals = AuditSeal._meta.db_table
    cursor.execute(f'SELECT seq, hash FROM "{seals}" ORDER BY seq DESC LIMIT 1')  # noqa: S608
    head = cursor.fetchone()
    return {
        "row_counts": counts,
        "migrations": migrations,
        # The newest applied migration of each app: the schema this snapshot is at.
        "migration_heads": {app: names[-1] for app, names in migrations.items()},
        "audit": {
            "events": counts.get(AuditEvent._meta.db_table, 0),
            "head_seq": head[0] if head else 0,
            "head_hash": head[1] if head else "",
        },
    }


# --- backing up ----------------------------------------------------------------------------------


def _sqlite_snapshot(database: Mapping[str, Any], target: Path) -> dict[str, Any]:
    source = sqlite3.connect(str(database["NAME"]), timeout=30)
    copy = sqlite3.connect(str(target))
    try:
        # One step (pages=-1): the whole copy comes from a single read transaction.
        source.backup(copy)
        # A single self-contained file: no -wal beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return _facts(copy.cursor(), "sqlite")
    finally:
        copy.close()
        source.close()


def _pg_snapshot(database: Mapping[str, Any], target: Path) -> dict[str, Any]:
    # A connection of our own: the facts and the dump must share one snapshot, whatever the
    # caller's connection is doing.
    own = connections.create_connection(connection.alias)
    try:
        with own.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = _facts(cursor, "postgresql")
            _run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"],
                env=_pg_env(database),
                what="pg_dump",
            )
            cursor.execute("COMMIT")
        return facts
    finally:
        own.close()


class _Hashing(io.RawIOBase):
    """Reads through to a file and hashes what was read: what went into the archive."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as raw:
        hashing = _Hashing(raw)
        tar.addfile(info, hashing)
    return {"sha256": hashing.sha.hexdigest(), "size": info.size}


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
    return sha.hexdigest()


def backup_create(*, out_dir: Path | None = None, now: datetime | None = None) -> Backup:
    """Write one archive of the configured database and the uploaded files into ``out_dir``."""
    database = connection.settings_dict
    vendor = _vendor(database)
    out_dir = Path(out_dir or default_backup_dir())
    out_dir.mkdir(parents=True, exist_ok=True)
    out_dir.chmod(0o700)  # the archive holds every patient's record
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    final = out_dir / f"praxis-backup-{stamp}.tar.gz"
    if final.exists():
        raise BackupError(f"{final} already exists")
    partial = final.with_name(final.name + ".partial")
    try:
        manifest = _write_archive(partial, database, vendor, stamp, out_dir)
    except BaseException:
        partial.unlink(missing_ok=True)  # a backup that failed leaves no archive-looking file
        raise
    digest = _sha256_of(partial)
    os.replace(partial, final)
    final.with_name(final.name + ".sha256").write_text(f"{digest}  {final.name}\n")
    return Backup(path=final, sha256=digest, manifest=manifest)


def _write_archive(
    partial: Path, database: Mapping[str, Any], vendor: str, stamp: str, out_dir: Path
) -> dict[str, Any]:
    members: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".staging-") as staging:
        dump = Path(staging) / DB_MEMBER[vendor]
        snapshot = _sqlite_snapshot if vendor == "sqlite" else _pg_snapshot
        facts = snapshot(database, dump)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:gz") as tar:
            members[dump.name] = _add(tar, dump, dump.name)
            root = files_root()
            for path in sorted(root.rglob("*")) if root.is_dir() else []:
                if path.is_file() and not path.is_symlink():
                    name = FILES_PREFIX + path.relative_to(root).as_posix()
                    members[name] = _add(tar, path, name)
            checkpoints = _checkpoints_up_to(facts["audit"]["head_seq"], Path(staging))
            if checkpoints is not None:
                members[CHECKPOINTS_MEMBER] = _add(tar, checkpoints, CHECKPOINTS_MEMBER)
            manifest = {
                "format": FORMAT,
                "created_at": stamp,
                "praxis_version": __version__,
                "database": {"vendor": vendor, "member": dump.name},
                **facts,
                "members": members,
            }
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(datetime.now(UTC).timestamp())
            tar.addfile(info, io.BytesIO(body))
    return manifest


def _checkpoints_up_to(head_seq: int, staging: Path) -> Path | None:
    """A copy of the checkpoint file without the lines that vouch for seals beyond the snapshot
    (a checkpoint written while the backup ran): restored with the database, each line must
    find its seal, or verify would report the chain truncated. None when there is no file."""
    source = Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE)
    if not source.is_file():
        return None
    kept = []
    for line in source.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _CHECKPOINT_SEQ.search(line)
        if match is None or int(match[1]) <= head_seq:
            kept.append(line + "\n")
    copy = staging / CHECKPOINTS_MEMBER
    copy.write_text("".join(kept), encoding="utf-8")
    return copy


# --- restoring -----------------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_verified_manifest(archive: Path) -> dict[str, Any]:
    """The manifest, once every member of the archive matched it; BackupError otherwise."""
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.exists() and sidecar.read_text()[:64] != _sha256_of(archive):
        raise BackupError(f"{archive.name} does not match {sidecar.name}: the archive is damaged")
    seen: dict[str, Any] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"unexpected entry {member.name!r} in the archive")
                stream = tar.extractfile(member)
                assert stream is not None
                if member.name == MANIFEST:
                    manifest = json.loads(stream.read())
                    continue
                sha = hashlib.sha256()
                while chunk := stream.read(CHUNK):
                    sha.update(chunk)
                seen[member.name] = {"sha256": sha.hexdigest(), "size": member.size}
    except (tarfile.TarError, OSError, EOFError, json.JSONDecodeError) as exc:
        raise BackupError(f"{archive.name} is not a readable Praxis backup: {exc}") from exc
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT
        or manifest.get("database", {}).get("member") not in manifest.get("members", {})
    ):
        raise BackupError(f"{archive.name} has no Praxis backup manifest (format {FORMAT})")
    if seen != manifest["members"]:
        bad = sorted(set(seen) ^ set(manifest["members"])) or sorted(
            name for name in seen if seen[name] != manifest["members"][name]
        )
        raise BackupError(f"checksum mismatch in {archive.name}: {', '.join(bad[:5])}")
    return manifest


def _unknown_migrations(manifest: Mapping[str, Any]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]


def _database_tables(database: Mapping[str, Any], vendor: str) -> list[str]:
    if vendor == "sqlite":
        path = Path(str(database["NAME"]))
        if not path.exists() or path.stat().st_size == 0:
            return []
        db = sqlite3.connect(str(path))
        try:
            return _tables(db.cursor(), vendor)
        finally:
            db.close()
    own = load_backend(str(database["ENGINE"])).DatabaseWrapper(dict(database), "restore-target")
    try:
        with own.cursor() as cursor:
            return _tables(cursor, vendor)
    except Exception as exc:
        raise BackupError(
            f"cannot reach the PostgreSQL database {database['NAME']!r}: {exc}; create it empty "
            "first (createdb)"
        ) from exc
    finally:
        own.close()


def _refuse_unless_empty(database: Mapping[str, Any], vendor: str, files_dir: Path) -> None:
    tables = _database_tables(database, vendor)
    if tables:
        raise BackupError(
            f"refusing to restore: the database {database['NAME']} is not empty ({len(tables)} "
            "tables). Restore goes into an empty installation only: point PRAXIS_DATABASE_URL "
            "at a new database (PostgreSQL: createdb; SQLite: a path that does not exist yet)."
        )
    checkpoints = Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE)
    if checkpoints.is_file() and checkpoints.stat().st_size > 0:
        raise BackupError(
            f"refusing to restore: the audit checkpoint file {checkpoints} is not empty: it "
            "belongs to another installation's audit trail. Restore goes into an empty "
            "installation only: point PRAXIS_DATA_DIR at a new folder."
        )
    if files_dir.exists() and any(p.is_file() for p in files_dir.rglob("*")):
        raise BackupError(
            f"refusing to restore: the files folder {files_dir} already holds files. Restore goes "
            "into an empty installation only: point PRAXIS_DATA_DIR at a new folder."
        )


def _extract(tar: tarfile.TarFile, name: str, expected: str, dest: Path) -> None:
    """Extract one member to ``dest``, checking its hash again as it is written."""
    stream = tar.extractfile(name)
    assert stream is not None
    sha = hashlib.sha256()
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        while chunk := stream.read(CHUNK):
            sha.update(chunk)
            out.write(chunk)
    if sha.hexdigest() != expected:
        dest.unlink()
        raise BackupError(f"{name} changed while it was read: the archive is damaged")


def restore_archive(
    archive: Path, *, database: Mapping[str, Any] | None = None, files_dir: Path | None = None
) -> dict[str, Any]:
    """Bring an archive back into an empty installation; return its manifest. Checks first,
    writes after: a refused or corrupt archive leaves the installation as it was."""
    database = database if database is not None else connection.settings_dict
    files_dir = files_dir if files_dir is not None else files_root()
    vendor = _vendor(database)
    manifest = read_verified_manifest(archive)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"this archive holds a {manifest['database']['vendor']} database; the configured "
            f"database is {vendor}"
        )
    unknown = _unknown_migrations(manifest)
    if unknown:
        raise BackupError(
            f"this archive comes from a newer Praxis ({manifest['praxis_version']}; migrations "
            f"unknown here: {', '.join(unknown[:3])}): restore it with that version"
        )
    _refuse_unless_empty(database, vendor, files_dir)

    staging_files = files_dir.with_name(files_dir.name + ".restoring")
    shutil.rmtree(staging_files, ignore_errors=True)
    try:
        _restore_members(archive, manifest, database, vendor, staging_files)
    except BaseException:
        shutil.rmtree(staging_files, ignore_errors=True)  # files land only with the database
        raise
    if staging_files.exists():
        if files_dir.exists():
            shutil.rmtree(files_dir)  # holds no files: checked above
        staging_files.rename(files_dir)
    if CHECKPOINTS_MEMBER in manifest["members"]:
        # The checkpoints that vouch for the restored chain, where `audit verify` reads them.
        with tarfile.open(archive, mode="r:gz") as tar:
            _extract(
                tar,
                CHECKPOINTS_MEMBER,
                manifest["members"][CHECKPOINTS_MEMBER]["sha256"],
                Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE),
            )
    return manifest


def _restore_members(
    archive: Path,
    manifest: Mapping[str, Any],
    database: Mapping[str, Any],
    vendor: str,
    staging_files: Path,
) -> None:
    members = manifest["members"]
    with tarfile.open(archive, mode="r:gz") as tar:
        for name in members:
            if name.startswith(FILES_PREFIX):
                dest = staging_files / name.removeprefix(FILES_PREFIX)
                _extract(tar, name, members[name]["sha256"], dest)
        db_member = manifest["database"]["member"]
        if vendor == "sqlite":
            target = Path(str(database["NAME"]))
            partial = target.with_name(target.name + ".restoring")
            try:
                _extract(tar, db_member, members[db_member]["sha256"], partial)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            connection.close()
            for suffix in ("-wal", "-shm"):  # of an empty database file, if any: nothing else
                target.with_name(target.name + suffix).unlink(missing_ok=True)
            os.replace(partial, target)
        else:
            with tempfile.TemporaryDirectory(prefix="praxis-restore-") as tmp:
                dump = Path(tmp) / db_member
                _extract(tar, db_member, members[db_member]["sha256"], dump)
                _run(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                        f"--dbname={database['NAME']}",
                        str(dump),
                    ],
                    env=_pg_env(database),
                    what="pg_restore",
                )


def restored_problems(manifest: Mapping[str, Any]) -> list[str]:
    """How the configured (just restored) database differs from the archive's manifest."""
    connection.close()  # the database under it was replaced
    with connection.cursor() as cursor:
        facts = _facts(cursor, connection.vendor)
    problems = [
        f"{table}: {facts['row_counts'].get(table)} rows, the archive says {count}"
        for table, count in manifest["row_counts"].items()
        if facts["row_counts"].get(table) != count
    ]
    if facts["audit"] != manifest["audit"]:
        problems.append(f"audit head {facts['audit']}, the archive says {manifest['audit']}")
    return problems
