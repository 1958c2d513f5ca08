"""Setting a platform up: the first administrator (``fenji createadmin``) and the demo province (``fenji demo``).

Both act as the platform itself (``policy.SYSTEM``), the only actor allowed to create a root unit
and to grant before the delegated-administration rules exist.
"""

import datetime
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fenji.core.access import policy
from fenji.core.access.models import Grant
from fenji.core.access.roles import (
    ACCOUNT_ADMIN,
    AUDITOR,
    DEPT_HEAD,
    PERMISSION_ADMIN,
    SECURITY_ADMIN,
    STAFF,
    SYSTEM_ADMIN,
    UNIT_LEADER,
)
from fenji.core.access.services import grant_create
from fenji.core.kernel import profiles
from fenji.core.kernel.crypto import blind_index
from fenji.core.kernel.errors import DomainError
from fenji.core.mfa import services as mfa
from fenji.core.org.divisions import province_import
from fenji.core.org.models import Unit, UnitKind
from fenji.core.org.services import unit_create

from .identity import check_char, clean_mobile, parse_id_number
from .models import Account, AccountKind, Person
from .passwords import generate_initial_password

DEMO_PROVINCE_CODE = "320000"  # 江苏省: seed 000 is Jiangsu's retired-cadre system
DEMO_PASSWORD_FILE = "demo-password"


def bootstrap_account(*, unit: Unit, real_name: str, mobile: str, kind: str, id_number: str | None, title: str,
          password: str, must_change: bool) -> Account:
    """Create or refresh one account directly (bootstrap only: no actor above the platform to check)."""
    mobile = clean_mobile(mobile)
    identity = parse_id_number(id_number) if id_number else None
    account = (Account.objects.unscoped(reason="bootstrap finds its own accounts")
               .filter(mobile_hash=blind_index(mobile)).select_related("person").first())
    if account is None:
        if identity and Person.objects.filter(id_number_hash=blind_index(identity.number)).exists():
            raise DomainError("该身份证号码已有账号：一人只能有一个账号", field="id_number")
        person = Person.objects.create(
            real_name=real_name, id_number=identity.number if identity else None,
            gender=identity.gender if identity else "", birth_date=identity.birth_date if identity else None,
        )
        account = Account(mobile=mobile, person=person, kind=kind, unit=unit, unit_path=unit.path, title=title)
    account.set_password(password)
    account.must_change_password = must_change
    account.password_changed_at = None if must_change else timezone.now()
    account.save()
    return account


@transaction.atomic
def create_admin(*, real_name: str, mobile: str, id_number: str, unit_name: str = "") -> tuple[Account, str]:
    """The first platform administrator, bound to the root unit, with a one-time password to change."""
    roots = list(Unit.objects.filter(parent__isnull=True))
    if len(roots) > 1:
        raise DomainError("平台有多个根单位，无法确定管理员所属单位")
    root = roots[0] if roots else None
    if root is None:
        if not unit_name:
            raise DomainError("平台还没有根单位，请用 --unit-name 指定根单位名称")
        declared = profiles.active().unit_kinds  # the profile's top kind (团省委, 纪委监委…) comes first
        root = unit_create(actor=policy.SYSTEM, parent=None, name=unit_name,
                           kind=declared[0].code if declared else UnitKind.PROVINCE)
    if Account.objects.unscoped(reason="bootstrap").filter(mobile_hash=blind_index(clean_mobile(mobile))).exists():
        raise DomainError("该手机号码已有账号", field="mobile")
    password = generate_initial_password()
    account = bootstrap_account(unit=root, real_name=real_name, mobile=mobile, kind=AccountKind.STAFF, id_number=id_number,
                    title="平台管理员", password=password, must_change=True)
    grant_create(actor=policy.SYSTEM, account=account, role=SYSTEM_ADMIN.code, unit=root)
    return account, password


@dataclass(frozen=True)
class DemoLogin:
    role: str
    name: str
    mobile: str
    unit: str
    where: str
    totp_secret: str = ""  # administrators: the fixed demo secret of their authenticator


def demo_password(explicit: str | None) -> str:
    """``--password`` if given; otherwise one generated password kept in var/ so re-runs print the same."""
    if explicit:
        return explicit
    path = settings.VAR_DIR / DEMO_PASSWORD_FILE
    if path.exists():
        return path.read_text().strip()
    password = generate_initial_password(14)
    path.write_text(password)
    path.chmod(0o600)
    return password


def _demo_id_number(county_code: str, serial: int, rng: random.Random) -> str:
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    first17 = f"{county_code[:6]}{birth:%Y%m%d}{serial:03d}"
    return first17 + check_char(first17)


DEMO_PEOPLE = [
    # (role label, name, mobile, unit code, kind, title, grant role, login where)
    ("省级系统管理员", "王建国", "13800000001", "320000", AccountKind.STAFF, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("省级工作人员", "李秀英", "13800000002", "320000", AccountKind.STAFF, "科员", STAFF, "控制台"),
    ("省级安全保密管理员", "孙保密", "13800000003", "320000", AccountKind.STAFF, "安全保密管理员", SECURITY_ADMIN, "控制台"),
    ("省级安全审计员", "周审计", "13800000004", "320000", AccountKind.STAFF, "安全审计员", AUDITOR, "控制台"),
    ("市级系统管理员（南京）", "张伟", "13800000011", "320100", AccountKind.STAFF, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("市级工作人员（南京）", "刘洋", "13800000012", "320100", AccountKind.STAFF, "科员", STAFF, "控制台"),
    ("市级安全保密管理员（南京）", "马安", "13800000013", "320100", AccountKind.STAFF, "安全保密管理员", SECURITY_ADMIN,
     "控制台"),
    # Seed 004's request path in 南京: 刘洋 files, 钱进 and 冯立 sign, 褚红 / 卫东 carry it out.
    ("市级部门负责人（南京）", "钱进", "13800000014", "320100", AccountKind.STAFF, "科长", DEPT_HEAD, "控制台"),
    ("市级分管领导（南京）", "冯立", "13800000015", "320100", AccountKind.STAFF, "副局长", UNIT_LEADER, "控制台"),
    ("市级账户管理员（南京）", "褚红", "13800000016", "320100", AccountKind.STAFF, "账户管理员", ACCOUNT_ADMIN, "控制台"),
    ("市级权限管理员（南京）", "卫东", "13800000017", "320100", AccountKind.STAFF, "权限管理员", PERMISSION_ADMIN,
     "控制台"),
    ("市级系统管理员（苏州）", "陈静", "13800000021", "320500", AccountKind.STAFF, "系统管理员", SYSTEM_ADMIN, "控制台"),
    ("市级工作人员（苏州）", "何莉", "13800000022", "320500", AccountKind.STAFF, "科员", STAFF, "控制台"),
    ("县级系统管理员（玄武区）", "杨帆", "13800000031", "320102", AccountKind.STAFF, "系统管理员", SYSTEM_ADMIN, "控制台"),
    # Reports go up from 新街口街道 (黄芳 seals) to 玄武区 (许诺 receives); sends go down the same way.
    ("县级分管领导（玄武区）", "许诺", "13800000032", "320102", AccountKind.STAFF, "副区长", UNIT_LEADER, "控制台"),
    ("街道工作人员（新街口街道）", "赵敏", "13800000041", "320102003", AccountKind.STAFF, "干事", STAFF, "控制台"),
    ("街道分管领导（新街口街道）", "黄芳", "13800000042", "320102003", AccountKind.STAFF, "副主任", UNIT_LEADER, "控制台"),
    ("会员（新街口街道）", "孙磊", "13800000051", "320102003", AccountKind.MEMBER, "", None, "移动端 /m/"),
    ("会员（新街口街道）", "周婷", "13800000052", "320102003", AccountKind.MEMBER, "", None, "移动端 /m/"),
    ("离退休干部（新街口街道）", "吴国华", "13800000061", "320102003", AccountKind.ELDER, "", None, "移动端 /m/"),
    ("离退休干部（梅园新村街道）", "郑淑珍", "13800000062", "320102002", AccountKind.ELDER, "", None, "移动端 /m/"),
]


@dataclass(frozen=True)
class DemoUnit:
    """One unit of a demo tree, found again by its ``code`` on a re-run."""

    code: str
    name: str
    kind: str
    children: tuple["DemoUnit", ...] = ()


def _refuse_other_root(root_code: str) -> None:
    if not Unit.objects.filter(code=root_code).exists() and Unit.objects.filter(parent__isnull=True).exists():
        raise DomainError("数据库中已有其他根单位，演示数据只能装入空平台或演示平台")


def demo_tree(root: DemoUnit) -> None:
    """Create the units of a demo tree that are not there yet (by code), top down. Idempotent."""
    _refuse_other_root(root.code)
    existing = set(Unit.objects.filter(code__isnull=False).values_list("code", flat=True))

    def build(node: DemoUnit, parent: Unit | None) -> None:
        if node.code in existing:
            unit = Unit.objects.get(code=node.code)
        else:
            unit = unit_create(actor=policy.SYSTEM, parent=parent, name=node.name, kind=node.kind, code=node.code)
        for child in node.children:
            build(child, unit)

    build(root, None)


def demo_people(people, *, password: str, region: str | None = None, seed: int = 20261123) -> list[DemoLogin]:
    """The demo's people (rows like ``DEMO_PEOPLE``) on their units (by code): each account, its one
    role (limited to the subsystems of a ninth column, when there is one), and a confirmed authenticator with the fixed demo secret for administrators. Idempotent.
    ``region``: the 6-digit area code of the demo ID numbers (default: the unit's own code)."""
    units = {u.code: u for u in Unit.objects.filter(code__in={row[3] for row in people})}
    rng = random.Random(seed)
    logins = []
    for serial, (role_label, name, mobile, code, kind, title, role, where, *limits) in enumerate(people, start=1):
        # ``limits``: an optional ninth column, the subsystems the grant is limited to (a permission
        # administrator per subsystem, ADR 0018)
        unit = units[code]
        account = bootstrap_account(unit=unit, real_name=name, mobile=mobile, kind=kind,
                        id_number=_demo_id_number(region or code, serial, rng), title=title, password=password,
                        must_change=False)
        if role is not None and not (Grant.objects.unscoped(reason="bootstrap")
                                     .filter(account=account, role=role.code, revoked_at=None).exists()):
            grant_create(actor=policy.SYSTEM, account=account, role=role.code, unit=unit,
                         subsystem=limits[0] if limits else "")
        secret = ""
        if mfa.needs_second_factor(account):  # administrators pass a TOTP: enrol a fixed, printed secret
            secret = mfa.device_enrol(account, secret=mfa.demo_secret(mobile))
        logins.append(DemoLogin(role_label, name, mobile, unit.name, where, secret))
    mfa.demo_mark()  # lets the demo-only commands (demo_code) run on this database
    return logins


@transaction.atomic
def build_demo(*, password: str) -> list[DemoLogin]:
    """The default profile's demo: the province of Jiangsu with all cities, counties and towns, and its
    people, the administrators with a confirmed authenticator (fixed secrets). Idempotent."""
    if not Unit.objects.filter(code=DEMO_PROVINCE_CODE).exists():
        _refuse_other_root(DEMO_PROVINCE_CODE)
        province_import(actor=policy.SYSTEM, province_code=DEMO_PROVINCE_CODE)
    return demo_people(DEMO_PEOPLE, password=password)
