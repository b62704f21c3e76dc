"""The family report page updates itself: while the search runs it says so (never "no candidate" at
the same time) and htmx polls a small partial, which answers nothing until something changed, then the
candidates section with the new candidates; polling slows once the search is over and stops with the
report."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from family.models import FamilyReport
from family.services import register_report
from family.views.reports import search_progress


def poller(html):
    """The hidden element htmx polls: (url, interval), or None."""
    match = re.search(r'hx-get="(/family/reports/[^"]+)" hx-trigger="every (\w+)"', html)
    return (match.group(1).replace("&amp;", "&"), match.group(2)) if match else None


def test_the_report_page_polls_while_the_search_runs_and_shows_the_candidates_it_finds(
        client_as, station, reception, committed, resident, photo, django_capture_on_commit_callbacks):
    man = resident(station, reception, committed, face="obama_1", sex="M", age_min=60, age_max=70)
    client = client_as(reception)
    with django_capture_on_commit_callbacks(execute=False) as queued:  # the search waits in the queue
        report = register_report(report=FamilyReport(reporter_name="张伟", reporter_relation="儿子",
                                                     reporter_phone="13912345678", name="张德明", sex="M"),
                                 photos=[], by=reception)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "searching…" in page and "No candidate yet" not in page
    url, every = poller(page)
    assert every == "3s" and url.startswith(reverse("family:report_candidates", args=[report.pk]))
    unchanged = client.get(url, headers={"HX-Request": "true"})
    assert unchanged.status_code == 204  # nothing new: htmx leaves the page as it is

    report.photos.all().delete()
    with committed():
        for callback in queued:
            callback()
        client.post(reverse("family:report_photos", args=[report.pk]),
                    {"photos": [_upload(photo, "obama_3")]})
    fragment = client.get(url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert man.person.file_no in html and "candidate-" in html and "searching…" not in html
    assert poller(html)[1] == "60s"  # a new resident's portrait may still bring candidates

    report.refresh_from_db()
    assert client.get(poller(html)[0], headers={"HX-Request": "true"}).status_code == 204


def test_a_closed_report_does_not_poll(client_as, reception, supervisor, committed, take_report):
    report = take_report(reception, committed, name="张德明")
    client_as(supervisor).post(reverse("family:report_step", args=[report.pk, "close"]), {"reason": "家属已自行找到", "confirm": "yes"})
    page = client_as(reception).get(report.get_absolute_url()).content.decode()
    assert poller(page) is None and "searching…" not in page


def test_a_searched_report_is_not_pending(reception, committed, take_report):
    report = take_report(reception, committed, name="张德明")
    assert report.searched_at is not None and search_progress(report)["pending"] is False


def test_another_station_cannot_poll_a_report(client_as, other_station, committed, reception, take_report, make_user):
    report = take_report(reception, committed, name="张德明")
    stranger = make_user("sz", "supervisor", other_station)
    assert client_as(stranger).get(reverse("family:report_candidates", args=[report.pk])).status_code == 404


def _upload(photo, name):
    return SimpleUploadedFile(f"{name}.jpg", photo(name), "image/jpeg")
