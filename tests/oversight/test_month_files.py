"""The month's files and who may have them: XLSX, CSV and PDF downloads (checked and audited), the
export_ledger command, the finance comparison, money on departure and the read-only inspector."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_fsm import FSMField
from openpyxl import Workbook, load_workbook

from oversight.models import FinanceComparison
from shelter.models import AuditEvent, Departure, Person
from shelter.roles import ROLES
from shelter.services import depart_stay

MARCH = "start=2026-03&end=2026-03"


def test_the_register_as_xlsx_has_chinese_headers_a_frozen_header_and_real_dates(month_station, head, client_as):
    response = client_as(head).get(f"/oversight/month/ledgers/register.xlsx?{MARCH}")
    assert response.status_code == 200
    assert "register-GZ-202603.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "入离站登记台账" and sheet["A1"].value == "站点" and sheet["G1"].value == "入站时间"
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.column_dimensions["G"].width >= 16
    assert isinstance(sheet["G2"].value, datetime.datetime) and sheet["G2"].number_format == "yyyy-mm-dd hh:mm"
    event = AuditEvent.objects.get(action=AuditEvent.EXPORT)
    assert (event.user, event.detail["ledger"], event.detail["format"]) == (head, "register", "xlsx")


def test_the_csv_is_utf8_with_a_byte_order_mark(month_station, head, client_as):
    response = client_as(head).get(f"/oversight/month/ledgers/return_home.csv?{MARCH}")
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("站点,档案号,姓名,离站时间,离站方式")
    assert len(lines) == 3 and "R-1" in lines[1]  # A by ticket with money, B home with the family


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("kind", ["register", "return_home", "deaths", "tracing"])
def test_a_name_typed_as_a_formula_is_text_in_every_ledger(month_station, head, client_as, kind):
    """OWASP's CSV injection: a name typed at intake is never a live formula in a ledger."""
    names = ['=HYPERLINK("http://x.example/","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1", "\t=1", "=1+1"]
    for stay, name in zip(month_station.values(), names):
        Person.objects.filter(pk=stay.person_id).update(name=name)
    client = client_as(head)
    sheet = load_workbook(io.BytesIO(client.get(f"/oversight/month/ledgers/{kind}.xlsx?{MARCH}").content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    typed = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)]
    assert typed and all(c.data_type == "s" and c.quotePrefix for c in typed)
    text = client.get(f"/oversight/month/ledgers/{kind}.csv?{MARCH}").content.decode("utf-8-sig")
    values = [v for row in csv.reader(io.StringIO(text, newline="")) for v in row]
    assert not [v for v in values if v.startswith(FORMULA_STARTS)]
    assert any(v.startswith("'") and v[1:] in names for v in values)


def test_the_monthly_table_prints_as_pdf(month_station, head, client_as):
    response = client_as(head).get(f"/oversight/month/statistics.pdf?{MARCH}")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, detail__format="pdf").exists()


@pytest.mark.parametrize("url", ["/oversight/month/", "/oversight/month/ledgers/deaths.csv", "/oversight/month/statistics.pdf",
                                 "/oversight/month/figures/arrivals/"])
def test_reception_may_not_see_the_month(reception, client_as, url):
    assert client_as(reception).get(url).status_code == 403


def test_a_station_exports_only_its_own_rows(month_station, other_station, make_user, client_as):
    head_sz = make_user("head-sz", "station_head", other_station)
    lines = client_as(head_sz).get(f"/oversight/month/ledgers/register.csv?{MARCH}").content.decode("utf-8-sig")
    assert lines.splitlines() == [lines.splitlines()[0]]
    # Asking for another station changes nothing for a station's user.
    asked = client_as(head_sz).get(f"/oversight/month/ledgers/register.csv?{MARCH}&station={month_station['A'].person.station_id}")
    assert len(asked.content.decode("utf-8-sig").splitlines()) == 1


def test_export_ledger_from_the_command_line(month_station, tmp_path):
    target = tmp_path / "march.xlsx"
    call_command("export_ledger", "--station=GZ", "--month=2026-03", "--kind=register", "--format=xlsx",
                 f"--output={target}", stdout=io.StringIO())
    assert load_workbook(target).active["B1"].value == "档案号"
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT, detail__command=True).exists()


@pytest.mark.parametrize("code, month, message", [("XX", "2026-03", "unknown station 'XX'"),
                                                      ("GZ", "2026-13", "bad month '2026-13'"),
                                                      ("GZ", "March", "bad month 'March'"),
                                                      ("GZ", "2026-3", "bad month '2026-3'")])
def test_export_ledger_refuses_an_unknown_station_or_a_bad_month_with_status_2(station, code, month, message):
    err = io.StringIO()
    with pytest.raises(SystemExit) as e:
        call_command("export_ledger", f"--station={code}", f"--month={month}", "--kind=register", "--format=csv",
                     stderr=err)
    assert e.value.code == 2 and message in err.getvalue()


def sheet_xlsx(rows):
    book = Workbook()
    book.active.append(["票据号", "金额", "姓名"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_the_finance_comparison_finds_a_missing_an_extra_and_a_different_payment(
        month_station, station, supervisor, reception, client_as):
    # A second payment in March: C's allowance on receipt R-2 (recorded on the stay's departure in April
    # would not count: March only). Add one to B's departure instead.
    Departure.objects.filter(stay=month_station["B"]).update(allowance=Decimal("50.00"), receipt_no="R-2",
                                                            paid_out_by="财务")
    # The sheet: R-1 with another amount, R-2 missing, R-9 only on the sheet.
    upload = SimpleUploadedFile("march.xlsx", sheet_xlsx([["R-1", 100, month_station["A"].person.name],
                                                          ["R-9", "30.00", "乙"]]))
    response = client_as(supervisor).post("/oversight/month/finance/upload/",
                                          {"station": station.pk, "month": "2026-03", "sheet": upload})
    comparison = FinanceComparison.objects.get()
    assert response.status_code == 302
    assert comparison.result["missing"] == [{"receipt_no": "R-2", "amount": "50.00",
                                             "departure": month_station["B"].departure.pk}]
    assert comparison.result["extra"] == [{"receipt_no": "R-9", "amount": "30.00", "line": 3, "name": "乙",
                                           "id_number": ""}]
    assert comparison.result["different"][0] | {"departure": None} == {
        "receipt_no": "R-1", "system": "120.00", "sheet": "100.00", "departure": None, "line": 2}
    assert not comparison.agrees
    page = client_as(supervisor).get(f"/oversight/month/finance/{comparison.pk}/")
    assert page.status_code == 200 and "R-9" in page.content.decode()
    # The result names people (a departure's file): who read it is recorded (issue 23).
    seen = AuditEvent.objects.get(user=supervisor, action=AuditEvent.VIEW, detail__finance=comparison.pk)
    assert month_station["B"].person.file_no in seen.detail["files"]
    # The desk does not upload.
    assert client_as(reception).post("/oversight/month/finance/upload/", {}).status_code == 403


def test_a_sheet_without_its_columns_is_refused_and_nothing_kept(station, supervisor, client_as):
    upload = SimpleUploadedFile("march.csv", "号码,钱\nR-1,10\n".encode("utf-8-sig"))
    response = client_as(supervisor).post("/oversight/month/finance/upload/",
                                          {"station": station.pk, "month": "2026-03", "sheet": upload})
    assert response.status_code == 400 and "票据号" in response.content.decode()
    assert not FinanceComparison.objects.exists()


def test_money_on_departure_is_never_negative_and_needs_its_receipt(stay, reception):
    for values, field in (({"allowance": Decimal("-5")}, "allowance"), ({"ticket_amount": Decimal("80")}, "receipt_no")):
        departure = Departure(kind="ticket", destination="长沙", ticket_no="K1", departed_at=timezone.now(), **values)
        with pytest.raises(ValidationError) as e:
            depart_stay(stay=stay, by=reception, departure=departure)
        assert field in e.value.message_dict
    assert stay.__class__.objects.get(pk=stay.pk).state == "reception"


def test_the_inspector_sees_every_station_and_changes_nothing(month_station, other_station, make_user, client_as, stay):
    inspector = make_user("inspector", "inspector", None)
    client = client_as(inspector)
    page = client.get("/oversight/month/?start=2026-03")
    assert page.status_code == 200 and "Shenzhen" in page.content.decode()
    assert client.get(f"/oversight/month/ledgers/register.csv?{MARCH}").status_code == 200
    assert client.get("/oversight/").status_code == 200  # the deadline board: the warnings
    # No permission that adds, changes, deletes or takes a step of any workflow, anywhere.
    granted = set(Group.objects.get(name="inspector").permissions.values_list("codename", flat=True))
    assert not {p for p in granted if p.split("_")[0] in ("add", "change", "delete")}
    steps = {t.permission.split(".")[1] for model in apps.get_models() for field in model._meta.fields
             if isinstance(field, FSMField) for t in getattr(model, f"get_all_{field.name}_transitions")(model())
             if isinstance(t.permission, str)}
    assert steps and not (granted & steps)
    assert set(ROLES["inspector"]) <= {f"{a}.{c}" for a, c in Group.objects.get(name="inspector").permissions
                                       .values_list("content_type__app_label", "codename")}
    assert not inspector.is_staff
    # Reads everything, audited like anyone's reads; changes nothing.
    assert client.get(f"/people/{stay.person_id}/").status_code == 200
    assert AuditEvent.objects.filter(user=inspector, action="view", person=stay.person).exists()
    for url in ("/people/new/", f"/people/{stay.person_id}/correct/", f"/stays/{stay.pk}/depart/",
                f"/stays/{stay.pk}/do/admit/", "/family/reports/new/"):
        assert client.post(url, {}).status_code in (403, 404, 405), url
    assert client.post("/oversight/month/finance/upload/", {}).status_code == 403


@pytest.mark.parametrize("written", ["NaN", "nan", "Infinity", "-inf", "1e100"])
def test_a_sheet_amount_that_is_no_number_is_refused_with_its_line(station, supervisor, client_as, written):
    """"NaN" read as a Decimal is no amount (it was kept, and compared as different from everything;
    issue 23): the sheet is refused with the line, and nothing is kept."""
    upload = SimpleUploadedFile("march.csv", f"票据号,金额\nR-1,{written}\n".encode("utf-8-sig"))
    response = client_as(supervisor).post("/oversight/month/finance/upload/",
                                          {"station": station.pk, "month": "2026-03", "sheet": upload})
    assert response.status_code == 400 and "Line 2" in response.content.decode()
    assert not FinanceComparison.objects.exists()
