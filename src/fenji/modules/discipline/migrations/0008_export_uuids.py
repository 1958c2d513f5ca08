import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    """Every existing petition, clue and case gets its own stable uuid (version 1, never exported)."""
    for name in ("Petition", "Clue", "Case"):
        model = apps.get_model("discipline", name)
        for pk in model._base_manager.values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):

    dependencies = [
        ('discipline', '0007_export_package'),
    ]

    operations = [
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='case',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='唯一标识'),
        ),
        migrations.AlterField(
            model_name='clue',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='唯一标识'),
        ),
        migrations.AlterField(
            model_name='petition',
            name='uuid',
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='唯一标识'),
        ),
    ]
