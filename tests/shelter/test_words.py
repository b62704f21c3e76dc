"""What the file page says (issue 25): the right words, nothing empty, nothing internal."""

import datetime

from django.urls import reverse
from django.utils import timezone


def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_a_case_step_is_not_a_file_correction_on_the_timeline(client_as, supervisor, stay, publish):
    type(stay).objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=2))
    publish(stay.tracing_case, supervisor)
    client = chinese(client_as(supervisor))
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("tracing:act", args=[stay.tracing_case.pk, "dna"]),
                           {"police_unit": "天河分局", "sent_at": sent})
    assert response.status_code == 302, [str(m) for m in response.context['messages']] + [response.context['form'].errors]
    page = client.get(stay.person.get_absolute_url()).content.decode()
    assert "档案更正" not in page
