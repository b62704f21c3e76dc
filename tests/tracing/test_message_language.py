"""The reasons tracing gives for the steps it takes itself are codes in the transition log, worded on
the person's file in the reader's language (not in that of whoever caused the step)."""

from django.conf import settings
from django.utils import translation

from shelter import timeline
from shelter.models import Identity, StateLog
from tracing.models import TracingCase


def closing_line(person):
    return next(e for e in timeline.for_person(person) if e.kind == "tracing" and e.at and e.detail
                and str(e.title) == str(translation.gettext("Tracing case: %(state)s") % {
                    "state": translation.gettext("closed")}))


def zh_reader(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    return client


def test_the_reason_the_system_gives_on_the_timeline_reads_in_the_readers_language(stay, reception, client_as):
    """The identity confirmed closes the tracing case; the reason the system gives is a code in the
    transition log, so the file reads it in each reader's language."""
    case = TracingCase.objects.get(stay=stay)
    with translation.override("en"):  # confirmed on an English screen
        stay.identity = Identity.CONFIRMED
        stay.save()
    log = StateLog.for_object(case).get(state="closed")
    assert log.reason_code == "close_cause" and log.reason_params == {"cause": "identity"}
    with translation.override("zh-hans"):
        assert str(closing_line(stay.person).detail) == "身份已确认"
    with translation.override("en"):
        assert str(closing_line(stay.person).detail) == "identity confirmed"
    page = zh_reader(client_as(reception)).get(stay.person.get_absolute_url()).content.decode()
    assert "寻亲个案：已结案</strong> — 身份已确认" in page
