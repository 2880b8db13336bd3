"""Remove the django-guardian grants that memberships used to give.

Until now ``membership_grant`` also gave the user guardian permissions: view (and, for an
organisation's administrators and an administration's directors, change) on the administration,
facility or organisation of the membership, and the global "view audit entry" to directors.
What a role lets a user see and do is now read from the memberships themselves, so those rows
say nothing any more; left in place, they would only mislead whoever reads the permission
tables. Grants on other objects (a reviewer's assignment to an application) stay.

Going back gives every membership its grants again, as ``membership_grant`` gave them.
"""

from django.conf import settings
from django.db import migrations

_SCOPES = ("administration", "facility", "organisation")
_AUDIT = ("activity", "view_auditentry")
# What membership_grant gave beyond "view" on the membership's place.
_CHANGES = {("ngo_admin", "organisation"), ("director", "administration")}


def remove(apps, schema_editor):
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    Membership = apps.get_model("directory", "Membership")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    UserObjectPermission.objects.filter(
        content_type__app_label="directory", content_type__model__in=_SCOPES
    ).delete()
    directors = Membership.objects.filter(role="director").values("user_id")
    User.user_permissions.through.objects.filter(
        permission__content_type__app_label=_AUDIT[0],
        permission__codename=_AUDIT[1],
        user_id__in=directors,
    ).delete()


def restore(apps, schema_editor):
    UserObjectPermission = apps.get_model("guardian", "UserObjectPermission")
    Permission = apps.get_model("auth", "Permission")
    Membership = apps.get_model("directory", "Membership")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    permissions = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=["directory", _AUDIT[0]]
        )
    }
    grants = []
    for membership in Membership.objects.all().iterator():
        scope = next(s for s in _SCOPES if getattr(membership, f"{s}_id"))
        codenames = [f"view_{scope}"]
        if (membership.role, scope) in _CHANGES:
            codenames.append(f"change_{scope}")
        for codename in codenames:
            permission = permissions.get(("directory", codename))
            if permission is not None:  # permissions not created yet: nothing to give
                grants.append(
                    UserObjectPermission(
                        user_id=membership.user_id,
                        permission=permission,
                        content_type_id=permission.content_type_id,
                        object_pk=str(getattr(membership, f"{scope}_id")),
                    )
                )
    UserObjectPermission.objects.bulk_create(grants, batch_size=1000, ignore_conflicts=True)
    audit = permissions.get(_AUDIT)
    if audit is not None:
        directors = Membership.objects.filter(role="director").values_list("user_id", flat=True)
        User.user_permissions.through.objects.bulk_create(
            [
                User.user_permissions.through(user_id=user_id, permission_id=audit.pk)
                for user_id in set(directors)
            ],
            ignore_conflicts=True,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_facility_region"),
        ("guardian", "0003_remove_groupobjectpermission_guardian_gr_content_ae6aec_idx_and_more"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(remove, restore)]
