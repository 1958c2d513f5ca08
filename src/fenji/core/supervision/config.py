"""What a profile may set for supervision (``Profile.extra``), with the defaults of seed 002 (抽查不少于 10%).

- ``sampling_ratio``: the share offered when a sample is drawn (default 0.10);
- ``sampling_min_ratio``: the least share allowed (default 0.10): a smaller one is refused;
- ``rectification_days``: the working days offered to rectify a finding (default 10);
- ``inspection_checklist``: the checklist template offered when an inspection is planned.
"""

from decimal import Decimal

from fenji.core.kernel import profiles

CHECKLIST = (
    "系统管理：管理员配置、权限分配和账号管理是否规范",
    "系统维护：安全保密制度落实、数据备份和运行维护情况",
    "系统使用：工作人员登录使用和业务数据录入是否及时",
    "信息质量：录入信息是否完整、准确、及时、规范",
    "推广应用：培训和宣传推广情况",
)


def _extra(key: str, default):
    return profiles.active().extra.get(key, default)


def sampling_ratio() -> Decimal:
    return Decimal(str(_extra("sampling_ratio", "0.10")))


def sampling_min_ratio() -> Decimal:
    return Decimal(str(_extra("sampling_min_ratio", "0.10")))


def rectification_days() -> int:
    return int(_extra("rectification_days", 10))


def checklist() -> tuple[str, ...]:
    return tuple(_extra("inspection_checklist", CHECKLIST))
