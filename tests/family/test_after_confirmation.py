"""After a match is confirmed at another station, the station handling the report sees what it may see
(the other station, the file number, "confirmed on ... by ...") and no link to a file it cannot open."""

from django.urls import reverse

from family.models import Candidate


def test_the_reporting_station_sees_the_confirmation_without_a_dead_link(client_as, station, other_station,
                                                                         reception, committed, make_user, resident,
                                                                         take_report):
    b_reception = make_user("b-reception", "reception", other_station)
    b_supervisor = make_user("b-supervisor", "supervisor", other_station)
    woman = resident(other_station, b_reception, committed, face="leslie_1", name="李秀英", sex="F")
    report = take_report(reception, committed, photos=["leslie_2"], name="李秀英", sex="F")
    candidate = Candidate.objects.get(report=report)
    client_as(b_supervisor).post(reverse("family:review", args=[candidate.pk, "confirm"]),
                                 {"reason": "视频核对", "channel": "report"})

    client = client_as(reception)
    page = client.get(report.get_absolute_url()).content.decode()
    file_url = woman.person.get_absolute_url()
    assert file_url not in page and client.get(file_url).status_code == 404  # it would be a dead link
    assert f"Found in file {woman.person.file_no} of {other_station.name}: confirmed on" in page
    assert "confirmed on" in page and "They compare and confirm or reject" not in page

    b_page = client_as(b_supervisor).get(report.get_absolute_url()).content.decode()
    assert f'href="{file_url}"' in b_page  # the resident's own station opens the file
