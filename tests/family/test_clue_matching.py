"""What accepted interview clues do beyond the interview page: they move the candidates the automatic
searches propose (a family report's residents, a resident's reports), with the reason on the candidate;
accepting or dismissing a clue ranks them again. Interview words are written as a desk would type them."""

import pytest

from family.models import Candidate
from family.selectors import family_panel
from tracing.models import Clue
from tracing.services import judge_clue, record_interview

LONGHUI = "俺是湖南邵阳的，屋里在隆回县，离六都寨不远。俺爹在煤矿上干活。"


def clue(interview, kind, value):
    return Clue.objects.get(interview=interview, kind=kind, normalised=value)


def order(report):
    return [c.person for c in Candidate.objects.filter(report=report)]


@pytest.fixture
def namesakes(station, reception, committed, resident):
    """Two residents the description alone cannot tell apart (both 王建国, men of 60-70)."""
    stays = [resident(station, reception, committed, name="王建国", sex="M", age_min=60, age_max=70) for _i in "12"]
    return {stay.person: stay for stay in stays}


def ranked(report, stays):
    """The report's candidates as stays, and proof the search found them equal."""
    found = list(Candidate.objects.filter(report=report))
    assert len(found) == 2 and found[0].score == found[1].score
    return [stays[c.person] for c in found]


@pytest.mark.django_db
def test_accepting_a_place_clue_moves_a_reports_candidates(namesakes, station, reception, committed, take_report,
                                                           client_as):
    report = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65,
                         native_place="湖南省邵阳市隆回县")
    first, second = ranked(report, namesakes)  # equal evidence
    interview = record_interview(stay=second, by=reception, words=LONGHUI, interviewer="李娟", language="湖南话")
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市隆回县"), step="accept", by=reception)
    assert order(report) == [second.person, first.person]
    moved = Candidate.objects.get(report=report, person=second.person)
    assert moved.clue_score == pytest.approx(0.15)
    assert moved.reasons["clues"][0]["level"] == "county" and moved.reasons["clues"][0]["value"] == "湖南省邵阳市隆回县"
    # The report page says why, in the reader's language.
    page = client_as(reception).get(report.get_absolute_url()).content.decode()
    assert "湖南省邵阳市隆回县" in page and ("排名上调" in page or "ranked up" in page)
    # Dismissed: the order is the search's again.
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市隆回县"), step="dismiss", by=reception)
    assert order(report) == [first.person, second.person]
    assert Candidate.objects.get(report=report, person=second.person).clue_score == 0


@pytest.mark.django_db
def test_a_search_made_after_the_clue_ranks_by_it(namesakes, station, reception, committed, take_report):
    earlier = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65)
    first, second = ranked(earlier, namesakes)  # the search's order without any clue
    interview = record_interview(stay=second, by=reception, words=LONGHUI, interviewer="李娟")
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市"), step="accept", by=reception)
    report = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65,
                         native_place="湖南邵阳洞口县")  # the same city, another county
    assert order(report) == [second.person, first.person]
    assert Candidate.objects.get(report=report, person=second.person).reasons["clues"][0]["level"] == "city"


@pytest.mark.django_db
def test_another_province_ranks_lower_but_stays(namesakes, station, reception, committed, take_report):
    report = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65,
                         native_place="四川省宜宾市长宁县")
    first, second = ranked(report, namesakes)
    interview = record_interview(stay=first, by=reception, words=LONGHUI, interviewer="李娟")
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市"), step="accept", by=reception)
    assert order(report) == [second.person, first.person]  # lower, never excluded
    assert Candidate.objects.get(report=report, person=first.person).clue_score < 0


@pytest.mark.django_db
def test_a_residents_reports_are_listed_by_the_accepted_places(station, reception, committed, take_report, resident,
                                                               other_station, make_user, client_as):
    """The family panel of the resident's file (where staff review its candidates) lists the report from
    the county the person named first."""
    stay = resident(station, reception, committed, name="刘德明", sex="M", age_min=60, age_max=70)
    desk = make_user("desk2", "reception", other_station)
    sichuan = take_report(desk, committed, name="刘德明", sex="M", age_min=65, age_max=65, native_place="四川省宜宾市长宁县")
    hunan = take_report(desk, committed, name="刘德明", sex="M", age_min=65, age_max=65, native_place="湖南省邵阳市隆回县")
    _warnings, listed = family_panel(stay.person, reception)
    assert [c.report for c in listed] == [sichuan, hunan]  # equal evidence: as the search stored them
    interview = record_interview(stay=stay, by=reception, words=LONGHUI, interviewer="李娟")
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市隆回县"), step="accept", by=reception)
    _warnings, listed = family_panel(stay.person, reception)
    assert [c.report for c in listed] == [hunan, sichuan]
    assert "湖南省邵阳市隆回县" in listed[0].clue_reasons()[0]
    page = client_as(reception).get(stay.person.get_absolute_url()).content.decode()
    assert page.index(hunan.reference) < page.index(sichuan.reference)


@pytest.mark.django_db
def test_a_name_the_person_gave_adds_to_the_description(station, reception, committed, take_report, resident):
    """Both residents are 李秀英-like by description; one said her son is 张伟, who took the report (the
    tests' reporter): she ranks first, and the reason names the clue."""
    stays = [resident(station, reception, committed, name="李秀英", sex="F", age_min=75, age_max=85) for _i in "12"]
    report = take_report(reception, committed, name="李秀英", sex="F", age_min=80, age_max=80)
    first, second = ranked(report, {s.person: s for s in stays})
    interview = record_interview(stay=second, by=reception,
                                 words="她说：我儿子叫章伟，在广州打工。", interviewer="李娟")
    judge_clue(clue=clue(interview, "name", "章伟"), step="accept", by=reception)
    assert order(report) == [second.person, first.person]
    entry = Candidate.objects.get(report=report, person=second.person).reasons["clues"][0]
    assert (entry["kind"], entry["role"], entry["other"]) == ("name", "reporter", "张伟")


@pytest.mark.django_db
def test_a_resident_who_said_the_missing_persons_name_is_proposed(station, reception, committed, take_report, resident):
    """The file has no name (the person could not give it at intake); in an interview he said 我叫刘德民.
    A family reporting 刘德明 (the same sound) finds him by that clue, from Yibin as he said."""
    stay = resident(station, reception, committed, name="", sex="M", age_min=60, age_max=70)
    resident(station, reception, committed, name="", sex="M", age_min=60, age_max=70)  # said nothing
    interview = record_interview(stay=stay, by=reception, interviewer="李娟",
                                 words="问了好几遍，他才说：我叫刘德民，老家是四川宜宾长宁县的。")
    judge_clue(clue=clue(interview, "name", "刘德民"), step="accept", by=reception)
    judge_clue(clue=clue(interview, "place", "四川省宜宾市长宁县"), step="accept", by=reception)
    report = take_report(reception, committed, name="刘德明", sex="M", age_min=65, age_max=65,
                         native_place="四川省宜宾市长宁县")
    found = list(Candidate.objects.filter(report=report))
    assert [c.person for c in found] == [stay.person]
    assert {e["kind"] for e in found[0].reasons["clues"]} == {"name", "place"}


@pytest.mark.django_db
def test_a_candidate_the_clues_ranked_up_is_confirmed_as_found_by_the_interview(
        namesakes, station, reception, supervisor, committed, take_report, client_as):
    report = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65,
                         native_place="湖南省邵阳市隆回县")
    first, second = ranked(report, namesakes)
    interview = record_interview(stay=second, by=reception, words=LONGHUI, interviewer="李娟")
    judge_clue(clue=clue(interview, "place", "湖南省邵阳市隆回县"), step="accept", by=reception)
    moved, other = (Candidate.objects.get(report=report, person=s.person) for s in (second, first))
    page = client_as(supervisor).get(report.get_absolute_url()).content.decode()
    # The confirm form proposes the interview for the one the clues moved; the other keeps the search's.
    assert f'id="confirm-channel-{moved.pk}"' in page
    proposed = page.split(f'id="confirm-channel-{moved.pk}"')[1].split("</select>")[0]
    kept = page.split(f'id="confirm-channel-{other.pk}"')[1].split("</select>")[0]
    assert '<option value="interview" selected>' in proposed
    assert " selected" not in kept


@pytest.mark.django_db
def test_an_accent_word_of_the_reports_province_ranks_up_a_little_and_never_down(namesakes, station, reception,
                                                                                committed, take_report):
    report = take_report(reception, committed, name="王建国", sex="M", age_min=65, age_max=65,
                         native_place="四川省宜宾市长宁县")
    first, second = ranked(report, namesakes)
    interview = record_interview(stay=second, by=reception, words="问他家在哪，他说啥子都记不得了。", interviewer="李娟")
    judge_clue(clue=clue(interview, "accent", "啥子"), step="accept", by=reception)
    assert order(report) == [second.person, first.person]
    moved = Candidate.objects.get(report=report, person=second.person)
    assert moved.clue_score == pytest.approx(0.03) and moved.reasons["clues"][0]["level"] == "accent"
    # Spoken elsewhere (Cantonese, a Sichuan report): nothing is taken away.
    other = record_interview(stay=first, by=reception, words="佢话屋企冇人。", interviewer="李娟")
    judge_clue(clue=clue(other, "accent", "冇"), step="accept", by=reception)
    assert Candidate.objects.get(report=report, person=first.person).clue_score == 0
