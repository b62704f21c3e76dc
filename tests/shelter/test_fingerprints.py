"""Fingerprints on the file (issue 22): taken, with the national system's reference, or not taken and why;
a correction keeps the old answer in the audit log; the month's figures count them (tests/oversight/
test_month.py: fingerprints_taken, fingerprints_not_taken)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shelter.forms import CorrectionForm, PersonForm
from shelter.models import AuditEvent, Person


def test_fingerprints_not_taken_need_the_reason(person):
    person.fingerprints = "not_taken"
    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["station", "file_no"])
    assert "fingerprints_not_taken_reason" in refused.value.message_dict
    person.fingerprints_not_taken_reason = "本人拒绝"
    person.full_clean(exclude=["station", "file_no"])


def test_a_reference_goes_only_with_fingerprints_taken_and_a_reason_only_with_none(person):
    person.fingerprints, person.fingerprints_reference = "", "ZW-1"
    person.fingerprints_not_taken_reason = "手部受伤"
    with pytest.raises(ValidationError) as refused:
        person.full_clean(exclude=["station", "file_no"])
    assert set(refused.value.message_dict) == {"fingerprints_reference", "fingerprints_not_taken_reason"}


def test_the_intake_asks_for_the_fingerprints(client_as, reception):
    page = client_as(reception).get(reverse("shelter:intake")).content.decode()
    for name in ("p-fingerprints", "p-fingerprints_reference", "p-fingerprints_not_taken_reason"):
        assert f'name="{name}"' in page, name
    form = PersonForm({"sex": "U", "fingerprints": "not_taken"})
    assert not form.is_valid() and "fingerprints_not_taken_reason" in form.errors


def test_a_correction_records_the_fingerprints_on_the_file_and_in_the_audit_log(client_as, reception, person):
    data = {f: getattr(person, f) or "" for f in CorrectionForm.Meta.fields}
    data.update(fingerprints="taken", fingerprints_reference="ZW-4401-2026-0007", reason="公安已采集指纹")
    response = client_as(reception).post(reverse("shelter:correct", args=[person.pk]), data)
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert (person.fingerprints, person.fingerprints_reference) == ("taken", "ZW-4401-2026-0007")
    change = AuditEvent.objects.get(action="change", person=person)
    assert change.detail["changes"]["fingerprints"] == ["", "taken"]
    page = client_as(reception).get(person.get_absolute_url()).content.decode()
    assert "ZW-4401-2026-0007" in page

    data.update(fingerprints="not_taken", fingerprints_reference="", fingerprints_not_taken_reason="",
                reason="更正")
    refused = client_as(reception).post(reverse("shelter:correct", args=[person.pk]), data)
    assert refused.status_code in (200, 400) and "Say why the fingerprints were not taken." in refused.content.decode()
    assert Person.objects.get(pk=person.pk).fingerprints == "taken"
