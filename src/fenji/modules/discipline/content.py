"""The discipline demo's content: 信访室 reads the whole county's petitions (its officer's grant at the commission),
and the register holds petitions in their states — a real-name one awaiting its acceptance notice, an anonymous one
accepted, a repeat kept on file, one transferred from the county to a town and awaiting its registration, one
closed and owed feedback, a paper back-entry — and the upward-report task of a matter about a 副镇长 a town could
not record. The clue ledger (线索台账) holds clues in their states — one just registered, one from a petition
awaiting the principal leader's approval of its assignment, one disposed by 谈话函询 and signed, one moved to
审查调查 after a 集体研究 and concluded. The cases (案件): the one filed from that clue, walked through both approvals,
investigation, 审理 and the decision (记过 and 党内警告) to its execution; one awaiting the principal leader's approval;
one approved awaiting the Party committee's. 以案促改: the closed case's item, opened by the case service, analysed and
its warning meeting held. 外出报备 at 白沙镇纪委: its secretary (the principal leader, an acting person named) back,
a member not back after the return date (overdue), one awaiting approval; 办公室 reads the whole county's. 党风政风:
two records at 白沙镇纪委, one reported to 党风政风监督室. Built
through the services, as people would; idempotent."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.services import grant_create
from fenji.core.org.models import Unit
from fenji.core.people.models import Account

from . import case_services, followup_services, services
from .case_services import SanctionIn
from .models import Absence, Case, Clue, Petition, Rectification
from .services import RankRefused, SubjectIn


def _account(mobile: str) -> Account:
    return Account.objects.unscoped(reason="the demo's own personas").get(mobile=mobile)


def build() -> None:
    if not Petition.objects.unscoped(reason="demo content").exists():
        _petitions()
    if not Clue.objects.unscoped(reason="demo content").exists():
        _clues()
    if not Case.objects.unscoped(reason="demo content").exists():
        _cases()
    if not Absence.objects.unscoped(reason="demo content").exists():
        _followup()
    _learning()


def _petitions() -> None:
    county, town, street = (Unit.objects.get(code=code) for code in ("JW-ZM", "JW-ZM-T1", "JW-ZM-S1"))
    room_officer = _account("13840000012")
    if not Grant.objects.unscoped(reason="demo content").filter(account=room_officer, unit=county,
                                                                revoked_at=None).exists():
        grant_create(actor=policy.SYSTEM, account=room_officer, role="petition_officer", unit=county)
    room, town_officer, street_officer = (policy.actor_for(_account(m)) for m in
                                          ("13840000012", "13840000032", "13840000041"))
    today = timezone.localdate()

    def register(actor, unit, days_ago, subjects, **kwargs):
        values = {"channel": "letter", "category": "report", "real_name": False, "content": "", "petitioner": {}}
        values.update(kwargs)
        return services.petition_register(actor=actor, unit=unit, received_on=today - datetime.timedelta(days=days_ago),
                                          subjects=subjects, **values)

    clerk = SubjectIn("张某", "白沙镇农业服务中心", "staff", "会计")
    register(town_officer, town, 2, [clerk], real_name=True, content="反映张某虚报冒领农机购置补贴。",
             petitioner={"name": "李某", "phone": "13700001111", "address": "白沙镇某村"})
    accepted = register(street_officer, street, 4, [SubjectIn("刘某", "青年路社区居委会", "village_cadre", "主任")],
                        channel="online", content="反映社区主任在低保评定中优亲厚友。")
    services.petition_decide(actor=street_officer, petition=accepted, decision="accept")
    register(town_officer, town, 1, [clerk], channel="phone", content="再次反映张某虚报冒领补贴。")  # a repeat
    sent = register(room, county, 3, [SubjectIn("陈某", "白沙镇某村村委会", "village_cadre", "村委委员")],
                    category="complaint", real_name=True, content="控告村委委员侵占土地补偿款。",
                    petitioner={"name": "王某", "phone": "13700002222"})
    services.petition_decide(actor=room, petition=sent, decision="transfer", to_unit=town)
    closed = register(room, county, 6, [SubjectIn("赵某", "县农业农村局", "staff", "科员")], real_name=True,
                      content="反映科员办事推诿。", petitioner={"name": "孙某", "phone": "13700003333"})
    services.petition_decide(actor=room, petition=closed, decision="accept")
    services.petition_close(actor=room, petition=closed, result="经核实，已对赵某批评教育并督促整改。")
    register(street_officer, street, 12, [SubjectIn("周某", "青年路街道城管中队", "staff", "队员")], backfilled=True,
             channel="visit", content="停电期间纸质登记：反映城管队员态度粗暴。")
    try:
        register(town_officer, town, 0, [SubjectIn("王某", "白沙镇人民政府", "deputy_section", "副镇长")],
                 content="反映副镇长违规吃喝。")
    except RankRefused:
        pass  # the guard wrote nothing but the upward-report task


def _clues() -> None:
    """案件监督管理室 keeps the ledger (its officer's grant at the commission); 李正 approves the assignments."""
    county = Unit.objects.get(code="JW-ZM")
    officer_account = _account("13840000013")
    if not Grant.objects.unscoped(reason="demo content").filter(account=officer_account, unit=county,
                                                                role="case_officer", revoked_at=None).exists():
        grant_create(actor=policy.SYSTEM, account=officer_account, role="case_officer", unit=county)
    officer, leader = policy.actor_for(officer_account), policy.actor_for(_account("13840000004"))
    today = timezone.localdate()

    def register(days_ago, source, summary, subject, petition=None):
        return services.clue_register(actor=officer, unit=county, received_on=today - datetime.timedelta(days=days_ago),
                                      source=source, summary=summary, subjects=[subject], petition=petition)

    def assigned(clue):
        services.clue_assign(actor=officer, clue=clue, handlers=[officer_account], note="请案件监督管理室承办")
        return services.clue_approve(actor=leader, clue=clue, note="同意")

    register(1, "inspection", "巡察移交：反映村会计违规报销招待费。", SubjectIn("钱某", "官渡镇某村村委会", "village_cadre", "会计"))
    petition = Petition.objects.unscoped(reason="demo content").filter(unit__code="JW-ZM", state="closed").first()
    proposed = register(3, "petition", "信访件反映的科员办事推诿问题，转为问题线索。",
                        SubjectIn("赵某", "县农业农村局", "staff", "科员"), petition=petition)
    services.clue_assign(actor=officer, clue=proposed, handlers=[officer_account], note="拟由案件监督管理室承办")
    talk = assigned(register(10, "assigned", "上级交办：反映站长违规兼职取酬。",
                             SubjectIn("孙某", "县农机服务站", "section_member", "站长")))
    services.clue_dispose(actor=officer, clue=talk, disposal="talk_letter", note="拟对孙某函询")
    services.clue_sign(actor=officer, clue=talk, note="同意函询")
    moved = assigned(register(20, "audit", "审计移交：反映主任虚报冒领专项资金。",
                              SubjectIn("周某", "县水利局某水管站", "staff", "主任")))
    services.clue_dispose(actor=officer, clue=moved, disposal="transfer", note="问题线索具体，拟移送审查调查",
                          study_on=today - datetime.timedelta(days=2), study_participants="李正、郑晓等五人",
                          study_conclusion="同意移送审查调查")
    services.clue_sign(actor=officer, clue=moved)
    services.clue_conclude(actor=officer, clue=moved, outcome="filed", note="已移送审查调查并立案")


def _cases() -> None:
    """郑晓 (案件监督管理室, case officer at the commission) proposes and carries the cases; 李正 approves the filings."""
    county = Unit.objects.get(code="JW-ZM")
    officer, leader = policy.actor_for(_account("13840000013")), policy.actor_for(_account("13840000004"))
    today = timezone.localdate()
    clue = Clue.objects.unscoped(reason="demo content").filter(unit=county, disposal="transfer").first()
    if clue is not None:
        case = case_services.case_register(actor=officer, unit=county, case_type="both", clue=clue,
                                      summary="周某利用职务便利虚报冒领专项资金 8.6 万元。")
        subject = case.subjects.get()
        subject.party_member = True
        subject.save(update_fields=["party_member"])
        case_services.case_approve(actor=leader, case=case, note="同意立案")
        case_services.case_file(actor=officer, case=case, party_approver="县委书记", party_approved_on=today, filed_on=today)
        case_services.case_transfer_review(actor=officer, case=case, transferred_on=today,
                                      report="经审查调查，周某虚报冒领专项资金的事实清楚，证据确凿。")
        case_services.case_review(actor=officer, case=case, reviewed_on=today, participants="案件审理室全体人员",
                             opinion="事实清楚、证据确凿、定性准确，建议给予党内警告和记过处分。")
        case_services.case_decide(actor=officer, case=case, decided_on=today, decision_ref="中纪发〔2026〕1号",
                             sanctions=[SanctionIn(subject.pk, "party_warning", today),
                                        SanctionIn(subject.pk, "gov_demerit", today)])
        case_services.case_execute(actor=officer, case=case, executed_on=today, note="处分决定已宣布并送达，资金已追缴。")
    case_services.case_register(actor=officer, unit=county, case_type="supervision",
                           summary="反映某局股长在项目验收中收受好处费。",
                           subjects=[SubjectIn("吴某", "县住建局", "section_member", "股长")])
    approved = case_services.case_register(actor=officer, unit=county, case_type="discipline",
                                      summary="反映某站站长违规发放津贴补贴。",
                                      subjects=[SubjectIn("郑某", "县农机服务站", "section_member", "站长", True)])
    case_services.case_approve(actor=leader, case=approved, note="同意，报县委书记批准")


def _followup() -> None:
    county = Unit.objects.get(code="JW-ZM")
    office = _account("13840000014")
    if not Grant.objects.unscoped(reason="demo content").filter(account=office, unit=county, role="absence_viewer",
                                                                revoked_at=None).exists():
        grant_create(actor=policy.SYSTEM, account=office, role="absence_viewer", unit=county)
    officer, leader = policy.actor_for(_account("13840000013")), policy.actor_for(_account("13840000004"))
    item = Rectification.objects.unscoped(reason="demo content").first()
    if item is not None:
        followup_services.rectification_record(
            actor=officer, item=item, analysis="剖析个案：专项资金审核把关不严；同类岗位存在一人多岗、监督缺位。",
            warned_on=item.opened_on)
    secretary, member = _account("13840000033"), _account("13840000034")
    filer = policy.actor_for(member)
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    def away(person, start, end, reason, **kwargs):
        return followup_services.absence_file(actor=filer, person=person, purpose="official", reason=reason,
                                              destination="郑州市", start_on=start, end_on=end,
                                              contact="13700005555", **kwargs)

    trip = away(secretary, today - 6 * day, today - 4 * day, "参加市纪委监委业务培训", post="纪委书记",
                acting_person="褚亮")
    followup_services.absence_approve(actor=leader, absence=trip, note="同意")
    followup_services.absence_return(actor=filer, absence=trip, returned_on=today - 4 * day)
    late = away(member, today - 5 * day, today - 2 * day, "赴县档案馆查阅资料", post="纪委委员")
    followup_services.absence_approve(actor=leader, absence=late)
    away(member, today + 3 * day, today + 4 * day, "参加县纪委监委案件审理培训", post="纪委委员")
    town = Unit.objects.get(code="JW-ZM-T1")
    meal = followup_services.conduct_record(actor=filer, unit=town, kind="four_styles", found_on=today - 3 * day,
                                            summary="工作日中午饮酒。",
                                            subject=SubjectIn("刘某", "白沙镇财政所", "staff", "会计"))
    followup_services.conduct_report(actor=filer, record=meal, reported_on=today - day, handling="已批评教育，责令检查。")
    followup_services.conduct_record(actor=filer, unit=town, kind="style", found_on=today - day,
                                     summary="窗口服务推诿扯皮。", subject=SubjectIn("何某", "白沙镇便民服务中心", "staff", "工作人员"))


MATERIALS = (
    ("《中国共产党纪律处分条例》学习要点",
     "一、处分种类：警告、严重警告、撤销党内职务、留党察看、开除党籍。\n"
     "二、受到警告处分一年内、严重警告处分一年半内，不得在党内提升职务和向党外组织推荐担任高于其原任职务的党外职务。\n"
     "请各乡镇（街道）纪（工）委、各派驻纪检监察组组织学习。"),
    ("《纪检监察机关处理检举控告工作规则》摘编",
     "第十五条：反映本机关主要负责人问题的，应当直接报送上一级纪检监察机关。\n"
     "第二十六条：对实名检举控告，应当在收到之日起十五个工作日内告知是否受理。"),
)


def _learning() -> None:
    """学习资料: 调研法规室 (何立, 学习资料发布 at the commission) manages the commission's 政策文件 column 学习资料 and
    publishes two materials, approved by the commission's 分管领导 (李正, the column's one review level)."""
    from fenji.core.publish import services as publish
    from fenji.core.publish.models import Column, ColumnKind, Post
    from fenji.core.publish.permissions import REVIEW_FINAL

    county = Unit.objects.get(code="JW-ZM")
    drafter_account = _account("13840000016")
    if not Grant.objects.unscoped(reason="demo content").filter(account=drafter_account, unit=county,
                                                                role="regulation_officer", revoked_at=None).exists():
        grant_create(actor=policy.SYSTEM, account=drafter_account, role="regulation_officer", unit=county)
    column = Column.objects.unscoped(reason="demo content").filter(unit=county, kind=ColumnKind.POLICY,
                                                                   closed_at=None).first()
    if column is None:
        column = publish.column_create(actor=policy.SYSTEM, unit=county, name="学习资料", kind=ColumnKind.POLICY)
        publish.column_levels_set(actor=policy.SYSTEM, column=column, levels=[("终审", REVIEW_FINAL)])
        publish.column_managers_set(actor=policy.SYSTEM, column=column, accounts=[drafter_account])
    if Post.objects.unscoped(reason="demo content").filter(column=column).exists():
        return
    drafter, leader = policy.actor_for(drafter_account), policy.actor_for(_account("13840000004"))
    for title, body in MATERIALS:
        post = publish.post_save(actor=drafter, column=column, title=title, body=body)
        publish.post_submit(actor=drafter, post=post)
        publish.post_review(actor=leader, post=post, approve=True, opinion="同意发布")
