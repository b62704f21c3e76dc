"""Data-quality problems (问题清单): each kind is raised on a record that breaks its rule, closed as fixed by
the next sweep once the record is corrected, and raised again as a new problem when it breaks again;
nothing is deleted; owners hear once of new problems even with two sweeps at once."""

import datetime
import io
import threading
from contextlib import nullcontext

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from family.models import PossibleDuplicate
from lib import idcard, workflow
from oversight import checks, figures, problem_sweep
from oversight.models import Problem, ProblemKind, ProblemState
from oversight.problem_text import how_to_fix, what_is_wrong
from oversight.services import accept_problem
from shelter.models import Belonging, Notification, Person, Stay
from tracing.models import DnaReferral, Publication


def id_number(born, male=True):
    first17 = f"110105{born:%Y%m%d}00{1 if male else 2}"
    return first17 + idcard.check_char(first17)


@pytest.fixture
def later():
    """A sweep two days from now: the intake's day of grace is over."""
    return lambda days=2: timezone.now() + datetime.timedelta(days=days)


def problems_of(kind, key):
    return list(Problem.objects.filter(kind=kind, key=key).order_by("pk"))


def cycle(kind, key, now, fix, rebreak):
    """Raised; fixed by correcting the record and closed by the next sweep; raised anew when broken again."""
    problem_sweep.run(now)
    [first] = problems_of(kind, key)
    assert first.state == ProblemState.OPEN
    assert what_is_wrong(first) and how_to_fix(first)
    problem_sweep.run(now)
    assert len(problems_of(kind, key)) == 1  # a second sweep does not raise it twice
    fix()
    problem_sweep.run(now)
    first.refresh_from_db()
    assert first.state == ProblemState.FIXED and first.closed_at == now
    rebreak()
    problem_sweep.run(now)
    old, new = problems_of(kind, key)
    assert old.pk == first.pk and old.state == ProblemState.FIXED  # kept, never deleted
    assert new.state == ProblemState.OPEN
    return new


def test_id_number_contradicting_the_date_of_birth_and_sex(station, reception, arrive, later):
    stay = arrive(station, reception, id_number=id_number(datetime.date(1950, 3, 1)), date_of_birth=datetime.date(1960, 3, 1),
                  age_min=None, age_max=None)
    person = stay.person

    def set_person(**values):
        Person.objects.filter(pk=person.pk).update(**values)

    problem = cycle(ProblemKind.ID_CONTRADICTS, f"id_contradicts:person:{person.pk}", later(),
                    fix=lambda: set_person(date_of_birth=datetime.date(1950, 3, 1)),
                    rebreak=lambda: set_person(sex="F"))
    assert problem.params["fields"] == ["sex"]
    assert problem.owner == reception and problem.stay_id == stay.pk


def test_id_number_contradicting_the_age_estimate(station, reception, arrive, later):
    stay = arrive(station, reception, id_number=id_number(datetime.date(1990, 3, 1)), age_min=60, age_max=70)
    problem_sweep.run(later())
    problem = Problem.objects.get(kind=ProblemKind.ID_CONTRADICTS)
    assert problem.params["fields"] == ["age"] and problem.person_id == stay.person_id


def test_the_same_id_number_open_in_two_stations(station, other_station, reception, arrive, later):
    number = id_number(datetime.date(1950, 3, 1))
    here = arrive(station, reception, id_number=number, age_min=None, age_max=None)
    there = arrive(other_station, None, id_number=number, age_min=None, age_max=None)
    set_number = lambda value: Person.objects.filter(pk=there.person_id).update(id_number=value)  # noqa: E731
    problem = cycle(ProblemKind.ID_TWICE, f"id_twice:person:{here.person_id}", later(),
                    fix=lambda: set_number(""), rebreak=lambda: set_number(number))
    assert problem.params["others"] == [there.person_id]
    assert Problem.objects.filter(key=f"id_twice:person:{there.person_id}", station=other_station).exists()


def test_identity_unknown_without_main_portrait(station, reception, arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(timezone.now())
    assert not Problem.objects.filter(kind=ProblemKind.NO_PORTRAIT).exists()  # the intake's day of grace
    set_identity = lambda value: Stay.objects.filter(pk=stay.pk).update(identity=value)  # noqa: E731
    cycle(ProblemKind.NO_PORTRAIT, f"no_portrait:stay:{stay.pk}", later(),
          fix=lambda: set_identity("confirmed"), rebreak=lambda: set_identity("unknown"))


def test_notice_published_without_portrait(station, reception, supervisor, arrive, case_of, publish, later):
    stay = arrive(station, reception)
    publish(case_of(stay), reception)
    publication = Publication.objects.get(case__stay=stay)
    withdrawn = lambda at: type(publication).objects.filter(pk=publication.pk).update(withdrawn_at=at)  # noqa: E731
    cycle(ProblemKind.NOTICE_NO_PORTRAIT, f"notice_no_portrait:publication:{publication.pk}", later(),
          fix=lambda: withdrawn(timezone.now()), rebreak=lambda: withdrawn(None))


def test_dna_referred_but_not_sampled_then_no_result(station, reception, arrive, case_of, later):
    sent = timezone.now() - datetime.timedelta(days=100)
    stay = arrive(station, reception, arrived_at=sent - datetime.timedelta(days=8))
    referral = DnaReferral.objects.create(case=case_of(stay), reference_no="DNA-1", police_unit="天河分局",
                                          sent_at=sent, entered_at=sent)
    rows = DnaReferral.objects.filter(pk=referral.pk)
    cycle(ProblemKind.DNA_NOT_SAMPLED, f"dna_not_sampled:dna:{referral.pk}", later(),
          fix=lambda: rows.update(sampled_at=sent + datetime.timedelta(days=3), result="no_match"),
          rebreak=lambda: rows.update(sampled_at=None))
    rows.update(sampled_at=sent + datetime.timedelta(days=3), result="")
    cycle(ProblemKind.DNA_NO_RESULT, f"dna_no_result:dna:{referral.pk}", later(),
          fix=lambda: rows.update(result="no_match"), rebreak=lambda: rows.update(result=""))


def test_long_stay_not_reviewed(station, reception, arrive, later):
    stay = arrive(station, reception)
    rows = Stay.objects.filter(pk=stay.pk)
    rows.update(review_due_at=timezone.now() - datetime.timedelta(days=4))
    cycle(ProblemKind.REVIEW_OVERDUE, f"review_overdue:stay:{stay.pk}", later(),
          fix=lambda: rows.update(review_due_at=later(30)),
          rebreak=lambda: rows.update(review_due_at=timezone.now() - datetime.timedelta(days=5)))


def test_police_arrival_without_handover_form(station, reception, arrive, later):
    stay = arrive(station, reception)
    rows = Stay.objects.filter(pk=stay.pk)
    cycle(ProblemKind.HANDOVER_MISSING, f"handover_missing:stay:{stay.pk}", later(),
          fix=lambda: rows.update(handover_ref="公交2025-001", handover_document="handover/scan.pdf"),
          rebreak=lambda: rows.update(handover_document=""))


def test_late_entry_not_seen_by_a_supervisor(station, reception, supervisor, arrive, later):
    arrived = timezone.now() - datetime.timedelta(days=20)
    stay = arrive(station, reception, arrived_at=arrived)
    rows = Stay.objects.filter(pk=stay.pk)
    rows.update(late=True, late_reason="系统故障", entered_at=arrived + datetime.timedelta(days=3))

    def seen():
        stay.refresh_from_db()
        assert stay.mark_late_seen(supervisor)

    problem = cycle(ProblemKind.LATE_NOT_SEEN, f"late_not_seen:stay:{stay.pk}", later(),
                    fix=seen, rebreak=lambda: rows.update(late_reason=""))
    assert problem.params == {"record": "arrival", "reason_missing": True}


def test_belongings_not_counted_out(station, reception, arrive, later):
    stay = arrive(station, reception)
    item = Belonging.objects.create(stay=stay, item="手机")
    problem_sweep.run(later())
    assert not Problem.objects.filter(kind=ProblemKind.BELONGINGS).exists()  # still in the station
    Stay.objects.filter(pk=stay.pk).update(state="departed")
    rows = Belonging.objects.filter(pk=item.pk)
    problem = cycle(ProblemKind.BELONGINGS, f"belongings:stay:{stay.pk}", later(),
                    fix=lambda: rows.update(outcome="returned"), rebreak=lambda: rows.update(outcome=""))
    assert problem.params == {"items": 1}


def test_duplicate_dismissed_by_reception_needs_a_supervisors_second_look(station, reception, supervisor, arrive,
                                                                          later, make_user):
    one, two = arrive(station, reception), arrive(station, reception)
    warning = PossibleDuplicate.objects.create(person=one.person, other=two.person, found_by="intake",
                                               state="dismissed", reviewed_by=reception, review_reason="不是同一人")
    now = later()
    problem_sweep.run(now)
    problem = Problem.objects.get(kind=ProblemKind.DUPLICATE_DISMISSED)
    assert problem.key == f"duplicate_dismissed:duplicate:{warning.pk}" and problem.owner is None
    with pytest.raises(workflow.WorkflowError):
        accept_problem(problem=problem, by=reception, reason="看过了")
    with pytest.raises(ValidationError):
        accept_problem(problem=problem, by=supervisor, reason=" ")
    accept_problem(problem=problem, by=supervisor, reason="两人照片不同，确认不是同一人")
    problem.refresh_from_db()
    assert problem.state == ProblemState.ACCEPTED and problem.accepted_by == supervisor
    problem_sweep.run(now)
    assert Problem.objects.filter(kind=ProblemKind.DUPLICATE_DISMISSED).count() == 1  # not raised again
    # Dismissed by a supervisor in the first place: nothing to look at twice.
    three = arrive(station, reception)
    PossibleDuplicate.objects.create(person=one.person, other=three.person, found_by="intake", state="dismissed",
                                     reviewed_by=supervisor, review_reason="不是同一人")
    problem_sweep.run(now)
    assert Problem.objects.filter(kind=ProblemKind.DUPLICATE_DISMISSED).count() == 1


def test_the_inspector_sees_every_station_and_cannot_accept(station, other_station, reception, make_user, arrive,
                                                            later):
    arrive(station, reception)
    arrive(other_station, None)
    problem_sweep.run(later())
    inspector = make_user("inspector", "inspector", None)
    assert {p.station_id for p in Problem.objects.for_user(inspector)} == {station.pk, other_station.pk}
    assert {p.station_id for p in Problem.objects.for_user(reception)} == {station.pk}
    with pytest.raises(workflow.WorkflowError):
        accept_problem(problem=Problem.objects.first(), by=inspector, reason="看过了")


def test_owners_are_reminded_once_and_supervisors_when_the_fix_by_date_passes(station, reception, supervisor, arrive,
                                                                              later):
    arrive(station, reception)
    arrive(station, reception)
    problem_sweep.run(later())
    reminded = Notification.objects.filter(kind="problem_new")
    assert [n.user for n in reminded] == [reception]
    problem_sweep.run(later(2.5))
    assert reminded.count() == 1
    assert not Notification.objects.filter(kind="problem_overdue").exists()
    problem_sweep.run(later(20))
    assert [n.user for n in Notification.objects.filter(kind="problem_overdue")] == [supervisor]
    problem_sweep.run(later(21))
    assert Notification.objects.filter(kind="problem_overdue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_problem_once_and_remind_each_owner_once(station, reception, supervisor,
                                                                                arrive, monkeypatch):
    """Two threads with their own connections both find the same problems before either writes (a barrier
    holds them); each problem is raised once and each owner reminded once. On the in-memory SQLite
    test database the second waits for the first (see tests/tracing/test_sweep.py)."""
    for _i in range(3):
        arrive(station, reception)
    now = timezone.now() + datetime.timedelta(days=2)
    barrier = threading.Barrier(2)
    serial = threading.Lock() if connection.vendor == "sqlite" else nullcontext()
    real_find = problem_sweep.checks.find_all
    errors = []

    def find_all(at):
        found = real_find(at)
        barrier.wait(timeout=30)
        return found

    monkeypatch.setattr(problem_sweep.checks, "find_all", find_all)

    def worker():
        try:
            found = find_all(now)
            with serial:
                monkeypatch_free_run(found)
        except Exception as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)
        finally:
            connection.close()

    def monkeypatch_free_run(found):
        problem_sweep.run(now, found=found)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    keys = list(Problem.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 6  # no portrait and no handover form, for each of the three
    assert list(Notification.objects.filter(kind="problem_new").values_list("user__username", flat=True)) == [
        "reception"]


def test_check_data_quality_runs_one_sweep_and_says_what_it_did(station, reception, arrive):
    arrive(station, reception, arrived_at=timezone.now() - datetime.timedelta(days=2))
    out = io.StringIO()
    call_command("check_data_quality", stdout=out)
    assert "GZ reminder: 2 -> reception" in out.getvalue()
    assert "2 problem(s) raised, 0 closed as fixed" in out.getvalue()
    assert Problem.objects.count() == 2


def test_the_problem_page_lists_my_station_and_a_supervisor_accepts_with_a_reason(station, other_station, reception,
                                                                                  supervisor, arrive, later,
                                                                                  client_as):
    stay = arrive(station, reception)
    arrive(other_station, None)
    problem_sweep.run(later())
    client = client_as(supervisor)
    page = client.get("/oversight/problems/")
    assert page.status_code == 200
    assert list({p.station_id for p in page.context["page"]}) == [station.pk]
    problem = Problem.objects.get(key=f"handover_missing:stay:{stay.pk}")
    refused = client.post(f"/oversight/problems/{problem.pk}/accept/", {"reason": ""}, follow=True)
    assert refused.status_code == 200
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN
    client.post(f"/oversight/problems/{problem.pk}/accept/", {"reason": "交接单由派出所补送"})
    problem.refresh_from_db()
    assert problem.state == ProblemState.ACCEPTED and problem.accept_reason == "交接单由派出所补送"
    assert client_as(reception).post(f"/oversight/problems/{problem.pk}/accept/", {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("next_, expected", [
    ("https://evil.example/", "/oversight/problems/"),
    ("//evil.example/x", "/oversight/problems/"),
    ("/oversight/problems/?state=open", "/oversight/problems/?state=open"),
])
def test_accepting_goes_back_to_next_only_on_this_site(station, reception, supervisor, arrive, later, client_as,
                                                       next_, expected):
    """An open redirect: a link to the form could send the supervisor anywhere after accepting."""
    arrive(station, reception)
    problem_sweep.run(later())
    problem = Problem.objects.filter(station=station).first()
    response = client_as(supervisor).post(f"/oversight/problems/{problem.pk}/accept/",
                                          {"reason": "交接单由派出所补送", "next": next_})
    assert response.status_code == 302 and response.url == expected


def test_the_problem_ledger_is_an_xlsx_of_every_state(station, reception, supervisor, arrive, later, client_as):
    arrive(station, reception)
    problem_sweep.run(later())
    response = client_as(supervisor).get("/oversight/problems/ledger.xlsx?state=")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1 + Problem.objects.count() == 3


def test_a_reason_typed_as_a_formula_is_text_in_the_problem_ledger(station, reception, supervisor, arrive, later,
                                                                    client_as):
    arrive(station, reception)
    problem_sweep.run(later())
    Problem.objects.update(accept_reason='=HYPERLINK("http://x.example/","y")')
    sheet = load_workbook(io.BytesIO(client_as(supervisor).get("/oversight/problems/ledger.xlsx?state=").content)).active
    reasons = [row[-1] for row in sheet.iter_rows(min_row=2)]
    assert reasons and all(c.data_type == "s" and c.quotePrefix and c.value.startswith("=HYPERLINK") for c in reasons)


def test_the_problem_list_filters_keep_their_parameters_and_say_a_wrong_value(station, reception, supervisor,
                                                                               arrive, later, client_as):
    arrive(station, reception)
    problem_sweep.run(later())
    accepted = Problem.objects.order_by("pk").first()
    Problem.objects.filter(pk=accepted.pk).update(state=ProblemState.ACCEPTED)
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"

    def listed(query):
        response = client.get("/oversight/problems/", query)
        assert response.status_code == 200
        return {p.pk for p in response.context["page"]}, response

    every = set(Problem.objects.values_list("pk", flat=True))
    assert listed({})[0] == every - {accepted.pk}  # the open ones when nothing is asked
    assert listed({"state": ""})[0] == every
    assert listed({"state": "accepted"})[0] == {accepted.pk}
    assert listed({"state": "", "kind": accepted.kind, "severity": accepted.severity})[0] == set(
        Problem.objects.filter(kind=accepted.kind, severity=accepted.severity).values_list("pk", flat=True))
    rows, response = listed({"severity": "9", "kind": accepted.kind})
    assert rows == every and "选择一个有效的选项" in response.content.decode()
    ledger = client.get("/oversight/problems/ledger.xlsx", {"state": "accepted"})
    assert load_workbook(io.BytesIO(ledger.content)).active.max_row == 2


def test_the_supervisors_board_counts_the_open_problems(station, reception, supervisor, arrive, client_as):
    arrive(station, reception, arrived_at=timezone.now() - datetime.timedelta(days=3))
    problem_sweep.run(timezone.now() - datetime.timedelta(days=1.5))  # no portrait: a day to fix, now past
    page = client_as(supervisor).get("/oversight/")
    assert page.context["problems"] == {"open": 2, "overdue": 1, "fixed": 0, "closed": 0, "accepted": 0}


def test_a_large_change_in_arrivals_from_one_month_to_the_next(station, reception, arrive):
    now = timezone.now()
    before, last = checks.last_months(now)
    in_month = lambda month, day: timezone.make_aware(  # noqa: E731
        datetime.datetime(month.year, month.month, day, 10, 0), figures.station_zone())
    for i in range(10):
        arrive(station, reception, arrived_at=in_month(before, 1 + i))
    moved = [arrive(station, reception, arrived_at=in_month(last, 1 + i)).pk for i in range(25)][:10]
    rows = Stay.objects.filter(pk__in=moved)
    key = f"month_change:station:{station.pk}:{last:%Y-%m}:arrivals"
    problem = cycle(ProblemKind.MONTH_CHANGE, key, now,
                    # Ten arrivals typed in the wrong month: corrected, 20 against 15 is no large change.
                    fix=lambda: rows.update(arrived_at=in_month(before, 20)),
                    rebreak=lambda: rows.update(arrived_at=in_month(last, 20)))
    assert problem.params == {"figure": "arrivals", "month": f"{last:%Y-%m}", "before": 10, "after": 25,
                              "percent": 150}
    assert "150" in what_is_wrong(problem)
    # Next month last month's change is still there to explain: not closed as fixed.
    problem_sweep.run(timezone.make_aware(datetime.datetime.combine(
        (last + datetime.timedelta(days=70)).replace(day=2), datetime.time(12)), figures.station_zone()))
    problem.refresh_from_db()
    assert problem.state == ProblemState.OPEN


def test_the_problem_page_speaks_chinese(station, reception, supervisor, arrive, client_as):
    arrive(station, reception, arrived_at=timezone.now() - datetime.timedelta(days=3))
    problem_sweep.run()
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/oversight/problems/").content.decode()
    assert "数据质量问题清单" in html and "身份不明，档案没有主人像。" in html and "拍摄人像并设为主人像。" in html
