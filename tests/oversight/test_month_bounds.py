"""Months and days out of the register's years (1900-2100; the month's pages from 2000) in the query
string or a form: said beside the field, in the user's language, never a server error."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from oversight.forms.month import MAX_MONTHS
from oversight.models import FinanceComparison

PAGES = ["/oversight/month/", "/oversight/month/figures/arrivals/", "/oversight/month/ledgers/register.csv",
         "/oversight/month/ledgers/register.xlsx", "/oversight/month/statistics.pdf"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("query", ["start=9999-12", "start=2026-01&end=9999-12", "start=2101-01", "end=9999-12",
                                   "start=0001-01"])
def test_a_month_out_of_range_in_the_query_never_breaks_a_page(head, client_as, url, query):
    response = client_as(head).get(f"{url}?{query}")
    assert response.status_code == 200


@pytest.mark.parametrize("query, message", [
    ("start=9999-12", "after 2100"),
    ("start=2026-01&end=9999-12", "after 2100"),
    ("start=2000-01&end=2100-12", f"at most {MAX_MONTHS} months"),
])
def test_the_month_page_says_what_is_wrong(head, client_as, query, message):
    response = client_as(head).get(f"/oversight/month/?{query}")
    assert response.status_code == 200 and message in response.content.decode()


def test_the_month_page_says_it_in_chinese(head, client_as, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = client_as(head).get("/oversight/month/?start=9999-12", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "2100" in response.content.decode()
    assert "after 2100" not in response.content.decode()


@pytest.mark.parametrize("month", ["9999-12", "2101-01"])
def test_a_finance_month_out_of_range_is_refused_beside_the_field(station, supervisor, client_as, month):
    upload = SimpleUploadedFile("march.csv", "票据号,金额\nR-1,10\n".encode("utf-8-sig"))
    response = client_as(supervisor).post("/oversight/month/finance/upload/",
                                          {"station": station.pk, "month": month, "sheet": upload})
    assert response.status_code == 400 and "after 2100" in response.content.decode()
    assert not FinanceComparison.objects.exists()


def test_export_ledger_refuses_a_month_after_2100(station):
    with pytest.raises(SystemExit) as e:
        call_command("export_ledger", "--station=GZ", "--month=9999-12", "--kind=register", "--format=csv")
    assert e.value.code == 2
