"""The supervision statistics case (issue 16): 使用情况统计 at the top level of the loaded dataset.

Inside a transaction that is rolled back (the dataset stays as loaded): the usage rollups of this month and the
last are rebuilt once over every unit (``usage.usage_rebuild``: timed, not judged), then the page's work at the
top unit is timed — reading the rollups of the unit and its children over twelve months and rendering the table
rows — which is what keeps the page independent of the number of units below.
"""

import datetime
import time

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from fenji.core.org.models import Unit


class _Rollback(Exception):
    pass


def case_usage(unit: Unit, *, repeat: int) -> dict:
    from fenji.core.supervision import selectors, usage
    from fenji.core.supervision.views import _chart

    from .citizen_case import _cpu_ms

    result: dict = {}
    this = usage.month_start(timezone.localdate())
    months = usage.months_between(this - datetime.timedelta(days=334), this)
    try:
        with transaction.atomic():
            clock = time.perf_counter()
            run = usage.usage_rebuild()
            result["rebuild"] = {"seconds": round(time.perf_counter() - clock, 3), "rows": run.rows,
                                 "units": Unit.objects.count()}

            def page():
                top, rows = selectors.usage_report(unit=unit, months=months)
                _chart(top, rows)
                return "".join(render_to_string("supervision/_usage_row.html", {"r": r, "link": True})
                               for r in [*rows, top])

            result["page"] = {**_cpu_ms(page, repeat), "children": Unit.objects.filter(parent=unit).count(),
                              "months": len(months)}
            raise _Rollback
    except _Rollback:
        pass
    return result
