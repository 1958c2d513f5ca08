import django.db.models
from django.db import migrations

import fenji.core.api.models


class Migration(migrations.Migration):
    # Apart from 0002, so the row update and the schema change never share a transaction (PostgreSQL
    # refuses ALTER TABLE while trigger events of the update are pending).

    dependencies = [
        ("api", "0002_token_revoke_reason_and_expiry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=django.db.models.DateTimeField(default=fenji.core.api.models.default_expiry,
                                                 verbose_name="有效期至"),
        ),
    ]
