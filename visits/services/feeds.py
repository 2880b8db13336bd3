"""A user's private calendar address: created on request, revoked by replacing its token, so
that whoever had the old address (a shared calendar, a lost phone) no longer reads the user's
visits."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User

from ..models import CalendarFeed


@transaction.atomic
def calendar_feed_create(*, actor: User) -> CalendarFeed:
    """Give the user their private calendar address. A user has one: to change it, they
    revoke it."""
    feed, created = CalendarFeed.objects.get_or_create(
        user=actor, defaults={"token": CalendarFeed.new_token()}
    )
    if not created:
        raise DomainError(_("You already have a calendar address. Revoke it to get a new one."))
    audit_record(actor=actor, action="calendarfeed.created", target=feed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> CalendarFeed:
    """Revoke the user's calendar address: a new token replaces the old, whose address then
    answers "not found"."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        raise DomainError(_("You have no calendar address to revoke."))
    feed.token = CalendarFeed.new_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    audit_record(actor=actor, action="calendarfeed.revoked", target=feed)
    return feed
