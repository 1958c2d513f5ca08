"""Petitions (信访件/检举控告, design/domain/discipline.md §1–§2 P1) with their petitioner kept apart and encrypted
(§3), their subjects with rank (the rank guard, §4), and the upward-report tasks the guard opens instead of a
record (seed 003 §16: a reference, a due date and the receiving room — nothing about the subject)."""

import uuid as uuidlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.fields import BlindIndexField, EncryptedTextField
from fenji.core.kernel.models import BlindIndexed, OrgOwned
from fenji.core.kernel.text import NUMBER

from .rank import RANKS
from .sanctions import CHOICES as SANCTION_CHOICES


class Exported(models.Model):
    """A record in the one-way export (domain note §5): a stable ``uuid``, a ``version`` raised in ``save`` on every
    write (the one place every service's write passes), ``exported_version`` set by the export (a queryset update)."""

    uuid = models.UUIDField(default=uuidlib.uuid4, unique=True, editable=False, verbose_name="唯一标识")
    version = models.PositiveIntegerField(default=1, editable=False, verbose_name="版本")
    exported_version = models.PositiveIntegerField(default=0, editable=False, verbose_name="已导出版本")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = [*kwargs["update_fields"], "version"]
        super().save(*args, **kwargs)


class Channel(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")
    ONLINE = "online", _("网络举报")
    OTHER = "other", _("其他渠道")


class Category(models.TextChoices):
    REPORT = "report", _("检举")
    COMPLAINT = "complaint", _("控告")
    APPEAL = "appeal", _("申诉")
    SUGGESTION = "suggestion", _("批评建议")
    OTHER = "other", _("其他")


class Source(models.TextChoices):
    OWN = "own", _("自收")
    TRANSFERRED = "transferred", _("上级转送")
    ASSIGNED = "assigned", _("上级交办")


class PetitionState(models.TextChoices):
    TO_SIGN = "to_sign", _("待签收")
    HANDLING = "handling", _("办理中")
    FILED = "filed", _("留存归档")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    TRANSFERRED = "transferred", _("已转送下级")
    UPWARD = "upward", _("已报上级")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("办结")


OPEN_STATES = (PetitionState.TO_SIGN, PetitionState.HANDLING)


class Petition(Exported, OrgOwned):
    """One petition at the unit that holds it now (a 转送 makes a new row at the lower unit, linked to this one).

    ``received_on`` is the day it reached the unit (the paper date for a 补录 entry: every deadline counts from it);
    ``entered_at`` is when it was typed in. Deadlines (working days, the official calendar): the real-name
    acceptance notice 15 after receipt (none for a repeat), a transferred petition registered and decided 5 after it
    arrives, the real-name feedback 15 after closure."""

    number = models.CharField(max_length=40, unique=True, verbose_name="编号")
    received_on = models.DateField(verbose_name="收件日期")
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")
    backfilled = models.BooleanField(default=False, verbose_name="补录")
    channel = models.CharField(max_length=10, choices=Channel.choices, verbose_name="来源渠道")
    category = models.CharField(max_length=12, choices=Category.choices, verbose_name="类别")
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.OWN, verbose_name="来源")
    real_name = models.BooleanField(verbose_name="实名")
    content = EncryptedTextField(verbose_name="反映的主要问题")
    state = models.CharField(max_length=14, choices=PetitionState.choices, verbose_name="状态")
    is_repeat = models.BooleanField(default=False, verbose_name="重复件")
    repeat_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="重复于")
    transferred_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="transfers", verbose_name="转自")
    decision_note = models.CharField(max_length=200, blank=True, verbose_name="处理意见或理由")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="决定时间")
    register_due = models.DateField(null=True, blank=True, verbose_name="登记受理期限")
    notice_due = models.DateField(null=True, blank=True, verbose_name="受理告知期限")
    notice_on = models.DateField(null=True, blank=True, verbose_name="受理告知日期")
    closed_on = models.DateField(null=True, blank=True, verbose_name="办结日期")
    result = models.CharField(max_length=500, blank=True, verbose_name="办理结果")
    feedback_due = models.DateField(null=True, blank=True, verbose_name="反馈期限")
    feedback_on = models.DateField(null=True, blank=True, verbose_name="反馈日期")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="登记人")
    handlers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                      verbose_name="承办人")

    class Meta:
        verbose_name = "信访件"
        verbose_name_plural = "信访件"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_petition_path"),
                   models.Index(fields=["unit_path", "received_on"], name="discipline_petition_received")]

    def __str__(self):
        return self.number


class Petitioner(BlindIndexed):
    """The petitioner of a real-name petition, apart from the petition and encrypted (§3): shown only to the
    registrar and the handlers of that petition. ``phone_hash`` lets a handler find the petitioner's other
    petitions among those they handle (``selectors.petitions_of_petitioner``, audited), nothing more."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="petitioner",
                                    verbose_name="信访件")
    name = EncryptedTextField(verbose_name="姓名或单位")
    phone = EncryptedTextField(blind_index="phone_hash", normalise=NUMBER, verbose_name="联系电话")
    phone_hash = BlindIndexField(source="phone", null=True, blank=True, db_index=True, verbose_name="联系电话哈希")
    address = EncryptedTextField(blank=True, default="", verbose_name="地址")
    workplace = EncryptedTextField(blank=True, default="", verbose_name="工作单位")

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"


class SubjectFields(models.Model):
    """What is kept of a person an item is about, alike for petitions, clues and cases: the name encrypted, and
    ``key``, a keyed hash of the name and unit that finds repeats without storing anything searchable in the
    clear."""

    name = EncryptedTextField(verbose_name="姓名")
    workplace = models.CharField(max_length=100, verbose_name="单位")
    post = models.CharField(max_length=100, blank=True, verbose_name="职务")
    rank = models.CharField(max_length=20, choices=RANKS, verbose_name="职级")
    party_member = models.BooleanField(default=False, verbose_name="党员")
    key = models.CharField(max_length=64, db_index=True, verbose_name="查重索引")

    class Meta:
        abstract = True


class Subject(SubjectFields):
    """A person the petition is about (被反映人)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="subjects", verbose_name="信访件")

    class Meta:
        verbose_name = "被反映人"
        verbose_name_plural = "被反映人"


class UpwardReport(OrgOwned):
    """A matter a grassroots unit may not record (a subject at 副科 or above): reported upward on paper within five
    working days. Holds a reference, the due date and the receiving room only."""

    reference = models.CharField(max_length=40, unique=True, verbose_name="上报编号")
    due_on = models.DateField(verbose_name="上报期限")
    receiver = models.CharField(max_length=100, verbose_name="接收部门")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="经办人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="生成时间")
    done_on = models.DateField(null=True, blank=True, verbose_name="上报日期")

    class Meta:
        verbose_name = "上报任务"
        verbose_name_plural = "上报任务"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_upward_path")]

    def __str__(self):
        return self.reference


class ClueSource(models.TextChoices):
    PETITION = "petition", _("信访举报")
    ASSIGNED = "assigned", _("上级交办")
    INSPECTION = "inspection", _("巡视巡察移交")
    AUDIT = "audit", _("审计移交")
    AGENCY = "agency", _("执法司法机关移送")
    SUPERVISION = "supervision", _("监督检查发现")
    OTHER = "other", _("其他")


class ClueState(models.TextChoices):
    REGISTERED = "registered", _("已登记待分办")
    PROPOSED = "proposed", _("分办待主要负责人审批")
    ASSIGNED = "assigned", _("已分办待处置")
    SIGNING = "signing", _("已拟处置待签字")
    DISPOSED = "disposed", _("处置中")
    CONCLUDED = "concluded", _("已了结")


class Disposal(models.TextChoices):
    TALK_LETTER = "talk_letter", _("谈话函询")
    PRELIM = "prelim", _("初步核实")
    SHELVED = "shelved", _("暂存待查")
    CLOSED = "closed", _("予以了结")
    TRANSFER = "transfer", _("移送审查调查")


class Outcome(models.TextChoices):
    ACCEPTED = "accepted", _("采信了结")
    REMINDER = "reminder", _("谈话提醒")
    CRITICISM = "criticism", _("批评教育")
    SELF_REVIEW = "self_review", _("责令检查")
    ADMONITION = "admonition", _("诫勉")
    TALK_AGAIN = "talk_again", _("再次谈话函询")
    TO_PRELIM = "to_prelim", _("转初核")
    FILED = "filed", _("立案")
    CLEARED = "cleared", _("澄清")


class Clue(Exported, OrgOwned):
    """A problem clue (问题线索) in the unit's central ledger (design/domain/discipline.md §1, P2, P4): registered,
    its assignment proposed and approved by the unit's principal leader, disposed by exactly one way (or 移送审查调查
    after a recorded 集体研究), signed by every assigned handler, concluded with an outcome."""

    number = models.CharField(max_length=40, unique=True, verbose_name="线索编号")
    received_on = models.DateField(verbose_name="受理日期")
    backfilled = models.BooleanField(default=False, verbose_name="补录")  # entered after an outage, from paper
    source = models.CharField(max_length=12, choices=ClueSource.choices, verbose_name="线索来源")
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="clues",
                                 verbose_name="来源信访件")
    summary = EncryptedTextField(verbose_name="主要问题")
    state = models.CharField(max_length=12, choices=ClueState.choices, default=ClueState.REGISTERED,
                             verbose_name="状态")
    proposal_note = models.CharField(max_length=200, blank=True, verbose_name="分办意见")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="提出分办")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name="审批时间")
    disposal = models.CharField(max_length=12, blank=True, choices=Disposal.choices, verbose_name="处置方式")
    disposal_note = models.CharField(max_length=500, blank=True, verbose_name="处置意见")
    disposed_at = models.DateTimeField(null=True, blank=True, verbose_name="拟处置时间")
    study_on = models.DateField(null=True, blank=True, verbose_name="集体研究日期")
    study_participants = models.CharField(max_length=300, blank=True, verbose_name="集体研究参加人员")
    study_conclusion = models.CharField(max_length=500, blank=True, verbose_name="集体研究结论")
    outcome = models.CharField(max_length=12, blank=True, choices=Outcome.choices, verbose_name="处置结果")
    outcome_note = models.CharField(max_length=500, blank=True, verbose_name="结果说明")
    concluded_on = models.DateField(null=True, blank=True, verbose_name="了结日期")
    report_due = models.DateField(null=True, blank=True, verbose_name="报告期限")  # clue_deadlines.py
    conclude_due = models.DateField(null=True, blank=True, verbose_name="了结期限")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="登记人")
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "问题线索"
        verbose_name_plural = "问题线索"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_clue_path"),
                   models.Index(fields=["unit_path", "received_on"], name="discipline_clue_received")]

    def __str__(self):
        return self.number


class ClueSubject(SubjectFields):
    """A person the clue is about."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="subjects", verbose_name="问题线索")

    class Meta:
        verbose_name = "线索反映对象"
        verbose_name_plural = "线索反映对象"


class ClueHandler(models.Model):
    """A handler the approved assignment names; ``signed_at`` is their signature on the disposal (JJR §23: every
    handler signs, and the disposal is final only when all have)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="handlers", verbose_name="问题线索")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="承办人")
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name="签字时间")
    sign_note = models.CharField(max_length=200, blank=True, verbose_name="签字意见")

    class Meta:
        verbose_name = "线索承办人"
        verbose_name_plural = "线索承办人"
        constraints = [models.UniqueConstraint(fields=["clue", "account"], name="discipline_clue_handler_once")]


class CaseType(models.TextChoices):
    DISCIPLINE = "discipline", _("纪律审查")
    SUPERVISION = "supervision", _("监察调查")
    BOTH = "both", _("纪律审查和监察调查（双立案）")


class CaseState(models.TextChoices):
    PROPOSED = "proposed", _("立案待主要负责人审批")
    APPROVED = "approved", _("待同级党委主要负责人批准")
    NOT_FILED = "not_filed", _("不予立案")
    INVESTIGATING = "investigating", _("已立案审查调查")
    REVIEW = "review", _("移送审理")
    REVIEWED = "reviewed", _("审理完毕待决定")
    DECIDED = "decided", _("已作出处理决定待执行")
    CLOSED = "closed", _("已执行结案")


class Case(Exported, OrgOwned):
    """A case (案件, design/domain/discipline.md §1, P5): proposed for filing (立案呈批) — from a clue moved to
    审查调查 or directly —, approved by the unit's principal leader and by the same-level Party committee's
    principal leader (JJR §38: both, before it is filed), investigated, reviewed (审理, collectively), decided with its
    sanctions, executed and closed; appeals beside."""

    number = models.CharField(max_length=40, unique=True, verbose_name="案件编号")
    case_type = models.CharField(max_length=12, choices=CaseType.choices, verbose_name="立案类型")
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                             verbose_name="来源问题线索")
    summary = EncryptedTextField(verbose_name="主要违纪违法事实")
    state = models.CharField(max_length=14, choices=CaseState.choices, default=CaseState.PROPOSED,
                             verbose_name="状态")
    proposed_on = models.DateField(verbose_name="呈批日期")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="主要负责人")
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name="主要负责人审批时间")
    approval_note = models.CharField(max_length=200, blank=True, verbose_name="审批意见")
    party_approver = models.CharField(max_length=100, blank=True, verbose_name="同级党委主要负责人")
    party_approved_on = models.DateField(null=True, blank=True, verbose_name="同级党委批准日期")
    filed_on = models.DateField(null=True, blank=True, verbose_name="立案日期")
    investigation_due = models.DateField(null=True, blank=True, verbose_name="审查调查期限")
    transferred_on = models.DateField(null=True, blank=True, verbose_name="移送审理日期")
    investigation_report = models.CharField(max_length=1000, blank=True, verbose_name="审查调查报告")
    review_due = models.DateField(null=True, blank=True, verbose_name="审理期限")
    reviewed_on = models.DateField(null=True, blank=True, verbose_name="审理日期")
    review_participants = models.CharField(max_length=300, blank=True, verbose_name="集体审议参加人员")
    review_opinion = models.CharField(max_length=1000, blank=True, verbose_name="审理意见")
    decided_on = models.DateField(null=True, blank=True, verbose_name="决定日期")
    decision_ref = models.CharField(max_length=60, blank=True, verbose_name="决定文号")
    decision_note = models.CharField(max_length=500, blank=True, verbose_name="处理决定")
    executed_on = models.DateField(null=True, blank=True, verbose_name="执行日期")
    execution_note = models.CharField(max_length=500, blank=True, verbose_name="执行情况")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name="登记人")
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_case_path"),
                   models.Index(fields=["unit_path", "proposed_on"], name="discipline_case_proposed")]

    def __str__(self):
        return self.number


class CaseSubject(SubjectFields):
    """A person the case is about (审查调查对象)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects", verbose_name="案件")

    class Meta:
        verbose_name = "审查调查对象"
        verbose_name_plural = "审查调查对象"


class Sanction(models.Model):
    """One sanction the decision gives one subject, from the party-discipline or the government-sanction list, with
    its period (``sanctions.sanction_end``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sanctions", verbose_name="案件")
    subject = models.ForeignKey(CaseSubject, on_delete=models.CASCADE, related_name="sanctions",
                                verbose_name="受处分人")
    kind = models.CharField(max_length=24, choices=SANCTION_CHOICES, verbose_name="处分种类")
    months = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="期限（月）")
    start_on = models.DateField(verbose_name="起始日期")
    end_on = models.DateField(null=True, blank=True, verbose_name="期满日期")

    class Meta:
        verbose_name = "处分"
        verbose_name_plural = "处分"


class AppealKind(models.TextChoices):
    PARTY = "party", _("党纪处分申诉")
    REEXAMINE = "reexamine", _("监察复审")
    RECHECK = "recheck", _("监察复核")


class AppealResult(models.TextChoices):
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("变更")
    REVOKED = "revoked", _("撤销")


class Appeal(models.Model):
    """An appeal against the decision (申诉; 监察 复审 / 复核, JCF §56): the decision goes on being executed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appeals", verbose_name="案件")
    kind = models.CharField(max_length=10, choices=AppealKind.choices, verbose_name="类别")
    applied_on = models.DateField(verbose_name="申请日期")
    reason = models.CharField(max_length=500, verbose_name="申请理由")
    due_on = models.DateField(verbose_name="答复期限")
    decided_on = models.DateField(null=True, blank=True, verbose_name="决定日期")
    result = models.CharField(max_length=10, blank=True, choices=AppealResult.choices, verbose_name="结果")
    result_note = models.CharField(max_length=500, blank=True, verbose_name="结果说明")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登记人")

    class Meta:
        verbose_name = "申诉复审复核"
        verbose_name_plural = "申诉复审复核"


class RectificationState(models.TextChoices):
    OPENED = "opened", _("待剖析")
    ANALYSED = "analysed", _("已剖析")
    WARNED = "warned", _("已开展警示教育")
    RECTIFYING = "rectifying", _("整改中")
    REVISITED = "revisited", _("已回访")
    CLOSED = "closed", _("已办结")


class Rectification(OrgOwned):
    """以案促改 (design/domain/discipline.md §1, P7): opened by the case service when a case closes with a sanction;
    analysis (剖析), warning education (警示教育), the problem list and rectification measures (整改), the follow-up
    visit (回访); closed only with measures and a visit."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="rectification", verbose_name="案件")
    incident_unit = models.CharField(max_length=300, verbose_name="案发单位")
    state = models.CharField(max_length=12, choices=RectificationState.choices, default=RectificationState.OPENED,
                             verbose_name="状态")
    opened_on = models.DateField(verbose_name="启动日期")
    due_on = models.DateField(verbose_name="办结期限")
    analysis = models.CharField(max_length=2000, blank=True, verbose_name="剖析报告")
    warned_on = models.DateField(null=True, blank=True, verbose_name="警示教育会日期")
    meeting_on = models.DateField(null=True, blank=True, verbose_name="专题民主生活会或组织生活会日期")
    problems = models.CharField(max_length=2000, blank=True, verbose_name="问题清单")
    measures = models.CharField(max_length=2000, blank=True, verbose_name="整改措施")
    advice_ref = models.CharField(max_length=60, blank=True, verbose_name="纪律检查建议书或监察建议书文号")
    revisited_on = models.DateField(null=True, blank=True, verbose_name="回访日期")
    revisit_result = models.CharField(max_length=1000, blank=True, verbose_name="回访情况")
    closed_on = models.DateField(null=True, blank=True, verbose_name="办结日期")

    class Meta:
        verbose_name = "以案促改"
        verbose_name_plural = "以案促改"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_rectify_path")]

    def __str__(self):
        return self.case.number


class Purpose(models.TextChoices):
    OFFICIAL = "official", _("因公")
    PRIVATE = "private", _("因私")


class AbsenceState(models.TextChoices):
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")
    RETURNED = "returned", _("已销假")


class Absence(OrgOwned):
    """外出报备 (design/domain/discipline.md §1, P6): a person of the unit away; the acting person named when the person
    is the unit's principal leader; approved, extended, back (销假). Not back by the end date — extensions move it —
    is overdue. An urgent departure reported by phone is filed afterwards (``late_filed``)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="外出人员")
    post = models.CharField(max_length=100, blank=True, verbose_name="职务")
    principal = models.BooleanField(default=False, verbose_name="单位主要负责人")
    purpose = models.CharField(max_length=10, choices=Purpose.choices, verbose_name="事由类别")
    reason = models.CharField(max_length=300, verbose_name="外出事由")
    destination = models.CharField(max_length=100, verbose_name="前往地点")
    start_on = models.DateField(verbose_name="外出日期")
    end_on = models.DateField(verbose_name="返回日期")
    acting_person = models.CharField(max_length=50, blank=True, verbose_name="代为主持工作人员")
    contact = models.CharField(max_length=20, verbose_name="外出期间联系电话")
    late_filed = models.BooleanField(default=False, verbose_name="事后补报")
    state = models.CharField(max_length=10, choices=AbsenceState.choices, default=AbsenceState.SUBMITTED,
                             verbose_name="状态")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="审批人")
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name="审批时间")
    approval_note = models.CharField(max_length=200, blank=True, verbose_name="审批意见")
    returned_on = models.DateField(null=True, blank=True, verbose_name="销假日期")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="填报人")
    filed_at = models.DateTimeField(auto_now_add=True, verbose_name="填报时间")

    class Meta:
        verbose_name = "外出报备"
        verbose_name_plural = "外出报备"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_absence_path"),
                   models.Index(fields=["unit_path", "start_on"], name="discipline_absence_start")]


class AbsenceExtension(models.Model):
    absence = models.ForeignKey(Absence, on_delete=models.CASCADE, related_name="extensions", verbose_name="外出报备")
    old_end = models.DateField(verbose_name="原返回日期")
    new_end = models.DateField(verbose_name="延长至")
    reason = models.CharField(max_length=200, verbose_name="延期事由")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="填报人")
    at = models.DateTimeField(auto_now_add=True, verbose_name="填报时间")

    class Meta:
        verbose_name = "外出延期"
        verbose_name_plural = "外出延期"


class ConductKind(models.TextChoices):
    FOUR_STYLES = "four_styles", _("违反中央八项规定精神（四风）")
    STYLE = "style", _("作风问题")
    INSPECTION = "inspection", _("专项检查发现")
    ACCOUNTABILITY = "accountability", _("问责")


class ConductRecord(OrgOwned):
    """A conduct-supervision record (党风政风, design/domain/discipline.md §1): what was found, about whom (the rank guard
    applies), how it was handled, and when it was reported to 党风政风监督室, which checks the reporting (seed 003 §7)."""

    kind = models.CharField(max_length=16, choices=ConductKind.choices, verbose_name="类别")
    found_on = models.DateField(verbose_name="发现日期")
    summary = EncryptedTextField(verbose_name="问题情况")
    subject_name = EncryptedTextField(verbose_name="涉及人员")
    subject_workplace = models.CharField(max_length=100, verbose_name="涉及人员单位")
    subject_post = models.CharField(max_length=100, blank=True, verbose_name="职务")
    subject_rank = models.CharField(max_length=20, choices=RANKS, verbose_name="职级")
    handling = models.CharField(max_length=1000, blank=True, verbose_name="处理情况")
    reported_on = models.DateField(null=True, blank=True, verbose_name="报党风政风监督室日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="登记人")
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "党风政风监督记录"
        verbose_name_plural = "党风政风监督记录"
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_conduct_path")]


class RecusalGround(models.TextChoices):
    SUBJECT = "subject", _("本人是被反映人")
    RELATIVE = "relative", _("是被反映人的近亲属")
    INTEREST = "interest", _("与所办事项有利害关系")
    OTHER = "other", _("有其他关系，可能影响公正处理")


class Recusal(OrgOwned):
    """A staff member's declared recusal (回避, JJR §48, design/domain/discipline.md) from one petition, clue or case:
    from then on the item is, for them, as if it did not exist — out of their lists and counts, 404 on its pages, its
    petitioner never shown — and they are no longer among its handlers. Those who still see the item see who
    recused and on what ground. Kept at the item's unit (``unit``, ``unit_path``)."""

    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="回避人")
    petition = models.ForeignKey(Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="recusals",
                                 verbose_name="信访件")
    clue = models.ForeignKey(Clue, null=True, blank=True, on_delete=models.CASCADE, related_name="recusals",
                             verbose_name="问题线索")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="recusals",
                             verbose_name="案件")
    ground = models.CharField(max_length=10, choices=RecusalGround.choices, verbose_name="回避事由")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    declared_at = models.DateTimeField(auto_now_add=True, verbose_name="申请回避时间")

    class Meta:
        verbose_name = "回避"
        verbose_name_plural = "回避"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(petition__isnull=False, clue__isnull=True, case__isnull=True)
                           | models.Q(petition__isnull=True, clue__isnull=False, case__isnull=True)
                           | models.Q(petition__isnull=True, clue__isnull=True, case__isnull=False)),
                name="discipline_recusal_one_item"),
            models.UniqueConstraint(fields=["account", "petition"], name="discipline_recusal_petition_once"),
            models.UniqueConstraint(fields=["account", "clue"], name="discipline_recusal_clue_once"),
            models.UniqueConstraint(fields=["account", "case"], name="discipline_recusal_case_once"),
        ]
        indexes = [models.Index(fields=["unit_path", "id"], name="discipline_recusal_path")]


# The export package's ledgers, kept in their own file (one job per file); imported here for Django's registry.
from .clue_report_models import ClueExtension, ClueReport, ClueReportKind  # noqa: E402, F401
from .export_models import ExportPackage, ReceivedPackage, ReceivedRecord  # noqa: E402, F401
