"""What tracing's pages and letters say (issue 25): the clue's state in the button's word, the interviewer
apart from the next word, the relation of a name in the police letter."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from shelter.timeline import for_person
from tracing.models import Clue
from tracing.services import record_interview

WORDS = "俺是湖南的，屋里在隆回那边，俺哥叫王建军。"


@pytest.fixture
def interviewed(arrive, station, reception):
    stay = arrive(station, reception)
    return record_interview(stay=stay, by=reception, words=WORDS, interviewer="接待员 广州", language="湖南话")


def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


@pytest.mark.django_db
def test_an_accepted_clue_reads_as_accepted_not_received(interviewed, reception, client_as):
    client = chinese(client_as(reception))
    name = Clue.objects.get(interview=interviewed, kind="name")
    client.post(reverse("tracing:clue", args=[name.pk, "accept"]))
    page = client.get(interviewed.get_absolute_url()).content.decode()
    assert "已采纳" in page and "已接收" not in page
    assert "（哥" in page and "self" not in page


@pytest.mark.django_db
def test_the_interviewer_is_set_apart_on_the_timeline(interviewed, reception, client_as):
    chinese(client_as(reception))
    with translation.override("zh-hans"):
        titles = [str(e.title) for e in for_person(interviewed.stay.person)]
    assert "问询（问询人：接待员 广州）：发现" in " ".join(titles)
    assert "广州问询" not in " ".join(titles)


@pytest.mark.django_db
def test_the_police_letter_says_whose_name_it_is(interviewed, reception, client_as):
    client = chinese(client_as(reception))
    name = Clue.objects.get(interview=interviewed, kind="name")
    client.post(reverse("tracing:clue", args=[name.pk, "accept"]))
    place = Clue.objects.filter(interview=interviewed, kind="place").first()
    client.post(reverse("tracing:clue", args=[place.pk, "accept"]))
    letter = client.get(reverse("tracing:police_letter", args=[interviewed.pk]))
    assert letter["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter.content)).pages).replace(" ", "")
    assert "王建军（哥" in text


@pytest.mark.django_db
def test_the_publish_form_says_the_reference_or_link_rule_and_links_the_no_portrait_step(arrive, station, reception,
                                                                                        supervisor, client_as):
    stay = arrive(station, reception)
    url = reverse("tracing:act", args=[stay.tracing_case.pk, "publish"])
    page = chinese(client_as(supervisor)).get(url).content.decode()
    assert "此项与链接至少填写一项" in page  # said before the form refuses an empty reference
    assert reverse("tracing:act", args=[stay.tracing_case.pk, "no-portrait"]) in page
    assert reverse("face:capture", args=[stay.person.pk]) in page
    desk = chinese(client_as(reception)).get(url).content.decode()
    assert "请主管填写原因后准许无人像发布" in desk
