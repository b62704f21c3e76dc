"""The audit log cannot be changed or deleted, by anyone who can reach the database with the app's
role: on PostgreSQL (production) a trigger refuses every UPDATE and DELETE of a row. (TRUNCATE, a
whole-table maintenance statement, is left to the database owner; the app never issues one.)"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION shelter_auditevent_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log cannot be changed or deleted (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER shelter_auditevent_immutable BEFORE UPDATE OR DELETE ON shelter_auditevent
    FOR EACH ROW EXECUTE FUNCTION shelter_auditevent_immutable();
"""
DROP = """
DROP TRIGGER IF EXISTS shelter_auditevent_immutable ON shelter_auditevent;
DROP FUNCTION IF EXISTS shelter_auditevent_immutable();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("shelter", "0008_heartbeat")]
    operations = [migrations.RunPython(forwards, backwards)]
