"""How the family was found, as data: asked on "family found", on a candidate's confirmation and on a
departure with the family; records from before the question get "unknown" by migration."""

import importlib
import types

from django.apps import apps
from django.db import connection
from django.utils import timezone

from shelter.models import Departure
from shelter.services import depart_stay
from tracing.models import TracingCase
from tracing.services import find_family


def test_family_found_asks_how_and_keeps_the_channel(case_of, arrive, station, reception, supervisor, client_as):
    case = case_of(arrive(station, reception))
    client = client_as(supervisor)
    refused = client.post(f"/tracing/cases/{case.pk}/do/family-found/", {"reason": "儿子来电"})
    assert refused.status_code == 400 and "channel" in refused.context["form"].errors
    assert TracingCase.objects.get(pk=case.pk).is_open
    client.post(f"/tracing/cases/{case.pk}/do/family-found/", {"reason": "儿子看到头条推送后来电", "channel": "toutiao"})
    case = TracingCase.objects.get(pk=case.pk)
    assert (case.state, case.found_channel) == ("family_found", "toutiao")


def test_unknown_is_not_a_choice_for_new_records(case_of, arrive, station, reception, supervisor, client_as):
    case = case_of(arrive(station, reception))
    response = client_as(supervisor).post(f"/tracing/cases/{case.pk}/do/family-found/",
                                          {"reason": "?", "channel": "unknown"})
    assert response.status_code == 400 and TracingCase.objects.get(pk=case.pk).is_open


def test_earlier_families_found_and_departures_get_unknown_by_migration(case_of, arrive, station, reception, supervisor):
    case = case_of(arrive(station, reception))
    find_family(case=case, by=supervisor, reason="来电", channel="toutiao")
    stay = arrive(station, reception)
    depart_stay(stay=stay, by=reception, departure=Departure(
        kind="family", departed_at=timezone.now(), receiver_name="李明", receiver_relation="儿子",
        receiver_id_number="11010519491231002X", found_channel="interview"))
    TracingCase.objects.update(found_channel="")  # as before the channel was asked
    Departure.objects.update(found_channel="")
    editor = types.SimpleNamespace(connection=connection)
    importlib.import_module("shelter.migrations.0011_departure_money_channel").channel_unknown(apps, editor)
    importlib.import_module("tracing.migrations.0008_channel_finance").channel_unknown(apps, editor)
    assert set(TracingCase.objects.filter(close_cause="family").values_list("found_channel", flat=True)) == {"unknown"}
    assert list(Departure.objects.values_list("found_channel", flat=True)) == ["unknown"]
    assert set(TracingCase.objects.exclude(close_cause="family").values_list("found_channel", flat=True)) <= {""}
