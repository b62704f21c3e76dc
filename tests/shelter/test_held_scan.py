"""The handover scan chosen on an intake form that comes back with an error is held on the server, shown
as "attached: name.pdf" with a way to remove it, and stored with the arrival when the form is sent again."""

import re

from django.urls import reverse
from django.utils import timezone

from shelter.models import Stay


def form_data(**overrides):
    data = {
        "p-sex": "M", "p-age_min": "50", "p-age_max": "60",
        "s-arrived_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "s-found_place": "天河客运站", "s-brought_by": "police", "s-brought_by_name": "天河派出所 王警官",
        "s-handover_ref": "天公移字2026-118", "s-mental_state": "normal", "s-identity": "unknown",
    }
    data.update(overrides)
    return data


def held_id(html):
    match = re.search(r'name="s-handover_document-held" value="(\w+)"', html)
    return match.group(1) if match else None


def test_the_scan_is_kept_when_the_form_comes_back_and_stored_with_the_arrival(client_as, reception, scan, settings,
                                                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(reception)
    back = client.post(reverse("shelter:intake"), form_data(**{"s-found_place": "", "s-handover_document": scan("交接单.pdf")}))
    html = back.content.decode()
    assert back.status_code == 200 and not Stay.objects.exists()
    assert "Attached: 交接单.pdf" in html and "s-handover_document-held-remove" in html
    key = held_id(html)
    response = client.post(reverse("shelter:intake"), form_data(**{"s-handover_document-held": key}))
    assert response.status_code == 302
    stay = Stay.objects.get()
    assert stay.handover_document and not stay.handover_missing
    assert stay.handover_document.read().startswith(b"%PDF")
    assert not list((tmp_path / "held").iterdir())  # the held copy is gone


def test_a_held_scan_can_be_removed(client_as, reception, scan, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(reception)
    html = client.post(reverse("shelter:intake"), form_data(**{"s-found_place": "",
                                                               "s-handover_document": scan()})).content.decode()
    client.post(reverse("shelter:intake"), form_data(**{"s-handover_document-held": held_id(html),
                                                        "s-handover_document-held-remove": "1"}))
    assert not Stay.objects.get().handover_document


def test_another_session_cannot_use_a_held_scan(client, client_as, reception, make_user, station, scan, settings,
                                                tmp_path):
    settings.MEDIA_ROOT = tmp_path
    html = client_as(reception).post(reverse("shelter:intake"), form_data(**{
        "s-found_place": "", "s-handover_document": scan()})).content.decode()
    key = held_id(html)
    client.logout()
    other = make_user("reception2", "reception", station)
    client_as(other).post(reverse("shelter:intake"), form_data(**{"s-handover_document-held": key}))
    assert not Stay.objects.get().handover_document
