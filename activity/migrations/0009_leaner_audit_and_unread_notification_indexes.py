"""Indexes that queries read, and no index that only inserts write.

Audit trail (two million rows at country scale, one insert per action): the kind filter asks
for one action exactly, so ``action`` keeps one plain index and loses the pattern-operator twin
that ``db_index`` gave it, which nothing read. ``(object_type, object_id)`` was read by no query
either. (The hash's two indexes went in 0003.) The new index on ``action`` is built before the
old ones go, so the filter is never without one.

Notifications: every page counts the user's unread notifications; a partial index on the unread
rows answers the count, and the unread list in its order, from the index alone. The recipient's
own index is dropped: the inbox index starts with the recipient and serves the same lookups.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("activity", "0008_merge_20261128_1024"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["action"], name="audit_action_idx"),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(max_length=100, verbose_name="action"),
        ),
        migrations.RemoveIndex(
            model_name="auditentry",
            name="audit_object_idx",
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("read_at__isnull", True)),
                fields=["recipient", "-created_at", "-id"],
                name="notification_unread_idx",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
    ]
