import django.db.models.deletion
from django.db import migrations, models


def count_existing_units(apps, schema_editor):
    """Each existing unit's row: the active units of its subtree, itself included (as census_desired)."""
    Unit = apps.get_model("org", "Unit")
    UnitCensus = apps.get_model("org", "UnitCensus")
    ids, counts = {}, {}
    for pk, path, status in Unit.objects.order_by().values_list("pk", "path", "status"):
        ids[path] = pk
        if status == "active":
            # every prefix of the path is an ancestor (4-character segments, kernel.paths.SEGMENT_WIDTH)
            for end in range(4, len(path) + 1, 4):
                counts[path[:end]] = counts.get(path[:end], 0) + 1
    UnitCensus.objects.bulk_create([UnitCensus(unit_id=pk, active=counts.get(path, 0)) for path, pk in ids.items()],
                                   batch_size=5000)


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0003_unit_kind_from_profile'),
    ]

    operations = [
        migrations.CreateModel(
            name='UnitCensus',
            fields=[
                ('unit', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='org.unit', verbose_name='单位')),
                ('active', models.IntegerField(default=0, verbose_name='子树正常单位数')),
            ],
            options={
                'verbose_name': '单位子树计数',
                'verbose_name_plural': '单位子树计数',
            },
        ),
        migrations.RunPython(count_existing_units, migrations.RunPython.noop),
    ]
