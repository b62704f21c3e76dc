import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from exchange.models import Capability, Partner
from exchange.services import issue_token


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The rate limits count in the default cache: each test starts with none used."""
    cache.clear()


@pytest.fixture
def partner(station, supervisor):
    p = Partner.objects.create(code="gz-police", name="广州市公安局", kind="police", responsible=supervisor,
                               sends_death_records=True)
    p.stations.set([station])
    return p


@pytest.fixture
def give():
    """give(partner, by, stations, capabilities=all, days=30): (token, key)."""
    def give(partner, by, stations, capabilities=None, days=30):
        return issue_token(partner=partner, stations=stations, by=by,
                           capabilities=capabilities or list(Capability.values),
                           expires_at=timezone.now() + datetime.timedelta(days=days))

    return give
