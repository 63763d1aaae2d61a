"""Typed readers for the PRAXIS_* environment variables.

Settings read the environment only through these helpers so that a wrong value fails at start-up
with a message naming the variable, rather than as a strange error later.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,16}")


def env_keys(name: str, *, min_length: int = 32) -> dict[str, str]:
    """Named secrets, ``id:secret,id:secret`` (the audit key and the keys it replaced). An
    error names the variable and the key id, never the secret."""
    keys: dict[str, str] = {}
    for position, item in enumerate(os.environ.get(name, "").split(","), 1):
        key_id, colon, secret = item.strip().partition(":")
        if not (key_id or colon or secret):
            continue
        if not colon or not _KEY_ID.fullmatch(key_id):
            raise ImproperlyConfigured(
                f"{name}: entry {position} must be id:secret, the id 1-16 letters, digits, "
                "'.', '_' or '-'"
            )
        if len(secret) < min_length:
            raise ImproperlyConfigured(
                f"{name}: the secret of key {key_id!r} must be at least {min_length} characters"
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"{name}: key id {key_id!r} appears twice")
        keys[key_id] = secret
    return keys


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def database_from_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgresql://user:pw@host:port/name`` into a DATABASES entry.

    SQLite runs in WAL mode with IMMEDIATE transactions: a writer takes the write lock when its
    transaction begins, so the check-then-insert paths (booking, audit chain) cannot interleave.
    """
    parsed = urlparse(url)
    options = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    if parsed.scheme == "sqlite":
        raw_path = unquote(parsed.path)
        # sqlite:///relative/path and sqlite:////absolute/path, as in other tools
        path = Path(raw_path[1:]) if raw_path.startswith("/") else Path(raw_path)
        if not path.is_absolute():
            path = base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            # Keep connections: each new one re-runs the PRAGMAs below.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"PRAXIS_DATABASE_URL must start with sqlite:// or postgresql://, not {parsed.scheme!r}"
    )
