"""One journey per role through the demo, in Chinese, in a real browser (Debian's Chromium, its webcam
filming a real portrait), with a screenshot of every step in var/test-output/journeys/<role>/ (ignored by
git; the path is printed) for a person to look at:

- the desk registers an arrival, takes the portrait with the webcam, logs a meal and records the departure;
- the supervisor opens the board, publishes an overdue notice, opens its PDFs and confirms a family
  report's candidate;
- the station head reads the same pages with no button to act, and a write sent anyway is refused."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from face.models import Portrait
from family.models import Candidate
from shelter.models import Person, Service
from tests.records import CHROMIUM
from tracing.models import TracingCase

OUTPUT = Path(settings.BASE_DIR) / "var" / "test-output" / "journeys"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make system-deps)"),
]


class Journey:
    """Screenshots numbered in the order of the steps: <role>/01-<step>.png, ..."""

    def __init__(self, role, page):
        self.folder = OUTPUT / role
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.page, self.steps, self.started = page, 0, time.monotonic()
        page.set_default_timeout(15000)

    def shot(self, step):
        self.steps += 1
        self.page.screenshot(path=str(self.folder / f"{self.steps:02d}-{step}.png"))

    def done(self):
        print(f"\n{self.steps} screenshots in {self.folder} ({time.monotonic() - self.started:.1f} s)")


def test_the_desk_registers_photographs_serves_and_sees_off_a_person(demo, desk_browser, live_server):
    page = desk_browser("gz-reception")
    journey = Journey("reception", page)
    journey.shot("people")
    page.goto(live_server.url + reverse("shelter:intake"))
    page.check("input[name=p-sex][value=F]")
    page.fill("input[name=p-age_min]", "30")
    page.fill("input[name=p-age_max]", "35")
    page.fill("input[name=s-found_place]", "白云机场二号航站楼")
    page.select_option("select[name=s-brought_by]", "police")
    page.fill("input[name=s-brought_by_name]", "机场派出所 刘警官")
    journey.shot("intake")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/people/new/" not in url)
    person = Person.objects.latest("pk")
    assert person.age_min == 30 and person.stays.get().found_place == "白云机场二号航站楼"
    journey.shot("file")

    page.goto(live_server.url + reverse("face:capture", args=[person.pk]))
    page.wait_for_selector("#shutter:enabled", timeout=15000)  # the (fake) webcam is running
    journey.shot("capture")
    page.click("#shutter")
    page.wait_for_selector("#verdict:not([hidden])", timeout=15000)
    assert page.get_attribute("#verdict", "data-accepted") == "yes"
    journey.shot("verdict")
    assert Portrait.objects.get(person=person).is_main

    page.goto(live_server.url + person.get_absolute_url())
    page.select_option("select[name=svc-kind]", "meal")
    page.fill("input[name=svc-notes]", "午饭")
    journey.shot("service")
    page.click("form.service-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("午饭")
    assert Service.objects.filter(stay__person=person, kind="meal").exists()

    stay = person.stays.get()
    page.goto(live_server.url + reverse("shelter:depart", args=[stay.pk]))
    page.select_option("select[name=kind]", "ticket")
    page.fill("input[name=destination]", "湖南省长沙市")
    page.fill("input[name=ticket_no]", "G6011")
    journey.shot("departure")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/depart/" not in url)
    stay.refresh_from_db()
    assert stay.state == "departed"
    journey.shot("departed")
    journey.done()


def test_the_supervisor_publishes_a_notice_and_confirms_a_candidate(demo, desk_browser, live_server):
    page = desk_browser("gz-supervisor")
    journey = Journey("supervisor", page)
    assert page.url.endswith(reverse("oversight:board"))
    journey.shot("board")
    publish = page.locator("#notice-overdue a[href$='/do/publish/']").first
    case = TracingCase.objects.get(pk=int(publish.get_attribute("href").split("/")[3]))
    page.goto(live_server.url + case.get_absolute_url())
    no_portrait = page.locator("main a[href$='/do/no-portrait/']")
    if no_portrait.count():  # no portrait yet: the notice says why it goes out without one
        no_portrait.click()
        page.fill("input[name=reason]", "面部受伤，照片待补")
        journey.shot("no-portrait")
        page.click("button[type=submit].primary")
        page.wait_for_url(lambda url: "/do/" not in url)
    page.click("main a[href$='/do/publish/']")
    page.select_option("select[name=channel]", "national")
    page.fill("input[name=reference]", "全国寻亲-2026-118")
    journey.shot("publish")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/do/" not in url)
    case.refresh_from_db()
    assert case.notice_met_at is not None
    journey.shot("case")
    for name in ("tracing:notice_pdf", "tracing:dna_letter"):
        if name == "tracing:dna_letter" and not case.dna_met_at:
            continue
        response = page.request.get(live_server.url + reverse(name, args=[case.pk]))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
    page.goto(live_server.url + reverse("tracing:notice", args=[case.pk]))
    journey.shot("notice")

    candidate = Candidate.objects.filter(person__station__code="GZ", state="proposed").order_by("pk").first()
    page.goto(live_server.url + candidate.report.get_absolute_url())
    page.fill(f"#confirm-reason-{candidate.pk}", "家属到站当面辨认")
    page.evaluate(f"document.getElementById('candidate-{candidate.pk}').scrollIntoView()")
    journey.shot("candidate")
    page.click(f"#candidate-{candidate.pk} form[action$='/confirm/'] button")
    page.wait_for_load_state()
    candidate.refresh_from_db()
    assert candidate.state == "confirmed" and candidate.review_reason == "家属到站当面辨认"
    journey.shot("confirmed")
    journey.done()


def test_the_station_head_reads_everything_and_acts_on_nothing(demo, desk_browser, live_server):
    page = desk_browser("gz-station_head")
    journey = Journey("station_head", page)
    pages = demo.supervisor_pages()
    for name in ("board", "people", "person", "case", "report"):
        response = page.goto(live_server.url + pages[name])
        assert response.ok, name
        journey.shot(name)
        actions = page.locator("main button.primary, main a.button.primary, main button.danger, main a.button.danger")
        assert actions.count() == 0, (name, actions.all_inner_texts())
    assert page.locator("main form[action*='/confirm/']").count() == 0
    # A write sent anyway (with a valid CSRF token) is refused, and nothing changes.
    candidate = Candidate.objects.filter(person__station__code="GZ", state="proposed").first()
    token = next(c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    refused = page.request.post(live_server.url + reverse("family:review", args=[candidate.pk, "confirm"]),
                                form={"reason": "试一试", "channel": ""},
                                headers={"X-CSRFToken": token, "Referer": live_server.url + pages["report"]})
    assert refused.status == 403
    page.goto(live_server.url + reverse("family:review", args=[candidate.pk, "confirm"]))
    journey.shot("refused")
    candidate.refresh_from_db()
    assert candidate.state == "proposed"
    journey.done()
