"""Drop the indexes that every insert wrote and no query read.

The audit entry's ``hash`` was unique, which gave it two indexes (the unique one and its
``varchar_pattern_ops`` twin), together about a third of the table. Nothing looks an entry up by
its hash, and the chain does not need the database to keep hashes unique: ``verify_audit`` walks
the entries in ``seq`` order (unique, and indexed) and checks for each that ``prev_hash`` equals
the hash of the entry before it and that its own hash is the keyed HMAC of its content. Two entries
with the same hash would need the same content, ``seq`` included, which the unique ``seq`` already
refuses; a forged or copied hash fails the HMAC check whatever the index says.

The reminder's ``key`` keeps its uniqueness (a service run twice must still create one reminder),
now through one unique index with pattern operators instead of two: equality uses it, and so does
``notify.cancel``, which cancels every recipient's copy by prefix (``LIKE 'key:%'``). The new index
is built before the old ones go, so the key is never without a unique index.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("activity", "0002_audit_append_only")]

    operations = [
        migrations.AddConstraint(
            model_name="reminder",
            constraint=models.UniqueConstraint(
                fields=("key",), name="reminder_unique_key", opclasses=["varchar_pattern_ops"]
            ),
        ),
        migrations.AlterField(
            model_name="reminder",
            name="key",
            field=models.CharField(
                help_text=(
                    "The same reminder is never created twice: a second one with this key is "
                    "ignored."
                ),
                max_length=255,
                verbose_name="uniqueness key",
            ),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="hash",
            field=models.CharField(max_length=64, verbose_name="hash"),
        ),
    ]
