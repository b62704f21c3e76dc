"""Reads of the exchange: a partner's own reports and lists (never another partner's, never outside its
token's stations), a report's status as a partner may read it (no resident's data), the tokens a
supervisor manages, and the month's exchange (who sent, who did not)."""

from django.db.models import Count
from django.http import Http404

from family.models import CandidateState

from .models import ApiToken, ListKind, ListSubmission, Partner, PartnerReport


def partner_reports(token):
    return (PartnerReport.objects.filter(partner=token.partner, report__station__in=token.stations.all())
            .select_related("report__station").order_by("-filed_at"))


def partner_report(token, pk):
    """The partner's own report `pk` (the family report's id), or None."""
    return partner_reports(token).filter(report__pk=pk).first()


def report_status(filing):
    """What a partner reads of its report: the reference, the state, whether the search runs, and how
    many candidates are proposed, confirmed or rejected. No resident's name, file or photo: the station
    handling the report calls the family."""
    report = filing.report
    counts = dict(report.candidates.values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "id": report.pk, "reference": report.reference, "state": report.state, "filed_at": filing.filed_at,
        "searching": report.search_pending,
        "candidates": {"proposed": counts.get(CandidateState.PROPOSED, 0),
                       "confirmed": counts.get(CandidateState.CONFIRMED, 0),
                       "rejected": counts.get(CandidateState.REJECTED, 0)},
        "station": report.station.name, "station_phone": report.station.phone,
    }


def partner_lists(token):
    return ListSubmission.objects.filter(partner=token.partner, station__in=token.stations.all()) \
        .select_related("comparison", "station")


def list_summary(submission):
    return {"id": submission.pk, "kind": submission.kind, "month": submission.month.strftime("%Y-%m"),
            "station": submission.station.code, "received_at": submission.received_at,
            "rows": len(submission.comparison.rows), "hits": len(submission.comparison.hits)}


def tokens_for(user):
    """The tokens a supervisor manages (those for their station), every token for an administrator."""
    tokens = ApiToken.objects.select_related("partner", "created_by", "revoked_by").prefetch_related("stations")
    if user.sees_all_stations:
        return tokens
    return tokens.filter(stations=user.station_id).distinct()


def token_for(user, pk):
    token = tokens_for(user).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def month_exchange(user, month):
    """The month's death-record exchange: [(partner, [(station, [submissions])])] for the partners that send
    every month, the stations the user sees; an empty list of submissions is a list that did not come."""
    partners = Partner.objects.filter(sends_death_records=True).prefetch_related("stations")
    got = ListSubmission.objects.filter(kind=ListKind.DEATHS, month=month.replace(day=1)).select_related("comparison")
    if not user.sees_all_stations:
        got = got.filter(station=user.station_id)
    by_pair = {}
    for s in got:
        by_pair.setdefault((s.partner_id, s.station_id), []).append(s)
    rows = []
    for partner in partners:
        stations = [s for s in partner.stations.all() if user.sees_all_stations or s.pk == user.station_id]
        if stations:
            rows.append((partner, [(s, by_pair.get((partner.pk, s.pk), [])) for s in stations]))
    return rows


def missing_count(rows):
    return sum(1 for _partner, stations in rows for _station, got in stations if not got)

