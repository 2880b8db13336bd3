# Decisions get a reference number and a stored letter. Decisions taken before this get their
# reference here, numbered per administration and year in the order they were taken; their
# letter is prepared the next time someone downloads it.
from django.db import migrations, models
from django.utils import timezone

import accreditation.models


def number_existing_decisions(apps, schema_editor):
    Decision = apps.get_model("accreditation", "Decision")
    counters: dict[tuple[int, int], int] = {}
    decisions = Decision.objects.select_related("application__framework").order_by(
        "decided_at", "id"
    )
    for decision in decisions:
        administration = decision.application.framework.administration_id
        year = timezone.localdate(decision.decided_at).year
        number = counters.get((administration, year), 0) + 1
        counters[(administration, year)] = number
        decision.reference = f"{administration}/ACC/{year}/{number:04d}"
        decision.save(update_fields=["reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_document_in_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="letter",
            field=models.FileField(blank=True, upload_to=accreditation.models._letter_path, verbose_name="decision letter"),
        ),
        migrations.AddField(
            model_name="decision",
            name="letter_rendered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="letter prepared"),
        ),
        migrations.AddField(
            model_name="decision",
            name="reference",
            field=models.CharField(max_length=40, null=True, verbose_name="reference"),
        ),
        migrations.RunPython(number_existing_decisions, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="decision",
            name="reference",
            field=models.CharField(help_text="The number the letter is filed and quoted under, such as 3/ACC/2026/0042.", max_length=40, verbose_name="reference"),
        ),
        migrations.AddConstraint(
            model_name="decision",
            constraint=models.UniqueConstraint(fields=("reference",), name="decision_unique_reference"),
        ),
    ]
