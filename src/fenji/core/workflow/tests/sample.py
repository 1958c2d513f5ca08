"""A small request type for the workflow's own tests, independent of the types other apps declare:
one name (plus an ID and a mobile number, to check they are shown masked), endorsed by the
department head, approved by the unit leader and carried out by the permission administrator."""

from django import forms

from fenji.core.kernel.errors import DomainError
from fenji.core.workflow import permissions as perms
from fenji.core.workflow.registry import RequestType, StepSpec, register

KIND = "test.sample"
EXECUTE_ACTION = "access.grant.create"  # held by the permission administrator (权限管理员)
FAIL = "办理失败"  # a name the executing service refuses


class SampleForm(forms.Form):
    name = forms.CharField(label="事项名称", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    mobile = forms.CharField(label="手机号码", max_length=11, required=False)

    def __init__(self, data=None, *, actor, unit, **kwargs):
        super().__init__(data, **kwargs)
        self.actor, self.unit = actor, unit


def run(*, actor, request, payload) -> str:
    if payload["name"] == FAIL:
        raise DomainError("办理服务拒绝了该申请")
    return f"已办理“{payload['name']}”"


SAMPLE = register(RequestType(
    code=KIND,
    label="测试申请",
    form=SampleForm,
    steps=(
        StepSpec("endorse", "申请部门意见", perms.REQUEST_ENDORSE, days=3),
        StepSpec("approve", "分管领导审批", perms.REQUEST_APPROVE, days=3),
        StepSpec("execute", "权限管理员办理", EXECUTE_ACTION, days=3, run=run),
    ),
    file_action=perms.REQUEST_FILE,
    group="测试分组",
    summary=lambda payload: f"测试：{payload.get('name', '')}",
))
