"""The pages where the director writes and publishes the rules, and the administration reads
them: allowed, forbidden, invisible and anonymous."""

import pytest

from accreditation.models import Criterion, Framework
from activity.models import AuditEntry
from directory.models import Role
from tests.accreditation.factories import CriterionFactory, FrameworkFactory
from tests.accreditation.pages import url
from tests.conftest import login
from tests.factories import AdministrationFactory, staff
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    framework = FrameworkFactory(administration=world.administration, version=2, title="Rules 2")
    CriterionFactory(framework=framework, name="Knowledge", code="knowledge")
    return framework


@pytest.fixture
def published(world):
    framework = FrameworkFactory(
        administration=world.administration, version=1, title="Rules 1", published=True
    )
    CriterionFactory(framework=framework, name="Expertise", code="expertise")
    return framework


@pytest.fixture
def foreign_draft(db):
    """A draft of another administration."""
    framework = FrameworkFactory(administration=AdministrationFactory(), title="Foreign rules")
    CriterionFactory(framework=framework)
    return framework


def audited(action: str, target) -> bool:
    return AuditEntry.objects.filter(action=action, object_id=str(target.pk)).exists()


def framework_data(framework: Framework, **changes) -> dict[str, str]:
    data = {
        # The administration's main language is English: its texts are the required ones.
        "title_en": framework.title,
        "introduction_en": framework.introduction,
        "pass_threshold": str(framework.pass_threshold),
        "validity_months": str(framework.validity_months),
        "review_days": str(framework.review_days),
        "spread_threshold": str(framework.spread_threshold),
        "appeal_days": str(framework.appeal_days),
        "reapply_after_days": str(framework.reapply_after_days),
    }
    return {**data, **changes}


def criterion_data(levels: list[tuple[str, str]], rows: int = 5, **changes) -> dict[str, str]:
    data = {
        "name_en": "Availability of funds",
        "code": "funds",
        "description_en": "Funding secured for the period.",
        "weight": "2",
        "minimum_score": "1",
        "evidence_en": "Budget and audited accounts.",
        "document_required": "on",
        "levels-TOTAL_FORMS": str(rows),
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "20",
    }
    for i in range(rows):
        score, meaning = levels[i] if i < len(levels) else ("", "")
        data[f"levels-{i}-score"] = score
        data[f"levels-{i}-description_en"] = meaning
    return {**data, **changes}


# Anonymous --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("framework_list", None),
        ("framework_create", None),
        ("framework_detail", "framework"),
        ("framework_edit", "framework"),
        ("framework_publish", "framework"),
        ("criterion_create", "framework"),
        ("criterion_edit", "criterion"),
        ("criterion_delete", "criterion"),
    ],
)
def test_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, draft, name, target):
    args = {None: [], "framework": [draft.pk], "criterion": [draft.criteria.get().pk]}[target]
    path = url(name, *args)
    assert_login_redirect(client.get(path), path)
    assert_login_redirect(client.post(path, {"title": "Hijacked"}), path)
    assert not Framework.objects.filter(title="Hijacked").exists()
    assert Framework.objects.count() == 1
    assert draft.criteria.count() == 1


# List -------------------------------------------------------------------------------------------


def test_director_sees_the_versions_and_can_start_a_new_one(client, director, draft, published):
    page = text(login(client, director).get(url("framework_list")))
    assert "Rules 1" in page and "Rules 2" in page
    assert "In force" in page and "Draft" in page
    assert url("framework_create") in page


@pytest.mark.parametrize("persona", ["coordinator", "reviewer"])
def test_coordinator_and_reviewer_read_the_versions_without_the_start_button(
    client, request, draft, persona
):
    page = text(login(client, request.getfixturevalue(persona)).get(url("framework_list")))
    assert "Rules 2" in page
    assert url("framework_create") not in page


def test_organisation_sees_no_versions_but_the_public_page(client, ngo_admin, draft, published):
    response = login(client, ngo_admin).get(url("framework_list"))
    assert response.status_code == 200
    page = text(response)
    assert "Rules 1" not in page and "Rules 2" not in page
    assert url("public_criteria") in page


def test_director_does_not_see_another_administrations_versions(client, director, foreign_draft):
    assert "Foreign rules" not in text(login(client, director).get(url("framework_list")))


def test_framework_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    FrameworkFactory(administration=world.administration)
    client.get(url("framework_list"))
    one = count_queries(client, url("framework_list"))
    for _ in range(49):
        FrameworkFactory(administration=world.administration)
    fifty = count_queries(client, url("framework_list"))
    assert len(client.get(url("framework_list")).context["page"].items) == 50
    assert fifty == one


# Start a new version ----------------------------------------------------------------------------


def test_director_starts_a_new_version_from_the_one_in_force(client, world, director, published):
    response = login(client, director).post(
        url("framework_create"), {"administration": world.administration.pk}
    )
    framework = Framework.objects.get(version=2)
    assert response.status_code == 302
    assert response["Location"] == framework.get_absolute_url()
    assert framework.status == Framework.Status.DRAFT
    assert list(framework.criteria.values_list("code", flat=True)) == ["expertise"]
    assert audited("framework.created", framework)


def test_first_version_starts_with_the_papers_seven_criteria(client, world, director):
    login(client, director).post(
        url("framework_create"), {"administration": world.administration.pk}
    )
    assert Framework.objects.get().criteria.count() == 7


def test_second_draft_is_refused_with_the_reason(client, world, director, draft):
    response = login(client, director).post(
        url("framework_create"), {"administration": world.administration.pk}, follow=True
    )
    assert "A draft version already exists" in text(response)
    assert Framework.objects.count() == 1


def test_director_cannot_start_a_version_for_another_administration(
    client, director, foreign_draft
):
    response = login(client, director).post(
        url("framework_create"), {"administration": foreign_draft.administration.pk}, follow=True
    )
    assert "Select a valid choice" in text(response)
    assert Framework.objects.count() == 1


@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "ngo_admin"])
def test_only_the_director_starts_a_version(client, request, world, persona):
    response = login(client, request.getfixturevalue(persona)).post(
        url("framework_create"), {"administration": world.administration.pk}
    )
    assert response.status_code == 403
    assert not Framework.objects.exists()


def test_starting_a_version_is_an_action_not_a_page(client, director):
    assert login(client, director).get(url("framework_create")).status_code == 405


# Detail -----------------------------------------------------------------------------------------


def test_director_sees_a_draft_with_its_edit_controls(client, director, draft):
    page = text(login(client, director).get(url("framework_detail", draft.pk)))
    assert "Knowledge" in page
    assert url("framework_edit", draft.pk) in page
    assert url("criterion_create", draft.pk) in page
    criterion = draft.criteria.get()
    assert url("criterion_edit", criterion.pk) in page
    assert url("criterion_delete", criterion.pk) in page
    assert url("framework_publish", draft.pk) in page


def test_draft_shows_what_stops_its_publication(client, director, world):
    empty = FrameworkFactory(administration=world.administration, introduction="")
    page = text(login(client, director).get(url("framework_detail", empty.pk)))
    assert "This draft cannot be published yet" in page
    assert "Add at least one criterion." in page
    assert "Write an introduction" in page


@pytest.mark.parametrize("persona", ["coordinator", "reviewer"])
def test_coordinator_and_reviewer_read_a_draft_without_edit_controls(
    client, request, draft, persona
):
    response = login(client, request.getfixturevalue(persona)).get(
        url("framework_detail", draft.pk)
    )
    assert response.status_code == 200
    page = text(response)
    assert "Knowledge" in page
    assert url("framework_edit", draft.pk) not in page
    assert url("framework_publish", draft.pk) not in page
    assert url("criterion_create", draft.pk) not in page


def test_published_version_shows_no_edit_controls_even_to_the_director(client, director, published):
    page = text(login(client, director).get(url("framework_detail", published.pk)))
    assert "Expertise" in page
    assert "can no longer change" in page
    assert url("framework_edit", published.pk) not in page
    assert url("framework_publish", published.pk) not in page
    assert url("criterion_edit", published.criteria.get().pk) not in page


@pytest.mark.parametrize("persona", ["ngo_admin", "facility_officer", "monitor"])
def test_people_outside_the_administration_do_not_find_a_version(client, request, draft, persona):
    user = request.getfixturevalue(persona)
    assert login(client, user).get(url("framework_detail", draft.pk)).status_code == 404


def test_director_does_not_find_another_administrations_version(client, director, foreign_draft):
    assert login(client, director).get(url("framework_detail", foreign_draft.pk)).status_code == 404


def test_framework_detail_makes_the_same_queries_for_one_criterion_and_fifty(
    client, director, world
):
    framework = FrameworkFactory(administration=world.administration)
    CriterionFactory(framework=framework)
    login(client, director)
    path = url("framework_detail", framework.pk)
    client.get(path)
    one = count_queries(client, path)
    for _ in range(49):
        CriterionFactory(framework=framework)
    assert count_queries(client, path) == one


# Edit the framework -----------------------------------------------------------------------------


def test_director_changes_a_draft(client, director, draft):
    response = login(client, director).post(
        url("framework_edit", draft.pk), framework_data(draft, title_en="Rules 2 revised")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Rules 2 revised"
    entry = AuditEntry.objects.get(action="framework.updated", object_id=str(draft.pk))
    assert entry.changes["title_en"] == ["Rules 2", "Rules 2 revised"]


def test_invalid_framework_keeps_what_was_typed(client, director, draft):
    response = login(client, director).post(
        url("framework_edit", draft.pk),
        framework_data(draft, title_en="Typed title", pass_threshold="150"),
    )
    assert response.status_code == 200
    page = text(response)
    assert 'value="Typed title"' in page
    assert 'value="150"' in page
    draft.refresh_from_db()
    assert draft.title == "Rules 2"


def test_published_version_cannot_be_edited_and_says_why(client, director, published):
    login(client, director)
    response = client.get(url("framework_edit", published.pk), follow=True)
    assert response.redirect_chain == [(published.get_absolute_url(), 302)]
    assert "is published and can no longer change" in text(response)
    response = client.post(
        url("framework_edit", published.pk), framework_data(published, title_en="X"), follow=True
    )
    assert response.redirect_chain == [(published.get_absolute_url(), 302)]
    assert "is published and can no longer change" in text(response)
    published.refresh_from_db()
    assert published.title == "Rules 1"


def test_coordinator_cannot_edit_the_rules(client, coordinator, draft):
    response = login(client, coordinator).post(
        url("framework_edit", draft.pk), framework_data(draft, title_en="Changed")
    )
    assert response.status_code == 403
    assert "Only the director can change the rules." in text(response)
    draft.refresh_from_db()
    assert draft.title == "Rules 2"


def test_organisation_does_not_find_the_edit_page(client, ngo_admin, draft):
    assert login(client, ngo_admin).get(url("framework_edit", draft.pk)).status_code == 404


# Publish ----------------------------------------------------------------------------------------


def test_director_publishes_a_draft_which_supersedes_the_version_in_force(
    client, director, draft, published
):
    response = login(client, director).post(url("framework_publish", draft.pk), follow=True)
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Framework.Status.PUBLISHED
    assert published.status == Framework.Status.SUPERSEDED
    assert "is in force" in text(response)
    assert audited("framework.published", draft)
    entry = AuditEntry.objects.get(action="framework.published", object_id=str(draft.pk))
    assert entry.changes["replaces"] == published.version


def test_publishing_an_incomplete_draft_shows_the_problems(client, director, world):
    empty = FrameworkFactory(administration=world.administration, introduction="")
    response = login(client, director).post(url("framework_publish", empty.pk), follow=True)
    assert "Add at least one criterion." in text(response)
    empty.refresh_from_db()
    assert empty.status == Framework.Status.DRAFT


def test_published_version_cannot_be_published_again(client, director, published):
    response = login(client, director).post(url("framework_publish", published.pk), follow=True)
    assert response.redirect_chain == [(published.get_absolute_url(), 302)]
    assert "is published and can no longer change" in text(response)
    published.refresh_from_db()
    assert published.status == Framework.Status.PUBLISHED


def test_coordinator_cannot_publish(client, coordinator, draft):
    assert login(client, coordinator).post(url("framework_publish", draft.pk)).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Framework.Status.DRAFT


def test_publishing_is_an_action_not_a_page(client, director, draft):
    assert login(client, director).get(url("framework_publish", draft.pk)).status_code == 405


# Criteria ---------------------------------------------------------------------------------------


def test_new_criterion_form_starts_with_a_five_level_scale(client, director, draft):
    response = login(client, director).get(url("criterion_create", draft.pk))
    assert response.status_code == 200
    assert response.context["levels"].initial[4]["score"] == 4
    assert "No evidence" in text(response)


def test_director_adds_a_criterion_with_its_scale(client, director, draft):
    levels = [("0", "Nothing secured"), ("2", "Half the budget"), ("4", "Fully funded")]
    response = login(client, director).post(
        url("criterion_create", draft.pk), criterion_data(levels)
    )
    assert response.status_code == 302
    criterion = draft.criteria.get(code="funds")
    assert criterion.weight == 2 and criterion.minimum_score == 1 and criterion.document_required
    assert [(lv.score, lv.description) for lv in criterion.levels.all()] == [
        (0, "Nothing secured"),
        (2, "Half the budget"),
        (4, "Fully funded"),
    ]
    assert audited("criterion.created", criterion)


def test_a_scale_of_one_level_is_refused_and_the_typed_values_stay(client, director, draft):
    response = login(client, director).post(
        url("criterion_create", draft.pk), criterion_data([("0", "Only level")])
    )
    assert response.status_code == 200
    page = text(response)
    assert "A scale needs at least two anchored levels." in page
    assert 'value="Availability of funds"' in page
    assert 'value="Only level"' in page
    assert not draft.criteria.filter(code="funds").exists()


def test_a_level_without_meaning_is_refused(client, director, draft):
    response = login(client, director).post(
        url("criterion_create", draft.pk), criterion_data([("0", "None"), ("4", "")])
    )
    assert "Say what this score means." in text(response)
    assert not draft.criteria.filter(code="funds").exists()


def test_a_minimum_above_the_top_of_the_scale_is_refused_by_the_service(client, director, draft):
    response = login(client, director).post(
        url("criterion_create", draft.pk),
        criterion_data([("0", "None"), ("2", "All")], minimum_score="3"),
    )
    assert response.status_code == 200
    assert "The minimum score cannot be above the top of the scale (2)." in text(response)
    assert not draft.criteria.filter(code="funds").exists()


def test_a_code_already_used_in_the_version_is_refused(client, director, draft):
    response = login(client, director).post(
        url("criterion_create", draft.pk),
        criterion_data([("0", "None"), ("4", "All")], code="knowledge"),
    )
    assert response.status_code == 200
    assert draft.criteria.filter(code="knowledge").count() == 1
    assert "already exists" in text(response)


def test_director_changes_a_criterion_and_its_scale(client, director, draft):
    criterion = draft.criteria.get()
    login(client, director)
    form = client.get(url("criterion_edit", criterion.pk))
    assert 'value="Knowledge"' in text(form)
    data = criterion_data([("1", "Some"), ("3", "Much")], rows=7, name_en="Knowledge of standards")
    data.update({"code": "knowledge", "minimum_score": "", "document_required": ""})
    response = client.post(url("criterion_edit", criterion.pk), data)
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.name == "Knowledge of standards"
    assert criterion.minimum_score is None
    assert [lv.score for lv in criterion.levels.all()] == [1, 3]
    assert audited("criterion.updated", criterion)


def test_emptying_a_row_drops_that_level(client, director, draft):
    criterion = draft.criteria.get()
    levels = [("0", "Level 0"), ("", ""), ("2", "Level 2"), ("3", "Level 3"), ("4", "Level 4")]
    data = criterion_data(levels, code="knowledge", minimum_score="")
    data["levels-INITIAL_FORMS"] = "5"
    login(client, director).post(url("criterion_edit", criterion.pk), data)
    assert [lv.score for lv in criterion.levels.all()] == [0, 2, 3, 4]


def test_director_removes_a_criterion_from_a_draft(client, director, draft):
    criterion = draft.criteria.get()
    response = login(client, director).post(url("criterion_delete", criterion.pk))
    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=criterion.pk).exists()
    assert AuditEntry.objects.filter(
        action="criterion.deleted", object_id=str(criterion.pk)
    ).exists()


def test_criteria_of_a_published_version_cannot_change(client, director, published):
    criterion = published.criteria.get()
    login(client, director)
    for path in (url("criterion_edit", criterion.pk), url("criterion_create", published.pk)):
        response = client.get(path, follow=True)
        assert response.redirect_chain == [(published.get_absolute_url(), 302)]
        assert "is published and can no longer change" in text(response)
    data = criterion_data([("0", "None"), ("4", "All")], code="expertise", name_en="Changed")
    for path in (
        url("criterion_edit", criterion.pk),
        url("criterion_create", published.pk),
        url("criterion_delete", criterion.pk),
    ):
        response = client.post(path, data, follow=True)
        assert response.redirect_chain == [(published.get_absolute_url(), 302)]
        assert "is published and can no longer change" in text(response)
    criterion.refresh_from_db()
    assert criterion.name == "Expertise"
    assert published.criteria.count() == 1


def test_coordinator_cannot_change_criteria(client, coordinator, draft):
    criterion = draft.criteria.get()
    login(client, coordinator)
    assert client.get(url("criterion_edit", criterion.pk)).status_code == 403
    assert client.post(url("criterion_delete", criterion.pk)).status_code == 403
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_criteria_of_another_administration_are_not_found(client, director, foreign_draft):
    criterion = foreign_draft.criteria.get()
    login(client, director)
    assert client.get(url("criterion_edit", criterion.pk)).status_code == 404
    assert client.post(url("criterion_delete", criterion.pk)).status_code == 404
    assert Criterion.objects.filter(pk=criterion.pk).exists()


def test_another_administrations_director_is_a_director_only_at_home(client, foreign_draft, world):
    other_director = staff("olga", Role.DIRECTOR, foreign_draft.administration)
    response = login(client, other_director).get(url("framework_detail", foreign_draft.pk))
    assert response.status_code == 200
    assert url("framework_edit", foreign_draft.pk) in text(response)


def test_the_waiting_period_after_a_revocation_is_set_within_bounds(client, director, draft):
    login(client, director)
    response = client.post(
        url("framework_edit", draft.pk), framework_data(draft, reapply_after_days="3651")
    )
    assert "Ensure this value is less than or equal to 3650." in text(response)
    draft.refresh_from_db()
    assert draft.reapply_after_days == 0
    client.post(url("framework_edit", draft.pk), framework_data(draft, reapply_after_days="365"))
    draft.refresh_from_db()
    assert draft.reapply_after_days == 365
