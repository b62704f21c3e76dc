"""Reads of the exchange: a partner's own reports and lists (never another partner's, never outside its
token's stations), a report's status as a partner may read it (no resident's data), the tokens a
supervisor manages, the month's exchange (who sent, who did not), and the queries sent to a partner
(the query's own fields and disputed items, nothing else of a resident's file)."""

from django.db.models import Count
from django.http import Http404

from family.models import CandidateState

from .models import ApiToken, ListKind, ListSubmission, Partner, PartnerQuery, PartnerReport


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


def partner_queries(token):
    """The queries sent to the token's partner about its stations, newest first."""
    return (PartnerQuery.objects.filter(partner=token.partner, query__station__in=token.stations.all())
            .select_related("query__station").order_by("-sent_at", "-pk"))


def partner_query(token, pk):
    """The sending of query `pk` (the query's id) to the token's partner, or None."""
    return partner_queries(token).filter(query__pk=pk).first()


QUERY_ITEM_FIELDS = ("file_no", "name", "id_number", "birth_date", "line", "source_values")


def query_for_partner(sending):
    """What a partner reads of a query sent to it: the query's fields and its disputed items (the facts the
    letter and its sheet give), never the station's internal references or anything else of a file."""
    query = sending.query
    return {
        "id": query.pk, "reference": query.reference, "station": query.station.code,
        "station_name": query.station.name, "department_name": query.department_name,
        "question": query.question, "items": [{**{k: i.get(k, "") for k in QUERY_ITEM_FIELDS}, "source_values": i.get("source_values") or {}}
                  for i in query.items],
        "state": query.state, "sent_at": query.sent_at, "answered_at": query.answered_at, "answer": query.answer,
    }


def sending_of(query):
    """The query's sending to a partner system, or None (the query page's panel)."""
    return PartnerQuery.objects.select_related("partner", "sent_by", "answer_token").filter(query=query).first()


def partners_for(station):
    return Partner.objects.filter(stations=station)


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

