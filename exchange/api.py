"""The partner API, /api/v1/ (django-ninja: the OpenAPI 3 schema at /api/v1/openapi.json).

Every call: a bearer token (exchange.services.token_for_key; unknown, expired or revoked: 401), its
rate (settings.API_RATE per token) and the request's size (API_MAX_BYTES: 413) checked, then the
operation's capability and the token's stations (403). Every call is in the audit log (shelter's
AuditEvent, no user): the partner, the token, the capability and the objects returned; a refusal too.
Errors are problem details (RFC 9457, application/problem+json) with the fields' errors.

A partner reads the published notices of its token's stations, files family reports through the desk's
own form and service, reads the status of its own reports only, and submits lists that are compared
with its stations' files on arrival. It reads the queries about doubtful data a station sent to it (for
the token's stations) and answers them."""

import datetime
import re
import uuid
from typing import Literal

from django.conf import settings
from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.files import UploadedFile
from ninja.security import HttpBearer
from pydantic import Field

from lib.http import client_ip
from lib.workflow import WorkflowError
from notices import selectors as notices
from notices.throttle import AddressThrottle
from oversight.finance import SheetRefused
from shelter.models import AuditEvent

from . import selectors, services
from .forms import PartnerReportForm
from .models import Capability, ListKind

PROBLEM = "application/problem+json"


class Problem(Exception):
    """An RFC 9457 problem: `code` names its type (urn:homeward:problem:<code>)."""

    def __init__(self, status, code, title, detail="", errors=None, headers=None):
        super().__init__(title)
        self.status, self.code, self.title, self.detail = status, code, title, detail
        self.errors, self.headers = errors or [], headers or {}


def audit(request, action, capability, objects=(), station=None, **detail):
    """The call in the audit log: at the station concerned, else the token's station when it has one only
    (so that station's supervisors read it in their log)."""
    token = getattr(request, "api_token", None)
    if station is None and token is not None:
        stations = list(token.stations.all()[:2])
        station = stations[0] if len(stations) == 1 else None
    return AuditEvent.objects.create(
        user=None, station=station, action=action, target=f"api:{capability}"[:200],
        detail={"partner": token.partner.code if token else None, "token": token.prefix if token else None,
                "capability": capability, "objects": list(objects), **detail},
        ip=client_ip(request), path=request.get_full_path()[:300])


class TokenAuth(HttpBearer):
    def __call__(self, request):
        if not request.headers.get("Authorization"):
            request.api_token = None
            audit(request, AuditEvent.REFUSED, "authenticate", reason="no_token")
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        token, named = services.token_for_key(key)
        if token is None:
            request.api_token = named  # an expired or revoked token is named in the refusal
            audit(request, AuditEvent.REFUSED, "authenticate", reason="expired_or_revoked" if named else "unknown")
            request.api_token = None
            return None
        request.api_token = token
        throttle = AddressThrottle(settings.API_RATE, f"api-{token.prefix}")
        if not throttle.allow_request(request):
            audit(request, AuditEvent.REFUSED, "rate", reason="rate")
            raise Problem(429, "rate", _("Too many requests."), _("Wait before the next request."),
                          headers={"Retry-After": str(int(throttle.wait() or 1) + 1)})
        if length > settings.API_MAX_BYTES:
            audit(request, AuditEvent.REFUSED, "size", reason="size", size=length)
            raise Problem(413, "too_large", _("The request is too large."),
                          _("At most %(mb)s MB.") % {"mb": settings.API_MAX_BYTES // 2**20})
        return token


def problem_response(api, request, status, code, title, detail="", errors=(), headers=None):
    body = {"type": f"urn:homeward:problem:{code}", "title": str(title), "status": status,
            "detail": str(detail), "instance": request.path}
    if errors:
        body["errors"] = list(errors)
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    for name, value in (headers or {}).items():
        response[name] = value
    return response


api = NinjaAPI(title="Homeward partner API", version="1", urls_namespace="api", auth=TokenAuth(), docs_url=None,
               description=__doc__)


@api.exception_handler(Problem)
def on_problem(request, exc):
    return problem_response(api, request, exc.status, exc.code, exc.title, exc.detail, exc.errors, exc.headers)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return problem_response(api, request, 401, "unauthenticated", _("A valid API token is needed."),
                            _("Send “Authorization: Bearer <token>”; an expired or revoked token no longer works."),
                            headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(ValidationError)
def on_invalid(request, exc):
    errors = [{"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body", "messages": [field_message(e)],
               "code": e.get("type", "")} for e in exc.errors]
    return problem_response(api, request, 422, "invalid", _("Some fields are not valid."), errors=errors)


def field_message(error):
    """A field's error found by the schema (pydantic), in the reader's language: pydantic's own messages
    are English only. Its type stays beside it, as the error's `code`, for the partner's program."""
    kind, context = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("int_"):
        return _("Enter a whole number.")
    if kind.startswith(("float_", "decimal_")):
        return _("Enter a number.")
    if kind.startswith("bool_"):
        return _("Enter true or false.")
    if kind.startswith("datetime_"):
        return _("Enter a date and time, e.g. 2026-12-05T08:30:00+08:00.")
    if kind.startswith("date_"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(context.get("expected", "")))
        return _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": context.get("max_length", "")}
    if kind == "string_too_short":
        return _("At least %(n)s characters.") % {"n": context.get("min_length", "")}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a value of at least %(n)s.") % {"n": context.get("ge", context.get("gt", ""))}
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a value of at most %(n)s.") % {"n": context.get("le", context.get("lt", ""))}
    return _("This value is not valid.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem_response(api, request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return problem_response(api, request, exc.status_code, "http", str(exc))


def allowed(request, capability, station_id=None):
    """The token has the capability (and the station, when one is named): else 403, audited."""
    token = request.auth
    if not token.allows(capability):
        audit(request, AuditEvent.REFUSED, capability, reason="capability")
        raise Problem(403, "capability", _("This token may not do this."),
                      _("The token lacks the capability “%(c)s”.") % {"c": capability})
    if station_id is not None and station_id not in token.station_ids():
        audit(request, AuditEvent.REFUSED, capability, reason="station", asked=station_id)
        raise Problem(403, "station", _("This token is not for that station."))
    return token


def station_of(request, code, capability):
    token = request.auth
    station = token.stations.filter(code=code).first()
    if station is None:
        audit(request, AuditEvent.REFUSED, capability, reason="station", asked=code)
        raise Problem(403, "station", _("This token is not for that station."),
                      errors=[{"field": "station", "messages": [_("Not one of the token's stations.")]}])
    return station


# --- Schemas ------------------------------------------------------------------------------------


class NoticeOut(Schema):
    id: int
    url: str
    photo_url: str
    name: str
    sex: Literal["M", "F", "U"]
    age_min: int | None
    age_max: int | None
    height_cm: int | None
    features: str
    clothing: str
    found_on: datetime.date
    found_place: str
    station: str
    station_code: str
    station_phone: str
    published_at: datetime.datetime | None
    updated_at: datetime.datetime | None


class NoticePage(Schema):
    items: list[NoticeOut]
    next_page: int | None


class NoticeFilters(Schema):
    station: str | None = None
    sex: str | None = None
    age_from: int | None = None
    age_to: int | None = None
    found_from: datetime.date | None = None
    found_to: datetime.date | None = None
    page: int = 1


class ReportIn(Schema):
    """The desk's family report fields (family.forms.reports.FamilyReportForm), as multipart form fields."""

    station: str = Field(description="The code of the station (one of the token's) that handles the report.")
    reporter_name: str
    reporter_relation: str
    reporter_phone: str
    reporter_id_number: str | None = None
    name: str | None = None
    aliases: str | None = None
    sex: Literal["M", "F", "U"] | None = None
    date_of_birth: str | None = Field(None, description="YYYY-MM-DD")
    age_min: str | None = None
    age_max: str | None = None
    id_number: str | None = None
    native_place: str | None = None
    dialect: str | None = None
    height_cm: str | None = None
    last_seen_on: str | None = Field(None, description="YYYY-MM-DD")
    last_seen_place: str | None = None
    description: str | None = None
    health: str | None = None


class Candidates(Schema):
    proposed: int
    confirmed: int
    rejected: int


class ReportStatus(Schema):
    id: int
    reference: str
    state: str
    filed_at: datetime.datetime
    searching: bool
    candidates: Candidates
    station: str
    station_phone: str


class ListRow(Schema):
    line: int | None = None
    name: str = ""
    id_number: str = ""
    birth_date: str = ""


class ListIn(Schema):
    station: str
    kind: Literal["deaths", "household"] = ListKind.DEATHS
    month: str = Field(description="YYYY-MM: the month the list is for")
    rows: list[ListRow]


class ListOut(Schema):
    id: int
    kind: str
    month: str
    station: str
    received_at: datetime.datetime
    rows: int
    hits: int


class QueryItem(Schema):
    file_no: str = ""
    name: str = ""
    id_number: str = ""
    birth_date: str = ""
    line: int | str | None = ""
    source_values: dict = {}


class QueryOut(Schema):
    id: int
    reference: str
    station: str
    station_name: str
    department_name: str
    question: str
    items: list[QueryItem]
    state: Literal["sent", "answered"]
    sent_at: datetime.datetime
    answered_at: datetime.datetime | None
    answer: str


class AnswerIn(Schema):
    answer: str = Field(description="The partner's answer, in its own words (at most 4000 characters).",
                        max_length=4000)


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[dict] | None = None


ERRORS = {401: ProblemOut, 403: ProblemOut, 404: ProblemOut, 409: ProblemOut, 413: ProblemOut, 422: ProblemOut,
          429: ProblemOut}

# --- Notices --------------------------------------------------------------------------------------

router = Router()


@router.get("/notices", response={200: NoticePage, **ERRORS}, url_name="notices")
def list_notices(request, filters: Query[NoticeFilters]):
    """The published notices of the token's stations (read_notices), newest first, 50 a page."""
    token = allowed(request, Capability.READ_NOTICES)
    params = {k: v for k, v in filters.dict().items() if v is not None and k != "page"}
    cases, _used = notices.search(params)
    cases = cases.filter(station__in=token.stations.all())
    rows, more = notices.notice_page(cases, filters.page)
    base = request.build_absolute_uri("/").rstrip("/")
    items = [notices.public_notice(c, base) for c in rows]
    audit(request, AuditEvent.LIST, Capability.READ_NOTICES, [n["id"] for n in items])
    return Status(200, {"items": items, "next_page": filters.page + 1 if more else None})


@router.get("/notices/{int:pk}", response={200: NoticeOut, **ERRORS}, url_name="notice")
def get_notice(request, pk: int):
    token = allowed(request, Capability.READ_NOTICES)
    case = notices.published_notice(pk)
    if case is None or not token.stations.filter(pk=case.station_id).exists():
        audit(request, AuditEvent.REFUSED, Capability.READ_NOTICES, reason="not_its_notice", asked=pk)
        raise Problem(403, "not_yours", _("No published notice of the token's stations has this number."))
    audit(request, AuditEvent.VIEW, Capability.READ_NOTICES, [pk], station=case.station)
    return Status(200, notices.public_notice(case, request.build_absolute_uri("/").rstrip("/")))


# --- Family reports -------------------------------------------------------------------------------


@router.post("/reports", response={201: ReportStatus, 200: ReportStatus, **ERRORS}, url_name="reports")
def file_report(request, payload: Form[ReportIn], photos: File[list[UploadedFile]] = None):
    """File a family report with photos (file_reports), checked and searched exactly as at the desk. Send
    an `Idempotency-Key` header (a UUID): the same key again returns the report already filed (200)."""
    token = allowed(request, Capability.FILE_REPORTS)
    station = station_of(request, payload.station, Capability.FILE_REPORTS)
    key = request.headers.get("Idempotency-Key", "")
    try:
        submit_token = uuid.UUID(key) if key else None
    except ValueError:
        raise Problem(422, "invalid", _("Some fields are not valid."),
                      errors=[{"field": "Idempotency-Key", "messages": [_("Not a UUID.")]}]) from None
    before = services.repeated_report(token=token, submit_token=submit_token)
    if before is not None:
        audit(request, AuditEvent.VIEW, Capability.FILE_REPORTS, [before.report.pk], station=station, repeated=True)
        return Status(200, selectors.report_status(before))
    data = request.POST.copy()
    data["submit_token"] = str(submit_token) if submit_token else ""
    form = PartnerReportForm(data, request.FILES)
    if not form.is_valid():
        errors = [{"field": name if name != "__all__" else "body", "messages": [str(m) for m in messages]}
                  for name, messages in form.errors.items()]
        audit(request, AuditEvent.REFUSED, Capability.FILE_REPORTS, reason="invalid", station_code=station.code,
              fields=sorted(form.errors))
        raise Problem(422, "invalid", _("Some fields are not valid."), errors=errors)
    filing = services.file_report(token=token, station=station, form=form,
                                  origin={"ip": client_ip(request), "path": request.path})
    audit(request, AuditEvent.CREATE, Capability.FILE_REPORTS, [filing.report.pk], station=station,
          report=filing.report.reference, photos=len(form.cleaned_data["photos"]))
    return Status(201, selectors.report_status(filing))


@router.get("/reports", response={200: list[ReportStatus], **ERRORS}, url_name="report_list")
def list_reports(request):
    """The partner's own reports (read_reports), newest first, at most 200."""
    token = allowed(request, Capability.READ_REPORTS)
    filings = list(selectors.partner_reports(token)[:200])
    audit(request, AuditEvent.LIST, Capability.READ_REPORTS, [f.report_id for f in filings])
    return Status(200, [selectors.report_status(f) for f in filings])


@router.get("/reports/{int:pk}", response={200: ReportStatus, **ERRORS}, url_name="report")
def report_status(request, pk: int):
    """The status of a report this partner filed (read_reports); any other report: 403."""
    token = allowed(request, Capability.READ_REPORTS)
    filing = selectors.partner_report(token, pk)
    if filing is None:
        audit(request, AuditEvent.REFUSED, Capability.READ_REPORTS, reason="not_its_report", asked=pk)
        raise Problem(403, "not_yours", _("This report was not filed by this partner for the token's stations."))
    audit(request, AuditEvent.VIEW, Capability.READ_REPORTS, [pk], station=filing.report.station)
    return Status(200, selectors.report_status(filing))


# --- Lists for comparison ---------------------------------------------------------------------------


@router.post("/lists", response={201: ListOut, **ERRORS}, url_name="lists")
def submit_list(request, payload: ListIn):
    """Submit a list (death records, household records) for one of the token's stations (submit_lists):
    compared at once with the station's files; each hit is a problem naming the partner as its source."""
    token = allowed(request, Capability.SUBMIT_LISTS)
    station = station_of(request, payload.station, Capability.SUBMIT_LISTS)
    try:
        month = datetime.date.fromisoformat(f"{payload.month}-01")
    except ValueError:
        raise Problem(422, "invalid", _("Some fields are not valid."),
                      errors=[{"field": "month", "messages": [_("Give the month as YYYY-MM.")]}]) from None
    if len(payload.rows) > settings.API_MAX_ROWS:
        raise Problem(413, "too_large", _("The list is too long."),
                      _("At most %(n)s rows; send it in parts.") % {"n": settings.API_MAX_ROWS})
    try:
        submission = services.submit_rows(token=token, station=station, kind=payload.kind, month=month,
                                          rows=[r.dict() for r in payload.rows])
    except SheetRefused as e:
        audit(request, AuditEvent.REFUSED, Capability.SUBMIT_LISTS, reason="unreadable", station_code=station.code)
        raise Problem(422, "invalid", _("The list cannot be read."), str(e.message)) from None
    summary = selectors.list_summary(submission)
    audit(request, AuditEvent.CREATE, Capability.SUBMIT_LISTS, [submission.pk], station=station,
          rows=summary["rows"], hits=summary["hits"])
    return Status(201, summary)


@router.get("/lists/{int:pk}", response={200: ListOut, **ERRORS}, url_name="list")
def get_list(request, pk: int):
    token = allowed(request, Capability.SUBMIT_LISTS)
    submission = selectors.partner_lists(token).filter(pk=pk).first()
    if submission is None:
        audit(request, AuditEvent.REFUSED, Capability.SUBMIT_LISTS, reason="not_its_list", asked=pk)
        raise Problem(403, "not_yours", _("This list was not sent by this partner for the token's stations."))
    audit(request, AuditEvent.VIEW, Capability.SUBMIT_LISTS, [pk], station=submission.station)
    return Status(200, selectors.list_summary(submission))


# --- Queries about doubtful data ------------------------------------------------------------------


@router.get("/queries", response={200: list[QueryOut], **ERRORS}, url_name="queries")
def list_queries(request, state: Literal["sent", "answered"] | None = None):
    """The queries about doubtful data the token's stations sent to this partner (answer_queries), newest
    first, at most 200; `state=sent` for those awaiting the answer."""
    token = allowed(request, Capability.ANSWER_QUERIES)
    sendings = selectors.partner_queries(token)
    if state:
        sendings = sendings.filter(query__state=state)
    sendings = list(sendings[:200])
    audit(request, AuditEvent.LIST, Capability.ANSWER_QUERIES, [s.query_id for s in sendings])
    return Status(200, [selectors.query_for_partner(s) for s in sendings])


def sent_query(request, pk):
    token = allowed(request, Capability.ANSWER_QUERIES)
    sending = selectors.partner_query(token, pk)
    if sending is None:
        audit(request, AuditEvent.REFUSED, Capability.ANSWER_QUERIES, reason="not_its_query", asked=pk)
        raise Problem(403, "not_yours", _("This query was not sent to this partner by the token's stations."))
    return token, sending


@router.get("/queries/{int:pk}", response={200: QueryOut, **ERRORS}, url_name="query")
def get_query(request, pk: int):
    """A query sent to this partner (answer_queries): its question and disputed items."""
    _token, sending = sent_query(request, pk)
    audit(request, AuditEvent.VIEW, Capability.ANSWER_QUERIES, [pk], station=sending.query.station,
          files=[i.get("file_no") for i in sending.query.items if i.get("file_no")])
    return Status(200, selectors.query_for_partner(sending))


@router.post("/queries/{int:pk}/answer", response={200: QueryOut, **ERRORS}, url_name="query_answer")
def answer_query(request, pk: int, payload: AnswerIn):
    """Answer a query sent to this partner (answer_queries), once: recorded as the station records a
    department's answer, dated now. Already answered: 409."""
    token, sending = sent_query(request, pk)
    station = sending.query.station
    try:
        sending = services.answer_sent_query(token=token, sending=sending, answer=payload.answer)
    except WorkflowError as e:
        audit(request, AuditEvent.REFUSED, Capability.ANSWER_QUERIES, reason="step", asked=pk, station=station)
        raise Problem(409, "state", _("This query cannot be answered now."), str(e.message)) from None
    except ModelValidationError as e:
        audit(request, AuditEvent.REFUSED, Capability.ANSWER_QUERIES, reason="invalid", asked=pk, station=station)
        errors = [{"field": name if name != "__all__" else "body", "messages": [str(m) for m in messages]}
                  for name, messages in e.message_dict.items()]
        raise Problem(422, "invalid", _("Some fields are not valid."), errors=errors) from None
    audit(request, AuditEvent.CHANGE, Capability.ANSWER_QUERIES, [pk], station=station, answered=True)
    return Status(200, selectors.query_for_partner(sending))


api.add_router("/", router)
