"""The benchmark's builder fills what the current schema requires, as the migrations would."""

import pytest
from django.db import connection

from accreditation.models import Application, Clearance, Condition, Decision
from activity.audit import verify_chain
from activity.models import AuditEntry
from bench.build import Sizes, build
from directory.models import ActivityType


@pytest.fixture
def small_build(transactional_db):
    # The catalogue of activities the migrations seed (an earlier test's flush may have emptied it).
    for code in ActivityType.Code.values:
        ActivityType.objects.get_or_create(code=code)
    build(Sizes().scaled(0.001), log=lambda _line: None)
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dataset")


def test_a_small_build_is_consistent_with_the_schema(small_build):
    applications = Application.objects.select_related("framework")
    assert applications.exists()
    assert all(a.administration_id == a.framework.administration_id for a in applications)
    references = list(Decision.objects.values_list("reference", flat=True))
    assert references and all(references)
    assert len(set(references)) == len(references)
    assert not Clearance.objects.filter(administration__isnull=True).exists()
    for condition in Condition.objects.prefetch_related("responses"):
        met = [r for r in condition.responses.all() if r.kind == "met"]
        assert (condition.status == Condition.Status.MET) == bool(met)
    checked, broken = verify_chain(AuditEntry.objects.order_by("seq"))
    assert broken is None
    assert checked == AuditEntry.objects.count() > 0
