from django.http import HttpRequest

from . import navigation, permissions


def navigation_menu(request: HttpRequest) -> dict[str, object]:
    """The main menu's links for the user's roles (drawn only where a page shows it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"menu": lambda: navigation.menu(frozenset(), signed_in=False)}
    return {"menu": lambda: navigation.menu(frozenset(permissions.roles(user)), signed_in=True)}
