"""League members and their dues (seed 002, design/domain/league.md §1 and §3): a member belongs to one 团支部 (the
``unit`` of the row) and is linked one-to-one to the person and the member account; a dues bill per member and
month is owned by the member's branch at the time it is generated, and paid once, never ahead of its month."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.models import OrgOwned


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", _("共青团员")
    PROBATIONARY = "probationary", _("中共预备党员")
    PARTY = "party", _("中共党员")


class Education(models.TextChoices):
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中、中专、职高")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("大学本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")
    OTHER = "other", _("其他")


class Occupation(models.TextChoices):
    STUDENT = "student", _("学生")
    STAFF = "staff", _("机关事业单位人员")
    ENTERPRISE = "enterprise", _("企业职工")
    FARMER = "farmer", _("农民")
    FREELANCE = "freelance", _("自由职业者")
    UNEMPLOYED = "unemployed", _("待业")
    OTHER = "other", _("其他")


class LeagueStatus(models.TextChoices):
    NORMAL = "normal", _("正常")
    LEFT = "left", _("离团")
    LAPSED = "lapsed", _("自行脱团")
    WITHDRAWN = "withdrawn", _("自愿退团")


class Member(OrgOwned):
    """A League member of the branch ``unit``. The key fields (the person's name and ID number, join date and place,
    development number, branch) are changed by administrators only; ``income`` (monthly, after tax) and ``student``
    decide the dues."""

    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="league_member",
                                  verbose_name="人员")
    ethnicity = models.CharField(max_length=20, default="汉族", verbose_name="民族")
    join_date = models.DateField(verbose_name="入团时间")
    join_place = models.CharField(max_length=100, verbose_name="入团所在单位")
    development_no = models.CharField(max_length=12, null=True, blank=True, unique=True, verbose_name="发展团员编号")
    political_status = models.CharField(max_length=14, choices=PoliticalStatus.choices, default=PoliticalStatus.MEMBER,
                                        verbose_name="政治面貌")
    education = models.CharField(max_length=10, choices=Education.choices, default=Education.SENIOR,
                                 verbose_name="最高学历")
    occupation = models.CharField(max_length=12, choices=Occupation.choices, default=Occupation.STUDENT,
                                  verbose_name="职业")
    work_unit = models.CharField(max_length=100, blank=True, verbose_name="工作单位或学校")
    income = models.DecimalField(max_digits=10, decimal_places=2, default=0, verbose_name="月收入（元）")
    student = models.BooleanField(default=False, verbose_name="在校学生")
    status = models.CharField(max_length=10, choices=LeagueStatus.choices, default=LeagueStatus.NORMAL,
                              verbose_name="团籍状态")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="更新时间")

    revoke_blocker = models.Q(status=LeagueStatus.NORMAL)
    revoke_blocker_label = "团员"

    class Meta:
        verbose_name = "团员"
        verbose_name_plural = "团员"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_member_path")]

    def __str__(self):
        return self.person.real_name


class PayChannel(models.TextChoices):
    ONLINE = "online", _("线上缴纳")
    CASH = "cash", _("向支部现金缴纳")


class DuesBill(OrgOwned):
    """One member's dues for one month, owned by the member's branch when it was generated."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="bills", verbose_name="团员")
    month = models.DateField(verbose_name="月份")  # the first day of the month
    # an income of up to 99,999,999.99 (``Member.income``) owes up to 2,000,000.00 a month at 2 %
    amount = models.DecimalField(max_digits=10, decimal_places=2, verbose_name="应缴金额（元）")
    rule_set = models.CharField(max_length=12, verbose_name="计算标准")
    paid_at = models.DateTimeField(null=True, blank=True, verbose_name="缴纳时间")
    channel = models.CharField(max_length=8, choices=PayChannel.choices, blank=True, verbose_name="缴纳方式")
    reference = models.CharField(max_length=40, blank=True, verbose_name="缴费凭证号")
    remittance = models.ForeignKey("Remittance", null=True, blank=True, on_delete=models.PROTECT, related_name="bills",
                                   verbose_name="上缴记录")  # empty: collected by the branch, not yet remitted
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="生成时间")

    class Meta:
        verbose_name = "团费账单"
        verbose_name_plural = "团费账单"
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="league_bill_once")]
        indexes = [models.Index(fields=["unit_path", "id"], name="league_bill_path"),
                   models.Index(fields=["unit_path", "month"], name="league_bill_path_month")]

    def __str__(self):
        return f"{self.month:%Y-%m}"


class TransferState(models.TextChoices):
    OUT_REVIEW = "out_review", _("转出团支部待审")
    IN_REVIEW = "in_review", _("转入团支部待审")
    DONE = "done", _("接转成功")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")


class TransferInitiator(models.TextChoices):
    MEMBER = "member", _("团员本人申请")
    SENDER = "sender", _("转出组织办理")
    RECEIVER = "receiver", _("转入组织办理")


class TransferReason(models.TextChoices):
    JOB = "job", _("就业、工作调动")
    SCHOOL = "school", _("升学、转学")
    OTHER = "other", _("其他")


OPEN_TRANSFER_STATES = (TransferState.OUT_REVIEW, TransferState.IN_REVIEW)


class Transfer(OrgOwned):
    """组织关系转接 of one member from the branch ``unit`` to ``to_unit`` (domain note §2c). Each side reviews within
    five working days: a transfer started by the member is reviewed by the sender, then the receiver; started by
    the sending organisation, by the receiver only; by the receiving one, by the sender only. Each side sees the
    transfer, not the other side's records."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers", verbose_name="团员")
    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="转入团支部")
    initiator = models.CharField(max_length=10, choices=TransferInitiator.choices, verbose_name="发起方")
    reason = models.CharField(max_length=10, choices=TransferReason.choices, verbose_name="转接原因")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    state = models.CharField(max_length=12, choices=TransferState.choices, verbose_name="状态")
    stage_due = models.DateField(null=True, blank=True, verbose_name="本环节期限")
    out_due = models.DateField(null=True, blank=True, verbose_name="转出审核期限")
    out_decided_on = models.DateField(null=True, blank=True, verbose_name="转出审核日期")
    in_due = models.DateField(null=True, blank=True, verbose_name="转入审核期限")
    in_decided_on = models.DateField(null=True, blank=True, verbose_name="转入审核日期")
    end_reason = models.CharField(max_length=200, blank=True, verbose_name="退回或撤回理由")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="发起人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="发起时间")
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name="结束时间")

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_transfer_path")]

    def __str__(self):
        return f"{self.member}：{self.get_state_display()}"


class EditState(models.TextChoices):
    PENDING = "pending", _("修改待审")
    APPLIED = "applied", _("已生效")
    RETURNED = "returned", _("修改退回")


class MemberEdit(OrgOwned):
    """A member's change of their own non-key fields, waiting for the branch's review (5 working days): applied on
    approval, returned with the reason otherwise (domain note §2b)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="edits", verbose_name="团员")
    before = models.JSONField(verbose_name="修改前")
    after = models.JSONField(verbose_name="修改后")
    state = models.CharField(max_length=10, choices=EditState.choices, default=EditState.PENDING, verbose_name="状态")
    due_on = models.DateField(verbose_name="审核期限")
    reason = models.CharField(max_length=200, blank=True, verbose_name="退回理由")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审核时间")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="提交时间")

    class Meta:
        verbose_name = "团员信息修改"
        verbose_name_plural = "团员信息修改"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_edit_path")]


# --- League organisations and their cadres (design/domain/league.md §1 Organization, Cadre; §2e) ----------------


class Industry(models.TextChoices):
    PARTY_GOV = "party_gov", _("党政机关")
    PUBLIC = "public", _("事业单位")
    UNIVERSITY = "university", _("普通高校")
    VOCATIONAL = "vocational", _("中等职业学校")
    SCHOOL = "school", _("普通中学")
    STATE = "state", _("国有企业")
    PRIVATE = "private", _("非公有制企业")
    SOCIAL = "social", _("新社会组织")
    COMMUNITY = "community", _("城市社区")
    RURAL = "rural", _("农村")
    OTHER = "other", _("其他")


class Organisation(OrgOwned):
    """The League's record of one League organisation: ``unit`` is the organisation itself, a core ``Unit`` of a
    League kind (the tree stays the core's). Entry is complete when the approval document is on file, due 30
    working days after the approval; a revocation is due 15 working days after its decision."""

    industry = models.CharField(max_length=12, choices=Industry.choices, default=Industry.OTHER,
                                verbose_name="行业类别")
    secretary = models.CharField(max_length=50, blank=True, verbose_name="书记")
    phone = models.CharField(max_length=20, blank=True, verbose_name="联系电话")
    approved_on = models.DateField(verbose_name="批准成立日期")
    approval_doc = models.ForeignKey("files.Attachment", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="成立批复文件")
    retention_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True,
                                        verbose_name="留存比例（%）")  # empty: FENJI_LEAGUE_RETENTION_PCT
    entry_due = models.DateField(verbose_name="录入期限")
    entry_done_on = models.DateField(null=True, blank=True, verbose_name="录入完成日期")
    revoke_decided_on = models.DateField(null=True, blank=True, verbose_name="撤销决定日期")
    revoke_ref = models.CharField(max_length=100, blank=True, verbose_name="撤销决定文号")
    revoke_due = models.DateField(null=True, blank=True, verbose_name="撤销办理期限")
    revoked_on = models.DateField(null=True, blank=True, verbose_name="撤销办理日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "团组织"
        verbose_name_plural = "团组织"
        constraints = [models.UniqueConstraint(fields=["unit"], name="league_org_one_per_unit")]
        indexes = [models.Index(fields=["unit_path", "id"], name="league_org_path")]

    def __str__(self):
        return self.unit.name


class CadrePosition(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY = "deputy", _("副书记")
    ORGANISATION = "organisation", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    CULTURE = "culture", _("文体委员")
    PRODUCTION = "production", _("生产委员")
    RIGHTS = "rights", _("权益委员")
    VOLUNTEER = "volunteer", _("志愿委员")
    MEMBER = "member", _("委员")
    OTHER = "other", _("其他")


class CadreNature(models.TextChoices):
    FULL_TIME = "full", _("专职")
    PART_TIME = "part", _("兼职")
    SECONDED = "seconded", _("挂职")


class Cadre(OrgOwned):
    """A cadre of the organisation ``unit``: in office from ``since`` until ``until`` (empty: in office). A cadre who
    is a League member is linked to the member (the age-28 rule spares cadres in office)."""

    name = models.CharField(max_length=50, verbose_name="姓名")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="posts",
                               verbose_name="团员")
    position = models.CharField(max_length=12, choices=CadrePosition.choices, verbose_name="职务")
    nature = models.CharField(max_length=8, choices=CadreNature.choices, verbose_name="性质")
    since = models.DateField(verbose_name="任职时间")
    until = models.DateField(null=True, blank=True, verbose_name="离任时间")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="录入时间")

    class Meta:
        verbose_name = "团干部"
        verbose_name_plural = "团干部"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_cadre_path")]

    def __str__(self):
        return f"{self.name}（{self.get_position_display()}）"


# --- League status (团籍): every change through review, never a deletion (domain note §2d) ----------------------


class StatusKind(models.TextChoices):
    AGE = "age", _("满28周岁离团")
    LAPSED = "lapsed", _("自行脱团")
    WITHDRAW = "withdraw", _("自愿退团")
    RESTORE = "restore", _("恢复团籍")


class CaseState(models.TextChoices):
    PENDING = "pending", _("待审")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


# the member's League status once a case of each kind is approved
STATUS_AFTER = {StatusKind.AGE: LeagueStatus.LEFT, StatusKind.LAPSED: LeagueStatus.LAPSED,
                StatusKind.WITHDRAW: LeagueStatus.WITHDRAWN, StatusKind.RESTORE: LeagueStatus.NORMAL}


class StatusCase(OrgOwned):
    """A proposed change of a member's League status, owned by the member's branch: proposed by the periodic job (the
    age-28 rule, six unpaid months in a row), the member (自愿退团) or the organisation, and decided by the
    reviewing organisation. The member's record stays; only its status changes on approval."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="status_cases", verbose_name="团员")
    kind = models.CharField(max_length=10, choices=StatusKind.choices, verbose_name="团籍变动")
    state = models.CharField(max_length=10, choices=CaseState.choices, default=CaseState.PENDING,
                             verbose_name="状态")
    reason = models.CharField(max_length=200, verbose_name="事由")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="提出人")  # empty: the periodic check
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审核时间")
    note = models.CharField(max_length=200, blank=True, verbose_name="审核意见")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="提出时间")

    class Meta:
        verbose_name = "团籍变动"
        verbose_name_plural = "团籍变动"
        constraints = [models.UniqueConstraint(fields=["member"], condition=models.Q(state="pending"),
                                               name="league_status_one_open")]
        indexes = [models.Index(fields=["unit_path", "id"], name="league_status_path")]

    def __str__(self):
        return f"{self.member}：{self.get_kind_display()}"


# --- 团费上缴和使用 (seed 002; domain note §3: remittance up the chain, 留存比例, use by collective decision) ------


class RemitState(models.TextChoices):
    PENDING = "pending", _("待接收单位确认")
    CONFIRMED = "confirmed", _("已确认")


class Remittance(OrgOwned):
    """One remittance of the organisation ``unit`` to its parent ``to_unit``: of a branch, its paid bills not yet
    remitted (``bills``); of a higher level, the confirmed remittances it received and has not passed on
    (``sources``). ``collected`` less ``retained`` (the 留存比例) is ``amount``; the receiver confirms it."""

    to_unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="接收单位")
    collected = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="收缴金额（元）")
    retention_pct = models.DecimalField(max_digits=5, decimal_places=2, verbose_name="留存比例（%）")
    retained = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="留存金额（元）")
    amount = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="上缴金额（元）")
    received_on = models.DateField(verbose_name="收款日期")  # the earliest receipt this remittance passes on
    due_on = models.DateField(verbose_name="上缴期限")
    remitted_on = models.DateField(verbose_name="上缴日期")
    passed_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="sources",
                                  verbose_name="转缴记录")  # the receiver's own remittance that included it
    state = models.CharField(max_length=10, choices=RemitState.choices, default=RemitState.PENDING,
                             verbose_name="状态")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="上缴人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="上缴时间")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="确认人")
    confirmed_on = models.DateField(null=True, blank=True, verbose_name="确认日期")

    class Meta:
        verbose_name = "团费上缴"
        verbose_name_plural = "团费上缴"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_remit_path")]

    def __str__(self):
        return f"{self.unit.name} → {self.to_unit.name}：{self.amount} 元"

    @property
    def late(self) -> bool:
        return self.remitted_on > self.due_on


class DuesUse(OrgOwned):
    """团费使用 by the organisation ``unit``: by its collective decision, published to its members and those below,
    never more than it retained and has not yet used."""

    amount = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="金额（元）")
    purpose = models.CharField(max_length=200, verbose_name="用途")
    decided_on = models.DateField(verbose_name="集体决定日期")
    decision_ref = models.CharField(max_length=100, verbose_name="决定文号或会议记录")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="登记人")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="登记时间")

    class Meta:
        verbose_name = "团费使用"
        verbose_name_plural = "团费使用"
        indexes = [models.Index(fields=["unit_path", "id"], name="league_use_path")]

    def __str__(self):
        return f"{self.purpose}：{self.amount} 元"
