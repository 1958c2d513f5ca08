"""Mobile and ID numbers folded to one spelling, and their blind indexes recomputed.

Before, ``１３９１２３４００１１`` (full-width digits) passed the checks and was stored as typed, with a
blind index different from ``13912340011``'s: one person could hold two accounts. The columns now fold
every value (``EncryptedTextField(normalise="number")``: NFKC, no whitespace); this migration folds
the rows already stored (``kernel.rotation.renormalise_column``, the raw-SQL batches that
``fenji rotate_data_key`` uses). Where a folded number is already another row's, the row is left as
it is and named on standard error (table and row id, never the number), for an administrator to
resolve; the migration does not fail. Nothing to undo: the folded spelling is valid for the old code.
"""

import sys

from django.db import migrations

import fenji.core.kernel.fields

COLUMNS = [("account", "mobile", "mobile_hash"), ("person", "id_number", "id_number_hash")]


def renormalise(apps, schema_editor):
    from fenji.core.kernel.rotation import renormalise_column
    from fenji.core.kernel.text import normalise_number

    for model_name, column, hash_column in COLUMNS:
        model = apps.get_model("people", model_name)
        report = renormalise_column(schema_editor.connection, table=model._meta.db_table, pk=model._meta.pk.column,
                                    column=column, hash_column=hash_column, normalise=normalise_number)
        for pk in report.collisions:
            print(f"warning: {report.label} row {pk} left unchanged: once folded (full-width digits, spaces) "
                  f"its number is another row's — the same person twice; resolve by hand", file=sys.stderr)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0004_account_security_stamp'),
    ]

    operations = [
        migrations.AlterField(
            model_name='account',
            name='mobile',
            field=fenji.core.kernel.fields.EncryptedTextField(blind_index='mobile_hash', normalise='number',
                                                              verbose_name='手机号码'),
        ),
        migrations.AlterField(
            model_name='person',
            name='id_number',
            field=fenji.core.kernel.fields.EncryptedTextField(blank=True, blind_index='id_number_hash', null=True,
                                                              normalise='number', verbose_name='身份证号码'),
        ),
        migrations.RunPython(renormalise, migrations.RunPython.noop),
    ]
