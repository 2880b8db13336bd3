from django.http import HttpRequest

from . import permissions


def roles(request: HttpRequest) -> dict[str, object]:
    """The user's roles, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": set()}
    return {"user_roles": permissions.roles(user)}
