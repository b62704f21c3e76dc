"""What the file page says (issue 25): the right words, nothing empty, nothing internal."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from shelter.models import Belonging
from tests.shelter.test_input_limits import intake


def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_a_case_step_is_not_a_file_correction_on_the_timeline(client_as, supervisor, stay, publish):
    type(stay).objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=2))
    publish(stay.tracing_case, supervisor)
    client = chinese(client_as(supervisor))
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("tracing:act", args=[stay.tracing_case.pk, "dna"]),
                           {"police_unit": "天河分局", "sent_at": sent,
                            "no_query_reason": "本人无法说出姓名、住址，未携带证件"})  # no quick query yet (issue 22)
    assert response.status_code == 302
    page = client.get(stay.person.get_absolute_url()).content.decode()
    assert "档案更正" not in page


def test_cash_in_the_belongings_is_one_item_with_its_amount(client_as, reception):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{
        "s-belongings_text": "现金（元） 77\n钱包 1\n衣服 3件"}))
    assert response.status_code == 302
    assert sorted(Belonging.objects.values_list("item", "quantity")) == [("现金 77元", 1), ("衣服", 3), ("钱包", 1)]


def test_the_departure_form_marks_each_field_with_its_kinds_and_says_what_is_needed(client_as, reception, stay):
    page = chinese(client_as(reception)).get(reverse("shelter:depart", args=[stay.pk])).content.decode()
    wrappers = {name: classes for classes, name in re.findall(
        r'<div class="kind-field([^"]*)">\s*<div class="field[^"]*">\s*<label for="id_(\w+)"', page)}
    assert "for-transfer" in wrappers["receiver_name"] and "for-transfer" not in wrappers["ticket_no"]
    assert "kinded" not in wrappers["departed_at"]  # for every kind
    receiver = page[page.index('for="id_receiver_name"'):page.index('for="id_receiver_relation"')]
    assert "以下离站方式必填" in receiver and "转" in receiver.split("以下离站方式必填")[1]
