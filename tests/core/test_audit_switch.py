"""Auditing can be switched off for one thing only: the audit_append benchmark measures the same
load with and without the trail. Production refuses to start with the switch on."""

from __future__ import annotations

from praxis.core import audit
from praxis.core.models import AuditEvent

from .production import praxis_under_production


def test_with_auditing_switched_off_nothing_is_written(db, settings):
    settings.PRAXIS_AUDIT_DISABLED = True

    event = audit.record("praxis.phi.read", patient_id=7)

    assert event.pk is None
    assert not AuditEvent.objects.exists()


def test_production_refuses_to_start_with_auditing_switched_off(tmp_path):
    result = praxis_under_production(tmp_path, "check", PRAXIS_AUDIT_DISABLED="true")

    assert result.returncode != 0
    assert "PRAXIS_AUDIT_DISABLED is for benchmarks" in result.stderr
