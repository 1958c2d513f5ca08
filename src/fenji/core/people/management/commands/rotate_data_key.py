"""``fenji rotate_data_key``: a new SM4 data key, and every encrypted value re-encrypted under it.

Options: ``--reencrypt-only`` (keys from the environment: add the new key to ``FENJI_DATA_KEYS``
yourself, restart, then run this), ``--prune`` (drop old data keys no value uses any more),
``--index`` (a new blind-index key and every hash recomputed; in a maintenance window). Each run is
recorded in the audit log, with key ids and counts only. See ``fenji.core.kernel.rotation``.
"""

import base64

from django.core.management.base import CommandError

from fenji.core.access import policy
from fenji.core.audit.services import audit_record
from fenji.core.kernel import crypto, rotation
from fenji.core.kernel.commands import FenjiCommand


class Command(FenjiCommand):
    help = "轮换个人信息加密密钥：生成新的数据密钥并把所有加密字段重新加密（旧密钥保留，可用 --prune 删除）"

    def add_arguments(self, parser):
        parser.add_argument("--reencrypt-only", action="store_true",
                            help="不生成新密钥，只把数据重新加密到当前最新的密钥（密钥来自环境变量时使用）")
        parser.add_argument("--prune", action="store_true", help="重新加密后，从密钥文件删除不再使用的旧数据密钥")
        parser.add_argument("--index", action="store_true",
                            help="同时更换盲索引密钥并重算全部哈希（须在维护窗口进行，完成后重启服务）")
        parser.add_argument("--batch-size", type=int, default=rotation.BATCH_SIZE, help="每批处理的行数")

    def handle(self, *args, **options):
        try:
            ring = crypto.keyring()
        except crypto.KeyConfigError as error:
            raise CommandError(str(error)) from None
        from_env = crypto.env_configured()
        if from_env and (not options["reencrypt_only"] or options["prune"] or options["index"]):
            steps = f"可用的新密钥：{ring.newest_id + 1}:{crypto.new_master_key()}"
            if ring.source == "FENJI_DATA_KEY":  # one master: spell out the equivalent FENJI_DATA_KEYS form
                steps = (f"改用 FENJI_DATA_KEYS=1:<现有 FENJI_DATA_KEY>,2:{crypto.new_master_key()} 和 "
                         f"FENJI_INDEX_KEY={base64.b64encode(ring.index_master).decode()}（保持现有盲索引）")
            raise CommandError(
                f"密钥来自环境变量（{ring.source}），本命令无法修改。请把新密钥（编号大于 {ring.newest_id}）加入 "
                f"FENJI_DATA_KEYS 并重启服务，再运行 fenji rotate_data_key --reencrypt-only。{steps}")
        details = {}
        if not options["reencrypt_only"]:
            new_id = rotation.add_data_key(ring.path)
            details["new_key"] = new_id
            self.stdout.write(f"已在 {ring.path} 中生成新的数据密钥 v{new_id}")
        reports = rotation.reencrypt_all(batch_size=options["batch_size"])
        newest = crypto.keyring().newest_id
        for report in reports:
            self.stdout.write(f"  {report.label}: {report.rows} 个值，重新加密 {report.reencrypted} 个"
                              + (f"，{report.skipped} 个在处理中被改写（已是新密钥）" if report.skipped else ""))
        details["reencrypted"] = {r.label: r.reencrypted for r in reports}
        if options["index"]:
            counts = rotation.rotate_index_key(crypto.keyring().path, batch_size=options["batch_size"])
            details["index_rotated"] = counts
            self.stdout.write("已更换盲索引密钥并重算哈希：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
        if options["prune"]:
            removed = rotation.prune_data_keys(crypto.keyring().path)
            details["pruned"] = removed
            self.stdout.write("已删除不再使用的旧密钥：" + ("、".join(f"v{k}" for k in removed) or "无"))
        audit_record(actor=policy.SYSTEM, action="people.data_key.rotate", details={"newest": newest, **details})
        self.stdout.write(self.style.SUCCESS(f"完成：所有加密字段均已使用密钥 v{newest}。"
                                             "请把更新后的密钥文件与数据库备份分开另行备份。"))
