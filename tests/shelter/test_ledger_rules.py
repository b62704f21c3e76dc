"""The register keeps the ledger rules: belongings counted out item by item, no silent back-filling
(a late entry needs a reason and waits for a supervisor), no service before the arrival."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shelter.models import Departure, LateEntryError, Service, Stay
from shelter.services import depart_stay


def ticket(**kw):
    values = dict(kind="ticket", destination="湖南省邵阳市", ticket_no="G1234-05A", departed_at=timezone.now())
    values.update(kw)
    return Departure(**values)


def minute(at):
    return timezone.localtime(at).strftime("%Y-%m-%dT%H:%M")


# --- Belongings counted out ----------------------------------------------------------------------------------


def test_a_departure_without_counting_out_each_belonging_is_refused(stay, reception):
    phone = stay.belongings.create(item="手机", quantity=1)
    with pytest.raises(ValidationError) as e:
        depart_stay(stay=stay, by=reception, departure=ticket())
    assert f"belonging_{phone.pk}" in e.value.message_dict
    stay = Stay.objects.get(pk=stay.pk)
    assert stay.state == "reception" and not Departure.objects.exists()
    assert stay.belongings.get().returned_at is None


def test_belongings_are_counted_out_item_by_item(stay, reception):
    phone = stay.belongings.create(item="手机", quantity=1)
    cash = stay.belongings.create(item="现金", quantity=35)
    knife = stay.belongings.create(item="水果刀", quantity=1)
    depart_stay(stay=stay, by=reception, departure=ticket(), counted_out={
        phone.pk: ("returned", ""), cash.pk: ("handed", "女儿 李梅"), knife.pk: ("kept", "")})
    rows = {b.item: (b.outcome, b.handed_to, b.returned_at is not None, b.counted_out_by)
            for b in Stay.objects.get(pk=stay.pk).belongings.all()}
    assert rows == {"手机": ("returned", "", True, reception), "现金": ("handed", "女儿 李梅", False, reception),
                    "水果刀": ("kept", "", False, reception)}


def test_an_item_handed_over_needs_to_whom(stay, reception):
    cash = stay.belongings.create(item="现金", quantity=35)
    with pytest.raises(ValidationError) as e:
        depart_stay(stay=stay, by=reception, departure=ticket(), counted_out={cash.pk: ("handed", " ")})
    assert "to whom" in " ".join(e.value.message_dict[f"belonging_{cash.pk}"])


def test_the_departure_form_asks_per_item_and_the_file_shows_it(client_as, reception, stay):
    phone = stay.belongings.create(item="手机", quantity=1)
    cash = stay.belongings.create(item="现金", quantity=35)
    client = client_as(reception)
    url = reverse("shelter:depart", args=[stay.pk])
    form_page = client.get(url).content.decode()
    assert f'name="belonging_{phone.pk}"' in form_page and "kept by the station" in form_page
    assert "checked" not in form_page.split('id="belongings"')[1].split("</fieldset>")[0]  # nothing pre-chosen
    data = {"kind": "ticket", "departed_at": minute(timezone.now()), "destination": "邵阳", "ticket_no": "K9"}
    # Not counted out: refused beside the item, nothing typed lost.
    response = client.post(url, {**data, f"belonging_{phone.pk}": "returned"})
    html = response.content.decode()
    assert response.status_code == 200 and "Say what became of this item" in html and "K9" in html
    assert Stay.objects.get(pk=stay.pk).is_open
    response = client.post(url, {**data, f"belonging_{phone.pk}": "returned", f"belonging_{cash.pk}": "handed",
                                 f"belonging_{cash.pk}_to": "儿子 张强"})
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(stay.person.get_absolute_url()).content.decode()
    assert "returned to the person" in page and "handed to 儿子 张强" in page


# --- No silent back-filling ----------------------------------------------------------------------------------


def test_a_late_service_without_a_reason_is_refused_beside_the_field(client_as, reception, stay):
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=3))
    client = client_as(reception)
    given = minute(timezone.now() - datetime.timedelta(hours=30))
    response = client.post(reverse("shelter:add_service", args=[stay.pk]),
                           {"svc-kind": "medical", "svc-given_at": given, "svc-notes": "复诊"})
    html = response.content.decode()
    assert response.status_code == 400 and "say why it is entered late" in html and "复诊" in html
    assert not Service.objects.exists()
    response = client.post(reverse("shelter:add_service", args=[stay.pk]), {
        "svc-kind": "medical", "svc-given_at": given, "svc-notes": "复诊", "svc-late_reason": "纸质登记补录"})
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.late and service.late_reason == "纸质登记补录"


def test_a_late_departure_without_a_reason_is_refused(stay, reception):
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=5))
    stay = Stay.objects.get(pk=stay.pk)
    with pytest.raises(ValidationError) as e:
        depart_stay(stay=stay, by=reception, departure=ticket(departed_at=timezone.now() - datetime.timedelta(days=2)))
    assert "late_reason" in e.value.message_dict
    depart_stay(stay=Stay.objects.get(pk=stay.pk), by=reception, departure=ticket(
        departed_at=timezone.now() - datetime.timedelta(days=2), late_reason="离站当日未及时登记"))
    assert Departure.objects.get().late


def test_a_late_entry_stays_on_the_supervisors_list_until_a_supervisor_has_seen_it(client_as, reception, supervisor,
                                                                                    stay):
    Stay.objects.filter(pk=stay.pk).update(arrived_at=timezone.now() - datetime.timedelta(days=3))
    at = timezone.now() - datetime.timedelta(days=2)
    service = Service(stay=Stay.objects.get(pk=stay.pk), kind="meal", given_at=at, entered_by=reception,
                      late_reason="停电后补录")
    service.full_clean()
    service.save()
    url = reverse("shelter:late")
    assert "停电后补录" in client_as(supervisor).get(url).content.decode()
    # The desk cannot mark it seen.
    with pytest.raises(LateEntryError):
        service.mark_late_seen(reception)
    assert client_as(reception).post(reverse("shelter:late_seen", args=["service", service.pk])).status_code == 403
    client = client_as(supervisor)
    assert client.post(reverse("shelter:late_seen", args=["service", service.pk])).status_code == 302
    service.refresh_from_db()
    assert service.late_seen_by == supervisor and service.late_seen_at is not None
    assert "停电后补录" not in client.get(url).content.decode()
    assert "停电后补录" in client.get(url + "?seen=1").content.decode()
    assert not service.mark_late_seen(supervisor)  # once


def test_an_entry_in_time_needs_no_reason(stay, reception):
    service = Service(stay=stay, kind="meal", given_at=timezone.now(), entered_by=reception)
    service.full_clean()
    service.save()
    assert not service.late


def test_a_service_dated_before_the_arrival_is_refused(client_as, reception, stay):
    before = minute(stay.arrived_at - datetime.timedelta(hours=2))
    response = client_as(reception).post(reverse("shelter:add_service", args=[stay.pk]),
                                         {"svc-kind": "meal", "svc-given_at": before, "svc-notes": "早饭"})
    html = response.content.decode()
    assert response.status_code == 400 and "The service is before the arrival." in html and "早饭" in html
    assert not Service.objects.exists()


# --- The police's handover form ------------------------------------------------------------------------------


def test_a_police_arrival_without_the_handover_form_warns_until_it_is_added(client_as, reception, scan):
    client = client_as(reception)
    data = {
        "p-sex": "M", "p-age_min": "50", "p-age_max": "60", "s-arrived_at": minute(timezone.now()),
        "s-found_place": "天河客运站", "s-brought_by": "police", "s-brought_by_name": "天河派出所 王警官",
        "s-mental_state": "normal", "s-identity": "unknown",
    }
    response = client.post(reverse("shelter:intake"), data, follow=True)
    html = response.content.decode()
    assert "without the handover form" in html and "police handover form missing" in html
    stay = Stay.objects.get()
    assert stay.handover_missing
    response = client.post(reverse("shelter:handover", args=[stay.pk]), {
        "handover_ref": "天公移字2026-118",
        "handover_document": scan("form.pdf")})
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert not stay.handover_missing and stay.handover_ref == "天公移字2026-118"
    assert "police handover form missing" not in client.get(stay.person.get_absolute_url()).content.decode()


def test_an_arrival_not_by_the_police_needs_no_handover_form(stay):
    stay.brought_by = "self"
    assert not stay.handover_missing
