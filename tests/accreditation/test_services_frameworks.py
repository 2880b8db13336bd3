"""The rules of publishing the accreditation rules: drafts, copies, criteria and their scales,
publication and supersession. A published version never changes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accreditation import selectors
from accreditation.models import Criterion, Framework
from accreditation.services import frameworks
from activity.errors import DomainError
from activity.models import AuditEntry
from tests.accreditation.factories import CriterionFactory, FrameworkFactory

pytestmark = pytest.mark.django_db

CRITERION = {
    "name": "Availability of funds",
    "code": "funds",
    "description": "Funding secured for the period.",
    "weight": 2,
    "minimum_score": 1,
    "evidence": "Budget.",
    "document_required": True,
}
SCALE = [(0, "Nothing"), (2, "Half"), (4, "All")]


def audited(action: str, target) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(target.pk)).exists()


@pytest.fixture
def draft(world):
    framework = FrameworkFactory(administration=world.administration)
    CriterionFactory(framework=framework, code="knowledge", name="Knowledge")
    return framework


@pytest.fixture
def published(world):
    framework = FrameworkFactory(
        administration=world.administration,
        version=1,
        published=True,
        pass_threshold=Decimal("70"),
        validity_months=12,
        introduction="Version one.",
        reapply_after_days=180,
    )
    CriterionFactory(
        framework=framework,
        code="expertise",
        name="Expertise",
        weight=3,
        minimum_score=2,
        document_required=True,
        levels=[(0, "None"), (2, "Some"), (5, "Much")],
    )
    return framework


# Starting a draft -------------------------------------------------------------------------------


def test_first_draft_holds_the_papers_seven_criteria_with_anchored_scales(world, director):
    framework = frameworks.framework_create_draft(
        actor=director, administration=world.administration
    )
    assert framework.version == 1
    assert framework.status == Framework.Status.DRAFT
    assert framework.reapply_after_days == 0  # a revoked organisation may apply again at once
    criteria = list(framework.criteria.prefetch_related("levels"))
    assert [c.code for c in criteria] == [
        "knowledge",
        "expertise",
        "performance",
        "track-record",
        "commitment",
        "funds",
        "reputation",
    ]
    assert all(len(c.levels.all()) == 5 for c in criteria)
    knock_outs = {c.code for c in criteria if c.minimum_score is not None}
    assert knock_outs == {"track-record", "funds"}
    assert {c.code for c in criteria if c.document_required} == knock_outs
    assert audited("framework.created", framework)


def test_a_new_draft_copies_the_version_in_force(world, director, published):
    framework = frameworks.framework_create_draft(
        actor=director, administration=world.administration
    )
    assert framework.version == 2
    assert framework.pass_threshold == Decimal("70")
    assert framework.validity_months == 12
    assert framework.reapply_after_days == 180
    assert framework.introduction == "Version one."
    criterion = framework.criteria.get()
    assert (criterion.code, criterion.weight, criterion.minimum_score) == ("expertise", 3, 2)
    assert criterion.document_required
    assert [(lv.score, lv.description) for lv in criterion.levels.all()] == [
        (0, "None"),
        (2, "Some"),
        (5, "Much"),
    ]
    # A copy, not the same rows: the version in force is untouched.
    assert published.criteria.get().pk != criterion.pk


def test_a_second_draft_is_refused_while_one_exists(world, director, draft):
    with pytest.raises(DomainError, match="A draft version already exists"):
        frameworks.framework_create_draft(actor=director, administration=world.administration)
    assert Framework.objects.count() == 1


# Changing a draft -------------------------------------------------------------------------------


def test_updating_a_draft_records_what_changed(director, draft):
    frameworks.framework_update(
        actor=director, framework=draft, data={"title": "New title", "validity_months": 36}
    )
    draft.refresh_from_db()
    assert draft.title == "New title" and draft.validity_months == 36
    entry = AuditEntry.objects.get(action="framework.updated", object_id=str(draft.pk))
    assert entry.changes["validity_months"] == ["24", "36"]


def test_update_audits_the_change_even_when_a_form_already_changed_the_object(director, draft):
    # A bound model form sets the typed values on its instance before the service runs.
    draft.title = "Typed title"
    frameworks.framework_update(actor=director, framework=draft, data={"title": "Typed title"})
    entry = AuditEntry.objects.get(action="framework.updated", object_id=str(draft.pk))
    assert entry.changes["title"][1] == "Typed title"
    assert entry.changes["title"][0] != "Typed title"


def test_an_invalid_threshold_is_refused(director, draft):
    with pytest.raises(ValidationError) as error:
        frameworks.framework_update(
            actor=director, framework=draft, data={"pass_threshold": Decimal("150")}
        )
    assert "pass_threshold" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.pass_threshold == Decimal("60")


# Criteria ---------------------------------------------------------------------------------------


def test_a_criterion_is_added_with_its_scale_at_the_end(director, draft):
    criterion = frameworks.criterion_save(
        actor=director, framework=draft, data=CRITERION, levels=SCALE
    )
    assert criterion.order > draft.criteria.get(code="knowledge").order
    assert [(lv.score, lv.description) for lv in criterion.levels.all()] == SCALE
    assert criterion.max_score() == 4
    assert audited("criterion.created", criterion)


def test_changing_a_criterion_replaces_its_scale(director, draft):
    criterion = draft.criteria.get()
    frameworks.criterion_save(
        actor=director,
        framework=draft,
        criterion=criterion,
        data={**CRITERION, "code": "knowledge", "name": "Knowledge of standards"},
        levels=[(1, "Low"), (3, "High")],
    )
    criterion.refresh_from_db()
    assert criterion.name == "Knowledge of standards"
    assert [lv.score for lv in criterion.levels.all()] == [1, 3]
    assert audited("criterion.updated", criterion)


@pytest.mark.parametrize(
    ("levels", "data", "message"),
    [
        ([(0, "Only one")], {}, "at least two anchored levels"),
        ([(0, "Low"), (0, "Also low")], {}, "its own score"),
        ([(0, "Low"), (2, "High")], {"minimum_score": 3}, "cannot be above the top of the scale"),
    ],
)
def test_an_ill_formed_criterion_is_refused(director, draft, levels, data, message):
    with pytest.raises(DomainError, match=message):
        frameworks.criterion_save(
            actor=director, framework=draft, data={**CRITERION, **data}, levels=levels
        )
    assert not draft.criteria.filter(code="funds").exists()


def test_a_criterion_without_weight_is_refused(director, draft):
    with pytest.raises(ValidationError) as error:
        frameworks.criterion_save(
            actor=director, framework=draft, data={**CRITERION, "weight": 0}, levels=SCALE
        )
    assert "weight" in error.value.message_dict
    assert not draft.criteria.filter(code="funds").exists()


def test_a_criterion_is_removed_from_a_draft(director, draft):
    criterion = draft.criteria.get()
    pk = criterion.pk
    frameworks.criterion_delete(actor=director, criterion=criterion)
    assert not Criterion.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(action="criterion.deleted", object_id=str(pk)).exists()


# What stops publication -------------------------------------------------------------------------


def test_a_complete_draft_has_no_publication_problems(draft):
    assert selectors.publication_problems(draft) == []


def test_publication_problems_name_what_is_missing(world):
    empty = FrameworkFactory(administration=world.administration, introduction=" ")
    problems = selectors.publication_problems(empty)
    assert "Add at least one criterion." in problems
    assert any("introduction" in p for p in problems)
    CriterionFactory(framework=empty, name="Lonely", levels=[(0, "Only")])
    assert any(
        "“Lonely” needs a scale of at least two levels." in p
        for p in selectors.publication_problems(empty)
    )


# Publishing -------------------------------------------------------------------------------------


def test_publishing_puts_the_draft_in_force_and_supersedes_the_previous_version(
    director, draft, published
):
    frameworks.framework_publish(actor=director, framework=draft)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Framework.Status.PUBLISHED
    assert draft.published_at is not None and draft.published_by == director
    assert published.status == Framework.Status.SUPERSEDED
    assert selectors.framework_in_force(draft.administration) == draft
    # One entry: the publication, naming the version it replaces.
    assert audited("framework.published", draft)
    entry = AuditEntry.objects.get(action="framework.published", object_id=str(draft.pk))
    assert entry.changes["replaces"] == published.version
    assert not AuditEntry.objects.filter(action="framework.superseded").exists()


def test_publishing_with_problems_is_refused_and_nothing_changes(world, director, published):
    empty = FrameworkFactory(administration=world.administration, introduction="")
    with pytest.raises(DomainError, match="Add at least one criterion"):
        frameworks.framework_publish(actor=director, framework=empty)
    empty.refresh_from_db()
    published.refresh_from_db()
    assert empty.status == Framework.Status.DRAFT
    assert published.status == Framework.Status.PUBLISHED


def test_a_published_version_cannot_be_published_again(director, published):
    with pytest.raises(DomainError):
        frameworks.framework_publish(actor=director, framework=published)
    published.refresh_from_db()
    assert published.status == Framework.Status.PUBLISHED


# A published version never changes --------------------------------------------------------------


@pytest.fixture(params=[Framework.Status.PUBLISHED, Framework.Status.SUPERSEDED])
def fixed(request, world):
    framework = FrameworkFactory(administration=world.administration, status=request.param)
    CriterionFactory(framework=framework, code="expertise", name="Expertise")
    return framework


def test_a_published_or_superseded_version_refuses_changes_to_its_fields(director, fixed):
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.framework_update(actor=director, framework=fixed, data={"title": "Changed"})
    fixed.refresh_from_db()
    assert fixed.title != "Changed"


def test_a_published_or_superseded_version_refuses_new_criteria(director, fixed):
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.criterion_save(actor=director, framework=fixed, data=CRITERION, levels=SCALE)
    assert fixed.criteria.count() == 1


def test_a_published_or_superseded_version_refuses_changed_criteria(director, fixed):
    criterion = fixed.criteria.get()
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.criterion_save(
            actor=director,
            framework=fixed,
            criterion=criterion,
            data={**CRITERION, "code": "expertise", "name": "Changed"},
            levels=SCALE,
        )
    criterion.refresh_from_db()
    assert criterion.name == "Expertise"
    assert criterion.levels.count() == 5


def test_a_published_or_superseded_version_refuses_removed_criteria(director, fixed):
    criterion = fixed.criteria.get()
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.criterion_delete(actor=director, criterion=criterion)
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_a_stale_draft_object_cannot_change_a_version_published_meanwhile(director, draft):
    stale = Framework.objects.get(pk=draft.pk)
    frameworks.framework_publish(actor=director, framework=draft)
    assert stale.status == Framework.Status.DRAFT  # the copy in memory still says draft
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.criterion_save(actor=director, framework=stale, data=CRITERION, levels=SCALE)
    with pytest.raises(DomainError, match="can no longer change"):
        frameworks.framework_update(actor=director, framework=stale, data={"title": "Late"})
    assert not draft.criteria.filter(code="funds").exists()
