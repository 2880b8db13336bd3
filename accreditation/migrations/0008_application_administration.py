# Applications carry their administration (that of their framework) so that the database holds
# "one open application per organisation and administration".
import django.db.models.deletion
from django.db import migrations, models


def copy_administration(apps, schema_editor):
    Application = apps.get_model("accreditation", "Application")
    for application in Application.objects.select_related("framework"):
        application.administration_id = application.framework.administration_id
        application.save(update_fields=["administration"])


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0007_translated_texts_bounds"),
        ("directory", "0003_activity_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="administration",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="directory.administration",
                verbose_name="administration",
            ),
        ),
        migrations.RunPython(copy_administration, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="administration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="applications",
                to="directory.administration",
                verbose_name="administration",
            ),
        ),
        migrations.AddConstraint(
            model_name="application",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "returned", "under_review"])),
                fields=("organisation", "administration"),
                name="application_one_open_per_administration",
            ),
        ),
    ]
