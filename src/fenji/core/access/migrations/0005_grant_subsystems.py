"""Subsystems as permission domains (ADR 0018): a permission administrator's grant names the subsystems it is
limited to (codes, comma-separated: wider than one label), and a grant review may cover one subsystem.
Existing values are kept as they are: free text matches only itself."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('access', '0004_duty_holds_by_duty'),
    ]

    operations = [
        migrations.AddField(
            model_name='grantreview',
            name='subsystem',
            field=models.CharField(blank=True, max_length=50, verbose_name='子系统'),
        ),
        migrations.AlterField(
            model_name='grant',
            name='subsystem',
            field=models.CharField(blank=True, max_length=200, verbose_name='子系统'),
        ),
    ]
