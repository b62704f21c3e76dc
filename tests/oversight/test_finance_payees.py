"""Payments compared as the plan says (issue 21, item 8): the account paid (实发账户: name, ID number,
account, amount), the receipt number where there is one; each difference is a problem of its kind
(missing, extra, another amount, another payee)."""

import datetime
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from oversight import finance
from oversight.models import FinanceComparison, Problem, ProblemKind, ProblemState
from oversight.problem_text import what_is_wrong
from oversight.services import compare_finance
from shelter.models import Departure, Person

ID_A = "11010519600101001X"
ID_B = "110105197001010028"
MARCH = datetime.date(2026, 3, 1)


def payment(receipt, amount, name, number, account="", departure=1):
    return {"receipt_no": receipt, "amount": amount, "departure": departure, "name": name, "id_number": number,
            "account": account}


def line(n, amount, receipt="", name="", number="", account=""):
    return {"receipt_no": receipt, "amount": amount, "name": name, "id_number": number, "account": account,
            "date": "", "line": n}


def test_a_payment_to_another_account_or_person_is_another_payee_even_with_the_same_receipt_and_amount():
    system = [payment("R-1", "120.00", "王大明", ID_A, "6222 0000 1111", 1),
              payment("R-2", "50.00", "李秀英", ID_B, "", 2)]
    sheet = [line(2, "120.00", "R-1", "王大明", ID_A.lower(), "6222000099999"),
             line(3, "50.00", "R-2", "李秀", ID_B)]
    result = finance.compare(system, sheet)
    assert result["matched"] == 0 and not result["missing"] and not result["extra"] and not result["different"]
    assert [(r["receipt_no"], r["fields"], r["line"]) for r in result["other_payee"]] == [
        ("R-1", ["account"], 2), ("R-2", ["name"], 3)]


def test_without_a_receipt_number_a_payment_is_found_by_id_number_then_by_name():
    system = [payment("", "80.00", "王大明", ID_A, departure=1), payment("", "30.00", "张三", "", departure=2),
              payment("R-3", "10.00", "赵六", "", departure=3)]
    sheet = [line(2, "80.00", name="王大明", number=ID_A), line(3, "35.00", name="张 三"),
             line(4, "99.00", name="钱七")]
    result = finance.compare(system, sheet)
    assert result["matched"] == 1
    assert [(r["departure"], r["system"], r["sheet"], r["line"]) for r in result["different"]] == [
        (2, "30.00", "35.00", 3)]
    assert [r["departure"] for r in result["missing"]] == [3]
    assert [(r["line"], r["name"]) for r in result["extra"]] == [(4, "钱七")]


def test_a_sheet_of_names_and_id_numbers_without_receipts_is_read_and_totals_left_out():
    data = "姓名,身份证号,账号,实发金额\n王大明,11010519600101001x,6222 0000 1111,120\n合计,,,120\n".encode("utf-8-sig")
    assert finance.read_sheet(data, "pay.csv") == [
        {"receipt_no": "", "amount": "120.00", "name": "王大明", "id_number": ID_A, "account": "622200001111",
         "date": "", "line": 2}]


def sheet_xlsx(rows):
    book = Workbook()
    book.active.append(["票据号", "姓名", "身份证号", "账号", "金额"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_each_difference_is_a_problem_of_its_kind_and_a_corrected_sheet_closes_them(
        month_station, station, supervisor, client_as):
    a, b = month_station["A"], month_station["B"]
    Person.objects.filter(pk=a.person_id).update(name="王大明", id_number=ID_A)
    Departure.objects.filter(stay=a).update(payee_account="6222000011112222")
    Departure.objects.filter(stay=b).update(allowance=Decimal("50.00"), receipt_no="R-2", paid_out_by="财务")
    wrong = sheet_xlsx([["R-1", "王大明", ID_A, "6222000099999999", 120], ["R-9", "乙", "", "", "30.00"]])
    compare_finance(station=station, month=MARCH, file_name="march.xlsx", data=wrong, by=supervisor)
    problems = {p.kind: p for p in Problem.objects.filter(kind__startswith="payment_")}
    assert set(problems) == {ProblemKind.PAYMENT_PAYEE, ProblemKind.PAYMENT_MISSING, ProblemKind.PAYMENT_EXTRA}
    assert problems[ProblemKind.PAYMENT_PAYEE].person_id == a.person_id
    assert problems[ProblemKind.PAYMENT_PAYEE].params["fields"] == ["account"]
    assert problems[ProblemKind.PAYMENT_MISSING].person_id == b.person_id
    assert "R-9" in what_is_wrong(problems[ProblemKind.PAYMENT_EXTRA])
    assert all(what_is_wrong(p) for p in problems.values())
    # The same sheet again: the same problems, not twice.
    compare_finance(station=station, month=MARCH, file_name="march.xlsx", data=wrong, by=supervisor)
    assert Problem.objects.filter(kind__startswith="payment_").count() == 3
    # Another amount on on the sheet, R-9 gone: the others are fixed, another amount raised.
    fixed = sheet_xlsx([["R-1", "王大明", ID_A, "6222000011112222", 100], ["R-2", "", "", "", 50]])
    compare_finance(station=station, month=MARCH, file_name="march.xlsx", data=fixed, by=supervisor)
    states = dict(Problem.objects.filter(kind__startswith="payment_").values_list("kind", "state"))
    assert states == {ProblemKind.PAYMENT_PAYEE: ProblemState.FIXED, ProblemKind.PAYMENT_MISSING: ProblemState.FIXED,
                      ProblemKind.PAYMENT_EXTRA: ProblemState.FIXED, ProblemKind.PAYMENT_AMOUNT: ProblemState.OPEN}
    comparison = FinanceComparison.objects.order_by("pk").last()
    page = client_as(supervisor).get(f"/oversight/month/finance/{comparison.pk}/")
    assert page.status_code == 200 and "Paid to another payee" in page.content.decode()


def test_the_departure_form_takes_the_account_paid_into(stay, reception, client_as):
    response = client_as(reception).get(f"/stays/{stay.pk}/depart/")
    assert 'name="payee_account"' in response.content.decode()


def test_a_sheet_upload_through_the_page_shows_another_payee(month_station, station, supervisor, client_as):
    Person.objects.filter(pk=month_station["A"].person_id).update(name="王大明")
    upload = SimpleUploadedFile("march.xlsx", sheet_xlsx([["R-1", "王小明", "", "", 120]]))
    client = client_as(supervisor)
    response = client.post("/oversight/month/finance/upload/", {"station": station.pk, "month": "2026-03",
                                                                "sheet": upload})
    page = client.get(response.url).content.decode()
    assert "王小明" in page and "王大明" in page
