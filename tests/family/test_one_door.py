"""One door for every write, when a match is judged: Candidate.confirm / reject review the candidate
and nothing else; family.services.confirm_candidate / reject_candidate make what follows (the report
confirmed or opened again, the tracing case moved to "family found" through tracing's service, the
staff told)."""

import pytest
from django.utils import timezone

from family.models import Candidate, FamilyReport
from family.services import confirm_candidate, register_report, reject_candidate
from lib import workflow
from shelter.models import Notification
from tests.factories import FamilyReportFactory
from tracing.models import Publication
from tracing.services import publish_notice


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def proposed(station, reception, arrive):
    """proposed(n=1): a report (its search not run) with n residents proposed, the first with a face."""
    def proposed(n=1):
        report = register_report(report=FamilyReportFactory.build(name="张德明", sex="M"), by=reception)
        found = []
        for i in range(n):
            stay = arrive(station, reception)
            found.append(Candidate.objects.create(report=report, person=stay.person, stay=stay, score=0.9 - i / 10,
                                                  face_distance=0.4 if i == 0 else None, description_score=0.8))
        FamilyReport.objects.filter(pk=report.pk).update(state="candidate_found")
        return found

    return proposed


def test_confirming_through_the_service_moves_the_case_and_tells_the_staff(proposed, supervisor, reception):
    candidate, = proposed()
    case = candidate.stay.tracing_case
    case.no_portrait_reason = "测试"
    case.save()
    publish_notice(case=case, by=reception, publication=Publication(channel="national", reference="N-1",
                                                                     published_at=timezone.now()))
    confirm_candidate(candidate=reload(candidate), by=supervisor, reason="儿子当面认出")
    case, report = reload(case), reload(candidate.report)
    assert reload(candidate).state == "confirmed"
    assert report.state == "confirmed" and report.matched_stay == candidate.stay
    assert case.state == "family_found" and case.found_channel == "face"
    assert set(case.publications.values_list("state", flat=True)) == {"withdrawn"}
    assert Notification.objects.filter(kind="family_confirmed").exists()


def test_the_confirm_transition_alone_moves_nothing_else(proposed, supervisor):
    candidate, = proposed()
    workflow.apply(candidate, "confirm", supervisor, reason="儿子当面认出")
    assert reload(candidate).state == "confirmed" and reload(candidate).reviewed_by == supervisor
    assert reload(candidate.report).state == "candidate_found"
    assert reload(candidate.stay.tracing_case).state == "open"
    assert not Notification.objects.filter(kind="family_confirmed").exists()


def test_rejecting_the_last_candidate_through_the_service_opens_the_report_again(proposed, supervisor):
    first, second = proposed(2)
    reject_candidate(candidate=first, by=supervisor, reason="不是他")
    assert reload(first.report).state == "candidate_found"  # one is left to review
    workflow.apply(reload(second), "reject", supervisor, reason="也不是他")
    assert reload(second.report).state == "candidate_found"  # the transition alone leaves the report
    third, = proposed()
    reject_candidate(candidate=third, by=supervisor, reason="不是他")
    assert reload(third.report).state == "open"
