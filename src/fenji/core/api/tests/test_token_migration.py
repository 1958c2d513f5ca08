"""Tokens made before every token expired (no --days: ``expires_at`` empty) get the default life at the
upgrade, counted from the upgrade, instead of living for ever."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fenji.core.api import tokens
from fenji.core.api.models import ApiToken
from fenji.testing import make_account


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_tokens_without_an_expiry_get_the_default_at_the_upgrade(tree):
    account = make_account(tree.city)
    old_apps = migrate([("api", "0001_initial")])
    try:
        OldToken = old_apps.get_model("api", "ApiToken")
        new = tokens.generate()
        OldToken.objects.create(account_id=account.pk, name="旧脚本", prefix=new.prefix, hash=new.hash,
                                expires_at=None)
    finally:
        migrate(latest())
    token = ApiToken.objects.get()
    left = token.expires_at - timezone.now()
    assert datetime.timedelta(days=89) < left <= datetime.timedelta(days=90)
