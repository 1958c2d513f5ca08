"""``fenji bench --dataset NAME`` (load if the database is empty, run every case, publish), or the two
steps apart: ``fenji bench load DATASET [--scale X]`` and ``fenji bench run [--dataset NAME] [--json FILE]``."""

import json
import os
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connection

import fenji
from fenji.bench import datasets, report, runner
from fenji.core.kernel.commands import FenjiCommand
from fenji.core.org.models import Unit

DOCS = Path(fenji.__file__).resolve().parents[2] / "docs"


class Command(FenjiCommand):
    help = "Benchmarks at provincial scale (issue 7): load a dataset into an empty database, then run the cases."

    def add_arguments(self, parser):
        parser.add_argument("--dataset", dest="all_dataset", choices=datasets.DATASETS, default=None,
                            help="load it into an empty database (or reuse it when already loaded), run every "
                                 "case and write the results into docs/benchmarks.md and docs/benchmarks/")
        parser.add_argument("--scale", dest="all_scale", type=float, default=1.0)
        parser.add_argument("--quick", action="store_true", help="fewer repeats and requests (a smoke run)")
        parser.add_argument("--no-docs", action="store_true", help="print the report only")
        parser.add_argument("--docs-dir", type=Path, default=DOCS, help="where benchmarks.md and benchmarks/ are")
        parser.add_argument("--skip-http", action="store_true", help="in-process cases only")
        sub = parser.add_subparsers(dest="step")
        load = sub.add_parser("load", help="build a dataset into the (empty) database")
        load.add_argument("dataset", choices=datasets.DATASETS)
        load.add_argument("--scale", type=float, default=1.0, help="multiply units and accounts (province, peer)")
        load.add_argument("--force-into-nonempty", action="store_true",
                          help="load even though units exist (under a new root)")
        load.add_argument("--workers", type=int, default=None,
                          help="processes encrypting the account rows (default: one per CPU)")
        load.add_argument("--chunk", type=int, default=datasets.ACCOUNT_CHUNK, help="accounts per COPY/INSERT batch")
        load.add_argument("--accounts", type=int, default=None,
                          help="override the number of accounts (e.g. units at full size for fan-out, fewer members)")
        run = sub.add_parser("run", help="run every case at three levels and print a table")
        run.add_argument("--dataset", default=None, help="name recorded in the report (picks province levels)")
        run.add_argument("--json", dest="json_file", default=None, help="write the full report here")
        run.add_argument("--repeat", type=int, default=200, help="runs per SQL case (median, p95)")
        run.add_argument("--can-calls", type=int, default=100_000)
        run.add_argument("--http-threads", type=int, default=4)
        run.add_argument("--http-requests", type=int, default=800, help="requests per level (all threads)")
        run.add_argument("--no-http", action="store_true")
        league = sub.add_parser("league", help="the League case alone on the loaded dataset (members, bills)")
        league.add_argument("--repeat", type=int, default=50, help="runs of each list read (median)")

    def handle(self, *args, step, **options):
        if step is None:
            if not options["all_dataset"]:
                raise CommandError("用法：fenji bench --dataset peer|province，或 fenji bench load|run …")
            return self.run_all(options["all_dataset"], options["all_scale"], quick=options["quick"],
                                docs=None if options["no_docs"] else options["docs_dir"],
                                with_http=not options["skip_http"])
        if step == "load":
            try:
                result = datasets.load(options["dataset"], scale=options["scale"],
                                       force_into_nonempty=options["force_into_nonempty"],
                                       workers=options["workers"], chunk=options["chunk"],
                                       accounts=options["accounts"])
            except datasets.NotEmpty as error:
                raise CommandError(str(error)) from None
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        if step == "league":
            from fenji.bench.league_case import case_league

            levels = runner.pick_levels(None)
            if not levels:
                raise CommandError("没有数据集：请先装入（fenji bench load …）")
            result = {"league": case_league(levels[0][1], repeat=options["repeat"])}
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            for target, measured, ok in report.targets(result):
                self.stdout.write(f"{'达标' if ok else '未达标' if ok is False else '—'}  {target}: {measured}")
            return
        result = runner.run(dataset=options["dataset"], repeat=options["repeat"], can_calls=options["can_calls"],
                            http_threads=options["http_threads"], http_requests=options["http_requests"],
                            with_http=not options["no_http"])
        self.stdout.write(report.markdown(result))
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
            self.stdout.write(f"report written to {options['json_file']}")

    def run_all(self, dataset: str, scale: float, *, quick: bool, docs: Path | None, with_http: bool) -> None:
        load = None
        if not datasets.units_exist():
            load = datasets.load(dataset, scale=scale)
            self.stdout.write(json.dumps(load, ensure_ascii=False))
        else:
            expected, present = datasets.make_plan(dataset, scale).unit_count, Unit.objects.count()
            if present != expected:
                raise CommandError(f"数据库中已有 {present:,} 个单位，与数据集 {dataset}（{expected:,} 个单位）不符："
                                   "请换一个空库")
            self.stdout.write(f"数据集 {dataset} 已装入（{present:,} 个单位），直接运行基准")
        loadavg = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        result = runner.run(dataset=dataset, repeat=5 if quick else 200, can_calls=1_000 if quick else 100_000,
                            http_requests=20 if quick else 800, with_http=with_http,
                            import_rows=50 if quick else 100_000, citizen_tickets=500 if quick else 100_000,
                            module_repeat=0 if quick else None)  # the smoke test runs them once
        result.update(load=load, loadavg=loadavg, finished_at=report.stamp())
        self.stdout.write(report.markdown(result))
        for target, measured, ok in report.targets(result):
            self.stdout.write(f"{'达标' if ok else '未达标' if ok is False else '—'}  {target}: {measured}")
        if docs is None:
            return
        key = f"{dataset}-{connection.vendor}" + ("" if scale == 1.0 else f"-x{scale:g}")
        docs.joinpath("benchmarks").mkdir(parents=True, exist_ok=True)
        json_file = docs / "benchmarks" / f"{key}.json"
        json_file.write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n")
        report.write_section(docs / "benchmarks.md", key, f"`{dataset}` on {connection.vendor}"
                             + ("" if scale == 1.0 else f" (scale {scale:g})"), report.markdown(result))
        self.stdout.write(f"结果已写入 {docs / 'benchmarks.md'} 和 {json_file}")
