"""Running the ``praxis`` command as a production installation would, for tests of what the
production profile accepts and refuses at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION_SECRET = "x9!" * 20 + "a-long-random-production-secret"
PRODUCTION_AUDIT_KEY = "2026a:" + "an-audit-key-for-tests-only-" * 2


def praxis_under_production(
    data_dir: Path, *args: str, **env: str | None
) -> subprocess.CompletedProcess[str]:
    """``praxis <args>`` on the production profile with a valid secret key, audit key and host,
    on an empty data folder (embedded SQLite). ``env`` adds variables; a value of None removes
    one."""
    full = {
        **os.environ,
        "PRAXIS_PROFILE": "production",
        "PRAXIS_SECRET_KEY": PRODUCTION_SECRET,
        "PRAXIS_AUDIT_KEY": PRODUCTION_AUDIT_KEY,
        "PRAXIS_ALLOWED_HOSTS": "praxis.example.org",
        "PRAXIS_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "praxis.config.settings",
    }
    full.pop("PRAXIS_DATABASE_URL", None)
    for name, value in env.items():
        if value is None:
            full.pop(name, None)
        else:
            full[name] = value
    praxis = Path(sys.executable).parent / "praxis"
    return subprocess.run(
        [str(praxis), *args], env=full, capture_output=True, text=True, timeout=120
    )
