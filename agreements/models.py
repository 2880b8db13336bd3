"""Agreements: the clause library, memoranda of understanding (MoUs) negotiated clause by
clause, their structured access terms, approvals, signatures, people annexes and obligations.

An MoU is the rulebook of a partnership: its terms (who, where, when, what) are data that the
visits module enforces; its prose is rendered from the same data wherever it states them.
Whether an MoU is *in force* is computed, never stored: signed, within its term, and the
organisation's accreditation with the administration in force (``Agreement.is_in_force``).
"""

import re
import secrets
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activity.models import Document
from activity.validators import TextLimit, no_control_characters
from directory.models import ActivityType, Administration, Area, Facility, Organisation, Person

#: The longest confidentiality window an MoU may set, in days.
MAX_RESPONSE_DAYS = 365
#: The most visits a week or a month that terms may allow.
MAX_VISITS = 100


class Side(models.TextChoices):
    """The two parties of an MoU."""

    ADMINISTRATION = "administration", _("Administration")
    ORGANISATION = "organisation", _("Organisation")


# Clause library --------------------------------------------------------------------------------


class Variable(models.TextChoices):
    """What a clause's wording may name in braces (``{people}``); each is filled from the
    MoU's structured terms when the clause is shown or printed, so prose and data agree."""

    ADMINISTRATION = "administration", _("the administration")
    ORGANISATION = "organisation", _("the organisation")
    MEMBERS = "members", _("the member organisations a network negotiates for")
    FACILITIES = "facilities", _("the facilities")
    PEOPLE = "people", _("the people allowed to enter")
    WEEKDAYS = "weekdays", _("the days of the week")
    HOURS = "hours", _("the hours")
    VISITS_PER_WEEK = "visits_per_week", _("visits a week at most")
    VISITS_PER_MONTH = "visits_per_month", _("visits a month at most")
    ESCORT = "escort", _("the escort rule")
    ACTIVITIES = "activities", _("the activities")
    PRIVATE_INTERVIEWS = "private_interviews", _("whether private interviews are allowed")
    PHOTOGRAPHS = "photographs", _("whether photographs are allowed")
    EQUIPMENT = "equipment", _("the equipment allowed")
    PERMITTED_AREAS = "permitted_areas", _("the areas open to the organisation")
    FORBIDDEN_AREAS = "forbidden_areas", _("the areas off limits")
    RESPONSE_DAYS = "response_days", _("the days the authorities have to respond to a report")
    VALID_FROM = "valid_from", _("the first day of the term")
    VALID_UNTIL = "valid_until", _("the last day of the term")


#: ``{name}`` in a clause's wording; ``{{`` and ``}}`` stand for literal braces.
VARIABLE_PATTERN = re.compile(r"\{([a-z_]+)\}")


def unknown_variables(wording: str) -> list[str]:
    """Names in braces that are not variables: a typing mistake the editor must correct
    before the wording is saved, or the MoU would print the name instead of the term."""
    known = set(Variable.values)
    return [name for name in VARIABLE_PATTERN.findall(wording) if name not in known]


def validate_wording(wording: str) -> None:
    unknown = unknown_variables(wording)
    if unknown:
        raise ValidationError(
            _("Unknown variables in braces: %(names)s. Use only those listed beside the text."),
            params={"names": ", ".join(f"{{{name}}}" for name in unknown)},
            code="unknown_variable",
        )


def fill_variables(wording: str, values: Mapping[str, str]) -> str:
    """The wording with each ``{variable}`` replaced by its value from the terms."""
    return VARIABLE_PATTERN.sub(lambda m: values.get(m.group(1), m.group(0)), wording)


class Clause(models.Model):
    """An entry of an administration's clause library: a kind of provision an MoU may hold,
    with its versioned wording in each language."""

    class Kind(models.TextChoices):
        PURPOSE = "purpose", _("Purpose, mandates and expectations")
        DEMARCATION = "demarcation", _("Demarcation of responsibilities")
        PEOPLE = "people", _("Persons allowed to enter")
        SCHEDULE = "schedule", _("Days, hours and frequency of access")
        CONDUCT = "conduct", _("How to proceed inside")
        ACTIVITIES = "activities", _("Permitted activities")
        OFF_LIMITS = "off_limits", _("Areas off limits")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality and use of information")
        CONTINUITY = "continuity", _("Continuity plan")
        FUNDRAISING = "fundraising", _("Joint fundraising plan")
        UNIVERSAL_ACCESS = "universal_access", _("Universal access to faith-based services")
        TERM = "term", _("Term and renewal")
        AMENDMENT = "amendment", _("Amendment")
        TERMINATION = "termination", _("Suspension and termination")
        DISPUTES = "disputes", _("Settlement of disputes")

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="clauses",
        verbose_name=_("administration"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    mandatory = models.BooleanField(
        _("mandatory"),
        default=False,
        help_text=_("A mandatory clause is in every MoU and cannot be left out in negotiation."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")
        ordering = ["administration", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:clause_detail", args=[self.pk])


class ClauseVersion(models.Model):
    """One wording of a clause. A version an MoU has used is never changed: a new wording is
    a new version, and MoUs already drafted keep theirs."""

    clause = models.ForeignKey(
        Clause, on_delete=models.CASCADE, related_name="versions", verbose_name=_("clause")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    wording = models.TextField(
        _("wording"), max_length=TextLimit.TEXT, validators=[validate_wording]
    )
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("clause version")
        verbose_name_plural = _("clause versions")
        ordering = ["clause", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "number"], name="clause_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} v{self.number}"


class Template(models.Model):
    """An ordered set of clauses from which an MoU is drafted."""

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="mou_templates",
        verbose_name=_("administration"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    description = models.TextField(_("description"), blank=True, max_length=TextLimit.NOTE)
    active = models.BooleanField(_("offered for new MoUs"), default=True)
    clauses: "models.ManyToManyField[Clause, TemplateClause]" = models.ManyToManyField(
        Clause, through="TemplateClause", related_name="templates", verbose_name=_("clauses")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("MoU template")
        verbose_name_plural = _("MoU templates")
        ordering = ["administration", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agreements:template_detail", args=[self.pk])


class TemplateClause(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="entries")
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "clause"], name="template_clause_once"),
            models.UniqueConstraint(fields=["template", "order"], name="template_clause_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.clause}"


# Memoranda of understanding --------------------------------------------------------------------


def _pdf_path(instance: "Agreement", filename: str) -> str:
    # Like uploaded documents: the stored name says nothing and cannot collide.
    return f"agreements/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.pdf"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Equipment(models.TextChoices):
    """What visitors may bring in, if the terms allow it; the gate checks it against this."""

    TEACHING_MATERIALS = "teaching_materials", _("Teaching materials")
    LAPTOP = "laptop", _("Laptop")
    CAMERA = "camera", _("Camera")
    AUDIO_RECORDER = "audio_recorder", _("Audio recorder")
    MOBILE_PHONE = "mobile_phone", _("Mobile phone")
    MEDICAL_KIT = "medical_kit", _("Medical kit")
    TOOLS = "tools", _("Workshop tools")
    RELIGIOUS_ITEMS = "religious_items", _("Religious items")


class Escort(models.TextChoices):
    ALWAYS = "always", _("escorted by staff at all times")
    SENSITIVE_AREAS = "sensitive_areas", _("escorted in sensitive areas only")
    AFTER_BRIEFING = "after_briefing", _("unescorted once briefed, within the permitted areas")


def _validate_weekdays(value: Any) -> None:
    if not isinstance(value, list) or any(day not in Weekday.values for day in value):
        raise ValidationError(_("Choose days of the week."), code="weekdays")


def _validate_equipment(value: Any) -> None:
    if not isinstance(value, list) or any(item not in Equipment.values for item in value):
        raise ValidationError(_("Choose equipment from the list."), code="equipment")


class PdfStatus(models.TextChoices):
    """Where the preparation of an MoU's signed copy stands after the latest signature."""

    NONE = "", _("Not signed yet")
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Could not be prepared")


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def signed(self) -> "AgreementQuerySet":
        return self.filter(status=Agreement.Status.SIGNED)

    def in_negotiation(self) -> "AgreementQuerySet":
        return self.filter(status__in=Agreement.NEGOTIABLE_STATUSES)

    def within_term(self, on: date | None = None) -> "AgreementQuerySet":
        on = on or timezone.localdate()
        return self.signed().filter(valid_from__lte=on, valid_until__gte=on)


class SignedCopy(models.Model):
    """What an MoU and a people annex keep of their signed copy, prepared by a background task
    (``agreements.documents``) after each signature; each names its own ``pdf`` file."""

    pdf_sha256 = models.CharField(_("SHA-256 of the signed file"), max_length=64, blank=True)
    # The file as the administration certified it, before the countersignature: a copy of it is
    # recognised as an earlier copy.
    pdf_certified_sha256 = models.CharField(
        _("SHA-256 of the certified file"), max_length=64, blank=True
    )
    pdf_status = models.CharField(
        _("signed copy"), max_length=20, choices=PdfStatus.choices, blank=True, default=""
    )
    pdf_error = models.TextField(_("why the signed copy could not be prepared"), blank=True)

    class Meta:
        abstract = True


class Agreement(SignedCopy):
    """A memorandum of understanding between an administration and an organisation (or a
    network on behalf of member organisations)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATION = "negotiation", _("In negotiation")
        AGREED = "agreed", _("Agreed, awaiting signature")
        CERTIFIED = "certified", _("Signed by the administration")
        SIGNED = "signed", _("Signed")
        TERMINATED = "terminated", _("Terminated")
        SUPERSEDED = "superseded", _("Superseded by an amendment")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.NEGOTIATION, Status.WITHDRAWN},
        Status.NEGOTIATION: {Status.AGREED, Status.WITHDRAWN},
        # An approval or a signature can still be refused: the text goes back to negotiation.
        Status.AGREED: {Status.NEGOTIATION, Status.CERTIFIED, Status.WITHDRAWN},
        Status.CERTIFIED: {Status.SIGNED, Status.NEGOTIATION},
        Status.SIGNED: {Status.TERMINATED, Status.SUPERSEDED},
        Status.TERMINATED: set(),
        Status.SUPERSEDED: set(),
        Status.WITHDRAWN: set(),
    }
    #: While the text may still change.
    NEGOTIABLE_STATUSES = (Status.DRAFT, Status.NEGOTIATION, Status.AGREED)
    #: Before signature, an MoU that is not withdrawn: one such amendment per MoU at a time.
    OPEN_STATUSES = (Status.DRAFT, Status.NEGOTIATION, Status.AGREED, Status.CERTIFIED)

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("administration"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("organisation"),
    )
    member_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="network_agreements",
        verbose_name=_("member organisations covered"),
        help_text=_("When a network negotiates on behalf of some of its members."),
    )
    template = models.ForeignKey(
        Template, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("template")
    )
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name=_("amends"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    language = models.CharField(_("language of the MoU"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # A draft stays with the side that started it until it is shared.
    started_by_side = models.CharField(
        _("started by"), max_length=20, choices=Side.choices, default=Side.ADMINISTRATION
    )
    reference = models.CharField(_("reference"), max_length=40, blank=True)

    # Structured terms: the who, where, when and what that the visits module enforces.
    valid_from = models.DateField(_("in force from"), null=True, blank=True)
    valid_until = models.DateField(_("in force until"), null=True, blank=True)
    facilities = models.ManyToManyField(
        Facility, blank=True, related_name="agreements", verbose_name=_("facilities")
    )
    permitted_areas = models.ManyToManyField(
        Area, blank=True, related_name="agreements_permitting", verbose_name=_("permitted areas")
    )
    forbidden_areas = models.ManyToManyField(
        Area, blank=True, related_name="agreements_forbidding", verbose_name=_("areas off limits")
    )
    people = models.ManyToManyField(
        Person,
        blank=True,
        related_name="agreements",
        verbose_name=_("people allowed to enter"),
    )
    activity_types = models.ManyToManyField(
        ActivityType, blank=True, related_name="agreements", verbose_name=_("activities")
    )
    weekdays = models.JSONField(
        _("days of the week"), default=list, blank=True, validators=[_validate_weekdays]
    )
    day_starts = models.TimeField(_("from"), default=time(9, 0))
    day_ends = models.TimeField(_("until"), default=time(16, 0))
    visits_per_week = models.PositiveSmallIntegerField(
        _("visits a week at most"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITS)],
    )
    visits_per_month = models.PositiveSmallIntegerField(
        _("visits a month at most"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITS)],
    )
    equipment = models.JSONField(
        _("equipment allowed"), default=list, blank=True, validators=[_validate_equipment]
    )
    escort = models.CharField(
        _("escort"), max_length=20, choices=Escort.choices, default=Escort.ALWAYS
    )
    private_interviews = models.BooleanField(_("private interviews allowed"), default=False)
    photographs = models.BooleanField(_("photographs allowed"), default=False)
    response_days = models.PositiveSmallIntegerField(
        _("days to respond to a report"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RESPONSE_DAYS)],
        help_text=_(
            "Reports are discussed with the authorities before publication. If they do not "
            "engage within this many days, the organisation may use the information freely."
        ),
    )

    # The signed document, prepared by a background task (``agreements.documents``) after each
    # signature: certified by the administration, then countersigned by the organisation.
    pdf = models.FileField(_("signed MoU"), upload_to=_pdf_path, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    status_reason = models.TextField(
        _("reason for the current status"), blank=True, max_length=TextLimit.TEXT
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("MoU")
        verbose_name_plural = _("MoUs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["administration", "-created_at", "-id"], name="agreement_list_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="agreement_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(day_ends__gt=models.F("day_starts")), name="agreement_day_hours"
            ),
            models.CheckConstraint(
                condition=Q(visits_per_month__gte=models.F("visits_per_week")),
                name="agreement_visit_limits",
            ),
            models.CheckConstraint(
                condition=Q(response_days__gte=1, response_days__lte=MAX_RESPONSE_DAYS),
                name="agreement_response_days",
            ),
            # An MoU is amended by one amendment at a time.
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(status__in=["draft", "negotiation", "agreed", "certified"]),
                name="agreement_one_open_amendment",
            ),
            models.UniqueConstraint(
                fields=["administration", "reference"],
                condition=~Q(reference=""),
                name="agreement_unique_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.organisation})"

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int:
        return self.administration_id

    def may_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def is_within_term(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.status == self.Status.SIGNED
            and self.valid_from is not None
            and self.valid_until is not None
            and self.valid_from <= on <= self.valid_until
        )


class AgreementTranslation(models.Model):
    """A copy of a signed MoU in another language, for reading. It is rendered in the background
    from the signed version's clauses and terms, carries the same ``terms.json``, and says on
    every page that it is a translation whose signed original is in the MoU's language. It is
    not signed: nobody signed these words. The register keeps its hash, so the verification page
    recognises it as this MoU's translation and never as a signed original."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="translations", verbose_name=_("MoU")
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("copy"), max_length=20, choices=PdfStatus.choices, default=PdfStatus.PENDING
    )
    error = models.TextField(_("why the copy could not be prepared"), blank=True)
    pdf = models.FileField(_("translated copy"), upload_to=_pdf_path, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    # Nobody, for the copy in the administration's main language, asked for at the signature.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    prepared_at = models.DateTimeField(_("prepared"), null=True, blank=True)

    class Meta:
        verbose_name = _("translated copy of an MoU")
        verbose_name_plural = _("translated copies of MoUs")
        ordering = ["agreement", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "language"], name="agreement_translation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.get_language_display()}"


class AgreementClause(models.Model):
    """A clause of one MoU as negotiated: the library wording it started from, the wording
    the two sides settled on, and whether they agree on it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        AGREED = "agreed", _("Agreed")
        DISPUTED = "disputed", _("Disputed")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="clauses")
    clause_version = models.ForeignKey(
        ClauseVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("library text")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    wording = models.TextField(
        _("wording"), max_length=TextLimit.TEXT, validators=[validate_wording]
    )
    included = models.BooleanField(_("included"), default=True)
    # Each side says whether it agrees to the wording as it stands; a change of wording asks
    # both again. The status follows: agreed when both agree, disputed when one disputes.
    administration_position = models.CharField(
        _("administration's position"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    organisation_position = models.CharField(
        _("organisation's position"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )

    class Meta:
        verbose_name = _("clause of an MoU")
        verbose_name_plural = _("clauses of an MoU")
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "order"], name="agreement_clause_order"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.clause_version.clause}"

    @property
    def audit_administration_id(self) -> int:
        return self.agreement.administration_id

    def position_of(self, side: str) -> str:
        return (
            self.administration_position
            if side == Side.ADMINISTRATION
            else self.organisation_position
        )

    def combined_status(self) -> str:
        """Agreed when both sides agree; disputed when either disputes; open otherwise."""
        positions = {self.administration_position, self.organisation_position}
        if self.Status.DISPUTED in positions:
            return self.Status.DISPUTED
        if positions == {self.Status.AGREED}:
            return self.Status.AGREED
        return self.Status.OPEN


class AgreementVersion(models.Model):
    """A numbered snapshot of an MoU's clauses and terms, taken when one side shares its
    changes, when the text is agreed, and when it is signed: what the redline compares."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("clauses and terms"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("version of an MoU")
        verbose_name_plural = _("versions of an MoU")
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"


class Comment(models.Model):
    """A comment on a clause, possibly with a suggested wording that the other side accepts or
    rejects. An internal note is seen by its author's side only."""

    class Suggestion(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    SUGGESTION_TRANSITIONS = {
        Suggestion.PENDING: {Suggestion.ACCEPTED, Suggestion.REJECTED, Suggestion.WITHDRAWN},
        Suggestion.ACCEPTED: set(),
        Suggestion.REJECTED: set(),
        Suggestion.WITHDRAWN: set(),
    }

    clause = models.ForeignKey(AgreementClause, on_delete=models.CASCADE, related_name="comments")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=TextLimit.NOTE)
    internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Seen only by your side of the negotiation."),
    )
    suggested_wording = models.TextField(
        _("suggested wording"), blank=True, max_length=TextLimit.TEXT, validators=[validate_wording]
    )
    suggestion = models.CharField(
        _("suggestion"), max_length=20, choices=Suggestion.choices, blank=True
    )
    answer = models.TextField(_("answer"), blank=True, max_length=TextLimit.NOTE)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["clause", "created_at", "id"]
        constraints = [
            # A suggestion has a wording; an internal note suggests nothing to the other side.
            models.CheckConstraint(
                condition=Q(suggestion="") | (~Q(suggested_wording="") & Q(internal=False)),
                name="comment_suggestion_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def audit_administration_id(self) -> int:
        return self.clause.agreement.administration_id

    def awaits_answer(self) -> bool:
        return not self.internal and self.answered_at is None


class Consultation(models.Model):
    """The administration asks facility staff for their view of a draft ("listen to her
    staff"); their remarks are recorded. Only the administration sees consultations."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="consultations")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member consulted"),
    )
    question = models.TextField(_("question"), max_length=TextLimit.NOTE)
    remarks = models.TextField(_("remarks"), blank=True, max_length=TextLimit.TEXT)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff consultation")
        verbose_name_plural = _("staff consultations")
        ordering = ["agreement", "-asked_at", "-id"]

    def __str__(self) -> str:
        return self.question[:60]

    @property
    def audit_administration_id(self) -> int:
        return self.agreement.administration_id


class Approval(models.Model):
    """One side's internal approval of an agreed version, before anyone signs it."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="approvals")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="approval_once_per_side"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.get_side_display()}"


#: Between an MoU's reference and an annex's number in the annex's identifier.
ANNEX_SEPARATOR = "/A"


class PeopleAnnex(SignedCopy):
    """A change to the people named in a signed MoU, signed on its own, so that adding or
    removing a cleared person does not reopen the whole agreement."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CERTIFIED = "certified", _("Signed by the administration")
        SIGNED = "signed", _("Signed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.DRAFT: {Status.CERTIFIED, Status.WITHDRAWN},
        Status.CERTIFIED: {Status.SIGNED, Status.WITHDRAWN},
        Status.SIGNED: set(),
        Status.WITHDRAWN: set(),
    }
    #: Proposed and not yet signed by both sides: one such annex per MoU at a time.
    OPEN_STATUSES = (Status.DRAFT, Status.CERTIFIED)
    #: The highest number an annex can have (the column's limit).
    MAX_NUMBER = 32767

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="annexes")
    number = models.PositiveSmallIntegerField(_("annex"))
    added = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("people added")
    )
    removed = models.ManyToManyField(
        Person, blank=True, related_name="+", verbose_name=_("people removed")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The signed document, prepared like the MoU's (``agreements.documents``) after each
    # signature: certified by the administration, then countersigned by the organisation.
    pdf = models.FileField(_("signed annex"), upload_to=_pdf_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    status_reason = models.TextField(
        _("reason for the current status"), blank=True, max_length=TextLimit.TEXT
    )

    class Meta:
        verbose_name = _("people annex")
        verbose_name_plural = _("people annexes")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="annex_number_once"),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "certified"]),
                name="annex_one_open",
            ),
        ]

    def __str__(self) -> str:
        return _("Annex %(number)s of %(mou)s") % {"number": self.number, "mou": self.agreement}

    def get_absolute_url(self) -> str:
        return reverse("agreements:annex_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int:
        return self.agreement.administration_id

    @property
    def audit_organisation_id(self) -> int:
        return self.agreement.organisation_id

    @property
    def identifier(self) -> str:
        """How the annex is known in the register and names itself in its file: the MoU's
        reference and its number, as ``MOU/1/2026/0001/A2``."""
        return f"{self.agreement.reference}{ANNEX_SEPARATOR}{self.number}"


class Signature(models.Model):
    """A signature of an MoU (or of one of its people annexes) by one side: the
    administration's director certifies first, the organisation's signatory countersigns."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatures")
    annex = models.ForeignKey(
        PeopleAnnex, on_delete=models.CASCADE, null=True, blank=True, related_name="signatures"
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["agreement", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "side"],
                condition=Q(annex__isnull=True),
                name="signature_once_per_side",
            ),
            models.UniqueConstraint(
                fields=["annex", "side"],
                condition=Q(annex__isnull=False),
                name="annex_signature_once_per_side",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} — {self.get_side_display()}"


class SignatoryQuerySet(models.QuerySet["Signatory"]):
    def active(self) -> "SignatoryQuerySet":
        """Authorisations in force: not withdrawn, held by an open account."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class Signatory(models.Model):
    """A person an organisation has authorised to sign MoUs on its behalf."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signatories"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signatory_for"
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authorised_at = models.DateTimeField(_("authorised"), default=timezone.now)
    revoked_at = models.DateTimeField(_("authority withdrawn"), null=True, blank=True)

    objects = SignatoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("authorised signatory")
        verbose_name_plural = _("authorised signatories")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(revoked_at__isnull=True),
                name="signatory_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


class ObligationQuerySet(models.QuerySet["Obligation"]):
    def outstanding(self) -> "ObligationQuerySet":
        return self.filter(fulfilled_at__isnull=True)

    def overdue(self, on: date | None = None) -> "ObligationQuerySet":
        return self.outstanding().filter(due_date__lt=on or timezone.localdate())


class Obligation(models.Model):
    """Something a party undertook in the MoU by a date: a continuity plan, a periodic report;
    met when its evidence is recorded."""

    class Kind(models.TextChoices):
        CONTINUITY_PLAN = "continuity_plan", _("Continuity plan")
        PERIODIC_REPORT = "periodic_report", _("Periodic report")
        FUNDRAISING_PLAN = "fundraising_plan", _("Joint fundraising plan")
        OTHER = "other", _("Other")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    side = models.CharField(_("who owes it"), max_length=20, choices=Side.choices)
    title = models.CharField(_("title"), max_length=200, validators=[no_control_characters])
    due_date = models.DateField(_("due"))
    evidence = models.ManyToManyField(
        Document, blank=True, related_name="+", verbose_name=_("evidence")
    )
    note = models.TextField(_("note"), blank=True, max_length=TextLimit.NOTE)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fulfilled_at = models.DateTimeField(_("met"), null=True, blank=True)

    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_administration_id(self) -> int:
        return self.agreement.administration_id

    def is_overdue(self, on: date | None = None) -> bool:
        return self.fulfilled_at is None and self.due_date < (on or timezone.localdate())


# Signing: each administration's certificate authority and its signatories' certificates ---------


class SigningAuthority(models.Model):
    """An administration's own certificate authority: every signature on its agreements chains to
    this root certificate. The certificate is public and kept here; its private key is a file in
    ``SIGNING_KEYS_DIR`` (``agreements.signing.keys``)."""

    #: A root outlives the certificates it issues and the agreements signed under it.
    VALIDITY = timedelta(days=20 * 365)

    administration = models.OneToOneField(
        Administration,
        on_delete=models.PROTECT,
        related_name="signing_authority",
        verbose_name=_("administration"),
    )
    certificate_pem = models.TextField(_("root certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    serial = models.CharField(_("serial number"), max_length=40)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing authority")
        verbose_name_plural = _("signing authorities")

    def __str__(self) -> str:
        return _("Signing authority of %(administration)s") % {
            "administration": self.administration
        }


class SignerCertificateQuerySet(models.QuerySet["SignerCertificate"]):
    def current(self, at: datetime | None = None) -> "SignerCertificateQuerySet":
        """Certificates that may sign at ``at`` (now): in their validity period, not revoked."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, valid_from__lte=at, valid_until__gt=at)


class SignerCertificate(models.Model):
    """The certificate an administration's authority issued to one signatory: its director, who
    certifies agreements for the administration, or an organisation's signatory, who approves
    them for the organisation. Public; the private key is a file (``agreements.signing.keys``).
    """

    class Role(models.TextChoices):
        CERTIFY = "certify", _("Certifies agreements for the administration")
        APPROVE = "approve", _("Signs agreements for an organisation")

    class RevocationReason(models.TextChoices):
        SUPERSEDED = "superseded", _("Replaced by a new certificate")
        LEFT_ROLE = "left_role", _("No longer signs for them")
        KEY_COMPROMISE = "key_compromise", _("The key may have been exposed")

    #: Longer than most agreements; a signature stays verifiable after its certificate expires.
    VALIDITY = timedelta(days=3 * 365)
    #: Within this long of its end, issuing again replaces a certificate instead of keeping it.
    RENEW_WITHIN = timedelta(days=30)

    authority = models.ForeignKey(
        SigningAuthority,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("signing authority"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signer_certificates",
        verbose_name=_("signatory"),
    )
    role = models.CharField(_("signs as"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signer_certificates",
        verbose_name=_("organisation"),
    )
    subject_name = models.CharField(_("name in the certificate"), max_length=64)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    serial = models.CharField(_("serial number"), max_length=40)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason for revocation"), max_length=20, choices=RevocationReason.choices, blank=True
    )

    objects = SignerCertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("signer certificate")
        verbose_name_plural = _("signer certificates")
        ordering = ["-issued_at"]
        constraints = [
            # The director certifies for the administration; a signatory signs for one
            # organisation.
            models.CheckConstraint(
                name="signer_certificate_organisation_fits_role",
                condition=Q(role="certify", organisation__isnull=True)
                | Q(role="approve", organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="signer_certificate_revocation_has_reason",
                condition=Q(revoked_at__isnull=True, revocation_reason="")
                | Q(revoked_at__isnull=False) & ~Q(revocation_reason=""),
            ),
            # One certificate in use per signatory and role: a new one revokes the old.
            models.UniqueConstraint(
                fields=["authority", "user"],
                condition=Q(role="certify", revoked_at__isnull=True),
                name="signer_certificate_one_certifying_per_user",
            ),
            models.UniqueConstraint(
                fields=["authority", "user", "organisation"],
                condition=Q(role="approve", revoked_at__isnull=True),
                name="signer_certificate_one_approving_per_user_and_organisation",
            ),
            models.UniqueConstraint(
                fields=["authority", "serial"], name="signer_certificate_unique_serial"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} ({self.get_role_display()}, {self.serial})"

    @property
    def audit_administration_id(self) -> int:
        return self.authority.administration_id

    @property
    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    def is_current(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.valid_from <= at < self.valid_until

    def needs_renewal(self, at: datetime | None = None) -> bool:
        """Whether issuing again should replace this certificate: it is not current, or ends
        within ``RENEW_WITHIN``."""
        at = at or timezone.now()
        return not self.is_current(at) or self.valid_until - at <= self.RENEW_WITHIN
