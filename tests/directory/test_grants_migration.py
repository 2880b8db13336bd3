"""The object permissions memberships used to give are removed (directory 0009), and given back
if the migration is undone; a reviewer's grant on an application stays.

The permission tables have the same columns on both sides of the migration, so its two data
steps run here on today's schema, inside the test's transaction, rather than moving the whole
database back and forth (which undoes and redoes every later app's migrations)."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Permission
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from accreditation.models import Application
from directory.models import Role
from tests.accreditation.factories import ApplicationFactory
from tests.factories import staff

MIGRATION = importlib.import_module("directory.migrations.0009_membership_grants_removed")


def grants() -> set[tuple[str, str, str]]:
    return {
        (g.user.username, g.permission.codename, g.object_pk)
        for g in UserObjectPermission.objects.select_related("user", "permission")
    }


def audit_readers() -> set[str]:
    audit = Permission.objects.get(codename="view_auditentry")
    return set(audit.user_set.values_list("username", flat=True))


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

    MIGRATION.restore(apps, None)  # undone: as memberships gave them
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

    MIGRATION.remove(apps, None)
    assert grants() == {("rita", "view_application", str(application.pk))}
    assert audit_readers() == set()
    assert martha.memberships.exists()
