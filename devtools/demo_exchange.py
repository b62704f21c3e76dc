"""Demo partner systems and the monthly exchange: GZ's police send their death records by the API
(one row is a GZ resident by ID number, one by name and date of birth, one nobody), the health
commission is expected every month and has not sent; a tracing hotline holds a token to file family
reports and read their status. Returns the hotline's token (shown once by seed_demo)."""

import datetime

from django.utils import timezone

from exchange.models import Capability, ListKind, Partner, PartnerKind
from exchange.services import issue_token, submit_rows
from shelter.models import Person, Station, User


def load():
    station = Station.objects.get(code="GZ")
    supervisor = User.objects.get(username="gz-supervisor")
    police = Partner.objects.create(code="gz-police", name="广州市公安局", kind=PartnerKind.POLICE,
                                    sends_death_records=True, responsible=supervisor)
    health = Partner.objects.create(code="gz-health", name="广州市卫生健康委员会", kind=PartnerKind.HOSPITAL,
                                    sends_death_records=True, responsible=supervisor)
    hotline = Partner.objects.create(code="hotline", name="寻亲志愿者热线", kind=PartnerKind.HOTLINE,
                                     responsible=supervisor)
    for partner in (police, health, hotline):
        partner.stations.set([station])
    expires = timezone.now() + datetime.timedelta(days=180)
    police_token, _key = issue_token(partner=police, stations=[station], capabilities=[Capability.SUBMIT_LISTS],
                                     expires_at=expires, by=supervisor, label="死亡人口信息交换")
    people = list(Person.objects.filter(station=station, merged_into__isnull=True).exclude(name="")
                  .exclude(id_number="").order_by("pk")[:1])
    rows = [{"name": p.name, "id_number": p.id_number} for p in people]
    named = Person.objects.filter(station=station, merged_into__isnull=True, id_number="").exclude(name="") \
        .order_by("-pk").first()
    if named is not None:
        born = named.date_of_birth or datetime.date(1950, 3, 1)
        Person.objects.filter(pk=named.pk).update(date_of_birth=born)
        rows.append({"name": named.name, "birth_date": born.isoformat()})
    rows.append({"name": "无此人", "birth_date": "1931-01-01"})
    submit_rows(token=police_token, station=station, kind=ListKind.DEATHS, month=timezone.localdate().replace(day=1),
                rows=rows)
    _token, key = issue_token(partner=hotline, stations=[station], expires_at=expires, by=supervisor,
                              capabilities=[Capability.READ_NOTICES, Capability.FILE_REPORTS, Capability.READ_REPORTS],
                              label="热线寻亲登记")
    return key
