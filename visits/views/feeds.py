"""The calendar feed: the page where a user creates, reads and revokes their private address,
and the address itself, an iCalendar file a calendar application fetches without logging in;
its token is the only key."""

from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from activity.choices import choice_label
from activity.models import NotificationPreference
from activity.shortcuts import run_action
from activity.typing import AuthenticatedRequest, User

from ..models import CalendarFeed, Visit
from ..selectors import feed_visits
from ..services import feeds as feed_services

#: How a visit's status reads in a calendar: on, perhaps, or off.
ICAL_STATUS = {
    Visit.Status.APPROVED: "CONFIRMED",
    Visit.Status.NOTIFIED: "CONFIRMED",
    Visit.Status.REQUESTED: "TENTATIVE",
    Visit.Status.IN_REVIEW: "TENTATIVE",
    Visit.Status.REFUSED: "CANCELLED",
    Visit.Status.WITHDRAWN: "CANCELLED",
    Visit.Status.CANCELLED: "CANCELLED",
}


@login_required
def feed_page(request: AuthenticatedRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    address = ""
    if feed is not None:
        address = request.build_absolute_uri(reverse("visits:feed", args=[feed.token]))
    context = {
        "feed": feed,
        "address": address,
        "subscribe": "webcal://" + address.split("://", 1)[1] if address else "",
    }
    return render(request, "visits/feed.html", context)


@login_required
@require_POST
def feed_create(request: AuthenticatedRequest) -> HttpResponse:
    run_action(
        request,
        lambda: feed_services.calendar_feed_create(actor=request.user),
        _("Your calendar address is ready. Add it to your calendar application."),
    )
    return redirect("visits:feed_page")


@login_required
@require_POST
def feed_revoke(request: AuthenticatedRequest) -> HttpResponse:
    run_action(
        request,
        lambda: feed_services.calendar_feed_revoke(actor=request.user),
        _("The old address no longer works. Give your calendar application the new one."),
    )
    return redirect("visits:feed_page")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's visits as an iCalendar file, in the user's language."""
    found = (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user__notification_preference")
        .first()
    )
    if found is None:
        raise Http404
    user = found.user
    with translation.override(_language(user)):
        body = _calendar(feed_visits(user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=0"
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _language(user: User) -> str:
    try:
        language = user.notification_preference.language
    except NotificationPreference.DoesNotExist:
        language = ""
    return language or settings.LANGUAGE_CODE


def _calendar(visits: list[Visit]) -> bytes:
    """Each visit an event: when (in UTC), where and for whom, whether it is on, and a link
    to its page; nobody's identity, which the calendar may share further."""
    site = settings.SITE_URL.rstrip("/")
    host = urlsplit(site).hostname or "localhost"
    now = timezone.now().astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Prison-NGO partnerships//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Prison visits"))
    for visit in visits:
        event = Event()
        event.add("uid", f"visit-{visit.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", visit.starts_at.astimezone(UTC))
        event.add("dtend", visit.ends_at.astimezone(UTC))
        event.add(
            "summary",
            _("Visit of %(organisation)s to %(facility)s")
            % {"organisation": visit.organisation.name, "facility": visit.facility.name},
        )
        event.add("location", _location(visit))
        event.add(
            "description",
            _("%(purpose)s. Status: %(status)s.")
            % {
                "purpose": choice_label(visit, "purpose"),
                "status": visit.display_status(now),
            },
        )
        status = "CANCELLED" if visit.is_expired(now) else ICAL_STATUS[Visit.Status(visit.status)]
        event.add("status", status)
        event.add("url", f"{site}{visit.get_absolute_url()}")
        calendar.add_component(event)
    return calendar.to_ical()


def _location(visit: Visit) -> str:
    facility = visit.facility
    address = " ".join(facility.address.split())
    return f"{facility.name}, {address}" if address else facility.name
