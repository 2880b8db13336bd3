# Each administration vets people for itself. Existing clearances are given to the administration
# the person's organisation applied to (the one of its latest submitted application), or to the
# only administration when there is one.
import django.db.models.deletion
from django.db import migrations, models


def assign_administration(apps, schema_editor):
    Clearance = apps.get_model("accreditation", "Clearance")
    Application = apps.get_model("accreditation", "Application")
    Administration = apps.get_model("directory", "Administration")
    fallback = Administration.objects.order_by("pk").first()
    for clearance in Clearance.objects.filter(administration__isnull=True).select_related("person"):
        latest = (
            Application.objects.filter(organisation_id=clearance.person.organisation_id)
            .exclude(submitted_at__isnull=True)
            .order_by("-submitted_at")
            .values_list("framework__administration_id", flat=True)
            .first()
        )
        clearance.administration_id = latest or (fallback.pk if fallback else None)
        clearance.save(update_fields=["administration"])


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_document_in_activity"),
        ("directory", "0003_activity_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="clearance",
            name="administration",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clearances",
                to="directory.administration",
                verbose_name="administration",
            ),
        ),
        migrations.RunPython(assign_administration, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clearance",
            name="administration",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="clearances",
                to="directory.administration",
                verbose_name="administration",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="clearance",
            name="clearance_one_pending_per_person",
        ),
        migrations.AddConstraint(
            model_name="clearance",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("person", "administration"),
                name="clearance_one_pending_per_administration",
            ),
        ),
    ]
