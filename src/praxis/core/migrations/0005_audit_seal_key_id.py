from django.db import migrations, models

# Seals made so far have no key id: they verify as legacy unkeyed SHA-256 seals, and the sealer
# chains on with HMAC seals after them (docs/adr/0004-keyed-audit-chain.md).


def install(apps, schema_editor):
    # SQLite rebuilds the seals table to add a column with a default, dropping its triggers with
    # the old table.
    from praxis.core import audit_triggers

    audit_triggers.install(schema_editor.connection, tables=("core_auditseal",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_event_unchained"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, install),
        migrations.AddField(
            model_name="auditseal",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
