"""The problem ledger says what happened (issue 21, item 5): a problem ends fixed (the record was
corrected), closed for another reason that is named (the person left or died, the file merged, the case
closed), or accepted with a reason until an expiry (PROBLEM_ACCEPTANCE_DAYS, 90 days by default), then
looked at again; the ledger, the counts and the board keep them apart."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from lib import idcard
from oversight import problem_sweep
from oversight.models import CloseReason, Problem, ProblemKind, ProblemState
from oversight.services import accept_problem
from shelter.models import Person, Stay


def id_number(born, male=True):
    first17 = f"110105{born:%Y%m%d}00{1 if male else 2}"
    return first17 + idcard.check_char(first17)


@pytest.fixture
def later():
    return lambda days=2: timezone.now() + datetime.timedelta(days=days)


def test_a_problem_of_a_person_who_left_is_closed_because_they_left_not_fixed(station, reception, arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(later())
    problem = Problem.objects.get(key=f"no_portrait:stay:{stay.pk}")
    Stay.objects.filter(pk=stay.pk).update(state="departed")
    result = problem_sweep.run(later(3))
    problem.refresh_from_db()
    assert problem.state == ProblemState.CLOSED and problem.closed_because == CloseReason.PERSON_LEFT
    assert result.closed >= 1 and problem.get_state_display() != ProblemState.FIXED.label


def test_a_problem_of_a_person_who_died_names_the_death(station, reception, arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(later())
    Stay.objects.filter(pk=stay.pk).update(state="deceased")
    problem_sweep.run(later(3))
    problem = Problem.objects.get(key=f"no_portrait:stay:{stay.pk}")
    assert (problem.state, problem.closed_because) == (ProblemState.CLOSED, CloseReason.PERSON_DIED)


def test_a_problem_of_a_merged_file_is_closed_because_it_was_merged(station, reception, arrive, later):
    number = id_number(datetime.date(1950, 3, 1))
    stay = arrive(station, reception, id_number=number, date_of_birth=datetime.date(1951, 1, 1), age_min=None,
                  age_max=None)
    survivor = arrive(station, reception)
    problem_sweep.run(later())
    problem = Problem.objects.get(key=f"id_contradicts:person:{stay.person_id}")
    Person.objects.filter(pk=stay.person_id).update(merged_into=survivor.person)
    problem_sweep.run(later(3))
    problem.refresh_from_db()
    assert (problem.state, problem.closed_because) == (ProblemState.CLOSED, CloseReason.MERGED)


def test_a_corrected_record_is_fixed(station, reception, arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(later())
    Stay.objects.filter(pk=stay.pk).update(handover_ref="公交2025-001", handover_document="handover/scan.pdf")
    problem_sweep.run(later(3))
    problem = Problem.objects.get(key=f"handover_missing:stay:{stay.pk}")
    assert (problem.state, problem.closed_because) == (ProblemState.FIXED, "")


def test_an_acceptance_lapses_after_90_days_and_the_problem_is_looked_at_again(station, reception, supervisor,
                                                                                arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(later())
    key = f"handover_missing:stay:{stay.pk}"
    problem = Problem.objects.get(key=key)
    accept_problem(problem=problem, by=supervisor, reason="交接单由派出所补送")
    problem.refresh_from_db()
    assert problem.accepted_until.date() == (problem.closed_at + datetime.timedelta(days=90)).date()
    problem_sweep.run(later(89))
    assert list(Problem.objects.filter(key=key).values_list("state", flat=True)) == [ProblemState.ACCEPTED]
    result = problem_sweep.run(later(91))
    problem_sweep.run(later(91))  # a second sweep: nothing twice
    old, new = Problem.objects.filter(key=key).order_by("pk")
    assert old.pk == problem.pk and old.state == ProblemState.LAPSED and old.accept_reason == "交接单由派出所补送"
    assert new.state == ProblemState.OPEN and new.params["again_after"] == problem.pk
    assert result.lapsed == 1


def test_a_lapsed_acceptance_whose_record_was_corrected_raises_nothing(station, reception, supervisor, arrive, later):
    stay = arrive(station, reception)
    problem_sweep.run(later())
    key = f"handover_missing:stay:{stay.pk}"
    accept_problem(problem=Problem.objects.get(key=key), by=supervisor, reason="交接单由派出所补送")
    Stay.objects.filter(pk=stay.pk).update(handover_ref="公交2025-001", handover_document="handover/scan.pdf")
    problem_sweep.run(later(91))
    assert list(Problem.objects.filter(key=key).values_list("state", flat=True)) == [ProblemState.LAPSED]


def test_the_acceptance_time_is_a_setting(station, reception, supervisor, arrive, later, settings):
    settings.PROBLEM_ACCEPTANCE_DAYS = 10
    stay = arrive(station, reception)
    problem_sweep.run(later())
    key = f"handover_missing:stay:{stay.pk}"
    accept_problem(problem=Problem.objects.get(key=key), by=supervisor, reason="交接单由派出所补送")
    problem_sweep.run(later(12))
    assert sorted(Problem.objects.filter(key=key).values_list("state", flat=True)) == ["lapsed", "open"]


def test_an_accepted_problem_no_check_finds_is_reopened_when_its_acceptance_lapses(station, reception, supervisor,
                                                                                   arrive, later):
    stay = arrive(station, reception)
    hit = Problem.build(kind=ProblemKind.COMPARISON_HIT, key="comparison_hit:1:2:3", station_id=station.pk,
                        person_id=stay.person_id, now=later(0), params={"comparison": 1, "source": "公安局",
                                                                         "line": 2, "how": "id", "score": 1})
    hit.save()
    accept_problem(problem=hit, by=supervisor, reason="已核实，系同名")
    problem_sweep.run(later(91))
    old, new = Problem.objects.filter(key=hit.key).order_by("pk")
    assert old.state == ProblemState.LAPSED
    assert new.state == ProblemState.OPEN and new.params["source"] == "公安局" and new.params["again_after"] == hit.pk
    assert new.fix_by - new.raised_at == hit.fix_by - hit.raised_at


def test_the_ledger_counts_and_board_keep_the_outcomes_apart(station, reception, supervisor, arrive, later,
                                                            client_as):
    left, corrected, accepted = arrive(station, reception), arrive(station, reception), arrive(station, reception)
    problem_sweep.run(later())
    Stay.objects.filter(pk=left.pk).update(state="departed")
    Stay.objects.filter(pk=corrected.pk).update(handover_ref="公交2025-001", handover_document="handover/scan.pdf")
    accept_problem(problem=Problem.objects.get(key=f"handover_missing:stay:{accepted.pk}"), by=supervisor,
                   reason="交接单由派出所补送")
    problem_sweep.run(later(3))
    client = client_as(supervisor)
    client.cookies["django_language"] = "zh-hans"
    sheet = load_workbook(io.BytesIO(client.get("/oversight/problems/ledger.xlsx?state=").content)).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert {(r["状态"], r["结案原因"] or "") for r in rows} == {
        ("已整改", ""), ("因其他原因关闭", "人员已离站"), ("已认可", ""), ("待办", "")}
    assert all(r["认可有效期至"] for r in rows if r["状态"] == "已认可")
    page = client.get("/oversight/problems/")
    numbers = {label: dict(zip(["open", "fixed", "closed", "accepted", "lapsed"], n, strict=True))
               for label, _severity, n in page.context["counts"]}
    handover = numbers[ProblemKind.HANDOVER_MISSING.label]
    assert handover == {"open": 1, "fixed": 1, "closed": 0, "accepted": 1, "lapsed": 0}
    board = client.get("/oversight/").context["problems"]
    assert (board["fixed"], board["closed"], board["accepted"]) == (1, 1, 1)
