"""The facility's calendar: its visiting windows and their limits, its notice rules and its
closures. The facility's visits officer (or a director of its administration) keeps them.

A change that takes away what visits were booked for (a window ended, a closure) puts the
future visits it affects into the facility's review queue with the reason; monitoring visits
are never held back."""

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activity.errors import DomainError
from activity.services import audit_record
from activity.typing import User
from directory.models import Area, Facility

from ..models import (
    Category,
    Closure,
    FacilityRules,
    Visit,
    VisitingWindow,
    WindowLimit,
    local_today,
)
from ._common import put_in_review


@dataclass(frozen=True)
class Hours:
    """When a window opens, and for how long it recurs."""

    weekday: int
    starts: time
    ends: time
    valid_from: date
    valid_until: date | None = None
    every_weeks: int = 1


@dataclass(frozen=True)
class Places:
    """How many visitors a window receives in all, in each area and of each category that is
    capped. An area or category left out has no cap of its own."""

    total: int
    areas: dict[int, int]
    categories: dict[str, int]


#: What a change of these would move under the visits already booked in a window.
_SHAPE = ("weekday", "starts", "ends", "valid_from", "every_weeks")


def _check_hours(hours: Hours) -> None:
    if hours.ends <= hours.starts:
        raise DomainError(_("A window ends after it starts."), field="ends")
    if hours.valid_until is not None and hours.valid_until < hours.valid_from:
        raise DomainError(_("A window is valid until a day after it starts."), field="valid_until")
    if not 1 <= hours.every_weeks <= 12:
        raise DomainError(_("A window repeats every 1 to 12 weeks."), field="every_weeks")


def _check_places(facility: Facility, places: Places) -> None:
    if places.total < 1:
        raise DomainError(_("A window receives at least one visitor."), field="places")
    known = set(Area.objects.filter(facility=facility).values_list("pk", flat=True))
    if set(places.areas) - known:
        raise DomainError(_("Cap only the areas of this facility."))
    if set(places.categories) - set(Category.values):
        raise DomainError(_("Cap only the categories of visitor listed."))
    for cap in (*places.areas.values(), *places.categories.values()):
        if not 1 <= cap <= places.total:
            raise DomainError(
                _("Each cap is from 1 to the window's %(places)s places.")
                % {"places": places.total}
            )


def _set_limits(window: VisitingWindow, places: Places) -> None:
    WindowLimit.objects.filter(window=window).delete()
    WindowLimit.objects.bulk_create(
        [
            *(
                WindowLimit(window=window, area_id=area, places=cap)
                for area, cap in sorted(places.areas.items())
            ),
            *(
                WindowLimit(window=window, category=category, places=cap)
                for category, cap in sorted(places.categories.items())
            ),
        ]
    )


def _limits_record(places: Places) -> dict[str, object]:
    return {
        "places": places.total,
        "areas": {str(area): cap for area, cap in sorted(places.areas.items())},
        "categories": dict(sorted(places.categories.items())),
    }


@transaction.atomic
def window_create(
    *, actor: User, facility: Facility, hours: Hours, places: Places
) -> VisitingWindow:
    """Open a recurring visiting window at the facility, with its places and caps."""
    _check_hours(hours)
    _check_places(facility, places)
    window = VisitingWindow.objects.create(
        facility=facility,
        weekday=hours.weekday,
        starts=hours.starts,
        ends=hours.ends,
        valid_from=hours.valid_from,
        valid_until=hours.valid_until,
        every_weeks=hours.every_weeks,
        places=places.total,
        created_by=actor,
    )
    _set_limits(window, places)
    audit_record(
        actor=actor,
        action="visitingwindow.created",
        target=window,
        changes={
            "weekday": hours.weekday,
            "hours": f"{hours.starts:%H:%M}-{hours.ends:%H:%M}",
            "valid_from": hours.valid_from,
            "valid_until": hours.valid_until,
            "every_weeks": hours.every_weeks,
            **_limits_record(places),
        },
    )
    return window


def _booked(window: VisitingWindow, after: date) -> Visit | None:
    """A visit that still holds places in the window after the day, if any."""
    return (
        Visit.objects.holding_places()
        .filter(window=window, day__gt=after, monitoring=False)
        .order_by("day")
        .first()
    )


@transaction.atomic
def window_change(
    *, actor: User, window: VisitingWindow, hours: Hours, places: Places
) -> VisitingWindow:
    """Change a window's places and caps, or its days and hours while no visit is booked in
    it from today on (booked visits would be moved under their organisations' feet: end the
    window and open another, which reviews them)."""
    window = (
        VisitingWindow.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=window.pk)
    )
    _check_hours(hours)
    _check_places(window.facility, places)
    before = {
        "weekday": window.weekday,
        "starts": window.starts,
        "ends": window.ends,
        "valid_from": window.valid_from,
        "valid_until": window.valid_until,
        "every_weeks": window.every_weeks,
    }
    after = {
        "weekday": hours.weekday,
        "starts": hours.starts,
        "ends": hours.ends,
        "valid_from": hours.valid_from,
        "valid_until": hours.valid_until,
        "every_weeks": hours.every_weeks,
    }
    today = local_today(window.facility)
    reshaped = any(before[name] != after[name] for name in _SHAPE)
    shortened = hours.valid_until is not None and (
        window.valid_until is None or hours.valid_until < window.valid_until
    )
    if reshaped or shortened:
        # Reshaped, no visit from today on may be booked; shortened, none after its new end.
        cutoff = today - timedelta(days=1)
        if not reshaped and hours.valid_until is not None:
            cutoff = max(cutoff, hours.valid_until)
        booked = _booked(window, cutoff)
        if booked is not None:
            raise DomainError(
                _(
                    "Visits are booked in this window (the first on %(day)s): its days and "
                    "hours cannot change under them. End the window on a date instead, which "
                    "puts the visits after it into review, and open a new one."
                )
                % {"day": date_format(booked.day)}
            )
    old_limits = {(limit.area_id, limit.category): limit.places for limit in window.limits.all()}
    for name, value in after.items():
        setattr(window, name, value)
    previous_places = window.places
    window.places = places.total
    window.save(update_fields=[*after, "places"])
    _set_limits(window, places)
    new_limits: dict[tuple[int | None, str], int] = {
        **{(area, ""): cap for area, cap in places.areas.items()},
        **{(None, category): cap for category, cap in places.categories.items()},
    }
    changes: dict[str, object] = {
        name: [str(before[name]), str(value)]
        for name, value in after.items()
        if before[name] != value
    }
    if previous_places != places.total:
        changes["places"] = [previous_places, places.total]
    if old_limits != new_limits:
        changes["limits"] = _limits_record(places)
    audit_record(actor=actor, action="visitingwindow.changed", target=window, changes=changes)
    return window


@transaction.atomic
def window_end(*, actor: User, window: VisitingWindow, last_day: date, reason: str) -> int:
    """Stop a window after ``last_day``. The visits booked in it after that day go into
    review with the reason, for the officer to move or refuse them. Return how many."""
    window = (
        VisitingWindow.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=window.pk)
    )
    if not reason.strip():
        raise DomainError(_("Say why the window ends; the organisations read it."), field="reason")
    if last_day < window.valid_from:
        raise DomainError(
            _("The window opens on %(day)s; end it on that day or later.")
            % {"day": date_format(window.valid_from)},
            field="last_day",
        )
    if last_day < local_today(window.facility) - timedelta(days=1):
        raise DomainError(
            _("A window's last day is yesterday at the earliest: what is past stays as it was."),
            field="last_day",
        )
    if window.valid_until is not None and window.valid_until <= last_day:
        raise DomainError(
            _("The window already ends on %(day)s.") % {"day": date_format(window.valid_until)},
            field="last_day",
        )
    previous = window.valid_until
    window.valid_until = last_day
    window.save(update_fields=["valid_until"])
    affected = Visit.objects.holding_places().filter(window=window, day__gt=last_day)
    review = _("The visiting window %(window)s ends on %(day)s: %(reason)s") % {
        "window": window,
        "day": date_format(last_day),
        "reason": reason,
    }
    count = put_in_review(affected.order_by("day", "pk"), reason=review, actor=actor)
    audit_record(
        actor=actor,
        action="visitingwindow.ended",
        target=window,
        changes={
            "valid_until": [str(previous) if previous else None, str(last_day)],
            "reason": reason,
            "visits_in_review": count,
        },
    )
    return count


@transaction.atomic
def rules_set(
    *, actor: User, facility: Facility, min_notice_days: int, max_notice_days: int
) -> FacilityRules:
    """Set how far ahead the facility takes requests."""
    if max_notice_days <= min_notice_days:
        raise DomainError(
            _("The maximum notice is longer than the minimum."), field="max_notice_days"
        )
    rules, _created = FacilityRules.objects.select_for_update().get_or_create(facility=facility)
    before = [rules.min_notice_days, rules.max_notice_days]
    rules.min_notice_days = min_notice_days
    rules.max_notice_days = max_notice_days
    rules.full_clean()
    rules.save(update_fields=["min_notice_days", "max_notice_days"])
    audit_record(
        actor=actor,
        action="facilityrules.changed",
        target=rules,
        changes={
            "min_notice_days": [before[0], min_notice_days],
            "max_notice_days": [before[1], max_notice_days],
        },
    )
    return rules


def affected_by(closure: Closure) -> Q:
    """The visits a closure keeps out: at its facility, on its days, and for an area closure
    only those going into the area, for a window closure only the window's."""
    scope = Q(facility=closure.facility_id, day__gte=closure.starts_on, day__lte=closure.ends_on)
    if closure.window_id is not None:
        scope &= Q(window=closure.window_id)
    if closure.area_id is not None:
        scope &= Q(pk__in=Visit.areas.through.objects.filter(area=closure.area_id).values("visit"))
    return scope


@transaction.atomic
def closure_create(
    *,
    actor: User,
    facility: Facility,
    starts_on: date,
    ends_on: date,
    reason: str,
    area: Area | None = None,
    window: VisitingWindow | None = None,
) -> tuple[Closure, int]:
    """Close the whole facility, one of its areas or one window on the days given, with the
    reason. Every future visit it affects that holds places (or is approved) goes into the
    review queue with the reason, and its organisation is told; monitoring visits are never
    put into review. Return the closure and how many visits went into review."""
    if not reason.strip():
        raise DomainError(_("Give the reason; the organisations read it."), field="reason")
    if ends_on < starts_on:
        raise DomainError(_("A closure ends on or after its first day."), field="ends_on")
    if ends_on < local_today(facility):
        raise DomainError(_("A closure is for today or later."), field="ends_on")
    if area is not None and window is not None:
        raise DomainError(_("Close one area or one window, not both."), field="window")
    if area is not None and area.facility_id != facility.pk:
        raise DomainError(_("Choose an area of this facility."), field="area")
    if window is not None and window.facility_id != facility.pk:
        raise DomainError(_("Choose a window of this facility."), field="window")
    closure = Closure.objects.create(
        facility=facility,
        area=area,
        window=window,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=actor,
    )
    if starts_on == ends_on:
        when = date_format(starts_on)
    else:
        when = _("%(first)s to %(last)s") % {
            "first": date_format(starts_on),
            "last": date_format(ends_on),
        }
    if area is not None:
        what = _("The %(area)s of %(facility)s is closed to visitors") % {
            "area": area.name,
            "facility": facility.name,
        }
    elif window is not None:
        what = _("The visiting window %(window)s of %(facility)s is closed") % {
            "window": window,
            "facility": facility.name,
        }
    else:
        what = _("%(facility)s is closed to visitors") % {"facility": facility.name}
    review = _("%(what)s on %(when)s: %(reason)s") % {"what": what, "when": when, "reason": reason}
    affected = Visit.objects.holding_places().upcoming().filter(affected_by(closure))
    count = put_in_review(affected.order_by("day", "pk"), reason=review, actor=actor)
    audit_record(
        actor=actor,
        action="closure.created",
        target=closure,
        changes={
            "days": [str(starts_on), str(ends_on)],
            "area": area.pk if area else None,
            "window": window.pk if window else None,
            "reason": reason,
            "visits_in_review": count,
        },
    )
    return closure, count


@transaction.atomic
def closure_lift(*, actor: User, closure: Closure, reason: str) -> Closure:
    """Lift a closure declared in error or no longer needed: its days take visitors again.
    The visits it put into review stay there until the officer confirms each, so that nobody
    comes on a day the organisation was told was closed without being told it is open."""
    closure = Closure.objects.select_for_update().select_related("facility").get(pk=closure.pk)
    if closure.lifted_at is not None:
        raise DomainError(_("This closure is already lifted."))
    if not reason.strip():
        raise DomainError(_("Give the reason; the organisations read it."), field="reason")
    closure.lifted_at = timezone.now()
    closure.lifted_by = actor
    closure.lift_reason = reason
    closure.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(actor=actor, action="closure.lifted", target=closure, changes={"reason": reason})
    return closure
