from django.db import migrations

CODES = [
    "education",
    "vocational",
    "religious",
    "legal_aid",
    "health",
    "psychosocial",
    "family",
    "corruption",
    "staff_training",
    "monitoring",
    "culture_sport",
    "reintegration",
]


def add(apps, schema_editor):
    ActivityType = apps.get_model("directory", "ActivityType")
    for code in CODES:
        ActivityType.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_activity_type")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
