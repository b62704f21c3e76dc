"""A deadline met late shows as late, and how late, on the case and on the file (not a green "met")."""

import datetime

from django.utils import timezone

HOUR = datetime.timedelta(hours=1)


def test_a_notice_published_after_its_24_hours_shows_as_late_by_how_much(client_as, station, reception, arrive,
                                                                          case_of, publish):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 40 * HOUR))
    publish(case, reception, when=case.stay.arrived_at + 30 * HOUR)  # 6 hours after the deadline
    client = client_as(reception)
    for url in (case.get_absolute_url(), case.stay.person.get_absolute_url()):
        page = client.get(url).content.decode()
        assert 'class="overdue met-late"' in page and "6\xa0hours after the deadline" in page


def test_a_notice_on_time_shows_as_met(client_as, station, reception, arrive, case_of, publish):
    case = case_of(arrive(station, reception, arrived_at=timezone.now() - 40 * HOUR))
    publish(case, reception, when=case.stay.arrived_at + 2 * HOUR)
    page = client_as(reception).get(case.get_absolute_url()).content.decode()
    assert "met-late" not in page and '<span class="met">' in page
