"""Every file the product hands out goes through `lib.http.download`: named in the header (a Chinese
name too), and private: a browser may keep it a little, a shared cache (the intranet's proxy) never,
and it is never sniffed into another type. Each download URL is asked here; a new one must be added."""

import re
from pathlib import Path

from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from oversight import ledgers
from oversight.services import raise_query
from oversight.views.month import FORMATS
from shelter.models import Death
from tracing.models import Clue
from tracing.services import record_interview

# The URL names that hand out a file, and those that hand one out on a parameter (?format=csv).
FILE_URLS = {"oversight:ledger", "oversight:month_pdf", "oversight:problem_ledger", "tracing:notice_pdf",
             "tracing:dna_letter", "tracing:police_letter", "shelter:death_report_pdf", "shelter:document",
             "oversight:query_letter", "oversight:query_items",
             "notices:package",
             "shelter:stay_form_pdf"}

ON_PARAMETER = {"shelter:audit"}
FILE_ROUTE = re.compile(r"\.(pdf|xlsx|csv|zip|<slug:fmt>)$|document")

MARCH = "start=2026-03&end=2026-03"
WORDS = "俺是湖南的，屋里在隆回那边，俺哥叫王建军。"


def names(resolver=None, prefix=""):
    """(name, route) of every URL of the project."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif entry.name:
            yield f"{prefix}{entry.name}", str(entry.pattern)


def test_every_url_that_hands_out_a_file_is_asked_below():
    files = {name for name, route in names() if FILE_ROUTE.search(route)}
    assert files == FILE_URLS


def test_no_module_but_the_helper_names_a_file_in_the_header():
    root = Path(__file__).resolve().parents[2]
    naming = [str(path.relative_to(root)) for app in ("config", "lib", "shelter", "accounts", "backups", "face", "tracing", "family",
                                                      "oversight", "devtools", "notices", "exchange")
              for path in (root / app).rglob("*.py")
              if re.search(r"Content-Disposition|as_attachment", path.read_text(encoding="utf-8"))]
    assert naming == ["lib/http.py"]


def test_every_download_is_private(month_station, supervisor, client_as):
    stays = month_station
    client = client_as(supervisor)
    interview = record_interview(stay=stays["E"], by=supervisor, words=WORDS, interviewer="李娟", language="湖南话")
    place = Clue.objects.get(interview=interview, kind="place", normalised="湖南省邵阳市隆回县")
    assert client.post(reverse("tracing:clue", args=[place.pk, "accept"])).status_code == 302
    case = stays["B"].tracing_case
    death = Death.objects.get(stay=stays["F"])
    query = raise_query(station=stays["E"].person.station, department="police", department_name="广州市公安局",
                        question="身份证号存疑", items=[{"file_no": stays["E"].person.file_no}], by=supervisor)
    asked = {
        **{f"{reverse('oversight:ledger', args=[kind, fmt])}?{MARCH}": "oversight:ledger"
           for kind in ledgers.KINDS for fmt in FORMATS},
        f"{reverse('oversight:month_pdf')}?{MARCH}": "oversight:month_pdf",
        f"{reverse('oversight:problem_ledger')}?state=": "oversight:problem_ledger",
        f"{reverse('shelter:audit')}?format=csv": "shelter:audit",
        reverse("tracing:notice_pdf", args=[case.pk]): "tracing:notice_pdf",
        reverse("tracing:dna_letter", args=[case.pk]): "tracing:dna_letter",
        reverse("tracing:police_letter", args=[interview.pk]): "tracing:police_letter",
        reverse("shelter:death_report_pdf", args=[stays["F"].pk]): "shelter:death_report_pdf",
        reverse("shelter:document", args=["death", death.pk]): "shelter:document",
        reverse("oversight:query_letter", args=[query.pk]): "oversight:query_letter",
        reverse("oversight:query_items", args=[query.pk]): "oversight:query_items",
        reverse("notices:package", args=[case.pk, "national"]): "notices:package",
        reverse("shelter:stay_form_pdf", args=[stays["B"].pk, "return-home"]): "shelter:stay_form_pdf",
    }
    assert set(asked.values()) == FILE_URLS | ON_PARAMETER
    for url in asked:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, max-age=300", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert re.match(r'(attachment|inline); filename(="[^"\r\n]+"|\*=utf-8\'\'\S+)$',
                        response["Content-Disposition"]), url
