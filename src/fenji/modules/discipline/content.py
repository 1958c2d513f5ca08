"""The discipline demo's content: 信访室 reads the whole county's petitions (its officer's grant at the commission),
and the register holds petitions in their states — a real-name one awaiting its acceptance notice, an anonymous one
accepted, a repeat kept on file, one transferred from the county to a town and awaiting its registration, one
closed and owed feedback, a paper back-entry — and the upward-report task of a matter about a 副镇长 a town could
not record. Built through the services, as people would; idempotent."""

import datetime

from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.services import grant_create
from fenji.core.org.models import Unit
from fenji.core.people.models import Account

from . import services
from .models import Petition
from .services import RankRefused, SubjectIn


def _account(mobile: str) -> Account:
    return Account.objects.unscoped(reason="the demo's own personas").get(mobile=mobile)


def build() -> None:
    if Petition.objects.unscoped(reason="demo content").exists():
        return
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
