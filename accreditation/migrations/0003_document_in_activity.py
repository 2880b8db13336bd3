# Point accreditation at activity.Document and forget its own copy (state only: the table was
# renamed by 0002 and is now activity's).
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0002_document_table_to_activity"),
        ("activity", "0003_document"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="evidence",
                    name="documents",
                    field=models.ManyToManyField(blank=True, related_name="evidence", to="activity.document", verbose_name="documents"),
                ),
                migrations.AlterField(
                    model_name="formalmechanism",
                    name="mandate_document",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="activity.document", verbose_name="mandate document"),
                ),
                migrations.DeleteModel(name="Document"),
            ],
        ),
    ]
