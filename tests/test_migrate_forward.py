"""A database built by the released version migrates forward to today's schema with nothing lost.

The test database is taken back to the migration state of the last release (``RELEASED``), filled
there through the historical models with a small demo-like dataset (units of several kinds, persons
and accounts with encrypted numbers, grants, a workflow request, a dispatch, API tokens, an
authenticator, a chained audit log), then migrated forward to the latest migrations. Every row of
every table of the released schema must still be there with the same values (read back decrypted),
the accounts must still sign in by mobile number, and the audit chain must still verify.

It covers every migration added after the release without being edited: a new migration only has to
be reversible (``RunPython`` with a ``reverse_code``, ``RunPython.noop`` when there is nothing to
undo), since the test walks back over it. When a release ships, bump ``RELEASED`` to its leaf
migrations. A migration that changes stored values on purpose declares the change in ``TRANSFORMED``.
"""

import datetime
import json
from collections.abc import Callable

import pytest
from django.apps import apps as global_apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.management import call_command
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fenji.core.audit.chain import GENESIS, event_hash
from fenji.core.audit.models import ChainHead
from fenji.core.kernel import crypto
from fenji.core.kernel.paths import SEGMENT_WIDTH, encode_segment
from fenji.core.org.census import census_check
from fenji.core.org.models import Unit as TodayUnit
from fenji.core.people.identity import check_char
from fenji.core.workflow.models import Request as WorkflowRequest

# The leaf migration of every app at the last release (commit 6eb4c6c, before issue 13). An app of
# fenji that is not listed had no migrations then: the released database has none of its tables.
RELEASED = {
    "access": "0004_duty_holds_by_duty",
    "api": "0003_token_expiry_required",
    "audit": "0003_refusal_count",
    "calendar": "0001_initial",
    "dispatch": "0002_fewer_delivery_indexes",
    "files": "0001_initial",
    "mfa": "0001_initial",
    "notify": "0001_initial",
    "ops": "0001_initial",
    "org": "0002_unit_tallies",
    "people": "0005_reindex_normalised_numbers",
    "seals": "0001_initial",
    "submissions": "0001_initial",
    "workflow": "0002_step_overdue_notified_at",
}

# What a later migration changes on purpose, declared here so that everything else is still proven kept.
RENAMED_TABLES: dict[str, str] = {}  # released table -> today's table
RENAMED_COLUMNS: dict[tuple[str, str], str] = {}  # (released table, column) -> today's column
DROPPED_COLUMNS: set[tuple[str, str]] = set()  # (released table, column) whose values now live elsewhere
TRANSFORMED: dict[tuple[str, str], Callable] = {}  # (released table, column) -> f(released value) = today's value

PASSWORD = "Fenji#2026release"
NOW = timezone.now().replace(microsecond=0)


def fenji_labels() -> set[str]:
    return {config.label for config in global_apps.get_app_configs() if config.name.startswith("fenji.")}


def released_targets(executor) -> list[tuple[str, str | None]]:
    """The released state as ``migrate`` targets: fenji apps at their released leaf (or none at all),
    the other apps (Django's, third parties') left where they are."""
    ours = fenji_labels()
    targets = [(label, RELEASED.get(label)) for label in sorted(ours)
               if label in RELEASED or executor.loader.graph.leaf_nodes(label)]
    return targets + [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ours]


def snapshot(state_apps) -> dict[str, dict]:
    """Every row of every table of a migration state, by table and primary key, values as read back."""
    tables = {}
    for model in state_apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = {f.attname: f.column for f in model._meta.concrete_fields}
        rows = model._base_manager.order_by("pk").values(*fields)
        tables[model._meta.db_table] = {row[model._meta.pk.attname]: {fields[k]: v for k, v in row.items()}
                                        for row in rows}
    return tables


def id_number(serial: int) -> str:
    first17 = f"3201021962{serial % 12 + 1:02d}{serial % 28 + 1:02d}{serial:03d}"
    return first17 + check_char(first17)


def build_released_dataset(apps) -> dict:
    """What ``fenji demo`` leaves behind, written through the models of the released state."""
    Unit = apps.get_model("org", "Unit")
    Person, Account = apps.get_model("people", "Person"), apps.get_model("people", "Account")
    Grant, Role, DutyHold = (apps.get_model("access", name) for name in ("Grant", "Role", "DutyHold"))
    Request, Step = apps.get_model("workflow", "Request"), apps.get_model("workflow", "Step")
    Dispatch, Delivery = apps.get_model("dispatch", "Dispatch"), apps.get_model("dispatch", "Delivery")
    ApiToken, TotpDevice = apps.get_model("api", "ApiToken"), apps.get_model("mfa", "TotpDevice")
    AuditEvent, ChainHead = apps.get_model("audit", "AuditEvent"), apps.get_model("audit", "ChainHead")

    units = {}

    def unit(key, name, kind, parent=None, **extra):
        siblings = sum(1 for u in units.values() if u.parent_id == (parent.pk if parent else None))
        path = (parent.path if parent else "") + encode_segment(siblings + 1)
        units[key] = Unit.objects.create(name=name, kind=kind, parent=parent, path=path,
                                         depth=len(path) // SEGMENT_WIDTH, **extra)
        return units[key]

    province = unit("province", "江苏省", "province", code="320000", leader="省负责人")
    city = unit("city", "南京市", "city", province, code="320100", founded_on=datetime.date(1949, 4, 23))
    county = unit("county", "玄武区", "county", city, code="320102")
    town = unit("town", "新街口街道", "town", county, code="320102003")
    unit("village", "石鼓路社区", "village", town)
    unit("sibling", "苏州市", "city", province, code="320500")
    bureau = unit("bureau", "省委老干部局", "unit", province, short_name="老干部局")
    unit("department", "办公室", "department", bureau, sort_order=2)
    unit("branch", "离退休干部第一党支部", "branch", bureau)
    unit("revoked", "原撤并街道", "town", county, status="revoked", revoked_on=datetime.date(2024, 1, 1),
         revoked_ref="宁政复〔2024〕1号")

    accounts = {}
    for serial, (key, name, where, kind, title) in enumerate([
        ("admin", "省管理员", province, "staff", "系统管理员"),
        ("city_admin", "南京管理员", city, "staff", "科长"),
        ("clerk", "南京科员", city, "staff", "科员"),
        ("auditor", "省审计员", province, "staff", "安全审计员"),
        ("elder", "离休干部", bureau, "elder", ""),
        ("member", "街道会员", town, "member", ""),
    ], start=1):
        person = Person.objects.create(real_name=name, id_number=id_number(serial), gender="MF"[serial % 2],
                                       birth_date=datetime.date(1962, serial % 12 + 1, serial % 28 + 1))
        accounts[key] = Account.objects.create(
            person=person, mobile=f"1390000{serial:04d}", kind=kind, title=title, unit=where,
            unit_path=where.path, password=make_password(PASSWORD), must_change_password=False,
            security_stamp="0f" * 16 if key == "clerk" else "", password_changed_at=NOW,
            duty_status="retired" if key == "elder" else "on_duty", opened_by=accounts.get("admin"))
    admin = accounts["admin"]
    # a tiny bit of the demo's leftover state: a disabled account
    Account.objects.filter(pk=accounts["member"].pk).update(status="disabled", status_reason="迁出")

    Role.objects.create(code="records_clerk", label="档案管理员", actions=["people.account.view"],
                        subsystem="档案", created_by=admin)
    for who, role, where, extra in [
        ("admin", "system_admin", province, {"slot": 1}),
        ("city_admin", "system_admin", city, {"approved_by": admin}),
        ("clerk", "staff", city, {"requested_by": accounts["city_admin"]}),
        ("auditor", "security_auditor", province, {}),
        ("clerk", "records_clerk", county, {"reach": "unit", "revoked_at": NOW, "revoked_by": admin,
                                           "revoke_reason": "岗位调整"}),
    ]:
        Grant.objects.create(account=accounts[who], role=role, unit=where, unit_path=where.path,
                             granted_by=admin, valid_until=NOW + datetime.timedelta(days=365), **extra)
    DutyHold.objects.create(account=admin, rule="three_officers", duty="system")
    DutyHold.objects.create(account=accounts["auditor"], rule="three_officers", duty="audit")

    payload = {"real_name": "新人员", "id_number": id_number(99), "mobile": "13900009999"}
    request = Request.objects.create(kind="people.account_open", title="开设账号：新人员", unit=city,
                                     unit_path=city.path, payload_json=json.dumps(payload, ensure_ascii=False),
                                     requester=accounts["city_admin"], filed_at=NOW)
    Step.objects.create(request=request, index=1, code="approve", label="上级审批", action="access.grant.approve",
                        working_days=5, state="approved", unit=province, unit_path=province.path, opened_at=NOW,
                        due_at=NOW + datetime.timedelta(days=7), decided_by=admin, decided_at=NOW,
                        opinion="同意", on_time=True)
    Step.objects.create(request=request, index=2, code="open", label="开户", action="people.account.create",
                        working_days=3, state="open", unit=city, unit_path=city.path, opened_at=NOW,
                        due_at=NOW + datetime.timedelta(days=3), due_provisional=True)

    dispatch = Dispatch.objects.create(kind="feedback", feedback_kind="undertake", title="关于报送年度总结的通知",
                                       body="请于月底前报送。", doc_number="苏老〔2026〕1号", sent_by=admin,
                                       unit=province, unit_path=province.path, sign_within_minutes=120,
                                       reply_days=10, targets={"units": [city.pk, units["sibling"].pk]},
                                       delivery_count=2)
    for receiver, signed in ((city, True), (units["sibling"], False)):
        Delivery.objects.create(dispatch=dispatch, unit=receiver, unit_path=receiver.path,
                                sign_due_at=NOW + datetime.timedelta(hours=2),
                                signed_at=NOW if signed else None, signed_by=accounts["city_admin"] if signed else None,
                                reply_due_at=NOW + datetime.timedelta(days=14), urge_count=0 if signed else 1)

    ApiToken.objects.create(account=admin, name="数据对接", prefix="abcd1234", hash="e" * 64,
                            expires_at=NOW + datetime.timedelta(days=90))
    TotpDevice.objects.create(account=admin, secret_encrypted=crypto.encrypt("JBSWY3DPEHPK3PXP"), confirmed_at=NOW)

    previous = GENESIS
    for seq, (who, action, target) in enumerate([
        ("admin", "org.unit.create", city), ("admin", "people.account.create", city),
        ("admin", "access.grant.create", city), ("city_admin", "workflow.request.file", city),
        ("admin", "dispatch.dispatch.send", province), ("auditor", "audit.viewer.search", province),
    ], start=1):
        fields = {"seq": seq, "at": NOW + datetime.timedelta(seconds=seq), "actor_id": accounts[who].pk,
                  "actor_label": accounts[who].person.real_name, "actor_unit_path": accounts[who].unit_path,
                  "action": action, "target_type": action.split(".")[1], "target_id": str(target.pk),
                  "target_unit_path": target.path, "client_ip": "10.0.0.8", "request_id": f"req-{seq}",
                  "channel": "web", "outcome": "ok", "details": {"名称": target.name, "序号": seq}}
        digest = event_hash(fields, previous)
        AuditEvent.objects.create(prev_hash=previous, hash=digest, **fields)
        previous = digest
    ChainHead.objects.update_or_create(pk=1, defaults={"seq": seq, "hash": previous})
    return {"accounts": {key: (a.pk, a.mobile) for key, a in accounts.items()}, "payload": payload,
            "request": request.pk, "audit_head": previous}


def migrate(executor, targets):
    executor.loader.build_graph()  # what the previous run applied
    executor.migrate(targets)
    executor.loader.build_graph()


@pytest.mark.django_db(transaction=True)
def test_a_released_database_migrates_forward_with_nothing_lost():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    back = released_targets(executor)
    try:
        try:
            migrate(executor, back)
        except IrreversibleError as error:
            pytest.fail(f"{error}: give it a reverse_code (migrations.RunPython.noop when nothing is to undo)")
        released = executor.loader.project_state([node for node in back if node[1]], at_end=True).apps
        facts = build_released_dataset(released)
        before = snapshot(released)
    finally:
        migrate(executor, latest)  # whatever happened, the suite goes on with today's schema
    after = snapshot(executor.loader.project_state(latest, at_end=True).apps)

    assert len(before["people_account"]) == len(facts["accounts"]) and before["audit_auditevent"], "written"
    for table, rows in before.items():
        now = after.get(RENAMED_TABLES.get(table, table))
        assert now is not None, f"table {table} of the released schema is gone with its {len(rows)} rows"
        assert now.keys() >= rows.keys(), f"{table}: rows lost {sorted(rows.keys() - now.keys())}"
        for pk, row in rows.items():
            for column, value in row.items():
                if (table, column) in DROPPED_COLUMNS:
                    continue
                column_now = RENAMED_COLUMNS.get((table, column), column)
                assert column_now in now[pk], f"column {table}.{column} is gone with its values"
                expected = TRANSFORMED.get((table, column), lambda v: v)(value)
                assert now[pk][column_now] == expected, f"{table} #{pk}.{column}: {value!r} became {now[pk][column_now]!r}"

    # Today's code reads the carried data: logins by mobile number (blind index), decrypted numbers.
    Account = get_user_model()
    for key, (pk, mobile) in facts["accounts"].items():
        account = Account.objects.get_by_natural_key(mobile)
        assert account.pk == pk and check_password(PASSWORD, account.password), key
        assert account.person.id_number == id_number(list(facts["accounts"]).index(key) + 1)
    request = WorkflowRequest.objects.unscoped(reason="the migration test reads everything").get(pk=facts["request"])
    assert request.payload == facts["payload"]
    # a released generic kind is shown by today's name for it
    assert TodayUnit.objects.get(code="320102").kind_label == "县级"
    assert census_check() == 0  # every released unit has its census row, counted
    call_command("audit", "verify")  # raises CommandError when a link is broken
    assert ChainHead.objects.get(pk=1).hash == facts["audit_head"]
