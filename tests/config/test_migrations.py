"""The migrations run on any database alias, not only "default": the benchmarks migrate databases of
their own beside the configured one (bench_search's `bench_sqlite`), and a data migration that forgets
`.using(alias)` reads and writes the wrong database, or one without its tables."""

import pytest
from django.core.management import call_command
from django.db import connections

ALIAS = "migration_check"


@pytest.fixture
def other_database(tmp_path):
    connections.settings[ALIAS] = connections.configure_settings({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "other.sqlite3")}})["default"]
    try:
        yield connections[ALIAS]
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]


def test_every_migration_runs_on_a_database_other_than_default(other_database, django_db_blocker):
    with django_db_blocker.unblock():  # a database of its own, outside the test database's transaction
        call_command("migrate", database=ALIAS, verbosity=0, interactive=False)
        tables = other_database.introspection.table_names()
    assert {"shelter_person", "shelter_personnamekey", "face_portrait", "family_candidate"} <= set(tables)
