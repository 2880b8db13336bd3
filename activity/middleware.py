from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .audit import current_ip
from .selectors import reading_preferences, reading_time_zone


def client_ip(request: HttpRequest) -> str | None:
    if settings.SECURE_PROXY_SSL_HEADER:
        # Behind our own reverse proxy the client is the first forwarded address.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Makes the client address available to services that write audit entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class UserPreferencesMiddleware:
    """A logged-in user sees the language saved in their preferences on every page, whatever
    the browser or the cookie says, and dates and times in their time zone: the one they chose,
    else that of where they work (their facility's, else their administration's), else the
    deployment's. Anonymous visitors keep Django's choice of language (the language cookie, then
    the browser's Accept-Language) and the deployment's time zone. Placed after LocaleMiddleware
    and the authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        language, chosen = reading_preferences(user)
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        zone = reading_time_zone(user, chosen)
        if not zone:
            return self.get_response(request)
        # "Today" follows the zone too: what is overdue or expired, and the dates forms propose.
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
