"""Who and where: administrations, facilities, areas, organisations, people and memberships."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activity.validators import TextLimit, no_control_characters, validate_time_zone


class Administration(models.Model):
    """A prison administration: the authority that runs a prison system."""

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[no_control_characters]
    )
    country = models.CharField(_("country"), max_length=100)
    email = models.EmailField(_("contact e-mail"), blank=True)
    main_language = models.CharField(
        _("main language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language its published rules are always written in; readers of another "
            "language see them in it when no translation is given."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_(
            "Where its headquarters are: its staff see dates and times in this time zone, and "
            "each facility's officers in the facility's own."
        ),
    )

    class Meta:
        verbose_name = _("prison administration")
        verbose_name_plural = _("prison administrations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


#: More visitors than the largest prison holds prisoners is a typing slip, not a capacity.
MAX_VISITOR_CAPACITY = 10_000


class Facility(models.Model):
    class Kind(models.TextChoices):
        PRISON = "prison", _("Prison")
        REMAND = "remand", _("Remand centre")
        WOMEN = "women", _("Women's prison")
        JUVENILE = "juvenile", _("Juvenile detention centre")
        OPEN = "open", _("Open or semi-open facility")
        PSYCHIATRIC = "psychiatric", _("Psychiatric unit")

    class SecurityLevel(models.TextChoices):
        MINIMUM = "minimum", _("Minimum")
        MEDIUM = "medium", _("Medium")
        MAXIMUM = "maximum", _("Maximum")

    administration = models.ForeignKey(
        Administration,
        on_delete=models.PROTECT,
        related_name="facilities",
        verbose_name=_("administration"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    security_level = models.CharField(
        _("security level"), max_length=20, choices=SecurityLevel.choices
    )
    region = models.CharField(
        _("region"),
        max_length=100,
        blank=True,
        validators=[no_control_characters],
        help_text=_("The region or province, as the administration names it."),
    )
    address = models.TextField(_("address"), blank=True, max_length=500)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    visitor_capacity = models.PositiveIntegerField(
        _("visitor capacity"),
        validators=[
            MaxValueValidator(
                MAX_VISITOR_CAPACITY,
                _("No facility takes more than %(limit_value)s visitors at a time."),
            )
        ],
        help_text=_("How many visitors may be inside at the same time."),
    )

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["administration", "name"], name="facility_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:facility_detail", args=[self.pk])


class Area(models.Model):
    """A part of a facility, such as the education wing or the health unit."""

    class Sensitivity(models.TextChoices):
        OPEN = "open", _("Open")
        CONTROLLED = "controlled", _("Controlled")
        RESTRICTED = "restricted", _("Restricted")

    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="areas", verbose_name=_("facility")
    )
    name = models.CharField(_("name"), max_length=200, validators=[no_control_characters])
    sensitivity = models.CharField(
        _("sensitivity"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.OPEN
    )

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["facility", "name"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="area_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} – {self.name}"

    @property
    def audit_administration_id(self) -> int | None:
        """Whose audit trail records events about the area: its facility's administration."""
        return self.facility.administration_id


class Organisation(models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("Non-governmental organisation")
        NETWORK = "network", _("Network of NGOs")
        NPM = "npm", _("National Preventive Mechanism")
        SPECIAL_AGREEMENT = "special", _("Body with a special agreement (such as the ICRC)")
        FAITH_BASED = "faith", _("Faith-based organisation")
        PROFESSIONAL = "professional", _("Professional association")
        ACADEMIC = "academic", _("Academic body")

    #: Formal mechanisms are registered with their mandate, not accredited.
    FORMAL_KINDS = frozenset({Kind.NPM, Kind.SPECIAL_AGREEMENT})

    name = models.CharField(
        _("name"), max_length=200, unique=True, validators=[no_control_characters]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    network = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Kind.NETWORK},
        verbose_name=_("member of network"),
    )
    registration_number = models.CharField(_("registration number"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=TextLimit.TEXT)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language of the letters the administration sends to the organisation, "
            "whoever prints them."
        ),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation_detail", args=[self.pk])

    @property
    def audit_administration_id(self) -> int | None:
        """An organisation's profile is its own: events about it belong to no administration."""
        return None

    @property
    def audit_organisation_id(self) -> int | None:
        return self.pk

    @property
    def is_formal_mechanism(self) -> bool:
        return self.kind in self.FORMAL_KINDS


class Person(models.Model):
    """Someone an organisation may send into a prison."""

    class DocumentType(models.TextChoices):
        NATIONAL_ID = "national_id", _("National identity card")
        PASSPORT = "passport", _("Passport")
        RESIDENCE = "residence", _("Residence permit")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("organisation"),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    full_name = models.CharField(_("full name"), max_length=200, validators=[no_control_characters])
    role_title = models.CharField(
        _("role in the organisation"),
        max_length=200,
        blank=True,
        validators=[no_control_characters],
    )
    document_type = models.CharField(
        _("identity document"), max_length=20, choices=DocumentType.choices
    )
    document_number = models.CharField(_("document number"), max_length=50)
    nationality = models.CharField(_("nationality"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "document_type", "document_number"],
                name="person_unique_document",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("directory:person_detail", args=[self.pk])


class ActivityType(models.Model):
    """A kind of work an organisation does in prisons; the shared vocabulary of applications,
    agreements, visits and the coordination map."""

    class Code(models.TextChoices):
        EDUCATION = "education", _("Education")
        VOCATIONAL = "vocational", _("Vocational training")
        RELIGIOUS = "religious", _("Religious services")
        LEGAL_AID = "legal_aid", _("Legal aid")
        HEALTH = "health", _("Health")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
        FAMILY = "family", _("Family liaison")
        CORRUPTION = "corruption", _("Corruption prevention")
        STAFF_TRAINING = "staff_training", _("Staff training")
        MONITORING = "monitoring", _("Monitoring")
        CULTURE_SPORT = "culture_sport", _("Culture and sport")
        REINTEGRATION = "reintegration", _("Reintegration after release")

    code = models.CharField(_("code"), max_length=30, choices=Code.choices, unique=True)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(self.Code(self.code).label)


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director")
    REVIEWER = "reviewer", _("Accreditation reviewer")
    COORDINATOR = "coordinator", _("Coordinator")
    FACILITY_OFFICER = "facility_officer", _("Facility visits officer")
    GATE_OFFICER = "gate_officer", _("Gate officer")
    RESPONSIBLE_OFFICIAL = "responsible_official", _("Responsible official")
    NGO_ADMIN = "ngo_admin", _("Organisation administrator")
    NGO_MEMBER = "ngo_member", _("Organisation member")
    MONITOR = "monitor", _("Monitoring-body member")


ADMINISTRATION_ROLES = frozenset(
    {Role.DIRECTOR, Role.REVIEWER, Role.COORDINATOR, Role.RESPONSIBLE_OFFICIAL}
)
FACILITY_ROLES = frozenset({Role.FACILITY_OFFICER, Role.GATE_OFFICER, Role.RESPONSIBLE_OFFICIAL})
ORGANISATION_ROLES = frozenset({Role.NGO_ADMIN, Role.NGO_MEMBER, Role.MONITOR})


class Membership(models.Model):
    """A user's role in one administration, one facility or one organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    administration = models.ForeignKey(
        Administration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("administration"),
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("facility"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # Each role belongs to exactly one kind of scope.
            models.CheckConstraint(
                name="membership_scope_fits_role",
                condition=(
                    Q(
                        role__in=sorted(ADMINISTRATION_ROLES),
                        administration__isnull=False,
                        facility__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role__in=sorted(FACILITY_ROLES),
                        administration__isnull=True,
                        facility__isnull=False,
                        organisation__isnull=True,
                    )
                    | Q(
                        role__in=sorted(ORGANISATION_ROLES),
                        administration__isnull=True,
                        facility__isnull=True,
                        organisation__isnull=False,
                    )
                ),
            ),
            *(
                models.UniqueConstraint(
                    fields=["user", "role", scope],
                    condition=Q(**{f"{scope}__isnull": False}),
                    name=f"membership_unique_{scope}",
                )
                for scope in ("administration", "facility", "organisation")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.scope}"

    @property
    def audit_administration_id(self) -> int | None:
        """A role in an administration or one of its facilities is recorded in that
        administration's audit trail; a role in an organisation, in none."""
        if self.facility is not None:
            return self.facility.administration_id
        return self.administration_id

    @property
    def scope(self) -> Administration | Facility | Organisation:
        scope = self.administration or self.facility or self.organisation
        assert scope is not None  # guaranteed by membership_scope_fits_role
        return scope
