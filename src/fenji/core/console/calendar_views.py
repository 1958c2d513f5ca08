"""The working-day calendar in the console: one year's holidays and make-up working days, with forms
to add, remove and confirm for the platform's top-level system administrators."""

import datetime

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fenji.core.calendar import workdays
from fenji.core.calendar.models import CalendarYear, DayKind, DayOverride
from fenji.core.calendar.permissions import DAY_MANAGE as CALENDAR_DAY_MANAGE
from fenji.core.calendar.permissions import DAY_VIEW as CALENDAR_DAY_VIEW
from fenji.core.calendar.services import FIRST_YEAR, LAST_YEAR, weekday_label
from fenji.core.kernel.errors import DomainError
from fenji.core.kernel.forms import Form
from fenji.core.kernel.inputs import DateField
from fenji.core.ops import calendar_services
from fenji.core.web.forms import add_domain_error
from fenji.core.web.routes import requires


class DayForm(Form):
    date = DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="名称", max_length=50, help_text="如“国庆节”")


class DateForm(Form):
    date = DateField()


class ImportForm(Form):
    workbook = forms.FileField(label="Excel 文件（.xlsx）", help_text="列：日期、类型（放假/调休上班）、名称")


class YearForm(Form):
    year = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _back(year: int):
    return redirect(f"{reverse('ops:calendar')}?year={year}")


@requires(CALENDAR_DAY_VIEW)
def calendar_year(request, form=None, import_form=None, import_errors=None):
    year = _year(request)
    days = list(DayOverride.objects.filter(date__year=year).select_related("created_by__person").order_by("date"))
    for day in days:
        day.weekday_label = weekday_label(day.date)
    confirmed = workdays.confirmed_years()
    return render(request, "ops/calendar.html", {
        "year": year, "days": days, "info": CalendarYear.objects.filter(year=year).first(),
        "last_confirmed": confirmed[-1] if confirmed else None,
        "can_manage": calendar_services.can_manage(request.actor),
        "form": form or DayForm(initial={"date": datetime.date(year, 1, 1)}),
        "import_form": import_form or ImportForm(), "import_errors": import_errors or [],
        "previous": year - 1 if year > FIRST_YEAR else None, "next": year + 1 if year < LAST_YEAR else None,
    })


@requires(CALENDAR_DAY_MANAGE)
@require_POST
def calendar_set(request):
    form = DayForm(request.POST)
    if not form.is_valid():
        return calendar_year(request, form=form)
    data = form.cleaned_data
    try:
        calendar_services.day_set(actor=request.actor, date=data["date"], kind=data["kind"], name=data["name"])
    except DomainError as error:
        add_domain_error(form, error)
        return calendar_year(request, form=form)
    messages.success(request, f"已登记 {data['date']} {DayKind(data['kind']).label}（{data['name']}）")
    return _back(data["date"].year)


@requires(CALENDAR_DAY_MANAGE)
@require_POST
def calendar_remove(request):
    form = DateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "日期无效")
        return _back(_year(request))
    day = form.cleaned_data["date"]
    try:
        calendar_services.day_remove(actor=request.actor, date=day)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已删除 {day} 的调整，恢复为{'工作日' if day.weekday() < 5 else '休息日'}")
    return _back(day.year)


@requires(CALENDAR_DAY_MANAGE)
@require_POST
def calendar_confirm(request):
    form = YearForm(request.POST)
    if not form.is_valid():
        messages.error(request, "年份无效")
        return _back(_year(request))
    year = form.cleaned_data["year"]
    try:
        calendar_services.year_confirm(actor=request.actor, year=year)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已确认 {year} 年的节假日安排")
    return _back(year)


MAX_WORKBOOK_BYTES = 2 * 1024 * 1024  # a year's notice is a few dozen rows


@requires(CALENDAR_DAY_MANAGE)
@require_POST
def calendar_import(request):
    """Upload the new year's notice as Excel: every bad row is listed by number and nothing is written."""
    from fenji.core.calendar.importer import read_workbook

    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return calendar_year(request, import_form=form)
    upload = form.cleaned_data["workbook"]
    if upload.size > MAX_WORKBOOK_BYTES:
        form.add_error("workbook", "文件过大（不超过 2 MB）")
        return calendar_year(request, import_form=form)
    try:
        report = read_workbook(upload)
        if not report.ok:
            errors = [f"第 {row} 行：{message}" for row, message in report.errors] or ["文件中没有可导入的行"]
            return calendar_year(request, import_form=form, import_errors=errors)
        per_year = calendar_services.year_import(actor=request.actor, rows=report.rows)
    except DomainError as error:
        return calendar_year(request, import_form=form, import_errors=[error.message])
    summary = "，".join(f"{year} 年 {count} 天" for year, count in sorted(per_year.items()))
    messages.success(request, f"已导入并确认：{summary}")
    return _back(max(per_year))
