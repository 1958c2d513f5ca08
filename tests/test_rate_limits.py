"""Rate limits (audit.ratelimits): API tokens and uploads per account and client address, counted in the
database so that every server process shares them; 429 with a Chinese message and Retry-After on the API
and on console pages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone

from fenji.core.access.roles import STAFF
from fenji.core.api.models import ApiToken
from fenji.core.audit import ratelimits
from fenji.core.audit.models import RateCount
from fenji.core.files.models import Attachment
from fenji.core.files.services import attachment_store
from fenji.core.kernel.errors import RateLimited
from fenji.core.web.middleware import DomainErrorMiddleware
from fenji.testing import actor, make_account

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _create(client):
    return client.post("/api/v1/tokens", {"name": "同步"}, content_type="application/json")


def test_token_creation_is_limited_per_account_then_per_address(tree, city_admin, login, client, settings):
    settings.FENJI_RATE_LIMITS = {"token.create": {"account": [2, 3600], "ip": [3, 3600]}}
    login(city_admin)
    assert [_create(client).status_code for _ in range(2)] == [201, 201]
    refused = _create(client)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled" and "操作过于频繁" in refused.json()["error"]["message"]
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert ApiToken.objects.filter(account=city_admin).count() == 2  # the refused request counted nothing
    # another account from the same address: its own first token, then the address's limit (3)
    client.logout()
    login(make_account(tree.city, name="南京科员", role=STAFF))
    assert _create(client).status_code == 201
    assert _create(client).status_code == 429


def test_uploads_are_limited_per_account_and_a_console_page_answers_429(tree, settings):
    settings.FENJI_RATE_LIMITS = {"upload": {"account": [1, 60]}}
    clerk = make_account(tree.town, name="街道科员", role=STAFF)
    attachment_store(actor=actor(clerk), unit=tree.town, upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(RateLimited) as limited:
        attachment_store(actor=actor(clerk), unit=tree.town, upload=SimpleUploadedFile("b.pdf", PDF))
    assert Attachment.objects.unscoped(reason="test").count() == 1 and 1 <= limited.value.retry_after <= 60

    request = RequestFactory().post("/dispatch/new/")
    request.actor = None
    page = DomainErrorMiddleware(lambda r: None).process_exception(request, limited.value)
    assert page.status_code == 429 and page["Retry-After"] == str(limited.value.retry_after)
    assert "操作过于频繁" in page.content.decode()

    RateCount.objects.update(window=timezone.now() - datetime.timedelta(days=2))
    assert ratelimits.sweep() == 1 and not RateCount.objects.exists()


def test_excel_exports_are_limited_per_account_and_the_list_still_opens(tree, city_admin, login, client, settings):
    settings.FENJI_RATE_LIMITS = {"export": {"account": [2, 3600]}}
    login(city_admin)
    assert [client.get("/people/accounts/?format=xlsx").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/people/accounts/?format=xlsx")
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 3600
    assert "操作过于频繁" in refused.content.decode()
    assert client.get("/people/accounts/").status_code == 200  # browsing the list is not an export
