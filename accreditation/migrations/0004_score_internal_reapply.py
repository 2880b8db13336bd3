import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0003_document_in_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="reapply_after_days",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text=(
                    "Days after an accreditation is revoked before the organisation may apply "
                    "again; 0 lets it apply at once. At most 3650 (ten years)."
                ),
                validators=[django.core.validators.MaxValueValidator(3650)],
                verbose_name="waiting period after a revocation (days)",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="internal",
            field=models.BooleanField(
                default=False,
                help_text="An internal comment is read by the administration only, not the applicant.",
                verbose_name="internal comment",
            ),
        ),
    ]
