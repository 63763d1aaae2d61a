from django.db import migrations

TABLES = ("core_auditevent", "core_auditseal")


def install(apps, schema_editor):
    # Also after the column removal: SQLite rebuilds the events table for it, dropping its
    # triggers with the old table.
    from praxis.core import audit_triggers

    audit_triggers.install(schema_editor.connection, tables=TABLES)


def remove(apps, schema_editor):
    from praxis.core import audit_triggers

    audit_triggers.remove(schema_editor.connection, tables=("core_auditseal",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_seal"),
    ]

    operations = [
        migrations.RemoveField(model_name="auditevent", name="hash"),
        migrations.RemoveField(model_name="auditevent", name="prev_hash"),
        migrations.RunPython(install, remove),
    ]
