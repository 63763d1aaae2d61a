import hashlib
import json
from datetime import UTC

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64


def _old_hash(event, prev_hash):
    """The chain hash events carried before sealing (each over the previous event's hash)."""
    payload = {
        "prev": prev_hash,
        "at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "actor_email": event.actor_email,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "patient_id": event.patient_id,
        "ip": event.ip,
        "request_id": event.request_id,
        "details": event.details,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def seal_existing(apps, schema_editor):
    """Check the old chain, then seal its events in id order. A broken chain is not sealed:
    sealing it would make tampered rows look sound."""
    from praxis.core.audit import compute_hash

    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditSeal = apps.get_model("core", "AuditSeal")
    sealed_at = timezone.now()
    expected, prev, seals = GENESIS, GENESIS, []
    for seq, event in enumerate(AuditEvent.objects.order_by("id").iterator(chunk_size=2000), 1):
        if event.prev_hash != expected or _old_hash(event, event.prev_hash) != event.hash:
            raise RuntimeError(
                f"the audit chain is broken at event {event.id}; it cannot be sealed. Run "
                "`praxis audit verify` with the previous release and keep its report."
            )
        expected = event.hash
        digest = compute_hash(event, prev_hash=prev, sealed_at=sealed_at)
        seals.append(
            AuditSeal(seq=seq, event_id=event.id, sealed_at=sealed_at, prev_hash=prev, hash=digest)
        )
        prev = digest
        if len(seals) == 2000:
            AuditSeal.objects.bulk_create(seals)
            seals = []
    AuditSeal.objects.bulk_create(seals)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditSeal",
            fields=[
                ("seq", models.BigIntegerField(primary_key=True, serialize=False)),
                ("sealed_at", models.DateTimeField(db_index=True)),
                ("prev_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64, unique=True)),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="seal",
                        to="core.auditevent",
                    ),
                ),
            ],
            options={
                "ordering": ["seq"],
                "default_permissions": (),
            },
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
