"""No double booking, enforced by PostgreSQL: exclusion constraints over (provider, time range)
and (resource, time range) for active appointments. SQLite has no exclusion constraints; there
the booking service's check and insert share one IMMEDIATE transaction instead.

The active statuses are spelled out here as they stood when this migration was written
(models.ACTIVE_STATUSES); a change to that list needs a new migration.
"""

from django.db import migrations

ACTIVE = "'scheduled', 'confirmed', 'arrived', 'in_room', 'completed'"

CREATE = [
    # btree_gist gives GiST the `=` operator on bigint; it is a trusted extension (PG 13+), so
    # the database owner may create it without being a superuser.
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE scheduling_appointment
        ADD CONSTRAINT appointment_provider_no_overlap
        EXCLUDE USING gist (provider_id WITH =, tstzrange(start, "end", '[)') WITH &&)
        WHERE (status IN ({ACTIVE}))""",
    """ALTER TABLE scheduling_appointmentresource
        ADD CONSTRAINT appointment_resource_no_overlap
        EXCLUDE USING gist (resource_id WITH =, tstzrange(start, "end", '[)') WITH &&)
        WHERE (active)""",
]

DROP = [
    "ALTER TABLE scheduling_appointmentresource DROP CONSTRAINT appointment_resource_no_overlap",
    "ALTER TABLE scheduling_appointment DROP CONSTRAINT appointment_provider_no_overlap",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]

    operations = [migrations.RunPython(_run_on_postgresql(CREATE), _run_on_postgresql(DROP))]
