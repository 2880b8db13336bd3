"""Who holds a role where: used to address notifications and to offer choices in forms."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from activity.typing import User

from .models import Administration, Organisation, Role


def organisation_users(
    organisation: Organisation, roles: tuple[str, ...] = (Role.NGO_ADMIN,)
) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def administration_users(administration: Administration, roles: tuple[str, ...]) -> QuerySet[User]:
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__administration=administration,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("username")
    )


def holds_role(user: User, administration: Administration, role: str) -> bool:
    return user.memberships.filter(administration=administration, role=role).exists()
