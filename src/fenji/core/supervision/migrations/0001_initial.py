from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: its tables come in the ones that follow."""

    initial = True
    dependencies = []
    operations = []
