"""End to end in Chromium on a 390×844 phone (the veterans profile, seed 000): a retired cadre signs in, reads a
notice, signs up for an activity, sends a suggestion and later sees the unit's answer; a street's veterans worker
enters a visit on the spot with a photo, and a visit entered weeks after it ended is flagged late."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fenji.core.access.roles import BUILTIN_ROLES, DEPT_HEAD, STAFF
from fenji.core.community import services as community
from fenji.core.community.models import Feedback
from fenji.modules.veterans.models import Elder, ServiceRecord
from fenji.testing import PASSWORD, actor, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def veterans_profile(settings):
    settings.FENJI_PROFILE = "veterans"


def phone_login(page, account):
    page.goto("/m/login/")
    page.get_by_label("手机号码").fill(account.mobile)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_elder_reads_signs_up_and_is_answered_and_a_worker_records_on_the_spot(live_server, new_page, tree,
                                                                                 screenshot, tmp_path):
    elder_account = make_account(tree.town, name="吴国华", kind="elder")
    Elder.objects.create(person=elder_account.person, unit=tree.town, unit_path=tree.town.path, retirement="lixiu",
                         living_alone=True)
    head = make_account(tree.town, name="街道办主任", role=DEPT_HEAD)
    helper = make_account(tree.town, name="活动站干事", role=STAFF)
    worker = make_account(tree.town, name="赵敏", role=BUILTIN_ROLES["veterans_worker"])
    community.notice_send(actor=actor(head), unit=tree.town, title="冬送温暖走访安排", body="本月下旬上门走访。")
    starts = timezone.now() + datetime.timedelta(days=7)
    community.activity_create(actor=actor(helper), unit=tree.town, title="老年健康讲座", place="街道活动中心",
                              starts_at=starts, signup_until=starts - datetime.timedelta(days=1))

    # --- the elder, on the phone -------------------------------------------------------------------
    phone = new_page(mobile=True)
    phone_login(phone, elder_account)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("吴国华")
    phone.get_by_role("link", name="通知公告").click()
    phone.get_by_role("link", name="冬送温暖走访安排").click()
    expect(phone.locator(".m-card")).to_contain_text("本月下旬上门走访")
    phone.goto("/m/")
    phone.get_by_role("link", name="活动", exact=True).click()
    phone.get_by_role("button", name="报名").click()
    expect(phone.locator(".badge-ok")).to_contain_text("已报名")
    phone.goto("/m/")
    phone.get_by_role("link", name="意见反馈").click()
    phone.get_by_label("意见内容").fill("希望讲座后安排测量血压")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("status")).to_contain_text("已提交")
    screenshot(phone, "veterans-elder-feedback")

    feedback = Feedback.objects.unscoped(reason="test").get(author=elder_account)
    community.feedback_answer(actor=actor(helper), feedback=feedback, answer="已安排社区医生到场测量血压")
    phone.reload()
    expect(phone.locator(".answer")).to_contain_text("已安排社区医生到场测量血压")

    # --- the worker, on the phone, at the elder's home ----------------------------------------------
    staff_phone = new_page(mobile=True)
    phone_login(staff_phone, worker)
    staff_phone.get_by_role("link", name="录入服务记录").click()
    staff_phone.get_by_role("link", name="录入走访", exact=True).click()  # 吴国华 lives alone: due this quarter
    staff_phone.get_by_label("经办人员").fill("赵敏")
    staff_phone.get_by_label("慰问类型").select_option("冬送温暖")
    staff_phone.get_by_label("走访方式").select_option("上门走访")
    staff_phone.get_by_label("生活情况").fill("独居，生活能自理")
    photo = tmp_path / "走访.png"
    photo.write_bytes(PNG)
    staff_phone.get_by_label("照片和附件").set_input_files(str(photo))
    staff_phone.get_by_role("button", name="录入").click()
    expect(staff_phone.get_by_role("status")).to_contain_text("已录入（按时）")
    record = ServiceRecord.objects.unscoped(reason="test").get(elder__person=elder_account.person)
    assert record.on_time and record.photos.unscoped(reason="test").count() == 1
    expect(staff_phone.locator(f"#mine-{record.pk}")).to_contain_text("按时")

    # --- a visit that ended three weeks ago: past the fifth working day, flagged late -----------------
    staff_phone.get_by_role("link", name="录入走访慰问", exact=True).click()
    staff_phone.get_by_label("服务对象（老干部）").select_option(label="吴国华（新街口街道）")
    ended = timezone.localdate() - datetime.timedelta(days=21)
    staff_phone.get_by_label("活动结束日期").fill(ended.isoformat())
    staff_phone.get_by_label("经办人员").fill("赵敏")
    staff_phone.get_by_label("慰问类型").select_option("日常走访")
    staff_phone.get_by_label("走访方式").select_option("电话问候")
    staff_phone.get_by_role("button", name="录入").click()
    expect(staff_phone.get_by_role("status")).to_contain_text("逾期录入")
    late = ServiceRecord.objects.unscoped(reason="test").get(elder__person=elder_account.person, ended_on=ended)
    assert not late.on_time
    expect(staff_phone.locator(f"#mine-{late.pk}")).to_contain_text("逾期录入")
    screenshot(staff_phone, "veterans-worker-records")
