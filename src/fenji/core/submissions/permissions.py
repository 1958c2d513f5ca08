from fenji.core.access.registry import Duty, declare

SUBMISSION_DRAFT = declare("submissions.submission.draft", Duty.BUSINESS, "起草本单位上报的信息、请示和报告")
SUBMISSION_HANDLE = declare("submissions.submission.handle", Duty.BUSINESS, "签收和办理下级上报的信息、请示和报告")
