"""Database triggers that make the audit tables (the events and their seals) append-only, on
SQLite and PostgreSQL.

Installed by migrations. The test suite removes them only around Django's table flush between
transactional tests, and in the tests that tamper with rows to prove ``audit verify`` notices.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLES = ("core_auditevent", "core_auditseal")
MESSAGE = "audit events are append-only"

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION praxis_audit_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END;
    $$ LANGUAGE plpgsql"""


def _sqlite_install(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    ]


def _sqlite_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update",
        f"DROP TRIGGER IF EXISTS {table}_no_delete",
    ]


def _pg_install(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"""CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION praxis_audit_append_only()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION praxis_audit_append_only()""",
    ]


def _pg_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def _statements(
    connection: BaseDatabaseWrapper, *, install: bool, tables: tuple[str, ...]
) -> list[str]:
    if connection.vendor == "sqlite":
        per_table = _sqlite_install if install else _sqlite_remove
        return [sql for table in tables for sql in per_table(table)]
    if connection.vendor == "postgresql":
        per_table = _pg_install if install else _pg_remove
        head = [_PG_FUNCTION] if install else []
        return head + [sql for table in tables for sql in per_table(table)]
    raise NotImplementedError(f"no audit triggers for {connection.vendor}")


def install(connection: BaseDatabaseWrapper, *, tables: tuple[str, ...] = TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True, tables=tables):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper, *, tables: tuple[str, ...] = TABLES) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False, tables=tables):
            cursor.execute(sql)
