"""What the family pages say (issue 25): the right words, the file number, who was really told."""

import re

from django.urls import reverse

from family.models import Candidate


def test_the_confirmation_names_the_file_and_who_was_told(client_as, station, reception, supervisor, committed,
                                                         resident, take_report):
    father = resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70)
    type(father).objects.filter(pk=father.pk).update(staff_in_charge=None)  # nobody in charge of the stay
    report = take_report(reception, committed, photos=["obama_3"], name="张德明", sex="M", age_min=66, age_max=66)
    candidate = Candidate.objects.get(report=report)
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(reverse("family:review", args=[candidate.pk, "confirm"]), {"reason": "儿子到站当面认出父亲"},
                           follow=True)
    said = " ".join(str(m) for m in response.context["messages"])
    assert father.person.file_no in said
    assert "寻找的就是身份不明人员" in said and "就是 " not in said
    assert "责任人" not in said and str(reception) in said  # the report's taker is told, by name


def test_a_report_the_search_proposed_is_the_system_s_step_in_its_history(client_as, station, reception, supervisor,
                                                                          committed, resident, take_report):
    resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70)
    report = take_report(reception, committed, photos=["obama_3"], name="张德明", sex="M", age_min=66, age_max=66)
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(report.get_absolute_url()).content.decode()
    history = page[page.index('<ol class="timeline">'):]
    assert "自动比对发现。" in history and "系统自动" in history


def test_the_rank_score_adds_up_on_screen(client_as, station, reception, supervisor, committed, resident, take_report):
    resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70)
    report = take_report(reception, committed, photos=["obama_3"], sex="M")
    candidate = Candidate.objects.get(report=report)
    Candidate.objects.filter(pk=candidate.pk).update(clue_score=0.25, score=candidate.score + 0.25)
    client = client_as(supervisor)
    page = client.get(report.get_absolute_url()).content.decode()
    found = re.search(r"rank score (\d+)</strong>\s*= \(2 × (\d+) \+ 1 × (\d+)\) ÷ 3 = (\d+) \+ (\d+) for interview clues",
                      page)
    assert found, page[page.index('class="score"'):][:400]
    total, face, description, base, clues = map(int, found.groups())
    assert total == base + clues and clues == 25
    assert abs(base - (2 * face + description) / 3) <= 1
    assert "1 field compared" in page  # only the sex could be compared: said, so 100 is not a mystery


def test_the_review_shows_the_family_s_photos_beside_the_portraits_and_closing_is_apart(
        client_as, station, reception, supervisor, committed, resident, take_report):
    father = resident(station, reception, committed, face="obama_1", name="", sex="M", age_min=60, age_max=70)
    report = take_report(reception, committed, photos=["obama_3"], name="张德明", sex="M", age_min=66, age_max=66)
    candidate = Candidate.objects.get(report=report)
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(report.get_absolute_url()).content.decode()
    compare = page[page.index(f'id="compare-{candidate.pk}"'):]
    compare = compare[:compare.index("</div>")]
    photo = report.photos.get()
    portrait = father.person.portraits.get()
    # Side by side, each opening the full picture, with the distance beside them.
    assert f'href="{reverse("family:report_photo", args=[photo.pk])}"' in compare
    assert f'href="{reverse("face:image", args=[portrait.pk])}"' in compare
    assert "人脸距离" in compare or "face distance" in compare
    # Closing the report is not beside its title, and asks to confirm.
    head = page[:page.index('<div class="report-grid">')]
    assert reverse("family:report_step", args=[report.pk, "close"]) not in head
    closing = page[page.index('id="close-report"'):]
    assert "<details" in closing[:80] and 'type="checkbox" name="confirm"' in closing and "required" in closing
