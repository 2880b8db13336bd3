"""The object permissions memberships used to give are removed (directory 0009), and given back
if the migration is undone; a reviewer's grant on an application stays."""

from collections.abc import Iterator

import pytest
from django.contrib.auth.models import Permission
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from accreditation.models import Application
from directory.models import Role
from tests.accreditation.factories import ApplicationFactory
from tests.factories import staff
from tests.support.migrations import migrate, migrate_to_latest

BEFORE = ("directory", "0008_facility_region")
AFTER = ("directory", "0009_membership_grants_removed")


@pytest.fixture
def undone(transactional_db) -> Iterator[None]:
    try:
        yield
    finally:
        migrate_to_latest()


def grants() -> set[tuple[str, str, str]]:
    return {
        (g.user.username, g.permission.codename, g.object_pk)
        for g in UserObjectPermission.objects.select_related("user", "permission")
    }


def audit_readers() -> set[str]:
    audit = Permission.objects.get(codename="view_auditentry")
    return set(audit.user_set.values_list("username", flat=True))


@pytest.mark.usefixtures("undone")
def test_the_grants_memberships_gave_are_removed_and_a_reviewers_grant_stays(world):
    martha = staff("martha", Role.DIRECTOR, world.administration)
    rita = staff("rita", Role.REVIEWER, world.administration)
    staff("john", Role.NGO_ADMIN, world.organisation)
    staff("gabriel", Role.GATE_OFFICER, world.facility)
    application = ApplicationFactory(
        organisation=world.organisation, status=Application.Status.SUBMITTED
    )
    assign_perm("accreditation.view_application", rita, application)
    assert grants() == {("rita", "view_application", str(application.pk))}
    assert audit_readers() == set()

    migrate(BEFORE)  # as memberships gave them
    administration, organisation = str(world.administration.pk), str(world.organisation.pk)
    assert grants() == {
        ("martha", "view_administration", administration),
        ("martha", "change_administration", administration),
        ("rita", "view_administration", administration),
        ("rita", "view_application", str(application.pk)),
        ("john", "view_organisation", organisation),
        ("john", "change_organisation", organisation),
        ("gabriel", "view_facility", str(world.facility.pk)),
    }
    assert audit_readers() == {"martha"}

    migrate(AFTER)
    assert grants() == {("rita", "view_application", str(application.pk))}
    assert audit_readers() == set()
    assert martha.memberships.exists()
