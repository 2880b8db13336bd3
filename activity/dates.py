"""Dates and times shared by every module."""

from datetime import date, datetime, time

from django.utils import timezone


def at_start_of(day: date) -> datetime:
    """The moment a reminder about ``day`` is due: eight in the morning, in the deployment's
    time zone (whoever's request schedules it), so that it arrives at the start of the working
    day rather than at midnight."""
    return timezone.make_aware(datetime.combine(day, time(8, 0)), timezone.get_default_timezone())
