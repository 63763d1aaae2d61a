"""Helpers for tests that run `praxis` itself in other processes, on a database of their own
beside the test database (a new SQLite file, or a new PostgreSQL database on the same server)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.utils import load_backend

BIN = Path(sys.executable).parent


@contextmanager
def fresh_database(folder: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """An empty database of the test database's kind: its settings and its PRAXIS_DATABASE_URL.
    A PostgreSQL one is dropped afterwards. Needs a transactional test (CREATE DATABASE)."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        database["NAME"] = str(folder / "praxis.sqlite3")
        yield database, f"sqlite:///{database['NAME']}"
        return
    database["NAME"] = f"{connection.settings_dict['NAME']}_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{database["NAME"]}"')
    auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
    try:
        yield database, f"postgresql://{auth}@{host}/{database['NAME']}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


def query(database: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query on another database than the test database."""
    wrapper = load_backend(database["ENGINE"]).DatabaseWrapper(database, "other")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        wrapper.close()


def praxis_env(*, database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a `praxis` process on that database: the real settings module, not
    the test settings that pytest put in this process's environment."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "praxis.config.settings",
        "PRAXIS_PROFILE": "test",
        "PRAXIS_DATABASE_URL": database_url,
        "PRAXIS_DATA_DIR": str(data_dir),
        **extra,
    }


def praxis(
    *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "praxis"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
