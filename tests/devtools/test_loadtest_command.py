"""manage.py loadtest, the database side of `make loadtest`: its staff, and the latency it reports."""

import datetime
import json

from django.core.management import call_command
from django.utils import timezone

from devtools.demo import STATIONS
from exchange.services import token_for_key
from face.models import Portrait
from shelter.models import AuditEvent, Station, User


def test_prepare_makes_twenty_desk_staff_and_five_supervisors_per_demo_station_once(db, tmp_path):
    for code, name, *_ in STATIONS:
        Station.objects.create(code=code, name=name)
    call_command("loadtest", "--prepare", "--frames", str(tmp_path / "frames"))
    call_command("loadtest", "--prepare")  # again: nobody added twice
    staff = User.objects.filter(username__startswith="lt-")
    assert staff.count() == 50
    desk = staff.get(username="lt-fs-reception-20")
    assert desk.station.code == "FS" and desk.has_perm("family.search_faces") and desk.check_password("homeward-demo")
    assert staff.get(username="lt-gz-supervisor-05").has_perm("family.review_candidate")
    assert len(list((tmp_path / "frames").glob("*.jpg"))) == 7


def test_prepare_gives_a_partner_system_a_token_to_file_and_read_family_reports(db, tmp_path, admin_user):
    for code, name, *_ in STATIONS:
        Station.objects.create(code=code, name=name)
    call_command("loadtest", "--prepare", "--api-token", str(tmp_path / "api-token"))
    token, _found = token_for_key((tmp_path / "api-token").read_text())
    assert token.partner.code == "lt-hotline" and token.is_usable
    assert sorted(token.capabilities) == ["file_reports", "read_reports"]
    assert {s.code for s in token.stations.all()} == {code for code, *_ in STATIONS}


def test_report_measures_a_portrait_from_taken_to_encoded_and_searched(db, tmp_path, person):
    for code, name, *_ in STATIONS:
        Station.objects.get_or_create(code=code, defaults={"name": name})
    call_command("loadtest", "--prepare")
    desk = User.objects.get(username="lt-gz-reception-01")
    start = timezone.now()
    taken = start + datetime.timedelta(seconds=1)
    portrait = Portrait.objects.create(person=person, image="portraits/x.jpg", accepted=True, taken_by=desk,
                                       taken_at=taken, encoded_at=taken + datetime.timedelta(seconds=2))
    AuditEvent.objects.create(user=desk, action=AuditEvent.FACE_SEARCH, at=taken + datetime.timedelta(seconds=3),
                              detail={"portrait": portrait.pk})
    out = tmp_path / "tasks.json"
    call_command("loadtest", "--report", "--since", start.isoformat(), "--json", str(out))
    figures = json.loads(out.read_text())
    assert figures["portrait encoding"]["max"] == 2.0 and figures["portrait search"]["max"] == 3.0
    assert figures["family report search"]["n"] == 0
