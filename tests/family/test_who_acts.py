"""Staff who see a candidate "to check" without the buttons are told who acts on it."""

from django.urls import reverse

from family.models import Candidate


def test_reception_and_the_head_are_told_that_a_supervisor_decides(client_as, station, reception, supervisor, head,
                                                                    committed, resident, take_report):
    resident(station, reception, committed, face="biden_2", sex="M")
    report = take_report(reception, committed, photos=["biden_1"], sex="M")
    candidate = Candidate.objects.get(report=report)
    assert candidate.state == "proposed"
    for user in (reception, head):
        page = client_as(user).get(report.get_absolute_url()).content.decode()
        assert "who-acts" in page and f"A supervisor of {station.name} confirms or rejects" in page
        assert reverse("family:review", args=[candidate.pk, "confirm"]) not in page
    page = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    assert "who-acts" not in page and reverse("family:review", args=[candidate.pk, "confirm"]) in page
