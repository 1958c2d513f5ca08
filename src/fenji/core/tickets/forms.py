from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.org.models import Unit, UnitStatus

from .models import Rating
from .services import CONTENT_MAX, LIMITS, LOCATION_MAX, PHOTO_MAX, REASON_MAX

UNIT_CHOICES_MAX = 500




def units_within(office: Unit) -> list[tuple[int, str]]:
    """The units a board of ``office`` may go to: the office's parent's subtree (two levels down), or the
    office's own subtree at the top."""
    top = office.parent if office.parent_id else office
    rows = (Unit.objects.filter(path__gte=top.path, path__lt=top.path + "~", status=UnitStatus.ACTIVE,
                                depth__lte=top.depth + 2).order_by("path")[:UNIT_CHOICES_MAX])
    return [(u.pk, ("　" * (u.depth - top.depth)) + u.name) for u in rows]


class TicketForm(Form):
    board = forms.TypedChoiceField(label=_("版块"), coerce=int)
    content = forms.CharField(label=_("诉求内容"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("请写清事项、地点和诉求，最多 2000 字"))
    photos = MultipleFileField(label=_("照片"), required=False,
                               help_text=_("JPEG 或 PNG 图片，最多 %(n)d 张") % {"n": PHOTO_MAX})
    location_text = forms.CharField(label=_("位置"), max_length=LOCATION_MAX, required=False,
                                    help_text=_("如：某某路与某某街交叉口东北角"))
    latitude = forms.DecimalField(label=_("纬度"), required=False, max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("经度"), required=False, max_digits=9, decimal_places=6)
    emergency = forms.BooleanField(label=_("紧急（危及安全、需立即处置）"), required=False)
    public_ok = forms.BooleanField(label=_("同意公开答复（不公开姓名和电话）"), required=False)

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["board"].choices = [("", _("请选择"))] + [(b.pk, b.name) for b in boards]


class RateForm(Form):
    rating = forms.ChoiceField(label=_("满意度"), choices=Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("评价说明"), max_length=REASON_MAX, required=False,
                           help_text=_("选择“不满意”时请说明理由，诉求将退回重办"))


class NoteForm(Form):
    note = forms.CharField(label=_("办理情况"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(Form):
    answer = forms.CharField(label=_("答复内容"), max_length=CONTENT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                             help_text=_("答复将发送给诉求人；诉求人同意公开的，答复将公开显示"))


class ReturnForm(Form):
    reason = forms.CharField(label=_("退单理由"), max_length=REASON_MAX)


class ExtendForm(Form):
    days = forms.IntegerField(label=_("延期工作日"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("延期理由"), max_length=REASON_MAX)


class MergeForm(Form):
    master = forms.TypedChoiceField(label=_("并入诉求"), coerce=int)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["master"].choices = [(t.pk, f"{t.number} {t.content[:30]}") for t in candidates]


class ReturnDecideForm(Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("reassign", _("同意退单并改派")), ("reject", _("驳回退单"))],
                                 widget=forms.RadioSelect)
    unit = forms.TypedChoiceField(label=_("改派至"), coerce=int, required=False)
    opinion = forms.CharField(label=_("审核意见"), max_length=REASON_MAX, required=False,
                              help_text=_("驳回时必填"))

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + list(units)


class ExtendDecideForm(Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("批准延期")), ("reject", _("驳回"))],
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审核意见"), max_length=REASON_MAX, required=False, help_text=_("驳回时必填"))


def _number(key: str, label, initial: int):
    low, high = LIMITS[key]
    return forms.IntegerField(label=label, min_value=low, max_value=high, initial=initial)


class BoardForm(Form):
    name = forms.CharField(label=_("版块名称"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    unit = forms.TypedChoiceField(label=_("承办单位"), coerce=int)
    handle_days = _number("handle_days", _("办理时限（工作日）"), 5)
    emergency_hours = _number("emergency_hours", _("紧急诉求时限（小时）"), 24)
    return_days = _number("return_days", _("退单时限（工作日）"), 2)
    extension_max_count = _number("extension_max_count", _("延期次数上限"), 1)
    extension_max_days = _number("extension_max_days", _("延期累计上限（工作日）"), 10)
    takes_photos = forms.BooleanField(label=_("可上传照片"), required=False, initial=True)
    takes_location = forms.BooleanField(label=_("可填写位置"), required=False, initial=True)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择"))] + list(units)


class BoardEditForm(BoardForm):
    active = forms.BooleanField(label=_("启用"), required=False)
