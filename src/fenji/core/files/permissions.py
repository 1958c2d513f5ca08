from fenji.core.access.registry import Duty, declare

ATTACHMENT_VIEW = declare("files.attachment.view", Duty.BUSINESS, "下载本单位及下级的附件", read_only=True)
ATTACHMENT_UPLOAD = declare("files.attachment.upload", Duty.BUSINESS, "上传附件")
