"""SMS carry no personal data: a file number and a link only. Names, causes of death and places stay
in the system; an e-mail carries them only when the mail server is the bureau's own
(MAIL_SERVER_INTERNAL), otherwise it says what the SMS says."""

import json

from django.core import mail
from django.utils import timezone

from lib.notify import email_text, sms_text
from shelter import sweep
from shelter.models import Death, Person
from shelter.services import correct_stay, record_death


def sent_sms(settings):
    with open(settings.SMS_FILE_PATH, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_a_death_report_sms_names_the_file_and_links_to_it_but_names_no_one(
        stay, reception, supervisor, settings, django_capture_on_commit_callbacks, scan):
    settings.MAIL_SERVER_INTERNAL = True
    Person.objects.filter(pk=stay.person_id).update(name="王大明")
    stay.person.refresh_from_db()
    death = Death(died_at=timezone.now(), place="广州市第一人民医院", cause="心脏骤停", proof_kind="medical",
                  proof=scan("cert.pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        record_death(stay=stay, by=reception, death=death)
    [sms] = sent_sms(settings)
    assert sms["phone"] == supervisor.phone
    assert stay.person.file_no in sms["text"] and settings.SITE_URL + stay.person.get_absolute_url() in sms["text"]
    for private in ("王大明", "心脏骤停", "广州市第一人民医院"):
        assert private not in sms["text"]
    assert "王大明" in mail.outbox[0].subject and "心脏骤停" in mail.outbox[0].body  # the e-mail keeps the text


def test_a_review_reminder_sms_names_no_one(stay, supervisor, settings, django_capture_on_commit_callbacks):
    Person.objects.filter(pk=stay.person_id).update(name="李秀英")
    stay.arrived_at = timezone.now() - timezone.timedelta(days=40)
    correct_stay(stay=stay)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep.run()
    [sms] = sent_sms(settings)
    assert "李秀英" not in sms["text"] and stay.person.file_no in sms["text"]


def test_the_sms_text_is_a_reference_and_a_link(settings):
    settings.SITE_URL = "https://homeward.example.org"
    assert sms_text("GZ-2026-00042", "/people/42/") == (
        "Homeward: new notification about GZ-2026-00042. https://homeward.example.org/people/42/")
    assert sms_text("", "") == "Homeward: new notification."


def report_death(stay, reception, scan, capture):
    Person.objects.filter(pk=stay.person_id).update(name="王大明")
    stay.person.refresh_from_db()
    death = Death(died_at=timezone.now(), place="广州市第一人民医院", cause="心脏骤停", proof_kind="medical",
                  proof=scan("cert.pdf"))
    with capture(execute=True):
        record_death(stay=stay, by=reception, death=death)


def test_a_death_report_email_through_an_outside_mail_server_names_no_one(
        stay, reception, supervisor, settings, django_capture_on_commit_callbacks, scan):
    """By default (MAIL_SERVER_INTERNAL off) the e-mail is the SMS: the file number and the link."""
    assert settings.MAIL_SERVER_INTERNAL is False
    report_death(stay, reception, scan, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [supervisor.email]
    text = message.subject + message.body
    assert stay.person.file_no in message.subject
    assert settings.SITE_URL + stay.person.get_absolute_url() in message.body
    for private in ("王大明", "心脏骤停", "广州市第一人民医院"):
        assert private not in text


def test_the_email_text_is_a_reference_and_a_link(settings):
    settings.SITE_URL = "https://homeward.example.org"
    subject, body = email_text("GZ-2026-00042", "/people/42/", "en")
    assert subject == "Homeward: new notification about GZ-2026-00042."
    assert body == ("Homeward: new notification about GZ-2026-00042.\nLog in to read it.\n"
                    "https://homeward.example.org/people/42/")
    assert email_text("", "", "zh-hans")[0] == "回家系统：有新通知。"
