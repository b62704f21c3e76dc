"""Demo family reports, loaded by `manage.py seed_demo` after the tracing demo (devtools.demo_tracing).

Three residents of the GZ station get real portraits (photos from tests/faces, taken through
face.services.take_portrait so they are quality-checked and encoded like any other); then two families report a
missing relative with another photo of the same person:
- at GZ, the son of the unnamed man found at 天河客运站: he should be the top candidate;
- at FS, the daughter of 李秀英, who is at GZ: FS sees "possible match at GZ", GZ reviews it.
李秀英 was interviewed at GZ: her words name 隆回 and her daughter 王芳; the desk accepted both clues,
so the FS report (from 隆回, taken by 王芳) ranks first on the interview page and she ranks up among
that report's candidates. An unnamed man at GZ named 营山县 and his brother in an interview; the county's
police found the brother, and his case closed "family found" through the interview (the month counts it).
The searches run in the Celery worker that `make run` starts (or at once when tasks are eager).
"""

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from face.services import take_portrait
from family.models import FamilyReport
from family.services import check_photo, register_report
from shelter.models import FoundChannel, Person, Station, Stay, User
from tracing.services import find_family, judge_clue, record_interview

FACES = Path(settings.BASE_DIR) / "tests" / "faces"


def photo(name):
    return (FACES / f"{name}.jpg").read_bytes()


def load():
    gz = Station.objects.get(code="GZ")
    gz_reception = User.objects.get(username="gz-reception")
    fs_reception = User.objects.get(username="fs-reception")
    unnamed = Stay.objects.filter(person__station=gz, found_place="天河客运站候车厅").select_related("person").first().person
    li = Person.objects.get(station=gz, name="李秀英")
    zhang = Person.objects.get(station=gz, name="张建国")
    for person, name in ((unnamed, "obama_1"), (li, "leslie_1"), (zhang, "biden_2")):
        take_portrait(person=person, data=photo(name), by=gz_reception)
    today = timezone.localdate()
    report(gz_reception, "obama_3", reported_via="counter", reporter_name="张伟", reporter_relation="儿子",
           reporter_phone="13912345678", name="张德明", aliases="老张", sex="M", age_min=66, age_max=66,
           native_place="河南省周口市", dialect="河南话", height_cm=170, last_seen_on=today - datetime.timedelta(days=9),
           last_seen_place="广州火车站", description="短发花白，穿深蓝色外套", health="老年痴呆，记不清家里地址")
    report(fs_reception, "leslie_2", reported_via="phone", reporter_name="王芳", reporter_relation="女儿",
           reporter_phone="13787654321", name="李秀英", sex="F", age_min=78, age_max=80,
           native_place="湖南省邵阳市隆回县", dialect="湘语", last_seen_on=today - datetime.timedelta(days=5),
           last_seen_place="佛山市禅城区祖庙", health="轻度认知障碍")
    interview(li.current_stay, gz_reception)
    # His own arrival four days ago (devtools.demo_tracing), so the board's cases stay as they are.
    sichuan = Stay.objects.get(person__station=gz, found_place="广州火车站东广场")
    found_by_interview(sichuan, gz_reception, User.objects.get(username="gz-supervisor"))


INTERVIEW = ("问她家在哪里，她说屋里在隆回，门口有条河，小时候在六都寨镇赶集。问她家里有什么人，她说我女儿叫王芳，"
             "在佛山打工。说话带湖南口音，晓得自己姓李，记不清门牌号。")


def interview(stay, by):
    """An interview whose accepted clues (隆回, the daughter 王芳) point to the FS family report."""
    held = max(stay.arrived_at, timezone.now() - datetime.timedelta(days=1))
    item = record_interview(stay=stay, by=by, words=INTERVIEW, interviewer="陈静", language="湖南话",
                            held_at=held, conclusion="可能是湖南邵阳隆回人，女儿王芳在佛山。", show_on_notice=True)
    for clue in item.clues.filter(normalised__in=["湖南省邵阳市隆回县", "王芳"]):
        judge_clue(clue=clue, step="accept", by=by)
    return item


YINGSHAN = ("问了几遍他才说，我是四川南充的，屋里在营山县，我哥叫刘建华，在县城开饭馆。说话是四川口音，"
            "记不清自己多大了。")


def found_by_interview(stay, by, supervisor):
    """A family found through interview clues: 营山县 and the brother 刘建华 accepted, the county's police
    found the brother, and the case closes by the interview channel."""
    held = max(stay.arrived_at, timezone.now() - datetime.timedelta(hours=6))
    item = record_interview(stay=stay, by=by, words=YINGSHAN, interviewer="陈静", language="四川话", held_at=held,
                            conclusion="可能是四川南充营山县人，其兄刘建华在县城开饭馆。")
    for clue in item.clues.filter(normalised__in=["四川省南充市营山县", "刘建华"]):
        judge_clue(clue=clue, step="accept", by=by)
    find_family(case=stay.tracing_case, by=supervisor, channel=FoundChannel.INTERVIEW,
                   reason="营山县公安局按问询线索找到其兄刘建华，家属已确认，近日来站接回")
    return item


def report(by, photo_name, **fields):
    data = photo(photo_name)
    return register_report(report=FamilyReport(**fields), photos=[(data, check_photo(data))], by=by)
