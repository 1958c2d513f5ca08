"""End to end in Chromium: a citizen signs up on /m/ with an SMS code, files a 随手拍 ticket with a photo, the
handling unit's clerk signs and answers it on the console, and the citizen rates the answer on the phone.
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from fenji.core.access import policy
from fenji.core.access.roles import STAFF
from fenji.core.notify.sms import read_outbox
from fenji.core.tickets.models import Ticket, TicketState
from fenji.core.tickets.services import board_create
from fenji.testing import PASSWORD, make_account

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

MOBILE = "13987650001"
CITIZEN_PASSWORD = "Suishoupai#2026"


def test_a_citizen_signs_up_files_a_photo_ticket_the_unit_answers_and_the_citizen_rates(
        live_server, new_page, tree, tmp_path, screenshot):
    board_create(actor=policy.SYSTEM, office=tree.county, unit=tree.town, name="市容随手拍")
    clerk = make_account(tree.town, name="城管干事", role=STAFF)
    photo = tmp_path / "lamp.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 120, 200)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())

    # --- sign up on the phone ------------------------------------------------------------------------
    phone = new_page(mobile=True)
    phone.goto("/m/login/")
    phone.get_by_role("link", name="群众注册").click()
    phone.locator("#code-request").get_by_label("手机号码").fill(MOBILE)
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_role("status")).to_contain_text("验证码已通过短信发送")
    code = re.search(r"验证码 (\d{6})", read_outbox(MOBILE)[-1].text).group(1)
    form = phone.locator("#signup")
    form.get_by_label("手机号码").fill(MOBILE)
    form.get_by_label("短信验证码").fill(code)
    form.get_by_label("姓名").fill("李市民")
    form.locator("#id_new_password").fill(CITIZEN_PASSWORD)
    form.get_by_label("再次输入新密码").fill(CITIZEN_PASSWORD)
    phone.get_by_role("button", name="注册").click()
    expect(phone).to_have_url(f"{live_server.url}/m/login/")
    phone.get_by_label("手机号码").fill(MOBILE)
    phone.get_by_label("密码").fill(CITIZEN_PASSWORD)
    phone.get_by_role("button", name="登录").click()
    expect(phone).to_have_url(f"{live_server.url}/m/")

    # --- file a ticket with a photo --------------------------------------------------------------------
    phone.get_by_role("link", name="我的诉求").click()
    phone.get_by_role("link", name="我要反映").click()
    phone.get_by_label("版块").select_option(label="市容随手拍")
    phone.get_by_label("诉求内容").fill("中山路路灯不亮")
    phone.get_by_label("照片").set_input_files(str(photo))
    phone.get_by_label("位置").fill("中山路 100 号")
    phone.get_by_label("同意公开答复（不公开姓名和电话）").check()
    screenshot(phone, "ticket-new")
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#ticket-state")).to_have_text("待签收")
    ticket = Ticket.objects.unscoped(reason="test").get()
    assert ticket.unit_id == tree.town.pk

    # --- the unit signs and answers on the console -----------------------------------------------------
    console = new_page()
    console.goto("/login/")
    console.get_by_label("手机号码").fill(clerk.mobile)
    console.get_by_label("密码").fill(PASSWORD)
    console.get_by_role("button", name="登录").click()
    console.goto(f"/tickets/{ticket.pk}/")
    expect(console.locator("#ticket")).to_contain_text("中山路路灯不亮")
    expect(console.get_by_role("link", name="lamp.jpg")).to_be_visible()
    console.get_by_role("button", name="签收").click()
    expect(console.locator("#ticket-state")).to_contain_text("已签收")
    console.locator("#answer-form").get_by_label("答复内容").fill("已更换灯泡，路灯恢复照明")
    console.locator("#answer-form").get_by_role("button", name="答复").click()
    expect(console.locator("#answer")).to_contain_text("已更换灯泡")

    # --- the citizen sees the answer and rates it ------------------------------------------------------
    phone.reload()
    expect(phone.locator("#answer")).to_contain_text("已更换灯泡")
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator("#ticket-state")).to_have_text("已回访")
    ticket.refresh_from_db()
    assert ticket.state == TicketState.VISITED and ticket.rating == "satisfied"
