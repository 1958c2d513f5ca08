"""The five subsystems of the platform (seed 004 权限管理办法 §2) as permission domains: their codes and
labels, the actions of each and the business roles that hold them (design/domain/labor.md §1).

Each action here names its subsystem, so it is allowed only through a grant of a role of that subsystem
(``access.policy.can``); each role belongs to one subsystem, so a permission administrator limited to
some subsystems grants and revokes only their roles (§7: 权限管理员可根据需要按子系统分设), and form 2
(附件2) is filed for one subsystem at a time."""

from fenji.core.kernel.modules import ActionDecl, RoleDecl, SubsystemDecl

POOL = "labor.pool"
SHARING = "labor.sharing"
GIG = "labor.gig"
ANALYSIS = "labor.analysis"
WARNING = "labor.warning"

SUBSYSTEMS = (
    SubsystemDecl(POOL, "劳动力资源信息库"),
    SubsystemDecl(SHARING, "共享用工"),
    SubsystemDecl(GIG, "零工驿站"),
    SubsystemDecl(ANALYSIS, "人社数据分析"),
    SubsystemDecl(WARNING, "人社政务服务办件分析预警"),
)

# 劳动力资源信息库's own actions (查看, 采集和维护) are declared in module.py with the collector's role.
SHARING_DEMAND_PUBLISH = "labor.sharing.demand.publish"
SHARING_MATCH = "labor.sharing.match"
GIG_POST_PUBLISH = "labor.gig.post.publish"
GIG_WORKER_REGISTER = "labor.gig.worker.register"
ANALYSIS_REPORT_VIEW = "labor.analysis.report.view"
WARNING_VIEW = "labor.warning.view"
WARNING_HANDLE = "labor.warning.handle"

ACTIONS = (
    ActionDecl(SHARING_DEMAND_PUBLISH, "发布共享用工需求", "business", subsystem=SHARING),
    ActionDecl(SHARING_MATCH, "对接共享用工供需", "business", subsystem=SHARING),
    ActionDecl(GIG_POST_PUBLISH, "发布零工岗位", "business", subsystem=GIG),
    ActionDecl(GIG_WORKER_REGISTER, "登记零工人员", "business", subsystem=GIG),
    ActionDecl(ANALYSIS_REPORT_VIEW, "查看人社数据分析报表", "business", read_only=True, subsystem=ANALYSIS),
    ActionDecl(WARNING_VIEW, "查看办件分析预警", "business", read_only=True, subsystem=WARNING),
    ActionDecl(WARNING_HANDLE, "处置办件分析预警", "business", subsystem=WARNING),
)

# Granted by the security and permission administrators (a permission administrator limited to some
# subsystems: only those subsystems' roles).
GRANTED_BY = ("security_admin", "permission_admin")
ROLES = (
    RoleDecl("labor_sharing_clerk", "共享用工经办员", "business", (SHARING_DEMAND_PUBLISH, SHARING_MATCH),
             delegated_by=GRANTED_BY, subsystem=SHARING),
    RoleDecl("labor_gig_clerk", "零工驿站经办员", "business", (GIG_POST_PUBLISH, GIG_WORKER_REGISTER),
             delegated_by=GRANTED_BY, subsystem=GIG),
    RoleDecl("labor_analyst", "数据分析查看员", "business", (ANALYSIS_REPORT_VIEW,),
             delegated_by=GRANTED_BY, subsystem=ANALYSIS),
    RoleDecl("labor_warning_handler", "办件预警处置员", "business", (WARNING_VIEW, WARNING_HANDLE),
             delegated_by=GRANTED_BY, subsystem=WARNING),
)
