"""Database triggers that make posted journal entries and their lines immutable, on SQLite and
PostgreSQL: no DELETE, no TRUNCATE, and no UPDATE of any column but a line's ``patient_id``
(a patient merge re-points the duplicate's lines at the record kept: the same person, the same
amounts). Corrections are reversing entries (``ledger.entry_reverse``).

Installed by migration ``billing/0002_ledger``. The test suite removes them only around Django's
table flush between transactional tests (``tests/conftest.py``), as it does the audit trail's.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

MESSAGE = "posted journal entries are immutable; post a reversal instead"

# Every column a trigger guards against UPDATE, per table (tests check this against the models).
GUARDED_COLUMNS: dict[str, tuple[str, ...]] = {
    "billing_journalentry": (
        "id",
        "practice_id",
        "kind",
        "posted_at",
        "effective_date",
        "memo",
        "reverses_id",
        "created_by_id",
    ),
    "billing_journalline": ("id", "entry_id", "account", "amount", "payer_id", "charge_line_id"),
}
TABLES = tuple(GUARDED_COLUMNS)

_PG_FUNCTION = f"""CREATE OR REPLACE FUNCTION praxis_ledger_immutable() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END;
    $$ LANGUAGE plpgsql"""


def _sqlite_install(table: str) -> list[str]:
    columns = ", ".join(GUARDED_COLUMNS[table])
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE OF {columns} ON {table}
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
    columns = ", ".join(GUARDED_COLUMNS[table])
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
        f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE OF {columns} ON {table}
            FOR EACH ROW EXECUTE FUNCTION praxis_ledger_immutable()""",
        f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
        f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION praxis_ledger_immutable()""",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION praxis_ledger_immutable()""",
    ]


def _pg_remove(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_no_update ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        per_table = _sqlite_install if install else _sqlite_remove
        return [sql for table in TABLES for sql in per_table(table)]
    if connection.vendor == "postgresql":
        per_table = _pg_install if install else _pg_remove
        head = [_PG_FUNCTION] if install else []
        return head + [sql for table in TABLES for sql in per_table(table)]
    raise NotImplementedError(f"no ledger triggers for {connection.vendor}")


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)
