"""The month: figures for one station, several or all, month by month, with charts; the rows behind
each figure; the ledgers as XLSX or CSV and the monthly table as PDF; the finance comparison.

Every page checks its permission (oversight.view_statistics, oversight.export_ledger, ...) and is scoped to
the user's station unless the user sees every station (administrators, inspectors). A list of people
and every download are written to the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.http import download
from shelter.models import AuditEvent, Death, Departure, FoundChannel, Stay
from tracing.models import Interview, TracingCase

from .. import charts, documents, exports, ledgers
from .. import figures as stats
from ..finance import SheetRefused
from ..forms.month import FinanceSheetForm, PeriodForm
from ..models import FinanceComparison
from ..selectors import second_checks_in
from ..services import compare_finance

FORMATS = ("xlsx", "csv")


def period(request):
    """(form, stations, first month, last month) from the query; an invalid query shows this month."""
    form = PeriodForm(request.GET or None, user=request.user)
    if form.is_bound and form.is_valid():
        first, last = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        first = last = stats.this_month()
    return form, form.stations(), first, last


def query_of(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def audit_detail(stations, first, last, **more):
    return {"stations": [s.code for s in stations], "from": f"{first:%Y-%m}", "to": f"{last:%Y-%m}", **more}


@login_required
@permission_required("oversight.view_statistics", raise_exception=True)
def month(request):
    form, stations, first, last = period(request)
    figures = stats.compute(form.station_ids(), first, last)
    labels = [f"{m:%Y-%m}" for m in figures.months]
    series = [(_("arrivals"), [figures.value("arrivals", m) for m in figures.months]),
              (_("departures"), [figures.value("departures", m) for m in figures.months]),
              (_("deaths"), [figures.value("deaths", m) for m in figures.months]),
              (_("in the station at month end"), [figures.value("in_station", m) for m in figures.months])]
    found = [(label, figures.value(f"found_{value}")) for value, label in FoundChannel.choices]
    return render(request, "oversight/month/month.html", {
        "form": form, "stations": stations, "first": first, "last": last, "months": labels,
        "sections": linked(request, figures), "query": query_of(request),
        "chart_flow": charts.month_bars(_("Arrivals, departures, deaths and people in the station"), labels, series),
        "chart_found": charts.breakdown_bars(_("Families found, by channel"), found),
        "kinds": [(k, ledgers.LABELS[k]) for k in ledgers.KINDS], "formats": FORMATS,
        "second_checks": second_checks_in(form.station_ids(), stats.month_start(first), stats.month_end(last)),
    })


def linked(request, figures):
    """The figures' sections with each value's link to its rows: [(title, [(label, [(value, url)], (total, url))])]."""
    base = request.GET.copy()
    for name in ("start", "end", "page"):
        base.pop(name, None)

    def url(key, first, last):
        query = base.copy()
        query["start"], query["end"] = f"{first:%Y-%m}", f"{last:%Y-%m}"
        return reverse("oversight:figure", args=[key]) + "?" + query.urlencode()

    months = figures.months
    return [
        (title, [(label, [(v, url(key, m, m)) for v, m in zip(values, months)],
                  (total, url(key, months[-1] if stats.BY_KEY.get(key) and stats.BY_KEY[key].stock else months[0],
                              months[-1])))
                 for key, label, values, total in rows])
        for title, rows in figures.sections()
    ]


ROW_TEMPLATES = {Stay: "stays", Departure: "departures", Death: "deaths", TracingCase: "cases", Interview: "interviews"}


@login_required
@permission_required("oversight.view_statistics", raise_exception=True)
def figure_rows(request, key):
    """The rows behind one figure: the same table, period and condition as its count."""
    key = "payments" if key == stats.MONEY_TOTAL else key
    if key not in stats.BY_KEY:
        raise Http404
    form, stations, first, last = period(request)
    figure = stats.BY_KEY[key]
    rows = stats.rows_of(key, form.station_ids(), first, last)
    model = rows.model
    related = {Stay: ["person", "station"], Departure: ["stay__person", "stay__station"],
               Death: ["stay__person", "stay__station"], TracingCase: ["stay__person", "arrival__station"],
               Interview: ["stay__person", "stay__station"]}[model]
    page = Paginator(rows.select_related(*related).order_by("pk"), 100).get_page(request.GET.get("page"))
    AuditEvent.record(request, AuditEvent.LIST, target=f"figure {key}",
                      **audit_detail(stations, first, last, figure=key, rows=page.paginator.count))
    return render(request, "oversight/month/rows.html", {
        "figure": figure, "page": page, "kind": ROW_TEMPLATES[model], "first": first, "last": last,
        "stations": stations, "query": query_of(request),
    })


@login_required
@permission_required("oversight.export_ledger", raise_exception=True)
def ledger_export(request, kind, fmt):
    if kind not in ledgers.KINDS or fmt not in FORMATS:
        raise Http404
    _form, stations, first, last = period(request)
    ledger = ledgers.build(kind, [s.pk for s in stations], first, last)
    data = exports.export(fmt, ledger.title, ledger.headers, ledger.rows)
    name = ledgers.file_name(kind, [s.code for s in stations], first, last, fmt)
    AuditEvent.record(request, AuditEvent.EXPORT, target=name,
                      **audit_detail(stations, first, last, ledger=kind, format=fmt, rows=len(ledger.rows)))
    return download(data, name, exports.CONTENT_TYPES[fmt])


@login_required
@permission_required("oversight.export_ledger", raise_exception=True)
def table_pdf(request):
    """The monthly table, printable: the figures month by month and over the period."""
    form, stations, first, last = period(request)
    figures = stats.compute(form.station_ids(), first, last)
    names = "、".join(s.name for s in stations) if len(stations) <= 3 else _("%(n)s stations") % {"n": len(stations)}
    headers = [_("figure")] + [f"{m:%Y-%m}" for m in figures.months] + ([_("period")] if len(figures.months) > 1 else [])
    sections = [(title, [(label, values + ([total] if len(figures.months) > 1 else [])) for _k, label, values, total in rows])
                for title, rows in figures.sections()]
    data = documents.month_table_pdf(_("Monthly statistics"), f"{names} · {ledgers.period_label(first, last)}",
                                     headers, sections)
    name = ledgers.file_name("statistics", [s.code for s in stations], first, last, "pdf")
    AuditEvent.record(request, AuditEvent.EXPORT, target=name, **audit_detail(stations, first, last, format="pdf"))
    return download(data, name, "application/pdf", inline=True)


@login_required
@permission_required("oversight.view_financecomparison", raise_exception=True)
def finance(request):
    comparisons = FinanceComparison.objects.for_user(request.user).select_related("station", "uploaded_by")[:50]
    form = FinanceSheetForm(user=request.user, initial={"month": f"{stats.this_month():%Y-%m}"})
    return render(request, "oversight/month/finance.html", {"comparisons": comparisons, "form": form})


@login_required
@permission_required("oversight.add_financecomparison", raise_exception=True)
@require_POST
def finance_upload(request):
    form = FinanceSheetForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        upload = form.cleaned_data["sheet"]
        try:
            comparison = compare_finance(station=form.cleaned_data["station"], month=form.cleaned_data["month"],
                                         file_name=upload.name, data=upload.read(), by=request.user)
        except SheetRefused as e:
            form.add_error("sheet", e.message)
        else:
            AuditEvent.record(request, AuditEvent.CREATE, target=comparison, finance=comparison.pk)
            messages.success(request, _("The finance sheet was compared with the departures; the result is kept."))
            return redirect("oversight:finance_result", pk=comparison.pk)
    messages.error(request, _("Please correct the fields marked below; nothing was compared."))
    comparisons = FinanceComparison.objects.for_user(request.user).select_related("station", "uploaded_by")[:50]
    return render(request, "oversight/month/finance.html", {"comparisons": comparisons, "form": form}, status=400)


RESULT_PAGE = 200


@login_required
@permission_required("oversight.view_financecomparison", raise_exception=True)
def finance_result(request, pk):
    """The comparison's three lists, RESULT_PAGE rows of each a page (a sheet of thousands of lines made
    a page of megabytes)."""
    comparison = get_object_or_404(FinanceComparison.objects.for_user(request.user).select_related("station"), pk=pk)
    lists = {part: comparison.result.get(part, []) for part in ("missing", "extra", "different", "other_payee")}
    page = Paginator(max(lists.values(), key=len), RESULT_PAGE).get_page(request.GET.get("page"))
    offset = (page.number - 1) * RESULT_PAGE
    parts = {part: rows[offset:offset + RESULT_PAGE] for part, rows in lists.items()}
    departures = {d.pk: d for d in Departure.objects.filter(
        stay__station=comparison.station_id,
        pk__in=[r["departure"] for part in ("missing", "different", "other_payee") for r in parts[part]],
    ).select_related("stay__person")}
    AuditEvent.record(request, AuditEvent.VIEW, target=comparison, finance=comparison.pk, page=page.number,
                      files=sorted({d.stay.person.file_no for d in departures.values()}))
    return render(request, "oversight/month/finance_result.html", {
        "comparison": comparison, "page": page, "extra": parts["extra"], "different": parts["different"],
        "missing": [(r, departures.get(r["departure"])) for r in parts["missing"]],
        "other_payee": [(r, departures.get(r["departure"])) for r in parts["other_payee"]],
        "month_url": reverse("oversight:month") + f"?station={comparison.station_id}&start={comparison.month:%Y-%m}",
    })
