"""Refused access is counted per user, kind and minute, outside the audit chain, and shown to
the directors of the administration it concerns."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from activity.models import AuditEntry, DeniedAccess
from activity.permissions import deny, not_found
from activity.services import audit_denied, audit_record
from tests.conftest import login
from tests.factories import UserFactory
from tests.support.denied import attempts
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def test_two_hundred_refusals_in_a_minute_are_one_row_and_no_audit_entry(world, outsider):
    entries_before = AuditEntry.objects.count()
    for _ in range(200):
        not_found(outsider, "facility.view", world.facility)
    refusal = DeniedAccess.objects.get()
    assert refusal.count == 200
    assert refusal.actor == outsider
    assert refusal.object_id == str(world.facility.pk)
    assert refusal.administration == world.administration
    assert refusal.first_seen <= refusal.last_seen
    assert AuditEntry.objects.count() == entries_before


def test_a_new_minute_starts_a_new_row(world, outsider, monkeypatch):
    now = timezone.now().replace(second=30)
    monkeypatch.setattr(timezone, "now", lambda: now)
    audit_denied(actor=outsider, action="facility.view", target=world.facility, reason="x")
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(minutes=1))
    audit_denied(actor=outsider, action="facility.view", target=world.other_facility, reason="x")
    rows = list(DeniedAccess.objects.order_by("minute"))
    assert [r.count for r in rows] == [1, 1]
    assert rows[1].minute - rows[0].minute == timedelta(minutes=1)
    assert rows[1].object_id == str(world.other_facility.pk)


def test_refusals_of_different_users_and_kinds_are_counted_apart(world, outsider, ngo_admin):
    not_found(outsider, "facility.view", world.facility)
    not_found(ngo_admin, "facility.view", world.facility)
    deny(outsider, "facility.change", world.facility, "Only the director changes a facility.")
    not_found(outsider, "facility.view", world.facility)
    assert attempts(outsider, "facility.view") == 2
    assert attempts(ngo_admin, "facility.view") == 1
    assert attempts(outsider, "facility.change") == 1
    assert DeniedAccess.objects.count() == 3


def test_anonymous_refusals_are_counted_together(world):
    from django.contrib.auth.models import AnonymousUser

    for _ in range(3):
        not_found(AnonymousUser(), "facility.view", None)
    refusal = DeniedAccess.objects.get()
    assert refusal.actor is None
    assert refusal.count == 3
    assert refusal.administration is None


#: How long the other request waits for the locked chain before giving up. A refusal that waited
#: for the chain would fail after as long; one that does not is counted at once.
LOCK_TIMEOUT = 1


def _in_another_request(results: dict) -> None:
    """What another request, on its own connection, manages while the chain is locked."""
    from django.contrib.auth.models import AnonymousUser
    from django.db import connections

    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}s'")
        try:
            with transaction.atomic():
                audit_record(actor=None, action="probe.write")
            results["audit_entry"] = "written"
        except OperationalError:
            results["audit_entry"] = "timed out"
        started = time.monotonic()
        audit_denied(actor=AnonymousUser(), action="probe.view", target=None, reason="probe")
        results["refusal_seconds"] = time.monotonic() - started
        refusals = DeniedAccess.objects.filter(action="probe.view")
        results["refusal_count"] = refusals.get().count
        refusals.delete()  # committed outside the test's transaction: leave nothing behind
    finally:
        connections.close_all()


def test_a_refusal_does_not_wait_for_the_audit_chain(world, outsider):
    # This test's transaction writes to the chain, and so holds its lock until the test ends.
    audit_record(actor=outsider, action="facility.updated", target=world.facility)
    results: dict = {}
    other = threading.Thread(target=_in_another_request, args=(results,))
    other.start()
    other.join(timeout=60)
    assert not other.is_alive()
    assert results["audit_entry"] == "timed out"  # the chain is locked indeed...
    assert results["refusal_count"] == 1  # ...and the refusal was counted all the same,
    assert results["refusal_seconds"] < 2  # without waiting for it.


# Who sees them ----------------------------------------------------------------------------------


def test_the_director_sees_refusals_about_their_administration(client, world, director, outsider):
    response = login(client, outsider).get(
        reverse("directory:facility_detail", args=[world.facility.pk])
    )
    assert response.status_code == 404
    for path in (reverse("activity:audit_list"), reverse("activity:denied_list")):
        page = text(login(client, director).get(path))
        assert "lucia" in page
        assert "Central Penitentiary" in page


def test_refusals_about_one_administration_are_hidden_from_anothers_director(
    client, world, outsider, other_director
):
    login(client, outsider).get(reverse("directory:facility_detail", args=[world.facility.pk]))
    for path in (reverse("activity:audit_list"), reverse("activity:denied_list")):
        page = text(login(client, other_director).get(path))
        assert "lucia" not in page
        assert "No refused access." in page


def test_others_may_not_list_refusals(client, world, reviewer):
    assert login(client, reviewer).get(reverse("activity:denied_list")).status_code == 403


def test_the_site_administration_sees_every_refusal(client, world, outsider):
    not_found(outsider, "organisation.view", world.organisation)
    admin = UserFactory.create(username="admin", is_staff=True, is_superuser=True)
    page = text(login(client, admin).get(reverse("admin:activity_deniedaccess_changelist")))
    assert "organisation.view" in page
    assert "lucia" in page


def test_the_refusal_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    def refuse(n: int) -> None:
        user = UserFactory.create(username=f"prober-{n:02d}")
        not_found(user, "facility.view", world.facility)

    refuse(0)
    login(client, director)
    path = reverse("activity:denied_list")
    client.get(path)
    from tests.support.pages import count_queries

    one = count_queries(client, path)
    for n in range(1, 50):
        refuse(n)
    assert count_queries(client, path) == one
    assert "prober-49" in text(client.get(path))
