# Documents move to the activity app so that every module attaches files the same way. The table
# is renamed in place (rows, files and the foreign keys pointing at it are kept); the activity app
# then takes over the model in its migration state.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name="document", table="activity_document"),
            ],
        ),
    ]
