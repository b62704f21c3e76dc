"""Failed shots fold into one line on the file; a supervisor may hide one, with a reason: kept, audited,
never deleted (issue 25)."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from face.models import Portrait
from face.services import take_portrait
from shelter.models import AuditEvent


def wall():
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (150, 140, 125)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def shots(stay, reception, webcam):
    person = stay.person
    failed = [take_portrait(person=person, data=wall(), by=reception, source=Portrait.WEBCAM)[0] for _ in range(3)]
    good, _quality = take_portrait(person=person, data=webcam("obama_1"), by=reception, source=Portrait.WEBCAM)
    assert not any(p.accepted for p in failed) and good.accepted
    return person, failed, good


def test_failed_shots_fold_into_one_line_on_the_file(shots, reception, client_as):
    person, failed, good = shots
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    folded = page[page.index('id="failed-shots"'):]
    folded = folded[:folded.index("</details>")]
    assert "3 failed shots, kept in the file" in folded
    assert all(reverse("face:portrait", args=[p.pk]) in folded for p in failed)
    assert reverse("face:portrait", args=[good.pk]) not in folded
    assert reverse("face:hide", args=[failed[0].pk]) not in page  # reception does not hide


def test_a_supervisor_hides_a_failed_shot_kept_and_audited(shots, supervisor, reception, client_as):
    person, failed, good = shots
    client = client_as(supervisor)
    assert reverse("face:hide", args=[failed[0].pk]) in client.get(person.get_absolute_url()).content.decode()
    response = client.post(reverse("face:hide", args=[failed[0].pk]), {"reason": "对着墙拍的，无人像"})
    assert response.status_code == 302
    hidden = Portrait.objects.get(pk=failed[0].pk)  # kept
    assert hidden.hidden_at and hidden.hidden_by == supervisor and hidden.hidden_reason == "对着墙拍的，无人像"
    assert AuditEvent.objects.filter(action=AuditEvent.CHANGE, person=person, detail__hidden=True).exists()
    page = client.get(person.get_absolute_url()).content.decode()
    assert "2 failed shots, kept in the file" in page and "1 failed shot hidden by a supervisor" in page
    # Without a reason, an accepted portrait, and by reception: refused.
    client.post(reverse("face:hide", args=[failed[1].pk]), {"reason": ""})
    client.post(reverse("face:hide", args=[good.pk]), {"reason": "x"})
    assert not Portrait.objects.filter(pk__in=[failed[1].pk, good.pk], hidden_at__isnull=False).exists()
    assert client_as(reception).post(reverse("face:hide", args=[failed[2].pk]), {"reason": "x"}).status_code == 403
    assert Portrait.objects.filter(person=person).count() == 4
