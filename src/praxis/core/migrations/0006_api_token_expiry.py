"""Every API token expires. Tokens made before this had no expiry unless one was chosen: they
get a full term from the upgrade (PRAXIS_API_TOKEN_DAYS), so no integration stops the moment the
new version starts, and none lasts forever."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import praxis.core.models


def give_every_token_an_expiry(apps, schema_editor):
    ApiToken = apps.get_model("core", "ApiToken")
    expiry = timezone.now() + timedelta(days=settings.PRAXIS_API_TOKEN_DAYS)
    ApiToken.objects.filter(expires_at__isnull=True).update(expires_at=expiry)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_seal_key_id")]

    operations = [
        migrations.RunPython(give_every_token_an_expiry, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(default=praxis.core.models.api_token_expiry),
        ),
    ]
