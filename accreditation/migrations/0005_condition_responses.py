import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def history_from_met_notes(apps, schema_editor):
    """A condition marked met before answers existed keeps how it was met as the first entry
    of its history."""
    Condition = apps.get_model("accreditation", "Condition")
    ConditionResponse = apps.get_model("accreditation", "ConditionResponse")
    for condition in Condition.objects.filter(met_at__isnull=False).select_related("decision"):
        ConditionResponse.objects.create(
            condition=condition,
            kind="met",
            note=condition.met_note.strip() or "—",
            by_id=condition.met_by_id or condition.decision.decided_by_id,
            at=condition.met_at,
        )
        condition.status = "met"
        condition.save(update_fields=["status"])


def met_notes_from_history(apps, schema_editor):
    Condition = apps.get_model("accreditation", "Condition")
    ConditionResponse = apps.get_model("accreditation", "ConditionResponse")
    for response in ConditionResponse.objects.filter(kind="met"):
        Condition.objects.filter(pk=response.condition_id).update(met_note=response.note)


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0004_score_internal_reapply"),
        ("activity", "0003_document"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ConditionResponse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("answer", "Answer"),
                            ("met", "Marked met"),
                            ("not_met", "Marked not met"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("note", models.TextField(verbose_name="note")),
                (
                    "at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "condition",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="responses",
                        to="accreditation.condition",
                        verbose_name="condition",
                    ),
                ),
                (
                    "documents",
                    models.ManyToManyField(
                        blank=True,
                        related_name="condition_responses",
                        to="activity.document",
                        verbose_name="documents",
                    ),
                ),
            ],
            options={
                "verbose_name": "response to a condition",
                "verbose_name_plural": "responses to conditions",
                "ordering": ["at", "id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("note", ""), _negated=True),
                        name="condition_response_has_note",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="condition",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Waiting for the organisation's answer"),
                    ("answered", "Answered: waiting for the administration"),
                    ("not_met", "Not met: the organisation may answer again"),
                    ("met", "Met"),
                ],
                default="open",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(history_from_met_notes, met_notes_from_history),
        migrations.RemoveField(model_name="condition", name="met_note"),
        migrations.AddConstraint(
            model_name="condition",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("met_at__isnull", False), ("status", "met")),
                    models.Q(
                        models.Q(("status", "met"), _negated=True), ("met_at__isnull", True)
                    ),
                    _connector="OR",
                ),
                name="condition_met_has_date",
            ),
        ),
    ]
