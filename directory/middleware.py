"""What every signed-in request must satisfy: a live session, and the second factor."""

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import twofactor

#: Pages a signed-in user may open before passing the second factor.
_OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "directory:second_factor",
        "directory:two_factor_enrol",
    }
)


#: When the session's idle expiry last moved on (a timestamp).
TOUCHED_AT_SESSION_KEY = "touched_at"


class SessionLimitsMiddleware:
    """Ends a session 12 hours (SESSION_MAX_SECONDS) after its login however active it was, and
    ends for good the session of a user who has been deactivated.

    The idle limit is Django's own SESSION_COOKIE_AGE, pushed on by changing the session (which
    saves it with a new expiry) once SESSION_REFRESH_SECONDS have passed since it last moved:
    about one write a minute for an active user rather than one per page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = request.session
        if SESSION_KEY in session and not request.user.is_authenticated:
            # Django's ModelBackend no longer returns a deactivated user for the session; throw
            # the session away so that reactivating the account does not revive it.
            session.flush()
        elif request.user.is_authenticated:
            login_at = session.get(twofactor.LOGIN_AT_SESSION_KEY)
            if login_at is None:
                session[twofactor.LOGIN_AT_SESSION_KEY] = time.time()
            elif time.time() - float(login_at) > settings.SESSION_MAX_SECONDS:
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect_to_login(request)
        if session.keys():
            keep_alive(session)
        return self.get_response(request)


def keep_alive(session: SessionBase) -> None:
    """Mark the session changed, so that it is saved with a new expiry, if its expiry last moved
    SESSION_REFRESH_SECONDS ago or more. (Django's clock, which the expiry is computed with.)"""
    now = timezone.now().timestamp()
    touched = session.get(TOUCHED_AT_SESSION_KEY)
    if touched is None or now - float(touched) >= settings.SESSION_REFRESH_SECONDS:
        session[TOUCHED_AT_SESSION_KEY] = now


def redirect_to_login(request: HttpRequest) -> HttpResponse:
    return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")


class SecondFactorMiddleware:
    """Keeps a user who has given their password but not yet their code, or who must enrol an
    authenticator and has not, on the pages that get them there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        if twofactor.authenticator(user) is not None:
            target = "directory:second_factor"
        elif twofactor.second_factor_required(user):
            target = "directory:two_factor_enrol"
        else:
            return None
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
