"""The HTTP API: one NinjaAPI at ``/api/``, every app's router under ``/api/v1/``.

Wiring only. Conventions (tokens, authentication, route declarations, the error envelope) are in
``fenji.core.api``; the endpoints are in the app that owns the data.
"""

from fenji.core.api.base import FenjiApi
from fenji.core.api.token_api import router as token_router
from fenji.core.community.api import router as community_router
from fenji.core.console.audit_api import router as audit_router
from fenji.core.console.grant_api import router as grant_router
from fenji.core.console.message_api import router as message_router
from fenji.core.dispatch.api import router as dispatch_router
from fenji.core.kernel import modules
from fenji.core.org.api import router as org_router
from fenji.core.people.api import router as people_router
from fenji.core.publish.api import router as publish_router
from fenji.core.submissions.api import router as submission_router
from fenji.core.supervision.api import router as supervision_router
from fenji.core.tickets.api import router as tickets_router
from fenji.core.workflow.api import router as workflow_router

api = FenjiApi(
    title="分级平台接口",
    version="1",
    description=(
        "浏览器使用登录会话（写操作须带 X-CSRFToken）；程序使用个人接口令牌："
        "`Authorization: Bearer fj_…`（`fenji token create --account <手机号>`，或 POST /api/v1/tokens）。"
        "错误统一为 `{\"error\": {\"code\", \"message\", \"field\"}}`，message 为中文说明。"
        "超出管理范围的记录与不存在的记录一样返回 404。"
    ),
)

for router in (people_router, org_router, grant_router, token_router, workflow_router, dispatch_router,
               message_router, audit_router, community_router, submission_router, publish_router,
               tickets_router, supervision_router, *modules.api_routers()):
    api.add_router("/v1", router)
