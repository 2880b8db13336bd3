"""factory_boy factories for the accreditation models (shared by the accreditation tests).

Where a factory below creates a user only as an author or a decider (``password=None``), that
user has no usable password: hashing one for each row would make the fifty-row tests slow."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accreditation.models import (
    Accreditation,
    Appeal,
    Application,
    Clearance,
    Condition,
    Criterion,
    Decision,
    Evidence,
    FormalMechanism,
    Framework,
    Level,
    ReviewAssignment,
    Score,
)
from activity.models import Document
from directory.models import Administration, Organisation
from tests.factories import AdministrationFactory, OrganisationFactory, PersonFactory, UserFactory

#: The smallest file that is recognised as a PDF by its content.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def today():
    return timezone.localdate()


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def pdf(name: str = "plan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def use_temporary_storage(settings, path) -> None:
    """Keep the documents a test stores in ``path`` (pytest's ``tmp_path``), not in var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(path), "base_url": None},
        },
    }


class FrameworkFactory(factory.django.DjangoModelFactory[Framework]):
    """A draft version; ``published=True`` puts it in force."""

    class Meta:
        model = Framework

    class Params:
        published = factory.Trait(
            status=Framework.Status.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )

    administration = factory.SubFactory(AdministrationFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Accreditation criteria for organisations"
    introduction = "Apply with evidence for each criterion."
    pass_threshold = Decimal("60")
    validity_months = 24
    review_days = 30
    spread_threshold = 2
    appeal_days = 30
    status = Framework.Status.DRAFT


class CriterionFactory(factory.django.DjangoModelFactory[Criterion]):
    """A criterion with a scale of 0 to 4 unless ``levels`` is given as ``[(score, text), …]``."""

    class Meta:
        model = Criterion
        skip_postgeneration_save = True

    framework = factory.SubFactory(FrameworkFactory)
    order = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "What the administration looks for."
    weight = 1
    evidence = "Annual reports."

    @factory.post_generation
    def levels(obj, create, extracted, **kwargs):
        if not create:
            return
        levels = extracted if extracted is not None else [(s, f"Level {s}") for s in range(5)]
        Level.objects.bulk_create(Level(criterion=obj, score=s, description=t) for s, t in levels)


class DocumentFactory(factory.django.DjangoModelFactory[Document]):
    class Meta:
        model = Document

    organisation = factory.SubFactory(OrganisationFactory)
    file = factory.django.FileField(data=PDF_BYTES, filename="upload")
    original_name = "mandate.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SubFactory(UserFactory, password=None)


class FormalMechanismFactory(factory.django.DjangoModelFactory[FormalMechanism]):
    class Meta:
        model = FormalMechanism
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.NPM)
    administration = factory.SubFactory(AdministrationFactory)
    legal_basis = "Law 12 of 2010 creating the National Preventive Mechanism"
    mandate_document = factory.SubFactory(
        DocumentFactory, organisation=factory.SelfAttribute("..organisation")
    )
    valid_from = factory.LazyFunction(lambda: today() - timedelta(days=365))
    valid_until = None
    registered_by = factory.SubFactory(UserFactory, password=None)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.members.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory[Application]):
    """An application under a version in force (of its own administration unless given)."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    framework = factory.SubFactory(FrameworkFactory, published=True)
    administration = factory.LazyAttribute(lambda a: a.framework.administration)
    status = Application.Status.DRAFT
    created_by = factory.SubFactory(UserFactory, password=None)
    # Past a draft, an application was submitted once (the administration sees it from then).
    submitted_at = factory.LazyAttribute(
        lambda a: None if a.status == Application.Status.DRAFT else timezone.now()
    )
    summary = "We teach reading and writing."

    @factory.post_generation
    def activity_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.activity_types.set(extracted)

    @factory.post_generation
    def facilities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilities.set(extracted)

    @factory.post_generation
    def member_organisations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.member_organisations.set(extracted)


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    class Meta:
        model = Decision

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.DECIDED)
    outcome = Decision.Outcome.ACCREDITED
    reasons = "The evidence meets every criterion."
    weighted_score = Decimal("75.00")
    reviewers_passed = True
    decided_by = factory.SubFactory(UserFactory, password=None)
    appeal_deadline = factory.LazyFunction(lambda: today() + timedelta(days=30))
    reference = factory.Sequence(lambda n: f"T/ACC/{today().year}/{n:04d}")


class AccreditationFactory(factory.django.DjangoModelFactory[Accreditation]):
    """An accreditation in force (active, within its validity) unless told otherwise. Pass
    ``decision__application__organisation=…`` to choose the organisation."""

    class Meta:
        model = Accreditation

    decision = factory.SubFactory(DecisionFactory)
    organisation = factory.LazyAttribute(lambda o: o.decision.application.organisation)
    status = Accreditation.Status.ACTIVE
    valid_from = factory.LazyFunction(lambda: today() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: today() + timedelta(days=700))


def _first_administration() -> Administration:
    return Administration.objects.order_by("pk").first() or AdministrationFactory.create()


class ClearanceFactory(factory.django.DjangoModelFactory[Clearance]):
    """A pending request unless ``cleared=True`` or ``refused=True``, with the first
    administration unless one is given."""

    class Meta:
        model = Clearance

    administration = factory.LazyFunction(_first_administration)

    class Params:
        cleared = factory.Trait(
            status=Clearance.Status.CLEARED,
            valid_from=factory.LazyFunction(lambda: today() - timedelta(days=10)),
            valid_until=factory.LazyFunction(lambda: today() + timedelta(days=355)),
            decided_at=factory.LazyFunction(timezone.now),
        )
        refused = factory.Trait(
            status=Clearance.Status.REFUSED,
            reason="Identity could not be confirmed.",
            decided_at=factory.LazyFunction(timezone.now),
        )

    person = factory.SubFactory(PersonFactory)
    status = Clearance.Status.PENDING


class EvidenceFactory(factory.django.DjangoModelFactory[Evidence]):
    class Meta:
        model = Evidence
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory)
    criterion = factory.SubFactory(
        CriterionFactory, framework=factory.SelfAttribute("..application.framework")
    )
    text = "Ten years of literacy classes in two prisons."

    @factory.post_generation
    def documents(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.documents.set(extracted)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory[ReviewAssignment]):
    """An assignment waiting for the reviewer's declaration unless ``status`` says otherwise."""

    class Meta:
        model = ReviewAssignment

    application = factory.SubFactory(ApplicationFactory, status=Application.Status.UNDER_REVIEW)
    reviewer = factory.SubFactory(UserFactory)
    assigned_by = factory.SubFactory(UserFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class ScoreFactory(factory.django.DjangoModelFactory[Score]):
    class Meta:
        model = Score

    assignment = factory.SubFactory(ReviewAssignmentFactory)
    criterion = factory.SubFactory(CriterionFactory)
    score = 3
    comment = "Consistent evidence."


class ConditionFactory(factory.django.DjangoModelFactory[Condition]):
    class Meta:
        model = Condition

    decision = factory.SubFactory(DecisionFactory, outcome=Decision.Outcome.CONDITIONAL)
    description = "Send the continuity plan."
    owner = factory.SubFactory(UserFactory)
    due_date = factory.LazyFunction(lambda: today() + timedelta(days=60))


class AppealFactory(factory.django.DjangoModelFactory[Appeal]):
    class Meta:
        model = Appeal

    decision = factory.SubFactory(DecisionFactory, outcome=Decision.Outcome.REFUSED)
    subject = Appeal.Subject.DECISION
    appealed_by_user = factory.SubFactory(UserFactory)
    original_decider = factory.LazyAttribute(lambda a: a.decision.decided_by)
    grounds = "The reviewers overlooked our annual report."


# Scenarios: applications brought to a state through the services, as users would. -------------


def framework_in_force(administration, *, criteria: int = 2, **kwargs) -> Framework:
    """The administration's rules in force, with ``criteria`` criteria scored 0 to 4."""
    framework = FrameworkFactory.create(administration=administration, published=True, **kwargs)
    for _i in range(criteria):
        CriterionFactory(framework=framework)
    return framework


def complete_application(framework: Framework, organisation, *, created_by) -> Application:
    """A draft with every answer given and evidence for every criterion: ready to submit."""
    from directory.models import ActivityType

    application = ApplicationFactory.create(
        organisation=organisation,
        framework=framework,
        created_by=created_by,
        swot_strengths="Trained volunteers.",
        swot_weaknesses="Small budget.",
        swot_opportunities="New education policy.",
        swot_threats="Staff turnover.",
        sustainability_plan="Two donors until 2027.",
        partner_mapping="The Ministry of Education and the Bar Association.",
    )
    # Seeded by a migration, but a transactional test before this one may have flushed it.
    education, _created = ActivityType.objects.get_or_create(code=ActivityType.Code.EDUCATION)
    application.activity_types.set([education])
    application.facilities.set(framework.administration.facilities.all()[:1])
    application.people.set(organisation.people.all())
    for criterion in framework.criteria.all():
        EvidenceFactory(application=application, criterion=criterion)
    return application


def submitted(application: Application, *, by) -> Application:
    from accreditation.services import applications

    applications.application_submit(actor=by, application=application)
    application.refresh_from_db()
    return application


def decide(application, director, outcome=Decision.Outcome.ACCREDITED, **kwargs) -> Decision:
    """The director's decision on a reviewed application, with reasons unless given."""
    from accreditation.services import decisions

    kwargs.setdefault("reasons", "Convincing evidence.")
    return decisions.decision_make(
        actor=director, application=application, outcome=outcome, **kwargs
    )


def under_review(application: Application, *, director, reviewers) -> Application:
    from accreditation.services import review

    review.reviewers_assign(actor=director, application=application, reviewers=reviewers)
    application.refresh_from_db()
    return application


def scored(
    application: Application, scores: dict, comment: str = "Scored {score} by {username}."
) -> Application:
    """Each reviewer (a user → score for every criterion) declares no conflict, scores and
    submits, with ``comment`` (formatted with the score and the reviewer's username) on
    each criterion."""
    from accreditation.services import review

    criteria = list(application.framework.criteria.all())
    for reviewer, score in scores.items():
        assignment = application.assignments.get(reviewer=reviewer)
        review.review_declare(actor=reviewer, assignment=assignment, conflict=False, statement="")
        assignment.refresh_from_db()
        review.review_save_scores(
            actor=reviewer,
            assignment=assignment,
            scores={
                c.pk: (score, comment.format(score=score, username=reviewer.username))
                for c in criteria
            },
        )
        review.review_submit(actor=reviewer, assignment=assignment)
    return application
