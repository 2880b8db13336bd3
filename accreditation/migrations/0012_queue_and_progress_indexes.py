"""Indexes for the director's queue and the conditions list (checked with EXPLAIN on the
country-scale benchmark).

- ``application_open_queue_idx``: the open applications of an administration by status, with the
  id, so that the queue's counts (to assign, returned, under review) read only this small index.
- ``assignment_progress_idx``: an application's reviews by status, counted without reading rows
  (the list's "1 of 2 reviews submitted" and the "ready for a decision" count).
- ``condition_open_idx``: the conditions not yet met in the order of their list (deadline, id);
  the overdue ones are a range of it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accreditation', '0011_merge_20261128_1029'),
        ('directory', '0007_organisation_language_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='application',
            index=models.Index(condition=models.Q(('status__in', ['draft', 'submitted', 'returned', 'under_review'])), fields=['administration', 'status'], include=('id',), name='application_open_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='condition',
            index=models.Index(condition=models.Q(('status', 'met'), _negated=True), fields=['due_date', 'id'], name='condition_open_idx'),
        ),
        migrations.AddIndex(
            model_name='reviewassignment',
            index=models.Index(fields=['application', 'status'], name='assignment_progress_idx'),
        ),
    ]
