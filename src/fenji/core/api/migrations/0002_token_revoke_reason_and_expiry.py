"""Tokens carry why they were revoked, and every token expires: those made without a number of days
(which never expired) get the default life from now, so that scripts using them have time to be moved
to a new token."""

import datetime

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def expire_the_unlimited(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    days = max(1, min(settings.API_TOKEN_DAYS, 365))
    ApiToken.objects.filter(expires_at__isnull=True).update(
        expires_at=timezone.now() + datetime.timedelta(days=days))


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="revoke_reason",
            field=models.CharField(blank=True, default="", max_length=200, verbose_name="撤销原因"),
            preserve_default=False,
        ),
        migrations.RunPython(expire_the_unlimited, migrations.RunPython.noop),
    ]
