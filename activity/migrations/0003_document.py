# The model of the table renamed by accreditation 0002: only the migration state changes here.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

import activity.models


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0002_audit_append_only"),
        ("accreditation", "0002_document_table_to_activity"),
        ("directory", "0003_activity_types"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Document",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("file", models.FileField(upload_to=activity.models._document_path, verbose_name="file")),
                        ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                        ("content_type", models.CharField(max_length=100, verbose_name="type")),
                        ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                        ("uploaded_at", models.DateTimeField(default=timezone.now, verbose_name="uploaded")),
                        ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="documents", to="directory.organisation", verbose_name="organisation")),
                        ("uploaded_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "document",
                        "verbose_name_plural": "documents",
                        "ordering": ["-uploaded_at", "-id"],
                    },
                ),
            ],
        ),
    ]
