"""Visits: the facility's calendar and capacity, the requests an organisation makes under its
MoU, the notified visits of monitoring bodies, the entrance protocol and the gate.

A visit is one day's entry of a group of people into one facility. An organisation with an MoU
requests it; the facility's visits officer decides. A formal monitoring body (an NPM, the ICRC)
notifies it instead: nobody can refuse it or hold it to capacity or notice.
"""

import secrets
import zoneinfo
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activity.choices import choice_label
from activity.models import Document
from activity.validators import TextLimit, no_control_characters
from agreements.models import Agreement, Equipment, Weekday
from directory.models import ActivityType, Administration, Area, Facility, Organisation, Person

#: Nobody books a visit more than two years ahead, nor a series longer than a year of weeks.
MAX_NOTICE_DAYS = 730
MAX_SERIES = 52
MAX_PLACES = 10_000


def validate_equipment(value: object) -> None:
    if not isinstance(value, list) or any(item not in Equipment.values for item in value):
        raise ValidationError(_("Choose equipment from the list."), code="equipment")


class Category(models.TextChoices):
    """The kinds of visitor the calendar counts and the protocol searches differently."""

    ORGANISATION = "organisation", _("Organisation staff")
    MONITOR = "monitor", _("Monitoring-body member")
    EXPERT = "expert", _("Expert accompanying a monitoring body")


class Purpose(models.TextChoices):
    SERVICE = "service", _("Service session")
    MONITORING = "monitoring", _("Monitoring")
    FOLLOW_UP = "follow_up", _("Follow-up visit")
    COORDINATION = "coordination", _("Coordination meeting")
    BRIEFING = "briefing", _("Briefing")


class SearchLevel(models.IntegerChoices):
    """From the lightest to the most intrusive; the protocol gives the reason for each."""

    IDENTITY = 1, _("Identity check")
    SCREENING = 2, _("Metal detector and bag inspection")
    PAT_DOWN = 3, _("Pat-down search over clothing")
    FULL = 4, _("Full search in private")


class AtFacility:
    """A row of a facility's calendar, protocol or gate: events about it belong to the
    facility's administration's audit trail."""

    facility: Facility

    @property
    def audit_administration_id(self) -> int:
        return self.facility.administration_id


class OfVisit:
    """A row recorded against one visit (a visitor, a package, an incident, a delay, an
    interview, minutes): events about it belong to the visit's administration's audit trail."""

    visit: "Visit"

    @property
    def audit_administration_id(self) -> int:
        return self.visit.administration_id


# Facility rules and the calendar ----------------------------------------------------------------


class FacilityRules(AtFacility, models.Model):
    """How far ahead a facility takes requests. A facility without a row takes the defaults."""

    DEFAULT_MIN_NOTICE_DAYS = 2
    DEFAULT_MAX_NOTICE_DAYS = 90

    facility = models.OneToOneField(
        Facility, on_delete=models.CASCADE, related_name="visit_rules", verbose_name=_("facility")
    )
    min_notice_days = models.PositiveSmallIntegerField(
        _("minimum notice (days)"),
        default=DEFAULT_MIN_NOTICE_DAYS,
        validators=[MaxValueValidator(MAX_NOTICE_DAYS)],
        help_text=_(
            "A visit is requested at least this many days ahead; a request still undecided "
            "this many days before the visit expires."
        ),
    )
    max_notice_days = models.PositiveSmallIntegerField(
        _("maximum notice (days)"),
        default=DEFAULT_MAX_NOTICE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_NOTICE_DAYS)],
        help_text=_("A visit is requested at most this many days ahead."),
    )

    class Meta:
        verbose_name = _("facility visit rules")
        verbose_name_plural = _("facility visit rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_notice_days__gt=F("min_notice_days")),
                name="facilityrules_notice_order",
            ),
        ]

    def __str__(self) -> str:
        return str(self.facility)


class WindowQuerySet(models.QuerySet["VisitingWindow"]):
    def on(self, day: date) -> "WindowQuerySet":
        """The windows valid on the day and falling on its weekday (the repetition every N
        weeks is checked by ``VisitingWindow.falls_on``)."""
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            weekday=day.weekday(),
            valid_from__lte=day,
        )


class VisitingWindow(AtFacility, models.Model):
    """A recurring time when a facility receives visitors, with how many it receives."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="windows", verbose_name=_("facility")
    )
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    every_weeks = models.PositiveSmallIntegerField(
        _("every how many weeks"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1 for every week, 2 for every other week, counted from the first day."),
    )
    places = models.PositiveIntegerField(
        _("places"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES)],
        help_text=_("How many visitors the window receives in all."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("visiting window")
        verbose_name_plural = _("visiting windows")
        ordering = ["facility", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("starts")), name="window_hours"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="window_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def falls_on(self, day: date) -> bool:
        """Whether the window opens on the day: its weekday, within its validity, and in one
        of its weeks when it repeats every N weeks."""
        if day.weekday() != self.weekday or day < self.valid_from:
            return False
        if self.valid_until is not None and day > self.valid_until:
            return False
        first = self.valid_from + timedelta(days=(self.weekday - self.valid_from.weekday()) % 7)
        return ((day - first).days // 7) % self.every_weeks == 0


class WindowLimit(models.Model):
    """A cap inside a window: on one area, or on one category of visitor."""

    window = models.ForeignKey(
        VisitingWindow, on_delete=models.CASCADE, related_name="limits", verbose_name=_("window")
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    category = models.CharField(
        _("visitor category"), max_length=20, choices=Category.choices, blank=True
    )
    places = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES)]
    )

    class Meta:
        verbose_name = _("window limit")
        verbose_name_plural = _("window limits")
        constraints = [
            # Each limit is on an area or on a category, never both or neither.
            models.CheckConstraint(
                condition=(Q(area__isnull=False) & Q(category=""))
                | (Q(area__isnull=True) & ~Q(category="")),
                name="windowlimit_one_subject",
            ),
            models.UniqueConstraint(
                fields=["window", "area"], condition=Q(area__isnull=False), name="windowlimit_area"
            ),
            models.UniqueConstraint(
                fields=["window", "category"],
                condition=~Q(category=""),
                name="windowlimit_category",
            ),
        ]

    def __str__(self) -> str:
        subject = self.area.name if self.area else self.get_category_display()
        return f"{subject}: {self.places}"


class Occurrence(models.Model):
    """One date of a window. The row exists so that requests for the same date queue on its
    lock: the places are counted and taken under it, and never overbooked."""

    window = models.ForeignKey(VisitingWindow, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["window", "day"], name="occurrence_unique_day"),
        ]

    def __str__(self) -> str:
        return f"{self.window} {self.day}"


class ClosureQuerySet(models.QuerySet["Closure"]):
    def in_force(self) -> "ClosureQuerySet":
        """The closures not lifted."""
        return self.filter(lifted_at__isnull=True)


class Closure(AtFacility, models.Model):
    """Days on which a whole facility, one of its areas or one window takes no visitors. A
    closure declared in error, or no longer needed, is lifted, never deleted."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="closures", verbose_name=_("facility")
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
        help_text=_("Leave empty to close the whole facility."),
    )
    window = models.ForeignKey(
        VisitingWindow,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="closures",
        verbose_name=_("window"),
        help_text=_("Leave empty to close every window."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.TextField(_("reason"), max_length=TextLimit.NOTE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("why it was lifted"), blank=True, max_length=TextLimit.NOTE)

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="closure_dates"),
            models.CheckConstraint(
                condition=Q(area__isnull=True) | Q(window__isnull=True), name="closure_one_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility}: {self.starts_on}–{self.ends_on}"


# The entrance protocol ---------------------------------------------------------------------------


class ProtocolQuerySet(models.QuerySet["EntranceProtocol"]):
    def published(self) -> "ProtocolQuerySet":
        return self.filter(published_at__isnull=False)


class EntranceProtocol(AtFacility, models.Model):
    """One version of a facility's entrance protocol: what is inspected and searched, why, what
    may be carried, and the proportionality owed to monitoring bodies. The latest published
    version is in force; visitors acknowledge the version in force before they enter."""

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="protocols", verbose_name=_("facility")
    )
    version = models.PositiveIntegerField(_("version"))
    summary = models.TextField(
        _("what happens at the entrance, and why"), max_length=TextLimit.TEXT
    )
    may_carry = models.TextField(_("what visitors may carry"), max_length=TextLimit.TEXT)
    monitoring_bodies = models.TextField(
        _("proportionality for monitoring bodies"),
        max_length=TextLimit.TEXT,
        help_text=_(
            "How searches are limited for members of formal monitoring bodies, whose "
            "confidential papers are never read."
        ),
    )
    emergency = models.TextField(
        _("security and emergency procedures"),
        max_length=TextLimit.TEXT,
        help_text=_("What the first-visit briefing covers."),
    )
    organisation_level = models.PositiveSmallIntegerField(
        _("default search for organisation staff"),
        choices=SearchLevel.choices,
        default=SearchLevel.SCREENING,
    )
    monitor_level = models.PositiveSmallIntegerField(
        _("default search for monitoring-body members"),
        choices=SearchLevel.choices,
        default=SearchLevel.IDENTITY,
    )
    expert_level = models.PositiveSmallIntegerField(
        _("default search for experts with a monitoring body"),
        choices=SearchLevel.choices,
        default=SearchLevel.SCREENING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ProtocolQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrance protocol")
        verbose_name_plural = _("entrance protocols")
        ordering = ["facility", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "version"], name="protocol_unique_version"),
            # One draft at a time per facility.
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(published_at__isnull=True),
                name="protocol_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return _("%(facility)s entrance protocol, version %(version)s") % {
            "facility": self.facility,
            "version": self.version,
        }

    def default_level(self, category: str) -> int:
        return {
            Category.ORGANISATION: self.organisation_level,
            Category.MONITOR: self.monitor_level,
            Category.EXPERT: self.expert_level,
        }[Category(category)]


class ProtocolMeasure(models.Model):
    """Why a search level is used, and what it involves, in one version of the protocol."""

    protocol = models.ForeignKey(
        EntranceProtocol, on_delete=models.CASCADE, related_name="measures"
    )
    level = models.PositiveSmallIntegerField(_("search level"), choices=SearchLevel.choices)
    technique = models.TextField(_("what it involves"), max_length=TextLimit.NOTE)
    reason = models.TextField(_("why it is used"), max_length=TextLimit.NOTE)

    class Meta:
        verbose_name = _("protocol measure")
        verbose_name_plural = _("protocol measures")
        ordering = ["protocol", "level"]
        constraints = [
            models.UniqueConstraint(fields=["protocol", "level"], name="measure_unique_level"),
        ]

    def __str__(self) -> str:
        return self.get_level_display()


class Acknowledgement(models.Model):
    """A person has read a version of a facility's entrance protocol."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    protocol = models.ForeignKey(
        EntranceProtocol, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), default=timezone.now)

    class Meta:
        verbose_name = _("protocol acknowledgement")
        verbose_name_plural = _("protocol acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["person", "protocol"], name="acknowledgement_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.protocol}"


class Briefing(AtFacility, models.Model):
    """The security and emergency briefing a person had at a facility, recorded by its staff.
    Nobody is checked in before it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        constraints = [
            models.UniqueConstraint(fields=["person", "facility"], name="briefing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.facility}"


# Visits ------------------------------------------------------------------------------------------


class VisitQuerySet(models.QuerySet["Visit"]):
    def holding_places(self, now: datetime | None = None) -> "VisitQuerySet":
        """The visits that take places in a window: approved, in review, or requested and not
        yet expired."""
        now = now or timezone.now()
        return self.filter(
            Q(status__in=[Visit.Status.APPROVED, Visit.Status.IN_REVIEW])
            | Q(status=Visit.Status.REQUESTED, decide_by__gte=now)
        )

    def awaiting_decision(self, now: datetime | None = None) -> "VisitQuerySet":
        return self.filter(status=Visit.Status.REQUESTED, decide_by__gte=now or timezone.now())

    def expired(self, now: datetime | None = None) -> "VisitQuerySet":
        return self.filter(status=Visit.Status.REQUESTED, decide_by__lt=now or timezone.now())

    def expected(self) -> "VisitQuerySet":
        """The visits the gate lets in: approved ones and notified monitoring visits."""
        return self.filter(status__in=Visit.EXPECTED_STATUSES)

    def upcoming(self, now: datetime | None = None) -> "VisitQuerySet":
        return self.filter(ends_at__gte=now or timezone.now())


class Visit(models.Model):
    """One day's entry of a group of people into a facility: requested under an MoU and
    decided by the facility, or notified by a formal monitoring body."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        IN_REVIEW = "in_review", _("In review")
        NOTIFIED = "notified", _("Notified by a monitoring body")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Cancelled")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.REQUESTED: {Status.APPROVED, Status.REFUSED, Status.IN_REVIEW, Status.WITHDRAWN},
        Status.IN_REVIEW: {Status.APPROVED, Status.REFUSED, Status.CANCELLED, Status.WITHDRAWN},
        Status.APPROVED: {Status.IN_REVIEW, Status.CANCELLED, Status.WITHDRAWN},
        # A monitoring visit cannot be refused, reviewed or cancelled: its body may withdraw it.
        Status.NOTIFIED: {Status.WITHDRAWN},
        Status.REFUSED: set(),
        Status.CANCELLED: set(),
        Status.WITHDRAWN: set(),
    }
    EXPECTED_STATUSES = (Status.APPROVED, Status.NOTIFIED)

    class RefusalReason(models.TextChoices):
        OUTSIDE_TERMS = "outside_terms", _("Outside what the MoU allows")
        NO_CAPACITY = "no_capacity", _("No places left")
        SECURITY = "security", _("Security situation at the facility")
        STAFFING = "staffing", _("Not enough staff to escort the visit")
        CLEARANCE = "clearance", _("A person is not cleared")
        OTHER = "other", _("Other reason, explained")

    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("administration")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="visits", verbose_name=_("facility")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("organisation"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("MoU"),
        help_text=_("None for a monitoring body's visit, made under its mandate."),
    )
    window = models.ForeignKey(
        VisitingWindow,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("window"),
    )
    # The first visit of a series; the series' visits share it.
    series = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    activity_type = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    monitoring = models.BooleanField(
        _("monitoring visit"),
        default=False,
        help_text=_("Notified by a formal monitoring body: it cannot be refused or limited."),
    )
    day = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    areas = models.ManyToManyField(Area, blank=True, related_name="visits", verbose_name=_("areas"))
    equipment = models.JSONField(
        _("equipment declared"), default=list, blank=True, validators=[validate_equipment]
    )
    notes = models.TextField(_("notes for the facility"), blank=True, max_length=TextLimit.NOTE)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # Undecided at this moment, the request has expired (computed, never stored as a status).
    decide_by = models.DateTimeField(_("to be decided by"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    refusal_reason = models.CharField(
        _("reason"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    status_note = models.TextField(_("explanation"), blank=True, max_length=TextLimit.NOTE)
    # An officer who admitted the visit beyond the window's places says why.
    capacity_override = models.TextField(
        _("reason for exceeding capacity"), blank=True, max_length=TextLimit.NOTE
    )
    review_reason = models.TextField(
        _("why it is in review"), blank=True, max_length=TextLimit.NOTE
    )
    review_since = models.DateTimeField(_("in review since"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["facility", "day"], name="visit_facility_day_idx"),
            models.Index(fields=["organisation", "-starts_at", "-id"], name="visit_org_idx"),
            models.Index(fields=["administration", "-starts_at", "-id"], name="visit_admin_idx"),
            models.Index(fields=["facility", "-starts_at", "-id"], name="visit_facility_idx"),
            models.Index(
                fields=["facility", "status", "decide_by"],
                condition=Q(status__in=["requested", "in_review"]),
                name="visit_queue_idx",
            ),
            # The same queue across an administration, counted on its director's and
            # coordinators' dashboards: read from here, not by walking every facility's.
            models.Index(
                fields=["administration", "status", "decide_by"],
                condition=Q(status__in=["requested", "in_review"]),
                name="visit_admin_queue_idx",
            ),
            # The review queue, the longest waiting first: a director's page of it is read
            # from here instead of sorting the thousands in review at the administration.
            models.Index(
                fields=["review_since", "id"],
                condition=Q(status="in_review"),
                name="visit_review_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="visit_hours"),
            # A request is made under an MoU; only a monitoring body's visit needs none.
            models.CheckConstraint(
                condition=Q(monitoring=True) | Q(agreement__isnull=False),
                name="visit_under_agreement",
            ),
            models.CheckConstraint(
                condition=~Q(status="notified") | Q(monitoring=True),
                name="visit_notified_is_monitoring",
            ),
        ]

    def __str__(self) -> str:
        return _("%(organisation)s at %(facility)s on %(day)s") % {
            "organisation": self.organisation,
            "facility": self.facility,
            "day": self.day,
        }

    def get_absolute_url(self) -> str:
        return reverse("visits:visit_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int:
        return self.administration_id

    @property
    def audit_organisation_id(self) -> int:
        return self.organisation_id

    def may_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def is_expired(self, now: datetime | None = None) -> bool:
        """An undecided request past its decision limit."""
        return (
            self.status == self.Status.REQUESTED
            and self.decide_by is not None
            and self.decide_by < (now or timezone.now())
        )

    def display_status(self, now: datetime | None = None) -> str:
        if self.is_expired(now):
            return str(_("Expired undecided"))
        return choice_label(self, "status")


class Visitor(OfVisit, models.Model):
    """A person named on a visit, and what happened to them at the gate."""

    class Outcome(models.TextChoices):
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")
        REFUSED_ENTRY = "refused_entry", _("Refused entry")
        CUT_SHORT = "cut_short", _("Visit cut short")
        DELAYED = "delayed", _("Entry delayed")

    class GateStatus(models.TextChoices):
        """Where the person is, as the gate's manifest shows it (computed, never stored)."""

        EXPECTED = "expected", _("Expected")
        INSIDE = "inside", _("Inside")
        LEFT = "left", _("Left")
        REFUSED = "refused", _("Refused entry")
        NO_SHOW = "no_show", _("Did not come")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visitors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="visits", verbose_name=_("person")
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    # In a joint visit, what the person was agreed to do, and the confidentiality undertaking
    # of an expert from outside the monitoring body.
    role = models.CharField(
        _("role agreed in advance"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
    )
    confidentiality_document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed confidentiality agreement"),
    )
    pass_code = models.CharField(_("pass code"), max_length=12, unique=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_in_late = models.BooleanField(_("check-in entered afterwards"), default=False)
    checked_out_at = models.DateTimeField(_("checked out"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_out_late = models.BooleanField(_("check-out entered afterwards"), default=False)
    search_level = models.PositiveSmallIntegerField(
        _("search applied"), choices=SearchLevel.choices, null=True, blank=True
    )
    search_justification = models.TextField(
        _("why a higher search was needed"), blank=True, max_length=TextLimit.NOTE
    )
    items_declared = models.JSONField(
        _("items declared"), default=list, blank=True, validators=[validate_equipment]
    )
    items_note = models.TextField(_("items checked"), blank=True, max_length=TextLimit.NOTE)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("reason"), blank=True, max_length=TextLimit.NOTE)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")
        ordering = ["visit", "person__full_name"]
        indexes = [
            models.Index(
                fields=["visit"],
                condition=Q(checked_in_at__isnull=False, checked_out_at__isnull=True),
                name="visitor_inside_idx",
            ),
            # The searches above the protocol's default, which the directors read.
            models.Index(
                fields=["-checked_in_at", "-id"],
                condition=~Q(search_justification=""),
                name="visitor_search_idx",
            ),
            # An organisation's experts on joint visits, which its members also see.
            models.Index(
                fields=["person"], condition=Q(category="expert"), name="visitor_expert_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["visit", "person"], name="visitor_once_per_visit"),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_in_at__isnull=False, checked_out_at__gte=F("checked_in_at")),
                name="visitor_out_after_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.visit}"

    @property
    def is_inside(self) -> bool:
        return self.checked_in_at is not None and self.checked_out_at is None

    @property
    def gate_status(self) -> "Visitor.GateStatus":
        if self.checked_in_at is None:
            if self.outcome == self.Outcome.REFUSED_ENTRY:
                return self.GateStatus.REFUSED
            if self.outcome == self.Outcome.NO_SHOW:
                return self.GateStatus.NO_SHOW
            return self.GateStatus.EXPECTED
        return self.GateStatus.INSIDE if self.checked_out_at is None else self.GateStatus.LEFT

    @property
    def above_default_search(self) -> bool:
        """A search above the protocol's default for the person's category is the only one
        that carries a justification: the gate records none for the default or a lighter
        one."""
        return bool(self.search_justification)

    @staticmethod
    def new_pass_code() -> str:
        """Eight characters a gate officer can read out and type: no 0/O, 1/I."""
        alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
        return "".join(secrets.choice(alphabet) for _ in range(8))


class Package(OfVisit, models.Model):
    """A package or parcel brought in for an activity, registered at the gate."""

    class Result(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        ADMITTED_PARTLY = "admitted_partly", _("Admitted in part")
        HELD = "held", _("Held at the gate until the visit ends")
        REFUSED = "refused", _("Refused")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="packages")
    brought_by = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, null=True, blank=True, related_name="packages"
    )
    description = models.CharField(
        _("contents"), max_length=300, validators=[no_control_characters]
    )
    result = models.CharField(_("inspection result"), max_length=20, choices=Result.choices)
    note = models.TextField(_("note"), blank=True, max_length=TextLimit.NOTE)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["visit", "registered_at"]

    def __str__(self) -> str:
        return self.description


class Incident(OfVisit, models.Model):
    """Something that happened during a visit that the facility records."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="incidents")
    occurred_at = models.DateTimeField(_("when"))
    description = models.TextField(_("what happened"), max_length=TextLimit.TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    entered_late = models.BooleanField(_("entered afterwards"), default=False)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["visit", "occurred_at"]

    def __str__(self) -> str:
        return f"{self.visit}: {self.occurred_at:%H:%M}"


class Delay(OfVisit, models.Model):
    """The only thing staff may record against a monitoring visit: that they held it up, for
    how long and why. The director is alerted at once."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="delays")
    minutes = models.PositiveSmallIntegerField(
        pgettext_lazy("length of time", "minutes"),
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    justification = models.TextField(_("justification"), max_length=TextLimit.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("delay")
        verbose_name_plural = _("delays")
        ordering = ["visit", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.visit}: {self.minutes}"


class Interview(OfVisit, models.Model):
    """A private interview held during a monitoring visit: that it took place, where and when,
    never what was said or with whom."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="interviews")
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    held_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("private interview")
        verbose_name_plural = _("private interviews")
        ordering = ["visit", "held_at"]

    def __str__(self) -> str:
        return f"{self.visit}: {self.held_at:%H:%M}"


class Meeting(OfVisit, models.Model):
    """The participants and minutes of a coordination meeting, written by either side and read
    by both."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="meeting")
    participants = models.TextField(_("participants"), max_length=TextLimit.NOTE)
    minutes = models.TextField(
        pgettext_lazy("record of a meeting", "minutes"), blank=True, max_length=TextLimit.TEXT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting minutes")
        verbose_name_plural = _("meeting minutes")

    def __str__(self) -> str:
        return str(self.visit)


class CalendarFeed(models.Model):
    """A user's private calendar address. Revoking it gives a new token; the old address stops
    working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="visit_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


def local_datetime(facility: Facility, day: date, at: time) -> datetime:
    """The moment ``at`` on ``day`` in the facility's time zone."""
    return datetime.combine(day, at, tzinfo=zoneinfo.ZoneInfo(facility.time_zone))


def local_date(facility: Facility, moment: datetime) -> date:
    """The date at the facility at that moment."""
    return moment.astimezone(zoneinfo.ZoneInfo(facility.time_zone)).date()


def local_today(facility: Facility) -> date:
    """The date it is now at the facility."""
    return local_date(facility, timezone.now())
