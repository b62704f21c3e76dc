"""A dead person's belongings and cash (issue 22) are counted out like a departure's: to the family, to the
police (say whom), or kept by the station with a reference; never "returned to the person". Counting them
out resolves the data-quality problem "belongings not counted out", which could only be accepted before."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from oversight import problem_sweep
from oversight.models import Problem, ProblemKind, ProblemState
from shelter.models import Belonging, Death, Stay
from shelter.services import count_out_belongings, record_death

DAY = datetime.timedelta(days=1)


@pytest.fixture
def dead(stay, reception, scan):
    arrived = timezone.now() - 10 * DAY
    Stay.objects.filter(pk=stay.pk).update(arrived_at=arrived)
    stay.arrived_at = arrived
    phone = stay.belongings.create(item="手机")
    cash = stay.belongings.create(item="现金（元）", quantity=35)
    record_death(stay=stay, by=reception, death=Death(
        died_at=timezone.now() - 2 * datetime.timedelta(hours=1), place="站内", cause="病故", proof_kind="medical", proof=scan("cert.pdf")))
    stay.refresh_from_db()
    return stay, phone, cash


def test_the_belongings_go_to_the_family_the_police_or_are_kept_with_a_reference(dead, reception):
    stay, phone, cash = dead
    count_out_belongings(stay=stay, by=reception, counted_out={
        phone.pk: ("police", "天河派出所 李警官", ""), cash.pk: ("kept", "", "站保管登记 2026-014")})
    rows = {b.item: (b.outcome, b.handed_to, b.reference, b.counted_out_by) for b in stay.belongings.all()}
    assert rows == {"手机": ("police", "天河派出所 李警官", "", reception),
                    "现金（元）": ("kept", "", "站保管登记 2026-014", reception)}


@pytest.mark.parametrize("outcome, handed_to, reference, field", [
    ("returned", "", "", "has died"),  # nothing is returned to the dead
    ("kept", "", "", "reference"),  # kept without a reference
    ("family", "", "", "to whom"),  # handed to nobody
])
def test_what_is_refused(dead, reception, outcome, handed_to, reference, field):
    stay, phone, _cash = dead
    with pytest.raises(ValidationError) as e:
        count_out_belongings(stay=stay, by=reception, counted_out={phone.pk: (outcome, handed_to, reference)})
    assert field in " ".join(e.value.message_dict[f"belonging_{phone.pk}"])
    assert Belonging.objects.get(pk=phone.pk).outcome == ""


def test_only_a_dead_persons_belongings_are_counted_out_so(stay, reception):
    phone = stay.belongings.create(item="手机")
    with pytest.raises(ValidationError):
        count_out_belongings(stay=stay, by=reception, counted_out={phone.pk: ("family", "女儿", "")})


def test_an_item_counted_out_is_not_counted_out_again(dead, reception):
    stay, phone, cash = dead
    count_out_belongings(stay=stay, by=reception, counted_out={phone.pk: ("family", "女儿 李梅", "")})
    again = count_out_belongings(stay=stay, by=reception, counted_out={phone.pk: ("police", "派出所", "")})
    assert again == [] and Belonging.objects.get(pk=phone.pk).outcome == "family"


def test_counting_them_out_resolves_the_problem(dead, reception):
    stay, phone, cash = dead
    later = timezone.now() + 2 * DAY
    problem_sweep.run(later)
    problem = Problem.objects.get(kind=ProblemKind.BELONGINGS, stay=stay)
    assert problem.state == ProblemState.OPEN
    count_out_belongings(stay=stay, by=reception, counted_out={
        phone.pk: ("family", "女儿 李梅", ""), cash.pk: ("family", "女儿 李梅", "收条 2026-3")})
    problem_sweep.run(later)
    problem.refresh_from_db()
    assert problem.state == ProblemState.FIXED


def test_the_page_counts_them_out_and_keeps_what_was_typed_on_a_refusal(dead, client_as, reception):
    stay, phone, cash = dead
    client = client_as(reception)
    url = reverse("shelter:death_belongings", args=[stay.pk])
    response = client.post(url, {f"belonging_{phone.pk}": "kept", f"belonging_{phone.pk}_to": "库房"})
    assert response.status_code == 200 and "库房" in response.content.decode()
    assert Belonging.objects.get(pk=phone.pk).outcome == ""
    response = client.post(url, {f"belonging_{phone.pk}": "family", f"belonging_{phone.pk}_to": "女儿 李梅",
                                 f"belonging_{cash.pk}": "kept", f"belonging_{cash.pk}_ref": "站保管 2026-1"})
    assert response.status_code == 302
    page = client.get(reverse("shelter:death_report", args=[stay.pk])).content.decode()
    assert "女儿 李梅" in page and "站保管 2026-1" in page


def test_the_file_leads_to_counting_them_out_until_they_are(dead, client_as, reception):
    stay, phone, cash = dead
    client = client_as(reception)
    target = reverse("shelter:death_report", args=[stay.pk]) + "#belongings"
    assert target in client.get(stay.person.get_absolute_url()).content.decode()
    count_out_belongings(stay=stay, by=reception, counted_out={
        phone.pk: ("family", "女儿 李梅", ""), cash.pk: ("family", "女儿 李梅", "")})
    assert target not in client.get(stay.person.get_absolute_url()).content.decode()
