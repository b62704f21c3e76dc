"""`make run` loads the demo through `manage.py seed_demo`: every app's demo, through the same services
as the pages, and nothing twice."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange.models import ListSubmission
from exchange.selectors import month_exchange
from face.models import Portrait
from family.finding import rank_reports
from family.models import Candidate, FamilyReport
from oversight import figures
from oversight.models import DataComparison, Problem, ProblemKind
from shelter.models import (
    Belonging,
    Body,
    Death,
    DeathReportSending,
    Person,
    SecondCheck,
    Service,
    Station,
    Stay,
    Transfer,
    User,
)
from shelter.selectors import death_reports_due
from shelter.services import accept_transfer
from tracing.models import Clue, TracingCase


def test_the_demo_loads_every_app_once(db, django_capture_on_commit_callbacks, client_as):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=out)
    assert "Demo data loaded." in out.getvalue() and "gz-supervisor" in out.getvalue()
    assert set(Station.objects.values_list("code", flat=True)) == {"GZ", "FS"}
    # The demo's transfer waits for the receiving station: that stay is in transfer (issue 22).
    assert set(Stay.objects.values_list("state", flat=True)) == {"reception", "in_care", "in_transfer", "departed",
                                                                "deceased"}
    # Registered as the intake page registers: by a staff member, with what the person carried.
    assert not Stay.objects.filter(entered_by__isnull=True).exists() and Belonging.objects.exists()
    assert TracingCase.objects.open().filter(notice_met_at__isnull=False).exists()
    assert Portrait.objects.filter(encoding__isnull=False).count() == 3
    assert FamilyReport.objects.count() == 2 and Candidate.objects.exists()
    # 李秀英's interview at GZ: the accepted clues (隆回, her daughter 王芳) put FS's report first.
    li = Person.objects.get(station__code="GZ", name="李秀英")
    assert Clue.objects.filter(interview__stay__person=li, state="accepted").count() == 2
    assert rank_reports(li)[0].report.station.code == "FS"
    # ... and rank her up among the FS report's candidates, saying which clue did it.
    found = Candidate.objects.get(report__station__code="FS", person=li)
    assert found.clue_score > 0 and any("湖南省邵阳市隆回县" in text for text in found.clue_reasons())
    people = Person.objects.count()
    # The month has something to show for this month and the last, and the inspector logs in.
    this = figures.this_month()
    last = (this - datetime.timedelta(days=1)).replace(day=1)
    month = figures.compute(None, last, this)
    for key in ("arrivals", "departures", "in_station", "payments", "families_found"):
        assert month.value(key, last) > 0, key  # the previous month's demo people (devtools.demo.PREVIOUS)
    assert month.value("in_station", this) > 0
    assert month.value("found_interview", this) == 1  # a family found through interview clues (营山县)
    assert month.value("repeat_arrivals") == 2  # 黄海 came back, at GZ and at FS
    assert "inspector" in out.getvalue()
    # The GZ supervisor sees data-quality problems of several kinds, comparison hits among them.
    kinds = set(Problem.objects.filter(station__code="GZ").values_list("kind", flat=True))
    assert {ProblemKind.ID_CONTRADICTS, ProblemKind.COMPARISON_HIT} <= kinds and len(kinds) >= 4, kinds
    assert len(DataComparison.objects.get(source="广州市公安局户籍科").hits) == 2
    # The police's death records came by the API: each hit a problem naming them; the health commission's
    # list of the month has not come (the exchange's month page).
    deaths = ListSubmission.objects.get(partner__code="gz-police")
    assert len(deaths.comparison.hits) == 2
    assert Problem.objects.filter(kind=ProblemKind.COMPARISON_HIT, params__source="广州市公安局").count() == 2
    rows = month_exchange(User.objects.get(username="gz-supervisor"), timezone.localdate())
    assert {p.code: bool(got) for p, stations in rows for _s, got in stations} == {"gz-police": True,
                                                                                 "gz-health": False}
    assert "Demo API token" in out.getvalue()
    # What the roles look at: belongings counted out, a late entry with its reason, an unknown
    # person transferred or dead whose case stays open, reviews due, a death report sent, a transfer waiting.
    assert not Belonging.objects.filter(stay__state="departed", outcome="").exists()
    assert Service.objects.filter(late=True).exclude(late_reason="").exists()
    assert TracingCase.objects.open().filter(stay__state__in=["departed", "deceased"]).count() >= 2
    assert Stay.objects.filter(review_due_at__lte=timezone.now()).exists()
    assert DeathReportSending.objects.exists()
    # A death reported up the chain, and one whose report (to the police) is due on the board; an
    # unclaimed body with its claim deadline.
    assert Death.objects.filter(report_met_at__isnull=False).exists()
    gz = Stay.objects.filter(person__station__code="GZ")
    assert death_reports_due(gz, timezone.now())["overdue"]
    assert Body.objects.filter(state="kept", claim_due_at__gt=timezone.now()).exists()
    # The GZ board: a police sample and a household registration due, each from its own clock (issue 22).
    gz_cases = TracingCase.objects.filter(station__code="GZ")
    for kind in ("sample", "household", "interview"):
        assert gz_cases.stage_counts(kind, timezone.now())["overdue"] >= 1, kind
    # A decision waiting for its second pair of eyes: an identity confirmed at the desk at night, on the
    # GZ supervisor's list of checks, the girl unidentified for the clocks until it is checked.
    waiting = SecondCheck.objects.get(state="pending")
    assert (waiting.decision, waiting.entered_by.username) == ("identity", "gz-reception")
    assert waiting.target.case.stay.person.name == "赵小红" and waiting.target.case.stay.identity != "confirmed"
    listed = client_as(User.objects.get(username="gz-supervisor")).get(reverse("shelter:checks"))
    assert "赵小红" in listed.content.decode()
    transfer = Transfer.objects.get(state="proposed", from_station__code="GZ", to_station__code="FS")
    case = TracingCase.objects.get(stay=transfer.stay)
    stay = accept_transfer(transfer=transfer, by=User.objects.get(username="fs-reception"),
                           stay=Stay(arrived_at=timezone.now()))
    case.refresh_from_db()
    assert (case.stay, case.station.code, case.is_open) == (stay, "FS", True)

    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "already loaded" in again.getvalue() and Person.objects.count() == people
