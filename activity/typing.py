"""The types of the people who use the system, shared by views, permission rules and services.

The project keeps Django's own user model (``AUTH_USER_MODEL`` is not set), so ``User`` is
``django.contrib.auth.models.User``; if it is ever swapped, this is the one place to change.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

__all__ = ["AnyUser", "AuthenticatedRequest", "User"]

# Whoever is asking, signed in or not: what permission rules are asked about.
AnyUser = User | AnonymousUser


class AuthenticatedRequest(HttpRequest):
    """The request a ``@login_required`` view receives: its user has signed in.

    Only a type: Django builds an ordinary ``HttpRequest``; the decorator is what makes the
    narrower ``user`` true (django-stubs documents this pattern).
    """

    user: User
