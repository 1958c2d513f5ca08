from django.core.management.base import CommandError

from fenji.core.audit.services import PLATFORM
from fenji.core.calendar import services
from fenji.core.calendar.importer import read_workbook
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.kernel.errors import DomainError, Refusal


class Command(FenjiCommand):
    help = "工作日历：seed 从节假日库填充已公布的年份；import 从 Excel 导入国务院办公厅的放假安排"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        first, last = services.library_years()
        seed = sub.add_parser("seed", help=f"填充 {first}–{last} 年的放假与调休上班（可重复执行），并确认这些年份")
        seed.add_argument("--from", dest="first", type=int, default=first, help=f"起始年份（默认 {first}）")
        seed.add_argument("--to", dest="last", type=int, default=last, help=f"结束年份（默认 {last}，库中最后一年）")
        load = sub.add_parser("import", help="导入 .xlsx（列：日期、类型（放假/调休上班）、名称）：全部正确才写入")
        load.add_argument("file")
        load.add_argument("--no-confirm", action="store_true", help="导入后不把这些年份标记为已确认")

    def handle(self, *args, verb, **options):
        try:
            getattr(self, f"_{verb}")(**options)
        except (DomainError, Refusal) as error:
            raise CommandError(error.message) from None

    def _seed(self, first, last, verbosity=1, **options):
        result = services.calendar_seed(actor=PLATFORM, first=first, last=last)
        if verbosity == 0:
            return
        for year, counts in result.years.items():
            state = "已更新" if counts["changed"] else "无变化"
            self.stdout.write(f"{year}：{state}（新增 {counts['added']}，修改 {counts['updated']}，"
                              f"删除 {counts['removed']}，保留人工录入 {counts['kept']}）")
        self.stdout.write(self.style.SUCCESS(f"工作日历已确认至 {max(result.years)} 年（{services.library_source()}）"))

    def _import(self, file, no_confirm=False, **options):
        report = read_workbook(file)
        if not report.ok:
            raise CommandError(f"导入失败，未写入任何数据：\n{report.describe()}")
        per_year = services.calendar_import(actor=PLATFORM, rows=report.rows, confirm=not no_confirm)
        for year, count in per_year.items():
            self.stdout.write(f"{year}：导入 {count} 天" + ("" if no_confirm else "，已确认"))
        self.stdout.write(self.style.SUCCESS(f"已导入 {len(report.rows)} 行"))
