"""Auditing can be switched off for one thing only: the audit_append benchmark measures the same
load with and without the trail. Production refuses to start with the switch on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from praxis.core import audit
from praxis.core.models import AuditEvent


def test_with_auditing_switched_off_nothing_is_written(db, settings):
    settings.PRAXIS_AUDIT_DISABLED = True

    event = audit.record("praxis.phi.read", patient_id=7)

    assert event.pk is None
    assert not AuditEvent.objects.exists()


def test_production_refuses_to_start_with_auditing_switched_off(tmp_path):
    praxis = Path(sys.executable).parent / "praxis"
    env = {
        **os.environ,
        "PRAXIS_PROFILE": "production",
        "PRAXIS_SECRET_KEY": "x9!" * 20 + "a-long-random-production-secret",
        "PRAXIS_ALLOWED_HOSTS": "praxis.example.org",
        "PRAXIS_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "praxis.config.settings",
        "PRAXIS_AUDIT_DISABLED": "true",
    }
    env.pop("PRAXIS_DATABASE_URL", None)

    result = subprocess.run(
        [str(praxis), "check"], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "PRAXIS_AUDIT_DISABLED is for benchmarks" in result.stderr
