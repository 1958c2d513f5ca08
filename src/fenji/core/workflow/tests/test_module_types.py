"""A module's request types, from its declaration: filed only while the profile keeps it live."""

from django import forms

from fenji.core.kernel import modules
from fenji.core.kernel.modules import ActionDecl, Module
from fenji.core.workflow import registry

FILE = ActionDecl("sample.request.file", "提交样例申请", "business")
SAMPLE_TYPE = registry.RequestType(
    code="sample.leave", label="样例请假", form=forms.Form, file_action=FILE.code,
    steps=(registry.StepSpec("approve", "审批", "workflow.request.approve", days=3),))


def test_a_module_request_type_is_filed_only_while_live(settings):
    with modules.temporarily(Module("sample", "样例模块", actions=(FILE,), request_types=(SAMPLE_TYPE,))):
        assert SAMPLE_TYPE in registry.all_types() and registry.get("sample.leave") is SAMPLE_TYPE
        settings.FENJI_PROFILE = "veterans"
        assert SAMPLE_TYPE not in registry.all_types()
        assert registry.get("sample.leave") is SAMPLE_TYPE  # requests already filed stay readable
    assert registry.get("sample.leave") is None
