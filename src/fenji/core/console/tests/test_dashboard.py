"""统计概览: the numbers of one's scope, drawn with the locally served chart library, and their Excel export."""

import datetime
import io
import re

from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.console.dashboard import dashboard_numbers
from fenji.core.dispatch.models import Delivery, DispatchKind
from fenji.core.dispatch.services import Targets, dispatch_send
from fenji.testing import PASSWORD, actor, make_account


def logins(account, times=1):
    for _ in range(times):
        Client().post("/m/login/" if account.kind != "staff" else "/login/",
                      {"mobile": account.mobile, "password": PASSWORD})


def test_logins_and_openings_are_counted_per_day_within_scope(tree, city_admin):
    member = make_account(tree.town, kind="member", name="南京成员")
    far = make_account(tree.sibling_city, kind="member", name="苏州成员")
    logins(member, 2)
    logins(far, 3)
    numbers = dashboard_numbers(actor=actor(city_admin))
    assert numbers.days[-1] == timezone.localdate() and len(numbers.days) == 30
    assert numbers.logins[-1] == 2  # 苏州's logins are outside 南京's scope
    assert numbers.opened[-1] >= 2 and sum(numbers.opened[:-1]) == 0
    kinds = dict(numbers.kinds)
    assert kinds and "苏州市" not in str(kinds)


def test_the_signing_rate_counts_deliveries_signed_by_their_deadline(tree):
    head = make_account(tree.city, name="市办主任", role=DEPT_HEAD)
    make_account(tree.town, name="收文员", role=STAFF)
    dispatch = dispatch_send(actor=actor(head), kind=DispatchKind.NOTICE, title="通知",
                             targets=Targets(units=[tree.town, tree.other_town]))
    now = timezone.now()
    rows = Delivery.objects.unscoped(reason="test").filter(dispatch=dispatch)
    rows.update(sign_due_at=now - datetime.timedelta(minutes=5))
    rows.filter(unit=tree.town).update(signed_at=now - datetime.timedelta(minutes=6))
    [signing, _deciding] = dashboard_numbers(actor=actor(head)).rates
    assert (signing.due, signing.on_time, signing.rate) == (2, 1, 0.5)


def test_someone_without_scope_sees_an_empty_state(tree, login):
    member = make_account(tree.town, kind="member")
    assert not dashboard_numbers(actor=actor(member)).has_scope


def test_the_page_draws_with_local_assets_and_exports_to_excel(tree, city_admin, login):
    client = login(city_admin)
    page = client.get("/dashboard/").content.decode()
    assert 'id="dashboard-data"' in page and "/static/vendor/echarts/echarts.min.js" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from elsewhere
    home = client.get("/").content.decode()
    assert home.index('id="todos') < home.index('id="dashboard"')
    response = client.get("/dashboard/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active.values)
    assert rows[2][:3] == ("日期", "新开账号", "登录次数") and len([r for r in rows if r and re.match(r"\d{4}-", str(r[0]))]) == 30
    assert any(r and r[0] == "公文按时签收率" for r in rows)
    assert AuditEvent.objects.filter(action="console.dashboard.export", actor_id=city_admin.pk).exists()
