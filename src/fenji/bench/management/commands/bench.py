"""``fenji bench load DATASET [--scale X]`` and ``fenji bench run [--dataset NAME] [--json FILE] [--repeat N]``."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fenji.bench import datasets, runner


class Command(BaseCommand):
    help = "Benchmarks at provincial scale (issue 7): load a dataset into an empty database, then run the cases."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="step", required=True)
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

    def handle(self, *args, step, **options):
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
        report = runner.run(dataset=options["dataset"], repeat=options["repeat"], can_calls=options["can_calls"],
                            http_threads=options["http_threads"], http_requests=options["http_requests"],
                            with_http=not options["no_http"])
        self.stdout.write(runner.table(report))
        if options["json_file"]:
            Path(options["json_file"]).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
            self.stdout.write(f"report written to {options['json_file']}")
