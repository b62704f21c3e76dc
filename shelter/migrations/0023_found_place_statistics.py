"""PostgreSQL statistics on UPPER(found_place), the expression a case-insensitive search of the place
found compares (the public notice search's `region`, notices.selectors.search). Without them the
planner takes any such words for rare (10 rows in 100,000) and, for words as common as 火车站, joins a
third of all cases and sorts them (100 ms) instead of walking the newest first and stopping at a page
(1 ms). No index: the words are searched within the text, which a btree cannot serve. Nothing to do
on SQLite; expression statistics need PostgreSQL 14."""

from django.db import migrations

NAME = "stay_found_place_upper"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql" and connection.pg_version >= 140000:
        schema_editor.execute(f"CREATE STATISTICS IF NOT EXISTS {NAME} ON (UPPER(found_place::text)) FROM shelter_stay")
        schema_editor.execute("ANALYZE shelter_stay")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("shelter", "0019_second_checks"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
