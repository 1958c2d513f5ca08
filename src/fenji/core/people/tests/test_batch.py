"""停用所选 and 导出所选 on the account list: all or nothing, rows outside scope named, consequence first."""

import io

from openpyxl import load_workbook

from fenji.core.audit.models import AuditEvent
from fenji.core.people.models import Account, AccountStatus
from fenji.testing import make_account


def status(account):
    return Account.objects.unscoped(reason="test").get(pk=account.pk).status


def test_the_selection_is_disabled_after_the_consequence_is_confirmed(tree, city_admin, login):
    one, two = make_account(tree.town, name="甲"), make_account(tree.other_town, name="乙")
    client = login(city_admin)
    listing = client.get("/people/accounts/").content.decode()
    assert f'name="ids" value="{one.pk}"' in listing and "停用所选" in listing
    first = client.post("/people/accounts/batch/", {"op": "disable", "ids": [one.pk, two.pk]}).content.decode()
    assert "将停用 2 个账号：甲、乙" in first and status(one) == AccountStatus.ACTIVE
    client.post("/people/accounts/batch/", {"op": "disable", "ids": [one.pk, two.pk], "confirmed": "1",
                                            "reason": "离职"})
    assert status(one) == status(two) == AccountStatus.DISABLED
    assert AuditEvent.objects.filter(action="people.account.disable").count() == 2
    assert AuditEvent.objects.get(action="people.account.disable_batch").details["count"] == 2


def test_a_row_outside_scope_refuses_the_whole_batch_and_is_named(tree, city_admin, login):
    mine, theirs = make_account(tree.town, name="范围内"), make_account(tree.sibling_city, name="范围外")
    page = login(city_admin).post("/people/accounts/batch/", {
        "op": "disable", "ids": [mine.pk, theirs.pk], "confirmed": "1", "reason": "离职"}, follow=True).content.decode()
    assert f"以下账号不存在或不在您的管理范围内，整批未处理：#{theirs.pk}" in page and "范围外" not in page
    assert status(mine) == status(theirs) == AccountStatus.ACTIVE


def test_the_selection_exports_to_excel_with_masked_numbers(tree, city_admin, login):
    one = make_account(tree.town, name="导出甲")
    response = login(city_admin).post("/people/accounts/batch/", {"op": "export", "ids": [one.pk]})
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert rows[1][0] == "导出甲" and "****" in rows[1][1]
    assert AuditEvent.objects.filter(action="people.account.export", details__list="selection").exists()
