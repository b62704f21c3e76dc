"""Demo data-quality problems: one ID number that contradicts its file, a list from the police compared
with the GZ files (one hit by ID number, one by name and date of birth, one miss), and a sweep, so the
GZ supervisor sees problems of several kinds, can fix one by editing the file and accept another."""

import datetime

from lib import idcard
from oversight import problem_sweep
from oversight.services import compare_list
from shelter.models import Person, Station, User


def id_number(born, male=True):
    first17 = f"440106{born:%Y%m%d}00{1 if male else 2}"
    return first17 + idcard.check_char(first17)


def load():
    station = Station.objects.get(code="GZ")
    supervisor = User.objects.get(username="gz-supervisor")
    people = list(Person.objects.filter(station=station, merged_into__isnull=True).exclude(name="").order_by("pk")[:2])
    lines = ["姓名,身份证号,出生日期,备注"]
    if people:
        wrong = people[0]  # the ID number says born 1958, the file says otherwise: fix the file or the number
        born = wrong.date_of_birth or datetime.date(1960, 1, 1)
        number = id_number(born.replace(year=born.year - 2), male=wrong.sex != "F")
        Person.objects.filter(pk=wrong.pk).update(id_number=number, date_of_birth=born)
        lines.append(f"{wrong.name},{number},,公安户籍比对命中")
    if len(people) > 1:
        alike = people[1]
        born = alike.date_of_birth or datetime.date(1955, 6, 1)
        Person.objects.filter(pk=alike.pk).update(date_of_birth=born)
        lines.append(f"{alike.name},,{born:%Y/%m/%d},殡葬登记")
    lines.append("无此人,,1931-01-01,无")
    compare_list(station=station, source="广州市公安局户籍科", file_name="户籍比对.csv",
                 data="\n".join(lines).encode("utf-8-sig"), columns={"name": "姓名", "id_number": "身份证号",
                                                                       "birth_date": "出生日期"}, by=supervisor)
    problem_sweep.run()
