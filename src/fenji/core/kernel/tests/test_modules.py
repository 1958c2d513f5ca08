"""The module contract's start-up checks, over small declarations built here (not installed apps)."""

import pytest

from fenji.core.access import registry
from fenji.core.access.roles import CORE_ROLES
from fenji.core.kernel import modules, profiles
from fenji.core.kernel.modules import ActionDecl, MenuEntry, Module, RoleDecl, RoleShare

VIEW = ActionDecl("sample.thing.view", "查看样例", "business", read_only=True)
EDIT = ActionDecl("sample.thing.edit", "编辑样例", "business")


def sample(**fields) -> Module:
    return Module(**{"name": "sample", "label": "样例模块", "actions": (VIEW, EDIT), **fields})


def problems(*declarations, profile_list=(), installed=None):
    return modules.problems(list(declarations), core_actions=registry.core_actions(), core_roles=set(CORE_ROLES),
                            profile_list=list(profile_list), installed=installed)


def ids(errors):
    return [error.id for error in errors]


def test_a_sound_declaration_passes():
    role = RoleDecl("sample_clerk", "样例办事员", "business", (VIEW.code, EDIT.code, "org.unit.view"),
                    delegated_by=("security_admin",))
    assert problems(sample(roles=(role,), menu=(MenuEntry("样例", "sample:home", EDIT.code),),
                           role_shares=(RoleShare("staff", (VIEW.code,)),))) == []


def test_an_action_code_declared_by_two_modules_names_the_second():
    other = Module("other", "另一模块", actions=(ActionDecl(EDIT.code, "另一个意思", "business"),))
    errors = problems(sample(), other)
    assert ids(errors) == ["fenji.E011"]
    assert "模块 other（另一模块）" in errors[0].msg and EDIT.code in errors[0].msg and "sample" in errors[0].msg


def test_a_module_may_not_declare_a_core_action_code():
    errors = problems(sample(actions=(VIEW, ActionDecl("org.unit.create", "新建单位", "system"))))
    assert ids(errors) == ["fenji.E011"]
    assert "模块 sample" in errors[0].msg and "org.unit.create" in errors[0].msg and "核心" in errors[0].msg


def test_an_action_declared_twice_within_one_module():
    assert ids(problems(sample(actions=(VIEW, EDIT, EDIT)))) == ["fenji.E011"]


@pytest.mark.parametrize("duty", ["", "leader", None])
def test_a_role_without_a_duty(duty):
    errors = problems(sample(roles=(RoleDecl("sample_clerk", "样例办事员", duty, (VIEW.code,)),)))
    assert ids(errors) == ["fenji.E012"]
    assert "模块 sample" in errors[0].msg and "样例办事员" in errors[0].msg and "职责" in errors[0].msg


def test_a_role_naming_an_undeclared_action():
    errors = problems(sample(roles=(RoleDecl("sample_clerk", "样例办事员", "business", (VIEW.code, "sample.thing.drop")),)))
    assert ids(errors) == ["fenji.E013"]
    assert "sample.thing.drop" in errors[0].msg and "模块 sample" in errors[0].msg


def test_a_role_taking_another_duty_write_action():
    errors = problems(sample(roles=(RoleDecl("sample_clerk", "样例办事员", "business", ("org.unit.create",)),)))
    assert ids(errors) == ["fenji.E013"]


def test_a_share_for_an_undeclared_role_or_action():
    errors = problems(sample(role_shares=(RoleShare("nobody", (VIEW.code,)), RoleShare("staff", ("sample.x.y",)))))
    assert ids(errors) == ["fenji.E013", "fenji.E013"]


@pytest.mark.parametrize("where", ["menu", "mobile_tiles"])
def test_a_menu_entry_or_tile_whose_action_does_not_exist(where):
    errors = problems(sample(**{where: (MenuEntry("样例清单", "sample:list", "sample.thing.list"),)}))
    assert ids(errors) == ["fenji.E014"]
    assert "模块 sample" in errors[0].msg and "样例清单" in errors[0].msg and "sample.thing.list" in errors[0].msg


def test_a_module_named_by_a_profile_must_be_installed():
    profile = profiles.Profile(name="trial", display_name="试点", modules=("sample", "missing"))
    errors = problems(sample(), profile_list=[profile], installed={"sample"})
    assert ids(errors) == ["fenji.E015"]
    assert "配置方案 trial" in errors[0].msg and "missing" in errors[0].msg


def test_the_installed_declarations_pass_the_checks():
    from fenji.core.access import checks

    assert checks.modules_are_consistent(None) == []
    assert checks.roles_are_consistent(None) == []
    assert {"veterans", "office", "league", "discipline", "labor"} <= {m.name for m in modules.all_modules()}
    assert all(m.actions and m.roles for m in modules.all_modules() if not m.core)


def test_is_live_follows_the_active_profile(settings):
    def build(**kwargs):
        return []

    with modules.temporarily(sample(imports=("样例导入",), sampled_records=("sample.Thing",), demo=build)):
        assert modules.live_import_specs()[-1][1] == "样例导入"
        assert ("sample.Thing", build) == (modules.live_sampled_records()[-1][1], modules.live_demo_builders()[-1][1])
        assert modules.is_live("sample")  # default: every module
        settings.FENJI_PROFILE = "veterans"
        assert not modules.is_live("sample") and modules.is_live("veterans")
        assert [m.name for m in modules.live() if not m.core] == ["veterans"]
        assert not modules.action_is_live(EDIT.code) and modules.action_is_live("org.unit.view")
        assert "sample" not in {m.name for m, _ in [*modules.live_import_specs(), *modules.live_sampled_records(),
                                                     *modules.live_demo_builders()]}
    assert not modules.is_registered("sample")


def test_audit_labels_come_from_the_declarations():
    declared = sample(audit_labels={"sample.thing.export": "导出样例清单"})
    with modules.temporarily(declared):
        assert registry.audit_label("sample.thing.export") == "导出样例清单"
        assert registry.audit_label(EDIT.code) == "编辑样例"
    assert registry.audit_label("league.member.manage") == "录入和维护团员关键信息"
    assert registry.audit_label("org.unit.create") == "新建单位"
    assert registry.audit_label("people.login") == "登录"
    assert registry.audit_label("no.such.code") == "no.such.code"
