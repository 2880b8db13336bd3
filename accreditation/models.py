"""Accreditation: published criteria, applications, review, decisions, accreditations, the
register of formal mechanisms and the vetting of people."""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from activity.models import Document
from activity.validators import TextLimit, no_control_characters, plausible_date
from directory.models import ActivityType, Administration, Facility, Organisation, Person


def _verification_code() -> str:
    # Unambiguous characters only, grouped for reading aloud at a gate or on the phone.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _letter_path(instance: "Decision", filename: str) -> str:
    # As for uploaded documents, the stored name says nothing and cannot collide.
    return f"letters/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


# Published criteria -----------------------------------------------------------------------------


#: Upper bounds of the numbers in the rules. Each is well beyond any real framework, and keeps
#: the dates computed from them (validity, deadlines) inside the calendar.
MAX_VALIDITY_MONTHS = 120
MAX_PERIOD_DAYS = 365
MAX_SCORE = 100
MAX_WEIGHT = 100
MAX_CRITERIA_ORDER = 1_000


class Framework(models.Model):
    """A version of the administration's published accreditation rules."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("In force")
        SUPERSEDED = "superseded", _("Superseded")

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.SUPERSEDED},
        Status.SUPERSEDED: set(),
    }

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="frameworks",
        verbose_name=_("administration"),
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=TextLimit.LONG,
        help_text=_("What the rules are for and how an organisation applies."),
    )
    pass_threshold = models.DecimalField(
        _("pass threshold (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The weighted score, as a percentage of the maximum, needed to pass."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_VALIDITY_MONTHS,
                _("An accreditation lasts at most %(limit_value)s months (ten years)."),
            ),
        ],
        help_text=_("How long an accreditation granted under these rules lasts."),
    )
    review_days = models.PositiveSmallIntegerField(
        _("review period (days)"),
        default=30,
        validators=[
            MinValueValidator(1),
            MaxValueValidator(MAX_PERIOD_DAYS, _("A period is at most %(limit_value)s days.")),
        ],
        help_text=_(
            "Days from submission to decision, not counting time returned to the applicant."
        ),
    )
    spread_threshold = models.PositiveSmallIntegerField(
        _("moderation gap (points)"),
        default=2,
        validators=[
            MaxValueValidator(MAX_SCORE, _("Scores go up to %(limit_value)s at most.")),
        ],
        help_text=_(
            "When two reviewers' scores on one criterion differ by more than this, the "
            "application is flagged for moderation."
        ),
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("appeal period (days)"),
        default=30,
        validators=[
            MinValueValidator(1),
            MaxValueValidator(MAX_PERIOD_DAYS, _("A period is at most %(limit_value)s days.")),
        ],
    )
    reapply_after_days = models.PositiveSmallIntegerField(
        _("waiting period after a revocation (days)"),
        default=0,
        validators=[MaxValueValidator(3650)],
        help_text=_(
            "Days after an accreditation is revoked before the organisation may apply again; "
            "0 lets it apply at once. At most 3650 (ten years)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("criteria framework")
        verbose_name_plural = _("criteria frameworks")
        ordering = ["administration", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["administration", "version"], name="framework_unique_version"
            ),
            models.UniqueConstraint(
                fields=["administration"],
                condition=Q(status="published"),
                name="framework_one_in_force",
            ),
        ]

    def __str__(self) -> str:
        return _("%(title)s, version %(version)s") % {"title": self.title, "version": self.version}

    def get_absolute_url(self) -> str:
        return reverse("accreditation:framework_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria.all())

    def reapply_from(self, revoked_at: datetime) -> date:
        """The first day an organisation whose accreditation was revoked at ``revoked_at`` may
        apply again under these rules."""
        return timezone.localdate(revoked_at) + timedelta(days=self.reapply_after_days)


class Criterion(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("framework")
    )
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        validators=[
            MaxValueValidator(MAX_CRITERIA_ORDER, _("Give an order of %(limit_value)s or less."))
        ],
    )
    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("A short name that stays the same across versions, such as “track-record”."),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), max_length=TextLimit.TEXT)
    weight = models.PositiveSmallIntegerField(
        _("weight"),
        validators=[
            MinValueValidator(1),
            MaxValueValidator(MAX_WEIGHT, _("A weight is at most %(limit_value)s.")),
        ],
    )
    minimum_score = models.PositiveSmallIntegerField(
        _("minimum score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_SCORE, _("Scores go up to %(limit_value)s at most."))],
        help_text=_("An average below this fails the application, whatever the total."),
    )
    evidence = models.TextField(
        _("documents that evidence it"),
        blank=True,
        max_length=TextLimit.NOTE,
        help_text=_("The documents an applicant should attach for this criterion."),
    )
    document_required = models.BooleanField(
        _("a document is required"),
        default=False,
        help_text=_("Submission is refused until at least one document is attached."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about the criterion: its framework's administration."""
        return self.framework.administration_id

    def max_score(self) -> int:
        return max((level.score for level in self.levels.all()), default=0)


class Level(models.Model):
    """An anchored point on a criterion's scale: what a score means."""

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="levels", verbose_name=_("criterion")
    )
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MaxValueValidator(MAX_SCORE, _("Scores go up to %(limit_value)s at most."))],
    )
    description = models.CharField(_("what it means"), max_length=500)

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["criterion", "score"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "score"], name="level_unique_score"),
        ]

    def __str__(self) -> str:
        return f"{self.score}: {self.description}"


# Formal mechanisms ------------------------------------------------------------------------------


class FormalMechanism(models.Model):
    """A National Preventive Mechanism or a body with a special agreement (such as the ICRC),
    registered with its mandate rather than accredited."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.PROTECT,
        related_name="formal_mechanism",
        verbose_name=_("organisation"),
    )
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="formal_mechanisms",
        verbose_name=_("administration"),
    )
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("The law of creation or the special agreement, by name and date."),
    )
    mandate_document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("mandate document"),
    )
    valid_from = models.DateField(_("valid from"), validators=[plausible_date])
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, validators=[plausible_date]
    )
    members = models.ManyToManyField(
        Person, blank=True, related_name="mandates", verbose_name=_("members")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("formal mechanism")
        verbose_name_plural = _("formal mechanisms")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("accreditation:mechanism_detail", args=[self.pk])

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


# Applications -----------------------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet["Application"]):
    def open(self) -> "ApplicationQuerySet":
        """Applications still in progress: a new one cannot be started beside them."""
        return self.filter(status__in=Application.OPEN_STATUSES)

    def with_review_progress(self) -> "ApplicationQuerySet":
        """Annotate ``reviews_assigned`` (reviewers who did not step back) and
        ``reviews_submitted``, for "1 of 2 reviews submitted" without a query per row. Each is
        counted for its own row from the assignments' index, so that a list still reads only
        the rows of its page in the order of its index (a join with every assignment and a
        GROUP BY made it read and sort every application)."""
        assignments = ReviewAssignment.objects.filter(application=models.OuterRef("pk"))
        return self.annotate(
            reviews_assigned=_count(assignments.exclude(status=ReviewAssignment.Status.RECUSED)),
            reviews_submitted=_count(assignments.filter(status=ReviewAssignment.Status.SUBMITTED)),
        )

    def ready_for_decision(self) -> "ApplicationQuerySet":
        """Under review, with every assigned review in and at least the minimum number."""
        return (
            self.filter(status=Application.Status.UNDER_REVIEW)
            .with_review_progress()
            .filter(
                Q(reviews_submitted=models.F("reviews_assigned"))
                & Q(reviews_submitted__gte=Application.MIN_REVIEWERS)
            )
        )


def _count(rows: models.QuerySet[Any]) -> models.Subquery:
    """The number of ``rows`` (a queryset with an ``OuterRef``), as a subquery: an aggregate
    without GROUP BY, so that it is 0, not NULL, when there are none."""
    counted = rows.order_by().annotate(
        n=models.Func(template="COUNT(*)", output_field=models.IntegerField())
    )
    return models.Subquery(counted.values("n"), output_field=models.IntegerField())


class Application(models.Model):
    # At least this many reviewers score an application before it can be decided.
    MIN_REVIEWERS = 2

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for information")
        UNDER_REVIEW = "under_review", _("Under review")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.RETURNED, Status.UNDER_REVIEW, Status.WITHDRAWN},
        # Back from a return, an application that had reviewers goes straight back to them.
        Status.RETURNED: {Status.SUBMITTED, Status.UNDER_REVIEW, Status.WITHDRAWN},
        Status.UNDER_REVIEW: {Status.RETURNED, Status.DECIDED, Status.WITHDRAWN},
        Status.DECIDED: set(),
        Status.WITHDRAWN: set(),
    }
    OPEN_STATUSES = frozenset(
        {Status.DRAFT, Status.SUBMITTED, Status.RETURNED, Status.UNDER_REVIEW}
    )
    # The organisation's profile and plans: filled in before submission, copied into a renewal.
    PROFILE_FIELDS = (
        "summary",
        "swot_strengths",
        "swot_weaknesses",
        "swot_opportunities",
        "swot_threats",
        "sustainability_plan",
        "partner_mapping",
    )

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("organisation"),
    )
    # The administration of the framework, kept on the row so that the database can hold the
    # rule "one open application per organisation and administration".
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("administration"),
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("criteria framework"),
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Profile and scope.
    summary = models.TextField(
        _("who you are and what you propose"),
        blank=True,
        max_length=TextLimit.TEXT,
        help_text=_("Your mission, your work so far, and what you propose to do in prisons."),
    )
    activity_types = models.ManyToManyField(
        ActivityType, blank=True, related_name="+", verbose_name=_("activities")
    )
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="+", verbose_name=_("target facilities")
    )
    people = models.ManyToManyField(
        Person, blank=True, related_name="applications", verbose_name=_("people who will enter")
    )
    member_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="network_applications",
        verbose_name=_("on behalf of member organisations"),
    )
    # Strategic planning.
    swot_strengths = models.TextField(_("strengths"), blank=True, max_length=TextLimit.TEXT)
    swot_weaknesses = models.TextField(_("weaknesses"), blank=True, max_length=TextLimit.TEXT)
    swot_opportunities = models.TextField(_("opportunities"), blank=True, max_length=TextLimit.TEXT)
    swot_threats = models.TextField(_("threats"), blank=True, max_length=TextLimit.TEXT)
    sustainability_plan = models.TextField(
        _("fundraising and sustainability plan"),
        blank=True,
        max_length=TextLimit.TEXT,
        help_text=_("How the work will be funded and kept going over the accreditation period."),
    )
    partner_mapping = models.TextField(
        _("partner mapping"),
        blank=True,
        max_length=TextLimit.TEXT,
        help_text=_("Other organisations, public bodies and donors you work with, and how."),
    )
    # The clock.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    paused_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    paused_for = models.DurationField(_("time returned"), default=timedelta)
    return_message = models.TextField(
        _("information requested"), blank=True, max_length=TextLimit.NOTE
    )
    moderation_note = models.TextField(_("moderation note"), blank=True, max_length=TextLimit.NOTE)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        # In the order of the lists' keyset pages, so that a page reads 50 rows, not all of them.
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="application_recent_idx"),
            models.Index(
                fields=["status", "-created_at", "-id"], name="application_status_recent_idx"
            ),
            # The director's queue counts the open applications of an administration by status
            # from this index alone (the id for the review progress of those under review).
            models.Index(
                fields=["administration", "status"],
                include=["id"],
                condition=Q(status__in=["draft", "submitted", "returned", "under_review"]),
                name="application_open_queue_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "administration"],
                condition=Q(status__in=["draft", "submitted", "returned", "under_review"]),
                name="application_one_open_per_administration",
            ),
        ]

    def __str__(self) -> str:
        return _("Application of %(organisation)s (%(date)s)") % {
            "organisation": self.organisation,
            "date": date_format(timezone.localdate(self.created_at)),
        }

    def get_absolute_url(self) -> str:
        return reverse("accreditation:application_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about the application: the administration
        it was made to."""
        return self.framework.administration_id

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}

    @property
    def is_renewal(self) -> bool:
        return self.previous_id is not None

    def may_become(self, status: str) -> bool:
        """Whether the state machine allows this application to move to ``status`` now."""
        return status in self.TRANSITIONS[self.Status(self.status)]

    def review_progress(self) -> tuple[int, int]:
        """(reviews submitted, reviewers assigned who did not step back), from the list's
        annotation when there is one."""
        annotated: Any = self
        if hasattr(annotated, "reviews_assigned"):
            return annotated.reviews_submitted, annotated.reviews_assigned
        statuses = [a.status for a in self.assignments.all()]
        submitted = statuses.count(ReviewAssignment.Status.SUBMITTED)
        return submitted, len(statuses) - statuses.count(ReviewAssignment.Status.RECUSED)

    def is_ready_for_decision(self) -> bool:
        submitted, assigned = self.review_progress()
        return (
            self.status == self.Status.UNDER_REVIEW
            and submitted == assigned
            and submitted >= self.MIN_REVIEWERS
        )

    def decision_due(self) -> datetime | None:
        """When the decision is due: the review period from first submission, with the clock
        stopped while the application was back with the applicant."""
        if self.submitted_at is None:
            return None
        paused = self.paused_for
        if self.paused_at is not None:
            paused += timezone.now() - self.paused_at
        return self.submitted_at + timedelta(days=self.framework.review_days) + paused

    def is_overdue(self) -> bool:
        due = self.decision_due()
        return (
            due is not None
            and self.status in {self.Status.SUBMITTED, self.Status.UNDER_REVIEW}
            and timezone.now() > due
        )


class Evidence(models.Model):
    """What the applicant offers for one criterion: text and documents."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("evidence"), blank=True, max_length=TextLimit.LONG)
    documents = models.ManyToManyField(
        Document, blank=True, related_name="evidence", verbose_name=_("documents")
    )

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion"], name="evidence_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} – {self.criterion}"

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about it: its application's administration."""
        return self.application.audit_administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.application.organisation_id


# Review -----------------------------------------------------------------------------------------


class ReviewAssignment(models.Model):
    class Status(models.TextChoices):
        AWAITING_DECLARATION = "awaiting", _("Awaiting conflict declaration")
        RECUSED = "recused", _("Recused (conflict of interest)")
        SCORING = "scoring", _("Scoring")
        SUBMITTED = "submitted", _("Scores submitted")

    TRANSITIONS = {
        Status.AWAITING_DECLARATION: {Status.RECUSED, Status.SCORING},
        Status.SCORING: {Status.SUBMITTED},
        Status.RECUSED: set(),
        Status.SUBMITTED: set(),
    }

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="review_assignments",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.AWAITING_DECLARATION,
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    due_at = models.DateTimeField(_("review due"))
    conflict_statement = models.TextField(_("declaration"), blank=True, max_length=TextLimit.NOTE)
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["assigned_at", "id"]
        indexes = [
            # A reviewer's list, by due date.
            models.Index(fields=["reviewer", "due_at", "id"], name="assignment_reviewer_due_idx"),
            # An application's review progress, counted by status without reading the rows.
            models.Index(fields=["application", "status"], name="assignment_progress_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_one_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.application}"

    def get_absolute_url(self) -> str:
        return reverse("accreditation:review", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about it: its application's administration."""
        return self.application.audit_administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.application.organisation_id

    @property
    def may_see_file(self) -> bool:
        return self.status in {self.Status.SCORING, self.Status.SUBMITTED}

    def is_overdue(self) -> bool:
        return (
            self.status
            in {
                self.Status.AWAITING_DECLARATION,
                self.Status.SCORING,
            }
            and timezone.now() > self.due_at
        )


class Score(models.Model):
    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"),
        validators=[MaxValueValidator(MAX_SCORE, _("Scores go up to %(limit_value)s at most."))],
    )
    comment = models.TextField(_("comment"), max_length=TextLimit.TEXT)
    internal = models.BooleanField(
        _("internal comment"),
        default=False,
        help_text=_("An internal comment is read by the administration only, not the applicant."),
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"], name="score_one_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


# Decisions and accreditations -------------------------------------------------------------------


class Decision(models.Model):
    class Outcome(models.TextChoices):
        ACCREDITED = "accredited", _("Accredited")
        CONDITIONAL = "conditional", _("Accredited with conditions")
        REFUSED = "refused", _("Refused")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), max_length=TextLimit.TEXT)
    justification = models.TextField(
        _("justification for departing from the reviewers' result"),
        blank=True,
        max_length=TextLimit.TEXT,
    )
    weighted_score = models.DecimalField(_("weighted score (%)"), max_digits=5, decimal_places=2)
    reviewers_passed = models.BooleanField(_("passed on the reviewers' scores"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    appeal_deadline = models.DateField(_("appeal deadline"))
    reference = models.CharField(
        _("reference"),
        max_length=40,
        help_text=_("The number the letter is filed and quoted under, such as 3/ACC/2026/0042."),
    )
    # The letter as sent: rendered once, after the decision (and again if an appeal changes
    # the decision), and kept in private storage; empty while it is being prepared.
    letter = models.FileField(_("decision letter"), upload_to=_letter_path, blank=True)
    letter_rendered_at = models.DateTimeField(_("letter prepared"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            # The administration's number comes first, so unique here is unique in each series.
            models.UniqueConstraint(fields=["reference"], name="decision_unique_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return self.application.get_absolute_url()

    @staticmethod
    def reference_prefix(administration_id: int, year: int) -> str:
        """References run ``<administration>/ACC/<year>/<number>``: each administration has
        its own series, numbered from 1 every year."""
        return f"{administration_id}/ACC/{year}/"

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about it: its application's administration."""
        return self.application.audit_administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.application.organisation_id

    @property
    def grants_accreditation(self) -> bool:
        return self.outcome != self.Outcome.REFUSED

    @property
    def departs_from_reviewers(self) -> bool:
        return self.grants_accreditation != self.reviewers_passed


class AccreditationQuerySet(models.QuerySet["Accreditation"]):
    def barring_application(
        self, organisation: Organisation, frameworks: Iterable[Framework]
    ) -> "dict[int, Accreditation]":
        """For each of ``frameworks`` (by id), the organisation's accreditation that stops it
        from applying under it today: one that framework's administration suspended, or one
        it revoked less than the framework's waiting period ago. In one query, with each
        accreditation's decision, rules and appeals."""
        by_administration = {f.administration_id: f for f in frameworks}
        today = timezone.localdate()
        barring: dict[int, Accreditation] = {}
        for accreditation in (
            self.filter(
                organisation=organisation,
                status__in=[Accreditation.Status.SUSPENDED, Accreditation.Status.REVOKED],
                decision__application__framework__administration__in=list(by_administration),
            )
            .select_related("decision__application__framework")
            .prefetch_related("decision__appeals")
            .order_by("status_changed_at", "id")
        ):
            administration_id = accreditation.decision.application.framework.administration_id
            framework = by_administration[administration_id]
            if accreditation.status == Accreditation.Status.SUSPENDED:
                barring[framework.pk] = accreditation  # a suspension bars, whatever came before
            elif (
                accreditation.status_changed_at is not None
                and today < framework.reapply_from(accreditation.status_changed_at)
                and framework.pk not in barring
            ):
                barring[framework.pk] = accreditation
        return barring


class Accreditation(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Renewed")

    TRANSITIONS = {
        Status.ACTIVE: {Status.SUSPENDED, Status.REVOKED, Status.SUPERSEDED},
        Status.SUSPENDED: {Status.ACTIVE, Status.REVOKED},
        Status.REVOKED: {Status.ACTIVE},  # only when an appeal overturns the revocation
        Status.SUPERSEDED: set(),
    }

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accreditations",
        verbose_name=_("organisation"),
    )
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, related_name="accreditation"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    verification_code = models.CharField(
        _("verification code"), max_length=20, unique=True, default=_verification_code
    )
    status_reason = models.TextField(
        _("reason for the current status"), blank=True, max_length=TextLimit.TEXT
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = AccreditationQuerySet.as_manager()

    class Meta:
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        ordering = ["organisation__name", "-valid_until"]
        indexes = [
            # The staff list, by expiry; the public register, newest in force first.
            models.Index(fields=["valid_until", "id"], name="accreditation_expiry_idx"),
            models.Index(
                fields=["-valid_from", "-id"],
                condition=Q(status="active"),
                name="accreditation_register_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="accreditation_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.valid_from} – {self.valid_until})"

    def get_absolute_url(self) -> str:
        return reverse("accreditation:accreditation_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about the accreditation: the administration
        that granted it."""
        return self.decision.audit_administration_id

    def is_expired(self, on: date | None = None) -> bool:
        return (on or timezone.localdate()) > self.valid_until

    def is_in_force(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.status == self.Status.ACTIVE and self.valid_from <= on <= self.valid_until

    def display_status(self) -> str:
        if self.status == self.Status.ACTIVE and self.is_expired():
            return str(_("Expired"))
        # The one label, rather than get_status_display's translation of every choice: lists
        # show fifty.
        return str(self.Status(self.status).label)


class ConditionQuerySet(models.QuerySet["Condition"]):
    def not_met(self) -> "ConditionQuerySet":
        return self.exclude(status=Condition.Status.MET)

    def overdue(self, on: date | None = None) -> "ConditionQuerySet":
        """Past the deadline and still waiting on the organisation (see ``is_overdue``)."""
        return self.filter(
            status__in=Condition.WAITING_ON_ORGANISATION,
            due_date__lt=on or timezone.localdate(),
        )


class Condition(models.Model):
    """Something an organisation accredited with conditions must do, by a deadline.

    The organisation answers it (a note and documents); the administration then marks it met,
    or not met with a reason, and the organisation may answer again until the deadline. Each
    step is a ``ConditionResponse``; the status is the outcome of the latest one.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the organisation's answer")
        ANSWERED = "answered", _("Answered: waiting for the administration")
        NOT_MET = "not_met", _("Not met: the organisation may answer again")
        MET = "met", _("Met")

    TRANSITIONS = {
        # The administration may also confirm a condition it verified itself, or one lifted on
        # appeal, without an answer.
        Status.OPEN: {Status.ANSWERED, Status.MET},
        Status.ANSWERED: {Status.MET, Status.NOT_MET},
        Status.NOT_MET: {Status.ANSWERED, Status.MET},
        Status.MET: set(),
    }
    WAITING_ON_ORGANISATION = (Status.OPEN, Status.NOT_MET)

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="conditions")
    description = models.TextField(_("condition"), max_length=TextLimit.NOTE)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accreditation_conditions",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("deadline"), validators=[plausible_date])
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")
        ordering = ["due_date", "id"]
        indexes = [
            # The open conditions in the order of their list, and the overdue ones by deadline.
            models.Index(
                fields=["due_date", "id"], condition=~Q(status="met"), name="condition_open_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="met", met_at__isnull=False)
                | (~Q(status="met") & Q(met_at__isnull=True)),
                name="condition_met_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("accreditation:condition_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about it: the administration that made the decision."""
        return self.decision.audit_administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.decision.audit_organisation_id

    @property
    def is_met(self) -> bool:
        return self.status == self.Status.MET

    def is_overdue(self) -> bool:
        """Past the deadline without an answer the administration is still to verify: an
        answer sent in time does not become overdue while it waits for the administration."""
        return self.status in self.WAITING_ON_ORGANISATION and timezone.localdate() > self.due_date

    def may_be_answered(self, on: date | None = None) -> bool:
        """The organisation answers an open condition, or again one found not met, until the
        deadline (included)."""
        return (
            self.status in self.WAITING_ON_ORGANISATION
            and (on or timezone.localdate()) <= self.due_date
        )


class ConditionResponse(models.Model):
    """One step in the history of a condition: the organisation's answer, or the
    administration's finding that it is met or not met. Entries are only ever added."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer")
        MET = "met", _("Marked met")
        NOT_MET = "not_met", _("Marked not met")

    condition = models.ForeignKey(
        Condition, on_delete=models.CASCADE, related_name="responses", verbose_name=_("condition")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    note = models.TextField(_("note"))
    documents = models.ManyToManyField(
        Document, blank=True, related_name="condition_responses", verbose_name=_("documents")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("response to a condition")
        verbose_name_plural = _("responses to conditions")
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="condition_response_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.condition}: {self.get_kind_display()}"


class Appeal(models.Model):
    """An appeal against a refusal, conditions, a suspension or a revocation, decided by
    someone other than the person who took the decision appealed."""

    class Subject(models.TextChoices):
        DECISION = "decision", _("The decision on the application")
        SUSPENSION = "suspension", _("The suspension of the accreditation")
        REVOCATION = "revocation", _("The revocation of the accreditation")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Appeal upheld: the decision is overturned")
        DISMISSED = "dismissed", _("Appeal dismissed: the decision stands")

    # The status of the accreditation that an appeal against a suspension or revocation is about.
    APPEALED_STATUS = {
        Subject.SUSPENSION: Accreditation.Status.SUSPENDED,
        Subject.REVOCATION: Accreditation.Status.REVOKED,
    }

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    subject = models.CharField(_("against"), max_length=20, choices=Subject.choices)
    appealed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    original_decider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField(_("grounds"), max_length=TextLimit.TEXT)
    lodged_at = models.DateTimeField(_("lodged"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True, max_length=TextLimit.TEXT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-lodged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("original_decider")),
                name="appeal_decided_by_someone_else",
            ),
            # One appeal on each subject of a decision waits for a decision at a time.
            models.UniqueConstraint(
                fields=["decision", "subject"],
                condition=Q(decided_at__isnull=True),
                name="appeal_one_waiting_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} – {self.decision.application}"

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about it: the administration that made the decision."""
        return self.decision.audit_administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.decision.audit_organisation_id

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


# People vetting ---------------------------------------------------------------------------------


class Clearance(models.Model):
    """One administration's vetting of one person. The latest row for the pair is the person's
    clearance with that administration; earlier rows are its history. Administrations vet
    independently: a clearance given by one says nothing to another."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        CLEARED = "cleared", _("Cleared")
        REFUSED = "refused", _("Refused")

    # A decided request stays as it was decided; a new request follows it.
    TRANSITIONS = {
        Status.PENDING: {Status.CLEARED, Status.REFUSED},
        Status.CLEARED: set(),
        Status.REFUSED: set(),
    }

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="clearances", verbose_name=_("person")
    )
    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="clearances",
        verbose_name=_("administration"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, validators=[plausible_date]
    )
    reason = models.TextField(_("reason"), blank=True, max_length=TextLimit.NOTE)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")
        ordering = ["-requested_at", "-id"]
        get_latest_by = "requested_at"
        indexes = [
            # The vetting queue, first come first served; decided requests, newest first.
            models.Index(
                fields=["requested_at", "id"],
                condition=Q(status="pending"),
                name="clearance_queue_idx",
            ),
            models.Index(fields=["status", "-decided_at", "-id"], name="clearance_decided_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cleared")
                | Q(valid_from__isnull=False, valid_until__isnull=False),
                name="clearance_cleared_has_validity",
            ),
            models.UniqueConstraint(
                fields=["person", "administration"],
                condition=Q(status="pending"),
                name="clearance_one_pending_per_administration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.display_status()}"

    def is_valid(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == self.Status.CLEARED
            and self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= on <= self.valid_until
        )

    def display_status(self) -> str:
        if (
            self.status == self.Status.CLEARED
            and self.valid_until is not None
            and timezone.localdate() > self.valid_until
        ):
            return str(_("Expired"))
        return str(self.Status(self.status).label)
