"""On PostgreSQL the database itself refuses to change or delete audit entries."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION activity_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_audit_append_only
    BEFORE UPDATE OR DELETE ON activity_auditentry
    FOR EACH ROW EXECUTE FUNCTION activity_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS activity_audit_append_only ON activity_auditentry;
DROP FUNCTION IF EXISTS activity_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("activity", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
