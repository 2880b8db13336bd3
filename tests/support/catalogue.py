"""The activity catalogue the migrations seed (directory 0003), put back where a transactional
test emptied it.

A transactional test (an end-to-end walk, a race) empties every table when it ends, the seeded
catalogue included, and the tests of a module run together on one worker: a module that mixes
both kinds, or one that follows a transactional module on the same worker, would otherwise find
no activity types."""

import importlib

from django.apps import apps

from directory.models import ActivityType

_SEED = importlib.import_module("directory.migrations.0003_activity_types")


def ensure_activity_types() -> None:
    if not ActivityType.objects.exists():
        _SEED.add(apps, None)
