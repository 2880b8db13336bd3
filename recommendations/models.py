"""Recommendations: what an organisation found on a visit, what it recommends, how the
authorities answer and act, and what the organisation verified afterwards.

A report is written after a visit and submitted to the administration alone. Its MoU's
confidentiality clause gives the authorities a number of days to respond; if they do not engage
in that time the embargo lifts by itself and the organisation may publish a redacted public
version. A monitoring body's report is kept under its own mandate: nothing lifts it but the body.
"""

import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activity.models import Document
from activity.validators import TextLimit, no_control_characters
from agreements.models import Agreement
from directory.models import Administration, Area, Facility, Organisation
from visits.models import Visit

from .standards import validate_standards


class Priority(models.IntegerChoices):
    """Lower is more pressing: lists sort by it."""

    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")


class Theme(models.TextChoices):
    HEALTH = "health", _("Health care")
    ACCOMMODATION = "accommodation", _("Accommodation and hygiene")
    FOOD = "food", _("Food and water")
    CONTACT = "contact", _("Contact with the outside world")
    SAFETY = "safety", _("Safety, order and use of force")
    DISCIPLINE = "discipline", _("Discipline and segregation")
    SAFEGUARDS = "safeguards", _("Legal safeguards and complaints")
    ACTIVITIES = "activities", _("Education, work and activities")
    REINTEGRATION = "reintegration", _("Preparation for release")
    WOMEN = "women", _("Women in detention")
    CHILDREN = "children", _("Children and young people")
    STAFF = "staff", _("Staff and management")


class Report(models.Model):
    """What an organisation found on one visit, and what it recommends."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Confidential, with the authorities")
        RELEASED = "released", _("Embargo lifted, not yet published")
        PUBLISHED = "published", pgettext_lazy("status of a report", "Published")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RELEASED},
        Status.RELEASED: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }
    #: Submitted and not yet public: what the embargo still covers.
    CONFIDENTIAL_STATUSES = (Status.SUBMITTED, Status.RELEASED)
    #: What the administration sees: everything but the organisation's drafts.
    SUBMITTED_STATUSES = (Status.SUBMITTED, Status.RELEASED, Status.PUBLISHED)

    class ReleaseReason(models.TextChoices):
        WINDOW_CLOSED = "window_closed", _("The response window closed without an answer")
        CONSENT = "consent", _("The authorities agreed to publication, as the MoU provides")
        MANDATE = "mandate", _("The monitoring body decided under its mandate")

    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("administration")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="reports", verbose_name=_("facility")
    )
    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("visit")
    )
    # None for a monitoring body's report, kept under its mandate.
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("MoU"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    summary = models.TextField(_("summary"), blank=True, max_length=TextLimit.LONG)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # The end of the MoU's response window; None for a monitoring body's report.
    respond_by = models.DateTimeField(_("authorities to respond by"), null=True, blank=True)
    # The first answer or meeting of the authorities: from then on the embargo does not lift
    # by itself.
    engaged_at = models.DateTimeField(_("authorities first engaged"), null=True, blank=True)
    released_at = models.DateTimeField(_("embargo lifted"), null=True, blank=True)
    release_reason = models.CharField(
        _("why the embargo was lifted"), max_length=20, choices=ReleaseReason.choices, blank=True
    )
    # What the organisation reviewed before publishing: the words taken out, and the public
    # version built from the report with them taken out. The public page shows only that copy.
    redactions = models.JSONField(_("personal data taken out"), default=list, blank=True)
    public_version = models.JSONField(_("public version"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["administration", "-created_at", "-id"], name="report_admin_idx"),
            models.Index(fields=["organisation", "-created_at", "-id"], name="report_org_idx"),
            models.Index(
                fields=["respond_by"],
                condition=Q(status="submitted", engaged_at__isnull=True),
                name="report_embargo_idx",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="report_public_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="report_submitted_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="report_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:report_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """A draft is the organisation's alone: what is written in it stays out of the
        administration's audit trail until it is submitted."""
        return None if self.status == self.Status.DRAFT else self.administration_id

    @property
    def audit_organisation_id(self) -> int:
        return self.organisation_id

    @property
    def monitoring(self) -> bool:
        return self.agreement_id is None

    def window_closed(self, now: datetime | None = None) -> bool:
        return self.respond_by is not None and self.respond_by <= (now or timezone.now())

    def days_left(self, now: datetime | None = None) -> int | None:
        """Whole days left to respond, while the window is open."""
        if self.respond_by is None or self.status != self.Status.SUBMITTED:
            return None
        left = self.respond_by - (now or timezone.now())
        return max(left.days, 0)


class Finding(models.Model):
    """What the visit found: good practices first, then concerns, each with its evidence."""

    class Kind(models.TextChoices):
        GOOD_PRACTICE = "good_practice", _("Good practice")
        CONCERN = "concern", _("Concern")

    #: Good practices come first, as the method asks.
    KIND_ORDER: dict[str, int] = {Kind.GOOD_PRACTICE: 0, Kind.CONCERN: 1}

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("finding"), max_length=TextLimit.TEXT)
    evidence = models.TextField(_("evidence"), blank=True, max_length=TextLimit.TEXT)
    attachments = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("attachments")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def audit_administration_id(self) -> int | None:
        return self.report.audit_administration_id


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    def submitted(self) -> "RecommendationQuerySet":
        return self.filter(report__status__in=Report.SUBMITTED_STATUSES)

    def open(self) -> "RecommendationQuerySet":
        """Submitted, not rejected, and not yet verified as implemented: what a follow-up visit
        checks."""
        return (
            self.submitted()
            .exclude(response=Recommendation.Response.REJECTED)
            .exclude(verified_status=Recommendation.Verified.IMPLEMENTED)
        )


class Recommendation(models.Model):
    """One recommendation of a report, with the authorities' answer, what they claim of its
    implementation and what the organisation verified."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY = "partly", _("Partly accepted")
        REJECTED = "rejected", _("Rejected")

    class Claimed(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        IMPLEMENTED = "implemented", _("Implemented")

    class Verified(models.TextChoices):
        UNVERIFIED = "unverified", _("Not verified yet")
        NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
        PARTLY = "partly", _("Partly implemented")
        IMPLEMENTED = "implemented", _("Implemented")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="recommendations")
    # Copied from the report, which never changes them once written: every list and count is
    # scoped and grouped by them without a join.
    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("administration")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("facility"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area"),
    )
    text = models.TextField(_("recommendation"), max_length=TextLimit.NOTE)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    quick_win = models.BooleanField(
        _("quick win"),
        default=False,
        help_text=_("Can be done in the short term with few resources."),
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    standards = models.JSONField(
        _("international standards"), default=list, blank=True, validators=[validate_standards]
    )
    proposed_deadline = models.DateField(_("proposed deadline"), null=True, blank=True)
    repeats = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeated_by",
        verbose_name=_("repeats an earlier recommendation"),
    )
    response = models.CharField(
        _("answer of the authorities"), max_length=20, choices=Response.choices, blank=True
    )
    response_reason = models.TextField(
        _("reasons for the answer"), blank=True, max_length=TextLimit.NOTE
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    claimed_status = models.CharField(
        _("implementation, as the authorities report it"),
        max_length=20,
        choices=Claimed.choices,
        default=Claimed.NOT_STARTED,
    )
    verified_status = models.CharField(
        _("implementation, as the organisation verified it"),
        max_length=20,
        choices=Verified.choices,
        default=Verified.UNVERIFIED,
    )
    verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    # When the organisation first verified it as implemented: the time to implement ends here.
    implemented_at = models.DateTimeField(_("verified as implemented"), null=True, blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["report", "number"]
        indexes = [
            # In the lists' order: the most pressing first, the newest first within each.
            models.Index(fields=["administration", "priority", "-id"], name="rec_admin_list_idx"),
            models.Index(fields=["organisation", "priority", "-id"], name="rec_org_list_idx"),
            models.Index(fields=["facility", "priority", "-id"], name="rec_facility_list_idx"),
            models.Index(fields=["facility", "verified_status"], name="rec_facility_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="rec_unique_number"),
            models.CheckConstraint(
                condition=~Q(repeats=models.F("id")), name="rec_not_repeat_of_itself"
            ),
        ]

    def __str__(self) -> str:
        return _("Recommendation %(number)s: %(text)s") % {
            "number": self.number,
            "text": self.text[:60],
        }

    def get_absolute_url(self) -> str:
        return reverse("recommendations:recommendation_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        return self.report.audit_administration_id

    @property
    def audit_organisation_id(self) -> int:
        return self.organisation_id


class Engagement(models.Model):
    """Each time the authorities engaged with a report: an answer or a coordination meeting.
    The first one keeps the embargo from lifting by itself."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer to a recommendation")
        MEETING = "meeting", _("Coordination meeting")
        CONSENT = "consent", _("Agreement to publication")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="engagements")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        Visit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("coordination meeting"),
    )
    note = models.TextField(_("note"), blank=True, max_length=TextLimit.NOTE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def audit_administration_id(self) -> int:
        return self.report.administration_id


class Effort(models.TextChoices):
    LOW = "low", _("Low: within current means")
    MEDIUM = "medium", _("Medium: some resources or planning")
    HIGH = "high", _("High: budget or works needed")


class ActionQuerySet(models.QuerySet["Action"]):
    def unfinished(self) -> "ActionQuerySet":
        return self.filter(status__in=Action.UNFINISHED_STATUSES)

    def overdue(self, today: date | None = None) -> "ActionQuerySet":
        return self.unfinished().filter(due_on__lt=today or timezone.localdate())


class Action(models.Model):
    """One step of the administration's plan of action, answering one or more recommendations
    of one organisation, carried out by a responsible official."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: {Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED},
        Status.IN_PROGRESS: {Status.IN_PROGRESS, Status.COMPLETED, Status.CANCELLED},
        # A completion the organisation could not verify is taken up again.
        Status.COMPLETED: {Status.IN_PROGRESS},
        Status.CANCELLED: set(),
    }
    UNFINISHED_STATUSES = (Status.PLANNED, Status.IN_PROGRESS)

    administration = models.ForeignKey(
        Administration, on_delete=models.PROTECT, related_name="+", verbose_name=_("administration")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    recommendations = models.ManyToManyField(
        Recommendation, related_name="actions", verbose_name=_("recommendations")
    )
    title = models.CharField(_("action"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("what will be done"), blank=True, max_length=TextLimit.NOTE)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="recommendation_actions",
        verbose_name=_("responsible official"),
    )
    due_on = models.DateField(_("due"))
    effort = models.CharField(_("cost and effort"), max_length=20, choices=Effort.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["administration", "due_on", "id"], name="action_admin_idx"),
            models.Index(fields=["responsible", "due_on", "id"], name="action_official_idx"),
            models.Index(fields=["organisation", "due_on", "id"], name="action_org_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="action_progress"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:action_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int:
        return self.administration_id

    @property
    def audit_organisation_id(self) -> int:
        return self.organisation_id

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status in self.UNFINISHED_STATUSES and self.due_on < (
            today or timezone.localdate()
        )

    def days_overdue(self, today: date | None = None) -> int:
        return max(((today or timezone.localdate()) - self.due_on).days, 0)


class ProgressUpdate(models.Model):
    """What the responsible official reports of an action, with evidence."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices)
    note = models.TextField(_("what was done"), max_length=TextLimit.NOTE)
    evidence = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("evidence")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["action", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action}: {self.progress}%"

    @property
    def audit_administration_id(self) -> int:
        return self.action.administration_id


class Verification(models.Model):
    """The organisation's check of one recommendation, at a follow-up visit (its checklist,
    pre-filled with the facility's open recommendations) or from the evidence posted."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="verifications"
    )
    # The follow-up visit whose checklist holds it; None when verified from the evidence.
    visit = models.ForeignKey(
        Visit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="checklist",
        verbose_name=_("follow-up visit"),
    )
    # Empty while a checklist item waits for its visit.
    result = models.CharField(
        _("result"),
        max_length=20,
        blank=True,
        choices=[
            choice
            for choice in Recommendation.Verified.choices
            if choice[0] != Recommendation.Verified.UNVERIFIED
        ],
    )
    note = models.TextField(_("what was seen"), blank=True, max_length=TextLimit.NOTE)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["recommendation", "-verified_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "recommendation"],
                condition=Q(visit__isnull=False),
                name="verification_one_per_visit",
            ),
            models.CheckConstraint(
                condition=Q(result="") | Q(verified_at__isnull=False),
                name="verification_result_dated",
            ),
        ]

    def __str__(self) -> str:
        return str(self.recommendation)

    @property
    def audit_administration_id(self) -> int:
        return self.recommendation.administration_id


# Exports ----------------------------------------------------------------------------------------


def _export_path(instance: "Export", filename: str) -> str:
    # Like uploaded documents: the stored name says nothing and cannot collide.
    return f"recommendations/exports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Export(models.Model):
    """A PDF of the plan of action or of a follow-up report, asked for by one user and rendered
    in the background, in their language and with what they may see when it is rendered. Only
    they download it.

    The confidential variant holds the full texts, answers, officials' names and progress notes
    and is for the organisation and the administration's staff; the public variant is made only
    of published reports' public versions and the implementation statuses."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan of action")
        FOLLOW_UP = "follow_up", _("Follow-up report")

    class Variant(models.TextChoices):
        CONFIDENTIAL = "confidential", _("Confidential: full texts and names")
        PUBLIC = "public", _("Public: published reports only, without names")

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("export"), max_length=20, choices=Kind.choices)
    variant = models.CharField(_("variant"), max_length=20, choices=Variant.choices)
    # What the export covers, by id: ``facility``, ``organisation``, ``report``.
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    # Whose data it is, when the parameters name one: the audit trail files it there.
    administration = models.ForeignKey(
        Administration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administration"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("why it could not be prepared"), blank=True)
    file = models.FileField(_("file"), upload_to=_export_path, blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at", "-id"], name="export_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_variant_display()})"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:export_list")

    @property
    def is_confidential(self) -> bool:
        return self.variant == self.Variant.CONFIDENTIAL
