"""群众诉求: a citizen files on a board, the board's unit signs, handles and answers, the office reviews 退单 and
延期, the citizen rates; the rules refuse with the reason; scope on every page.

    玄武区 (the office: manages the boards) ── 新街口街道 (handles 市容随手拍) / 梅园新村街道 (another unit)
"""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from fenji.core.access import policy
from fenji.core.access.roles import DEPT_HEAD, STAFF
from fenji.core.audit.models import AuditEvent
from fenji.core.calendar.workdays import add_working_days
from fenji.core.kernel.errors import AccessDenied, DomainError, NotVisible
from fenji.core.notify.models import Message
from fenji.core.tickets import selectors, services
from fenji.core.tickets.models import Rating, Ticket, TicketState
from fenji.core.web import nav
from fenji.testing import actor, make_account, sign_in


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def w(tree):
    class World:
        office = make_account(tree.county, name="区办主任", role=DEPT_HEAD)
        clerk = make_account(tree.town, name="街道干事", role=STAFF)
        head = make_account(tree.town, name="街道主任", role=DEPT_HEAD)
        other_clerk = make_account(tree.other_town, name="梅园干事", role=STAFF)
        citizen = make_account(tree.province, kind="citizen", name="市民甲")
        neighbour = make_account(tree.province, kind="citizen", name="市民乙")
        board = services.board_create(actor=policy.SYSTEM, office=tree.county, unit=tree.town, name="市容随手拍",
                                      handle_days=5, return_days=2, extension_max_count=1, extension_max_days=5)
    return World


def file(w, citizen=None, **kwargs):
    return services.ticket_file(actor=actor(citizen or w.citizen), board=w.board,
                                content=kwargs.pop("content", "某路口垃圾堆放多日"), **kwargs)


def fresh(ticket) -> Ticket:
    return Ticket.objects.unscoped(reason="test").get(pk=ticket.pk)


def phone(account):
    return sign_in(Client(), account, path="/m/login/")


# --- the way through ---------------------------------------------------------------------------------------


def test_filed_to_the_boards_unit_signed_answered_and_rated(tree, w, django_capture_on_commit_callbacks):
    ticket = file(w, photos=[jpeg()], location_text="中山路口", latitude="32.05", longitude="118.78", public_ok=True)
    assert ticket.unit_id == tree.town.pk and ticket.office_path == tree.county.path
    assert ticket.state == TicketState.PENDING and selectors.ticket_photos(ticket).count() == 1
    assert ticket.due_at == add_working_days(ticket.created_at, 5, provisional=True)
    assert {t.kind for t in nav.todos_for(actor(w.clerk))} == {"tickets.sign"}
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    assert {t.kind for t in nav.todos_for(actor(w.clerk))} == {"tickets.answer"}
    services.ticket_progress(actor=actor(w.clerk), ticket=ticket, note="已派人清运")
    services.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer="已清运完毕")
    ticket = fresh(ticket)
    assert ticket.state == TicketState.ANSWERED and ticket.on_time is True
    assert Message.objects.filter(recipient=w.citizen, kind="tickets.ticket").exists()
    services.ticket_rate(actor=actor(w.citizen), ticket=ticket, rating=Rating.SATISFIED)
    assert fresh(ticket).state == TicketState.VISITED
    actions = list(AuditEvent.objects.filter(action__startswith="tickets.ticket.").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["tickets.ticket.file", "tickets.ticket.sign", "tickets.ticket.progress",
                       "tickets.ticket.answer", "tickets.ticket.rate"]
    public = Client().get("/m/tickets/public/").content.decode()
    assert "已清运完毕" in public and "市民甲" not in public


def test_unsatisfied_reopens_with_a_new_deadline_and_the_count_kept(w):
    ticket = file(w)
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    services.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer="已处理")
    with pytest.raises(DomainError, match="请填写评价说明"):
        services.ticket_rate(actor=actor(w.citizen), ticket=ticket, rating=Rating.UNSATISFIED)
    later = timezone.now() + datetime.timedelta(days=1)
    with time_machine.travel(later):
        services.ticket_rate(actor=actor(w.citizen), ticket=ticket, rating=Rating.UNSATISFIED, note="没有处理")
    ticket = fresh(ticket)
    assert ticket.state == TicketState.HANDLING and ticket.reopen_count == 1 and ticket.on_time is None
    assert ticket.due_at > ticket.answered_at
    services.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer="再次处理")
    services.ticket_rate(actor=actor(w.citizen), ticket=fresh(ticket), rating=Rating.BASIC)
    assert fresh(ticket).reopen_count == 1 and fresh(ticket).state == TicketState.VISITED


def test_a_reply_is_public_only_when_the_citizen_agreed(w):
    for agreed, text in ((True, "公开的答复"), (False, "不公开的答复")):
        ticket = file(w, public_ok=agreed, content="电话 13912345678 联系我")
        services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
        services.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer=text)
    page = Client().get("/m/tickets/public/").content.decode()
    assert "公开的答复" in page and "不公开的答复" not in page
    assert "13912345678" not in page


# --- 退单 and 改派 -------------------------------------------------------------------------------------------


def test_a_return_within_the_window_is_reassigned_by_the_office(tree, w):
    ticket = file(w)
    services.ticket_return(actor=actor(w.clerk), ticket=ticket, reason="属梅园新村街道辖区")
    assert fresh(ticket).state == TicketState.RETURNED
    assert [t.kind for t in nav.todos_for(actor(w.office))] == ["tickets.review"]
    with pytest.raises(AccessDenied):  # the handling unit does not decide its own 退单
        services.ticket_return_decide(actor=actor(w.head), ticket=ticket, reassign_to=tree.other_town)
    services.ticket_return_decide(actor=actor(w.office), ticket=ticket, reassign_to=tree.other_town)
    ticket = fresh(ticket)
    assert ticket.unit_id == tree.other_town.pk and ticket.state == TicketState.PENDING
    assert ticket.unit_path == tree.other_town.path
    services.ticket_sign(actor=actor(w.other_clerk), ticket=ticket)
    with pytest.raises(NotVisible):  # it left the town's scope with its unit
        selectors.ticket_get(actor=actor(w.clerk), pk=ticket.pk)


def test_a_rejected_return_goes_back_as_it_was(w):
    ticket = file(w)
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    services.ticket_return(actor=actor(w.clerk), ticket=ticket, reason="不归我们管")
    with pytest.raises(DomainError, match="请填写审核意见"):
        services.ticket_return_decide(actor=actor(w.office), ticket=ticket)
    services.ticket_return_decide(actor=actor(w.office), ticket=ticket, opinion="属街道职责")
    assert fresh(ticket).state == TicketState.SIGNED


def test_a_return_after_its_window_is_refused_with_the_reason(w):
    ticket = file(w)
    with time_machine.travel(ticket.return_until + datetime.timedelta(minutes=1)):
        with pytest.raises(DomainError, match="已超过退单时限"):
            services.ticket_return(actor=actor(w.clerk), ticket=ticket, reason="太晚了")
    assert fresh(ticket).state == TicketState.PENDING
    assert AuditEvent.objects.filter(action="tickets.ticket.return", outcome="ok").count() == 0


# --- 延期 --------------------------------------------------------------------------------------------------


def test_an_extension_before_the_deadline_within_the_cap_is_approved_by_the_office(w):
    ticket = file(w)
    with pytest.raises(DomainError, match="当前为“待签收”"):
        services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=3, reason="需协调")
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    with pytest.raises(DomainError, match="延期累计不能超过 5 个工作日"):
        services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=6, reason="需协调")
    services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=3, reason="需协调多个部门")
    with pytest.raises(DomainError, match="已有一项延期申请待审核"):
        services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=1, reason="再来")
    before = fresh(ticket).due_at
    services.ticket_extend_decide(actor=actor(w.office), ticket=ticket, approve=True)
    ticket = fresh(ticket)
    assert ticket.due_at == add_working_days(before, 3, provisional=True)
    assert (ticket.extension_count, ticket.extension_days, ticket.extension_asked_days) == (1, 3, None)
    with pytest.raises(DomainError, match="最多延期 1 次"):  # the cap
        services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=1, reason="还要")


def test_an_extension_after_the_deadline_is_refused(w):
    ticket = file(w)
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    with time_machine.travel(ticket.due_at + datetime.timedelta(minutes=1)):
        with pytest.raises(DomainError, match="已超过期限"):
            services.ticket_extend(actor=actor(w.clerk), ticket=ticket, days=1, reason="来不及")
        assert fresh(ticket).overdue
        assert list(selectors.ticket_list(actor=actor(w.clerk), overdue=True)) == [ticket]
        assert [t.kind for t in nav.todos_for(actor(w.office))] == ["tickets.overdue"]  # the office hears of it


# --- who may act -------------------------------------------------------------------------------------------


def test_answering_a_ticket_of_another_unit_is_refused_with_the_reason(tree, w):
    ticket = file(w)
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    county_clerk = make_account(tree.county, name="区干事", role=STAFF)  # sees it (subtree), does not answer it
    with pytest.raises(AccessDenied, match="该诉求由“新街口街道”承办，只有其工作人员可以答复"):
        services.ticket_answer(actor=actor(county_clerk), ticket=ticket, answer="越权答复")
    with pytest.raises(AccessDenied):
        services.ticket_answer(actor=actor(w.other_clerk), ticket=ticket, answer="越权答复")
    assert fresh(ticket).answer == ""
    assert AuditEvent.objects.filter(action="tickets.ticket.handle", outcome="denied").exists()


def test_duplicates_merge_into_a_master_and_hear_its_answer(w):
    master, duplicate = file(w), file(w, citizen=w.neighbour, content="同一处垃圾")
    services.ticket_merge(actor=actor(w.clerk), ticket=duplicate, master=master)
    assert fresh(duplicate).state == TicketState.MERGED and fresh(duplicate).master_id == master.pk
    services.ticket_sign(actor=actor(w.clerk), ticket=master)
    services.ticket_answer(actor=actor(w.clerk), ticket=master, answer="已统一清运")
    assert Message.objects.filter(recipient=w.neighbour, title__contains="已并单").exists()
    page = phone(w.neighbour).get(f"/m/tickets/{duplicate.pk}/").content.decode()
    assert "已统一清运" in page


def test_a_citizen_sees_only_their_own_tickets(w):
    mine = file(w)
    theirs = phone(w.neighbour)
    assert theirs.get(f"/m/tickets/{mine.pk}/").status_code == 404
    assert "某路口垃圾" not in theirs.get("/m/tickets/").content.decode()
    own = phone(w.citizen)
    assert own.get(f"/m/tickets/{mine.pk}/").status_code == 200
    with pytest.raises(NotVisible):
        services.ticket_rate(actor=actor(w.neighbour), ticket=mine, rating=Rating.SATISFIED)
    # and over the API (the session of a mobile-only account reaches the routes without an action)
    assert theirs.get(f"/api/v1/tickets/mine/{mine.pk}").status_code == 404
    assert own.get(f"/api/v1/tickets/mine/{mine.pk}").json()["content"] == mine.content


def test_staff_see_the_tickets_of_their_subtree_and_the_office_those_of_its_boards(tree, w):
    ticket = file(w)
    assert selectors.ticket_get(actor=actor(w.clerk), pk=ticket.pk) == ticket
    assert selectors.ticket_get(actor=actor(w.office), pk=ticket.pk) == ticket
    with pytest.raises(NotVisible):
        selectors.ticket_get(actor=actor(w.other_clerk), pk=ticket.pk)
    assert phone(w.citizen).get("/tickets/").status_code in (302, 403)
    assert sign_in(Client(), w.clerk).get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    other = sign_in(Client(), w.other_clerk)
    assert other.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    assert other.post(f"/api/v1/tickets/{ticket.pk}/sign", content_type="application/json").status_code == 404
    assert fresh(ticket).state == TicketState.PENDING


def test_the_list_page_read_per_scope_segment_is_exactly_ticket_list(tree, w):
    """``ticket_page`` reads the handling and the managing unit's paths apart and merges them: the same rows, the
    same order, every cursor and numbered page, the count capped like ``capped_count``."""
    from fenji.core.kernel.pagination import AtLeast, capped_count, newest_first_page, union_newest_first_page

    county_board = services.board_create(actor=policy.SYSTEM, office=tree.province, unit=tree.county, name="区长信箱")
    other_board = services.board_create(actor=policy.SYSTEM, office=tree.county, unit=tree.other_town, name="梅园随手拍")
    for n in range(3):
        file(w, content=f"街道诉求{n}")
        services.ticket_file(actor=actor(w.citizen), board=county_board, content=f"区级诉求{n}")
        services.ticket_file(actor=actor(w.neighbour), board=other_board, content=f"梅园诉求{n}")
    for account in (w.clerk, w.head, w.office, w.other_clerk, w.citizen):
        who = actor(account)
        expected = list(selectors.ticket_list(actor=who))
        whole = newest_first_page(selectors.ticket_list(actor=who), size=100)
        assert selectors.ticket_page(actor=who, size=100).rows == whole.rows == expected
        assert selectors.ticket_page(actor=who).total == capped_count(selectors.ticket_list(actor=who), 1000)
        walked, after = [], ""
        while True:
            page = selectors.ticket_page(actor=who, size=2, after=after)
            walked += page.rows
            if page.next_cursor is None:
                break
            after = page.next_cursor
        assert walked == expected
        assert selectors.ticket_page(actor=who, size=2, page=2).rows == expected[2:4]
        assert selectors.ticket_page(actor=who, state=TicketState.SIGNED).rows == []
    assert len(selectors.ticket_page(actor=actor(w.office), size=100).rows) == 9
    assert selectors.ticket_page(actor=actor(w.other_clerk), size=100).rows == list(
        Ticket.objects.unscoped(reason="test").filter(board=other_board).order_by("-id"))
    rows = Ticket.objects.unscoped(reason="test")
    capped = union_newest_first_page([rows.filter(board=w.board), rows.filter(board=other_board)], size=2,
                                     count_limit=5, rows_for=lambda ids: rows.filter(pk__in=ids))
    assert isinstance(capped.total, AtLeast) and int(capped.total) == 5
    assert union_newest_first_page([rows.filter(board=w.board), rows.filter(board=w.board)], size=2, count_limit=5,
                                   rows_for=lambda ids: rows.filter(pk__in=ids)).total == 3


# --- pages -------------------------------------------------------------------------------------------------


def test_a_photo_must_be_an_image_whose_content_matches_its_name(w):
    client = phone(w.citizen)
    fake = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")
    response = client.post("/m/tickets/new/", {"board": w.board.pk, "content": "看图", "photos": [fake]})
    assert response.status_code == 400
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post("/m/tickets/new/", {"board": w.board.pk, "content": "看图", "photos": [pdf]}).status_code == 400
    assert not Ticket.objects.unscoped(reason="test").exists()
    done = client.post("/m/tickets/new/", {"board": w.board.pk, "content": "看图", "photos": [jpeg()],
                                            "public_ok": "on"})
    assert done.status_code == 302
    ticket = Ticket.objects.unscoped(reason="test").get()
    photo = selectors.ticket_photos(ticket).get()
    assert client.get(f"/m/tickets/{ticket.pk}/photos/{photo.pk}/").status_code == 200
    assert phone(w.neighbour).get(f"/m/tickets/{ticket.pk}/photos/{photo.pk}/").status_code == 404
    assert sign_in(Client(), w.clerk).get(f"/tickets/{ticket.pk}/photos/{photo.pk}/").status_code == 200
    assert sign_in(Client(), w.other_clerk).get(f"/tickets/{ticket.pk}/photos/{photo.pk}/").status_code == 404


def test_the_unit_signs_and_answers_on_the_console_and_the_citizen_rates_on_the_phone(w, login):
    ticket = file(w)
    console = login(w.clerk)
    assert "某路口垃圾" in console.get("/tickets/").content.decode()
    assert console.post(f"/tickets/{ticket.pk}/", {"op": "sign"}).status_code == 302
    page = console.post(f"/tickets/{ticket.pk}/", {"op": "answer", "answer-answer": ""})
    assert page.status_code == 200 and fresh(ticket).answer == ""  # an empty answer stays on the form
    assert console.post(f"/tickets/{ticket.pk}/", {"op": "answer", "answer-answer": "已处理"}).status_code == 302
    citizen = phone(w.citizen)
    assert "已处理" in citizen.get(f"/m/tickets/{ticket.pk}/").content.decode()
    assert citizen.post(f"/m/tickets/{ticket.pk}/", {"rating": "satisfied"}).status_code == 302
    assert fresh(ticket).state == TicketState.VISITED


def test_the_report_counts_per_unit_and_exports_excel(w, login):
    ticket = file(w)
    services.ticket_sign(actor=actor(w.clerk), ticket=ticket)
    services.ticket_answer(actor=actor(w.clerk), ticket=ticket, answer="已处理")
    services.ticket_rate(actor=actor(w.citizen), ticket=ticket, rating=Rating.SATISFIED)
    file(w)
    today = timezone.localdate()
    [row] = selectors.ticket_report(actor=actor(w.office), start=today, end=today)
    assert (row.unit_name, row.total, row.answered, row.on_time, row.rated, row.satisfied) == (
        "新街口街道", 2, 1, 1, 1, 1)
    assert row.on_time_rate == 1.0 and row.response_hours is not None
    client = login(w.office)
    assert "新街口街道" in client.get("/tickets/report/").content.decode()
    export = client.get("/tickets/report/", {"format": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEvent.objects.filter(action="tickets.report.export").exists()


def test_boards_are_made_by_the_office_with_their_limits_checked(tree, w, login):
    client = login(w.office)
    response = client.post("/tickets/boards/", {"name": "环境保护", "unit": tree.other_town.pk, "handle_days": 0,
                                                "emergency_hours": 24, "return_days": 2, "extension_max_count": 1,
                                                "extension_max_days": 10})
    assert response.status_code == 200
    response = client.post("/tickets/boards/", {"name": "环境保护", "unit": tree.other_town.pk, "handle_days": 7,
                                                "emergency_hours": 24, "return_days": 2, "extension_max_count": 1,
                                                "extension_max_days": 10, "takes_photos": "on"})
    assert response.status_code == 302
    with pytest.raises(DomainError, match="管理范围"):
        services.board_create(actor=actor(w.office), office=tree.county, unit=tree.sibling_city, name="越界")
    with pytest.raises(AccessDenied):
        services.board_create(actor=actor(w.clerk), office=tree.county, unit=tree.town, name="无权")
    assert "环境保护" in phone(w.citizen).get("/m/tickets/new/").content.decode()


def test_the_office_reviews_a_return_on_the_console_and_a_superior_sees_why_it_may_not_answer(tree, w, login):
    ticket = file(w)
    services.ticket_return(actor=actor(w.clerk), ticket=ticket, reason="属梅园新村街道辖区")
    office = login(w.office)
    assert "属梅园新村街道辖区" in office.get("/tickets/reviews/").content.decode()
    missing_unit = office.post(f"/tickets/{ticket.pk}/", {"op": "return_decide", "return_decide-decision": "reassign"})
    assert missing_unit.status_code == 200 and fresh(ticket).state == TicketState.RETURNED
    done = office.post(f"/tickets/{ticket.pk}/", {"op": "return_decide", "return_decide-decision": "reassign",
                                                  "return_decide-unit": tree.other_town.pk})
    assert done.status_code == 302 and fresh(ticket).unit_id == tree.other_town.pk
    services.ticket_return(actor=actor(w.other_clerk), ticket=fresh(ticket), reason="也不是我们的")
    with pytest.raises(NotVisible):  # only units within the office's reach
        services.ticket_return_decide(actor=actor(w.office), ticket=fresh(ticket), reassign_to=tree.sibling_city)
    services.ticket_return_decide(actor=actor(w.office), ticket=fresh(ticket), opinion="属梅园职责")
    county_clerk = make_account(tree.county, name="区干事", role=STAFF)
    services.ticket_sign(actor=actor(w.other_clerk), ticket=fresh(ticket))
    page = login(county_clerk).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "只有其工作人员可以答复" in page and 'id="answer-form"' not in page


# --- alerts ---------------------------------------------------------------------------------------------


def test_the_handlers_are_told_on_arrival_and_with_the_office_once_it_is_overdue(tree, w):
    from fenji.core.tickets.alerts import overdue_alerts

    ticket = file(w)
    assert Message.objects.filter(recipient=w.clerk, kind="tickets.arrived", link=f"/tickets/{ticket.pk}/").exists()
    assert not Message.objects.filter(recipient=w.other_clerk, kind="tickets.arrived").exists()
    assert overdue_alerts() == 0  # not due yet
    with time_machine.travel(ticket.due_at + datetime.timedelta(hours=1)):
        assert overdue_alerts() >= 2
        told = set(Message.objects.filter(kind="tickets.overdue").values_list("recipient_id", flat=True))
        assert {w.clerk.pk, w.office.pk} <= told and w.other_clerk.pk not in told
        assert overdue_alerts() == 0  # once per deadline
    assert fresh(ticket).overdue_alerted_at is not None


def test_the_report_prints_and_is_issued_down_as_a_notice(tree, w, login):
    from fenji.core.dispatch.models import Delivery, Dispatch

    file(w)
    client = login(w.office)
    today = timezone.localdate()
    pdf = client.get("/tickets/report/", {"start": today.replace(day=1).isoformat(), "end": today.isoformat(),
                                          "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get("/tickets/report/").content.decode()
    assert "作为通报下发" in page
    issued = client.post("/tickets/report/issue/", {"start": today.replace(day=1).isoformat(),
                                                    "end": today.isoformat()})
    assert issued.status_code == 302
    notice = Dispatch.objects.unscoped(reason="test").get()
    assert "群众诉求办理情况的通报" in notice.title and "新街口街道：诉求 1 件" in notice.body
    assert Delivery.objects.unscoped(reason="test").filter(dispatch=notice, unit=tree.town).exists()
    assert login(w.clerk).post("/tickets/report/issue/", {"start": today.isoformat(),
                                                           "end": today.isoformat()}).status_code == 403
