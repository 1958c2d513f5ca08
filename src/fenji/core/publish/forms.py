from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.files.forms import MultipleFileField
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateTimeField

from . import permissions as perms
from .models import ColumnKind
from .services import BODY_MAX, NAME_MAX, OPINION_MAX, REASON_MAX, TITLE_MAX, WORD_MAX

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
LEVEL_ACTIONS = ((perms.REVIEW_FIRST, _("初审权限（工作人员、部门负责人）")),
                 (perms.REVIEW_SECOND, _("复审权限（部门负责人）")),
                 (perms.REVIEW_FINAL, _("终审权限（单位分管领导）")))


class ColumnForm(Form):
    name = forms.CharField(label=_("栏目名称"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("栏目类别"), choices=ColumnKind.choices, initial=ColumnKind.OTHER)
    public = forms.BooleanField(label=_("公开栏目（无需登录即可查看）"), required=False)


class ColumnCreateForm(ColumnForm):
    parent = forms.TypedChoiceField(label=_("上级栏目"), required=False, coerce=int, empty_value=None)
    unit = forms.TypedChoiceField(label=_("归属单位"), coerce=int, help_text=_("栏目的新稿件归属该单位（谁发布谁负责）"))

    def __init__(self, *args, columns=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["parent"].choices = [("", _("（无，作为顶级栏目）"))] + [(c.pk, c.name) for c in columns]


class ManagersForm(Form):
    managers = forms.TypedMultipleChoiceField(label=_("栏目管理员"), required=False, coerce=int,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managers"].choices = [(a.pk, f"{a.person.real_name}（{a.unit.name}）") for a in accounts]


class BoardsForm(Form):
    boards = forms.TypedMultipleChoiceField(label=_("互动版块"), required=False, coerce=int,
                                            widget=forms.CheckboxSelectMultiple,
                                            help_text=_("栏目健康据此统计最早未答复的公开诉求和按期答复率"))

    def __init__(self, *args, boards=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["boards"].choices = [(b.pk, f"{b.name}（{b.office.name}）") for b in boards]


class LevelsForm(Form):
    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, 6):
            current = levels[n - 1] if n <= len(levels) else None
            self.fields[f"name_{n}"] = forms.CharField(label=_("第 %(n)s 级名称") % {"n": n}, max_length=20,
                                                       required=False, initial=current.name if current else "")
            self.fields[f"action_{n}"] = forms.ChoiceField(label=_("第 %(n)s 级审核权限") % {"n": n},
                                                           choices=LEVEL_ACTIONS, required=False,
                                                           initial=current.action if current else "")

    def levels(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(data[f"name_{n}"], data[f"action_{n}"] or perms.REVIEW_FIRST)
                for n in range(1, 6) if (data.get(f"name_{n}") or "").strip()]


class MergeForm(Form):
    into = forms.TypedChoiceField(label=_("并入栏目"), coerce=int)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [(c.pk, f"{c.name}（{c.unit.name}）") for c in columns]


class ReassignForm(Form):
    unit = forms.TypedChoiceField(label=_("新的归属单位"), coerce=int)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class PostForm(Form):
    column = forms.TypedChoiceField(label=_("栏目"), coerce=int)
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX)
    body = forms.CharField(label=_("正文"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 12}))
    publish_at = DateTimeField(label=_("定时发布"), required=False, widget=LOCAL,
                               help_text=_("留空则终审通过后立即发布"))
    files = MultipleFileField(label=_("图片和附件"), required=False,
                              help_text=_("PDF、OFD、Word、Excel、JPEG、PNG，按内容检查"))
    classified = forms.BooleanField(label=_("本稿件涉密"), required=False,
                                    help_text=_("涉密信息不上网：涉密稿件一律不得发布"))

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = [(c.pk, f"{c.name}（{c.unit.name}）") for c in columns]


class ReviewForm(Form):
    decision = forms.ChoiceField(label=_("结论"), choices=(("approve", _("同意")), ("reject", _("退回修改"))),
                                 widget=forms.RadioSelect)
    opinion = forms.CharField(label=_("审核意见"), max_length=OPINION_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), help_text=_("退回时必填"))


class WithdrawForm(Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=REASON_MAX)


class WordForm(Form):
    word = forms.CharField(label=_("敏感词"), max_length=WORD_MAX)
