"""The demo, loaded once for every test of this package and rolled back after them.

Loading it renders and signs the MoUs and takes several seconds, so the package's tests share one
load: they run in one worker of a parallel run (the ``xdist_group`` of their modules), one module
after another, under a fixture of the package's scope. The demo is loaded a second time straight
after the first, to show that loading it again adds nothing."""

import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Model
from django.test import override_settings

from agreements.signing import keys
from tests.support.catalogue import ensure_activity_types


@dataclass(frozen=True)
class Loaded:
    first: str  # what the first load wrote
    second: str  # what loading it again wrote
    counts_after_first: dict[str, int]  # rows of each model, by its label
    counts_after_second: dict[str, int]

    def counts(self, models: Iterable[type[Model]], *, again: bool = False) -> dict[str, int]:
        """The rows of these models after the first load, or after the second."""
        counts = self.counts_after_second if again else self.counts_after_first
        return {model._meta.label: counts[model._meta.label] for model in models}


def _counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="package")
def loaded(django_db_setup, django_db_blocker, _rsa_keys, tmp_path_factory) -> Iterator[Loaded]:
    """The demo loaded twice with ``seed_demo``. Its signing keys are drawn in turn from the
    run's few (making one takes up to a second)."""
    drawn = itertools.cycle(_rsa_keys)
    with (
        django_db_blocker.unblock(),
        override_settings(SIGNING_KEYS_DIR=tmp_path_factory.mktemp("signing-keys")),
        pytest.MonkeyPatch.context() as patch,
        transaction.atomic(),
    ):
        patch.setattr(keys, "new_key", lambda: next(drawn))
        ensure_activity_types()
        first, second = io.StringIO(), io.StringIO()
        call_command("seed_demo", stdout=first)
        after_first = _counts()
        call_command("seed_demo", stdout=second)
        yield Loaded(first.getvalue(), second.getvalue(), after_first, _counts())
        transaction.set_rollback(True)
