from django.db import migrations


def install(apps, schema_editor):
    from praxis.core import audit_triggers

    audit_triggers.install(schema_editor.connection, tables=("core_auditevent",))


def remove(apps, schema_editor):
    from praxis.core import audit_triggers

    audit_triggers.remove(schema_editor.connection, tables=("core_auditevent",))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
