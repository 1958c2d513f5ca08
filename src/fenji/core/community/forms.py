from django import forms
from django.utils.translation import gettext_lazy as _

from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateTimeField

from .models import FeedbackTopic
from .services import FEEDBACK_MAX, TEXT_MAX, TITLE_MAX

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NoticeForm(Form):
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX, help_text=_("最多 100 字"))
    body = forms.CharField(label=_("内容"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("最多 2000 字"))
    include_subtree = forms.BooleanField(label=_("同时发给下级单位的成员"), required=False)


class ActivityForm(Form):
    title = forms.CharField(label=_("活动名称"), max_length=TITLE_MAX)
    starts_at = DateTimeField(label=_("开始时间"), widget=LOCAL)
    ends_at = DateTimeField(label=_("结束时间"), widget=LOCAL, required=False, help_text=_("可不填"))
    place = forms.CharField(label=_("地点"), max_length=TITLE_MAX)
    signup_until = DateTimeField(label=_("报名截止"), widget=LOCAL)
    capacity = forms.IntegerField(label=_("名额"), required=False, min_value=1, max_value=100000,
                                  help_text=_("不限名额请留空"))
    content = forms.CharField(label=_("活动内容"), max_length=TEXT_MAX, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}), help_text=_("最多 2000 字"))
    include_subtree = forms.BooleanField(label=_("下级单位的成员也可报名"), required=False)


class FeedbackForm(Form):
    topic = forms.ChoiceField(label=_("类别"), choices=FeedbackTopic.choices, initial=FeedbackTopic.UNIT,
                              required=False, widget=forms.RadioSelect)
    content = forms.CharField(label=_("意见内容"), max_length=FEEDBACK_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("最多 1000 字，将提交给您所在单位，由单位答复"))

    def clean_topic(self):
        return self.cleaned_data.get("topic") or FeedbackTopic.UNIT


class OpinionForm(Form):
    content = forms.CharField(label=_("意见建议"), max_length=FEEDBACK_MAX, widget=forms.Textarea(attrs={"rows": 5}),
                              help_text=_("对本系统的意见和建议，最多 1000 字；提交给本单位的系统管理员，必要时由其转呈上级"))


class PassUpForm(Form):
    note = forms.CharField(label=_("转呈说明"), max_length=200, help_text=_("最多 200 字，上级和提交人都会看到"))


class AnswerForm(Form):
    answer = forms.CharField(label=_("答复"), max_length=FEEDBACK_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=_("最多 1000 字，答复后提交人将在手机上看到并收到站内消息"))
