"""Bad input is refused with a message beside the field, keeping what was typed: years before 1900,
belongings beyond what a row holds, line breaks and invisible-only names, impossible ages."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from shelter.models import Belonging, Death, Person, Stay
from shelter.services import record_death


def intake(**overrides):
    data = {
        "p-name": "", "p-sex": "M", "p-age_min": "60", "p-age_max": "70",
        "s-arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "s-found_place": "天河客运站",
        "s-brought_by": "police", "s-mental_state": "dementia", "s-identity": "unknown",
        "s-belongings_text": "手机 1", "s-intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def refused(response, field):
    assert response.status_code == 200, response.status_code
    form = response.context["stay_form"] if field.startswith("s-") else response.context["person_form"]
    errors = form.errors.get(field[2:])
    assert errors, form.errors
    assert not Person.objects.exists() and not Stay.objects.exists()
    return " ".join(errors)


@pytest.mark.parametrize("typed", ["0001-01-01T00:00", "1899-12-31T23:59"])
def test_an_arrival_before_1900_is_refused_beside_the_field(client_as, reception, typed):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"s-arrived_at": typed}))
    assert "before 1900" in refused(response, "s-arrived_at")
    assert typed in response.content.decode()  # what was typed is still there


def test_a_date_of_birth_before_1900_is_refused(client_as, reception):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"p-date_of_birth": "1850-05-01"}))
    assert "before 1900" in refused(response, "p-date_of_birth")


def test_a_dna_step_before_1900_is_refused_beside_the_field(client_as, supervisor, stay):
    case = stay.tracing_case
    response = client_as(supervisor).post(reverse("tracing:act", args=[case.pk, "dna"]), {
        "police_unit": "天河分局", "sent_at": "0001-01-01T00:00"})
    assert response.status_code == 400 and "before 1900" in response.content.decode()


@pytest.mark.parametrize("line, message", [
    ("x" * 101 + " 1", "at most 100 characters"),
    ("纸巾 40000", "less than or equal to 32767"),
    ("手套 0", "greater than or equal to 1"),
])
def test_a_belonging_the_model_refuses_is_named_beside_the_box(client_as, reception, line, message):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"s-belongings_text": f"手机 1\n{line}"}))
    text = refused(response, "s-belongings_text")
    assert "Line 2" in text and message in text
    assert not Belonging.objects.exists()


def test_a_thousand_belongings_lines_are_refused_beside_the_box(client_as, reception):
    """A pasted document is not a list of belongings: refused at once, with nothing stored (the departure
    form would take its time counting out thousands of lines)."""
    text = "\n".join("袜 1" for _ in range(1000))
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"s-belongings_text": text}))
    assert "at most 200 belongings" in refused(response, "s-belongings_text")
    assert not Belonging.objects.exists()


@pytest.mark.parametrize("name, message", [
    ("张\n三", "Line breaks and control characters"),
    ("张\x07三", "Line breaks and control characters"),
    ("\u200b\u200b", "only invisible characters"),
])
def test_a_name_with_a_line_break_or_nothing_visible_is_refused(client_as, reception, name, message):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"p-name": name}))
    assert message in refused(response, "p-name")


def test_a_reason_with_a_line_break_is_refused(client_as, supervisor, stay):
    response = client_as(supervisor).post(reverse("tracing:act", args=[stay.tracing_case.pk, "close"]), {
        "cause": "other", "reason": "重复\r\n登记"})
    assert response.status_code == 400 and "Line breaks and control characters" in response.content.decode()


def test_a_name_with_a_line_break_already_stored_does_not_stop_the_mail(stay, reception, supervisor, committed, scan,
                                                                        settings):
    """Files from before the rule: the death is still reported by e-mail (through the bureau's own mail
    server, so in full), its subject on one line."""
    settings.MAIL_SERVER_INTERNAL = True
    Person.objects.filter(pk=stay.person_id).update(name="张\n三")
    stay = Stay.objects.get(pk=stay.pk)
    with committed():
        record_death(stay=stay, by=reception, death=Death(
            died_at=timezone.now(), place="医务室", cause="心脏骤停", proof_kind="medical",
            proof=scan()))
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "\n" not in mail.outbox[0].subject and "张 三" in mail.outbox[0].subject


@pytest.mark.parametrize("field, value, message", [
    ("p-age_max", "200", "above 120"),
    ("p-age_min", "150", "above 120"),
    ("p-height_cm", "20", "between 30 and 250"),
])
def test_impossible_ages_and_heights_are_refused(client_as, reception, field, value, message):
    data = intake(**{field: value})
    if field == "p-age_min":
        data["p-age_max"] = "160"
    response = client_as(reception).post(reverse("shelter:intake"), data)
    assert message in refused(response, field)


def test_no_new_arrival_after_a_death(client_as, reception, stay, scan):
    record_death(stay=stay, by=reception, death=Death(
        died_at=timezone.now(), place="医务室", cause="心脏骤停", proof_kind="medical",
        proof=scan()))
    client = client_as(reception)
    page = client.get(stay.person.get_absolute_url()).content.decode()
    assert reverse("shelter:return", args=[stay.person.pk]) not in page
    response = client.post(reverse("shelter:return", args=[stay.person.pk]), intake(), follow=True)
    assert "died in the station" in response.content.decode()
    assert stay.person.stays.count() == 1


@pytest.mark.parametrize("typed", ["2101-01-01T00:00", "9999-12-31T23:59"])
def test_an_arrival_after_2100_is_refused_beside_the_field(client_as, reception, typed):
    response = client_as(reception).post(reverse("shelter:intake"), intake(**{"s-arrived_at": typed}))
    assert "after 2100" in refused(response, "s-arrived_at")
    assert typed in response.content.decode()


@pytest.mark.parametrize("query, message", [
    ({"arrived_from": "0001-01-01"}, "before 1900"),
    ({"arrived_to": "9999-12-31"}, "after 2100"),
    ({"arrived_from": "2101-01-01", "arrived_to": "9999-12-31"}, "after 2100"),
])
def test_a_day_out_of_the_registers_years_in_the_list_filters_is_said_beside_the_field(client_as, reception, person,
                                                                                          query, message):
    response = client_as(reception).get(reverse("shelter:people"), query)
    assert response.status_code == 200 and message in response.content.decode()
