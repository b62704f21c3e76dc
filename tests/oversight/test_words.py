"""The month's words (issue 25): Chinese in the page and the official PDF, the month pickers showing the
month shown, the audit log saying what was read, English pages saying the ledgers in English."""

import io
import re

from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from oversight.models import Problem
from oversight.problem_text import what_is_wrong
from shelter.models import AuditEvent, User

MARCH = "start=2026-03&end=2026-03"


def chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_the_month_page_and_its_pdf_say_who_brought_and_how_long_in_chinese(month_station, head, client_as):
    client = chinese(client_as(head))
    page = client.get(f"/oversight/month/?{MARCH}").content.decode()
    pdf = client.get(f"/oversight/month/statistics.pdf?{MARCH}").content
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace(" ", "")
    for text in (page, printed):
        assert "brought by" not in text and "staying over" not in text
    assert "来站方式：公安" in page and "在站超过10天" in page
    assert "来站方式：公安" in printed and "在站超过30天" in printed


def test_the_month_pickers_show_the_month_shown(month_station, head, client_as):
    client = chinese(client_as(head))
    page = client.get("/oversight/month/").content.decode()
    shown = re.findall(r'<input type="month" name="(start|end)" value="(\d{4}-\d{2})"', page)
    assert len(shown) == 2 and shown[0][1] == shown[1][1]
    page = client.get("/oversight/month/?start=2026-03").content.decode()
    assert re.findall(r'<input type="month" name="end" value="([\d-]+)"', page) == ["2026-03"]


def test_a_figure_s_rows_are_logged_as_a_list_and_said_in_the_reader_s_language(month_station, supervisor, client_as):
    client = chinese(client_as(supervisor))
    assert client.get(reverse("oversight:figure", args=["arrivals"]) + f"?{MARCH}").status_code == 200
    event = AuditEvent.objects.get(target="figure arrivals")
    assert event.action == AuditEvent.LIST  # not "looked at a file"
    page = client.get(reverse("shelter:audit")).content.decode()
    assert "figure arrivals" not in page and "月度统计“" in page
    assert '<option value="create">新建</option>' in page  # not 建档时间, the file's creation date


def test_an_internal_key_is_not_shown_as_the_target():
    event = AuditEvent(target="月度数据大幅变化 (month_change:station:1:2026-11:arrivals)")
    assert event.target_label == "月度数据大幅变化"
    assert AuditEvent(target='=HYPERLINK("http://x.example/","y")').target_label == '=HYPERLINK("http://x.example/","y")'


def test_the_problems_list_shows_what_its_filter_says(demo, client_as):
    client = chinese(client_as(User.objects.get(username="gz-supervisor")))
    page = client.get(reverse("oversight:problems")).content.decode()
    selected = re.search(r'<select name="state"[^>]*>(.*?)</select>', page, re.S).group(1)
    chosen = re.findall(r'<option value="(\w*)"[^>]*selected', selected)
    assert chosen == ["open"]  # the list shows the open problems, and its filter says so
    # Two notices without a portrait on two channels are two lines of a file that say which channel.
    rows = re.findall(r'<a href="/people/\d+/">([\w-]+)</a>.*?</td>\s*<td>([^<]*)</td>', page, re.S)
    per_file = [(file_no, text) for file_no, text in rows if "寻亲公告" in text]
    assert per_file and len(per_file) == len(set(per_file))
    assert len({file_no for file_no, _text in per_file}) < len(per_file)  # the demo has such a file


def test_the_english_month_page_names_the_ledgers_in_english(month_station, head, client_as):
    client = client_as(head)
    client.cookies["django_language"] = "en"
    page = client.get(f"/oversight/month/?{MARCH}").content.decode()
    assert "return-home ledger" in page and "返乡台账" not in page
    chinese(client)
    assert "返乡台账" in client.get(f"/oversight/month/?{MARCH}").content.decode()


def test_english_problem_texts_join_with_commas():
    problem = Problem(kind="id_contradicts", params={"fields": ["date_of_birth", "age"], "id_birth_date": "1958-01-01",
                                                     "id_sex": "F"})
    with translation.override("en"):
        assert "date of birth, age estimate" in what_is_wrong(problem) and "sex female" in what_is_wrong(problem)
    with translation.override("zh-hans"):
        assert "出生日期、估计年龄" in what_is_wrong(problem) and "性别 F" not in what_is_wrong(problem)


def test_the_new_list_pages_are_named_in_the_readers_language_in_the_audit_log():
    """Queries, findings and the exchange's pages (issues 22, 26) are said in Chinese on the audit page."""
    with translation.override("zh-hans"):
        labels = [str(AuditEvent(target=t).target_label)
                  for t in ("data queries", "inspection findings", "api tokens", "exchange month")]
    assert labels == ["数据核查函列表", "检查发现的问题清单", "合作系统接口令牌", "每月死亡信息交换"]
