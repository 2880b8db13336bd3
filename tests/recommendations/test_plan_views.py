"""The plan-of-action pages: who sees which actions, planning one from its recommendations,
posting progress with evidence, rescheduling, cancelling and verifying; queries that do not
grow with the rows."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activity.models import Document
from recommendations.models import Action, ProgressUpdate, Recommendation
from tests.accreditation.factories import PDF_BYTES, DocumentFactory
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text

from .plan_support import plan_action, recommendation_of

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"recommendations:{name}", args=args)


@pytest.fixture
def recs(submitted) -> list[Recommendation]:
    return list(submitted.recommendations.order_by("number"))


@pytest.fixture
def action(recs, director, responsible_official) -> Action:
    return plan_action(director, recs, responsible_official)


# Who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["director", "coordinator", "responsible_official", "ngo_admin", "ngo_member"]
)
def test_the_people_concerned_see_the_action(client, action, persona, request):
    login(client, request.getfixturevalue(persona))

    assert action.get_absolute_url() in text(client.get(url("action_list")))
    page = text(client.get(action.get_absolute_url()))
    assert "Hire two teachers" in page
    assert "Recommendation 1: keep classes running" in page


@pytest.mark.parametrize("persona", ["outsider", "other_director", "facility_officer"])
def test_others_do_not_know_the_action(client, action, persona, request):
    login(client, request.getfixturevalue(persona))

    assert action.get_absolute_url() not in text(client.get(url("action_list")))
    assert client.get(action.get_absolute_url()).status_code == 404
    post = client.post(url("action_progress", action.pk), {"progress": 5, "note": "x"})
    assert post.status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, action):
    for path in (
        url("action_list"),
        url("action_mine"),
        url("action_new"),
        action.get_absolute_url(),
    ):
        assert_login_redirect(client.get(path), path)


def test_my_actions_are_the_officials_own(client, action, responsible_official, director):
    login(client, responsible_official)
    assert action.get_absolute_url() in text(client.get(url("action_mine")))

    login(client, director)
    page = text(client.get(url("action_mine")))
    assert action.get_absolute_url() not in page
    assert "No actions match." in page


def test_a_row_shows_the_progress_the_overdue_days_and_the_recommendations(
    client, action, director, recs, responsible_official
):
    Action.objects.filter(pk=action.pk).update(
        due_on=timezone.localdate() - timedelta(days=3), progress=40
    )
    login(client, director)

    page = text(client.get(url("action_list")))
    assert '<progress max="100" value="40"' in page
    assert "Overdue by 3 days" in page
    assert recs[0].get_absolute_url() in page and recs[1].get_absolute_url() in page
    assert responsible_official.get_full_name() in page


def test_the_list_filters(client, action, recs, director, responsible_official, world):
    late = plan_action(director, recs[:1], responsible_official, title="Repair the classroom")
    Action.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    login(client, director)

    def shown(**query) -> set[int]:
        page = text(client.get(url("action_list"), query))
        return {a.pk for a in (action, late) if a.get_absolute_url() in page}

    assert shown(overdue="yes") == {late.pk}
    assert shown(overdue="no") == {action.pk}
    assert shown(status="planned") == {action.pk, late.pk}
    assert shown(status="completed") == set()
    assert shown(facility=world.facility.pk) == {action.pk, late.pk}
    assert shown(responsible=responsible_official.pk) == {action.pk, late.pk}
    assert shown(organisation=world.organisation.pk) == {action.pk, late.pk}
    assert shown(due_before=timezone.localdate().isoformat()) == {late.pk}


# Planning ---------------------------------------------------------------------------------------


def test_a_director_plans_an_action_from_the_recommendations_ticked(
    client, recs, director, responsible_official
):
    login(client, director)
    path = f"{url('action_new')}?recommendation={recs[0].pk}&recommendation={recs[1].pk}"

    page = client.get(path).content.decode()
    assert page.count("checked") == 2
    response = client.post(
        path,
        {
            "recommendations": [recs[0].pk, recs[1].pk],
            "title": "Hire two teachers",
            "description": "Through the ministry's call in March.",
            "responsible": responsible_official.pk,
            "due_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "effort": "high",
        },
    )

    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == action.get_absolute_url()
    assert set(action.recommendations.all()) == set(recs)
    assert action.responsible == responsible_official


def test_an_action_mixing_two_organisations_is_refused_with_the_reason(
    client, recs, world, director, outsider, responsible_official
):
    theirs = recommendation_of(world, outsider, organisation=world.other_organisation)
    login(client, director)

    response = client.post(
        url("action_new"),
        {
            "recommendations": [recs[0].pk, theirs.pk],
            "title": "Hire two teachers",
            "responsible": responsible_official.pk,
            "due_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "effort": "low",
        },
    )

    assert response.status_code == 200
    assert "answers the recommendations of one organisation" in text(response)
    assert not Action.objects.exists()


def test_only_officials_are_offered_as_responsible(client, recs, director, coordinator):
    login(client, director)

    response = client.post(
        url("action_new"),
        {
            "recommendations": [recs[0].pk],
            "title": "Hire two teachers",
            "responsible": coordinator.pk,
            "due_on": (timezone.localdate() + timedelta(days=60)).isoformat(),
            "effort": "low",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", ["ngo_admin", "responsible_official"])
def test_only_the_administrations_staff_plan(client, submitted, persona, request):
    login(client, request.getfixturevalue(persona))

    response = client.get(url("action_new"))
    assert response.status_code == 403
    assert "Only the administration's directors and coordinators plan" in text(response)


# Progress, changes, verification ----------------------------------------------------------------


def test_the_official_posts_progress_with_evidence_that_the_organisation_reads(
    client, action, responsible_official, ngo_admin, outsider
):
    login(client, responsible_official)
    response = client.post(
        url("action_progress", action.pk),
        {
            "progress": 60,
            "note": "One teacher hired.",
            "evidence": [SimpleUploadedFile("contract.pdf", PDF_BYTES)],
        },
    )
    assert response.status_code == 302
    document = Document.objects.get(original_name="contract.pdf")
    download = reverse("activity:document_download", args=[document.pk])

    login(client, ngo_admin)
    page = text(client.get(action.get_absolute_url()))
    assert "One teacher hired." in page and download in page
    assert client.get(download).status_code == 200

    login(client, outsider)
    assert client.get(download).status_code == 404


def test_a_refused_progress_keeps_what_was_typed(client, action, responsible_official):
    login(client, responsible_official)

    response = client.post(url("action_progress", action.pk), {"progress": 150, "note": "Done"})

    assert response.status_code == 200
    assert "less than or equal to 100" in text(response)
    assert "Done</textarea>" in text(response)
    assert not ProgressUpdate.objects.exists()


def test_the_organisation_does_not_post_progress(client, action, ngo_admin):
    login(client, ngo_admin)

    response = client.post(url("action_progress", action.pk), {"progress": 5, "note": "x"})

    assert response.status_code == 403
    assert "Only the responsible official reports progress" in text(response)


def test_a_director_reschedules_and_cancels_with_a_reason(
    client, action, director, responsible_official
):
    login(client, director)
    later = action.due_on + timedelta(days=20)
    response = client.post(
        url("action_reschedule", action.pk),
        {
            "due_on": later.isoformat(),
            "responsible": responsible_official.pk,
            "reason": "Budget arrives later.",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.due_on == later

    refused = client.post(url("action_cancel", action.pk), {"reason": ""})
    assert refused.status_code == 200
    assert "This field is required" in text(refused)
    client.post(url("action_cancel", action.pk), {"reason": "Merged with another action."})
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED


def test_the_official_does_not_reschedule(client, action, responsible_official):
    login(client, responsible_official)

    response = client.post(
        url("action_reschedule", action.pk),
        {"due_on": action.due_on.isoformat(), "responsible": responsible_official.pk},
    )

    assert response.status_code == 403
    assert "Only the administration's directors and coordinators plan" in text(response)


def test_the_organisation_verifies_each_recommendation_from_the_evidence(
    client, action, recs, ngo_admin, director
):
    login(client, ngo_admin)
    page = text(client.get(action.get_absolute_url()))
    assert url("action_verify", action.pk, recs[0].pk) in page

    response = client.post(
        url("action_verify", action.pk, recs[0].pk),
        {f"r{recs[0].pk}-result": "partly", f"r{recs[0].pk}-note": "Seen the contract."},
    )
    assert response.status_code == 302
    recs[0].refresh_from_db()
    assert recs[0].verified_status == Recommendation.Verified.PARTLY
    assert recs[0].verifications.get().visit is None

    login(client, director)
    assert url("action_verify", action.pk, recs[0].pk) not in text(
        client.get(action.get_absolute_url())
    )
    refused = client.post(
        url("action_verify", action.pk, recs[0].pk), {f"r{recs[0].pk}-result": "implemented"}
    )
    assert refused.status_code == 403


def test_a_recommendation_the_action_does_not_answer_is_not_verified_through_it(
    client, recs, director, responsible_official, ngo_admin
):
    action = plan_action(director, recs[:1], responsible_official)
    login(client, ngo_admin)

    response = client.post(
        url("action_verify", action.pk, recs[1].pk), {f"r{recs[1].pk}-result": "implemented"}
    )

    assert response.status_code == 404


# Queries ----------------------------------------------------------------------------------------


def more_actions(action: Action, count: int) -> None:
    """``count`` more actions like ``action``, each answering its recommendations."""
    recommendations = list(action.recommendations.all())
    fields = {
        f.attname: getattr(action, f.attname)
        for f in Action._meta.concrete_fields
        if f.attname != "id"
    }
    made = Action.objects.bulk_create(Action(**fields) for _ in range(count))
    Action.recommendations.through.objects.bulk_create(
        Action.recommendations.through(action_id=a.pk, recommendation_id=r.pk)
        for a in made
        for r in recommendations
    )


@pytest.mark.parametrize("persona", ["director", "responsible_official", "ngo_admin"])
@pytest.mark.parametrize("page", ["action_list", "action_mine"])
def test_the_lists_make_as_many_queries_for_50_rows_as_for_1(
    client, action, persona, page, request
):
    login(client, request.getfixturevalue(persona))
    client.get(url(page))
    one = count_queries(client, url(page))

    more_actions(action, 49)

    assert count_queries(client, url(page)) == one


@pytest.mark.parametrize("persona", ["director", "responsible_official", "ngo_admin"])
def test_the_action_page_makes_as_many_queries_for_50_updates_as_for_1(
    client, action, persona, request, responsible_official, world
):
    def add(count: int) -> None:
        for n in range(count):
            update = ProgressUpdate.objects.create(
                action=action,
                progress=n,
                status="in_progress",
                note="Work",
                author=responsible_official,
            )
            update.evidence.add(DocumentFactory.create(organisation=world.organisation))

    add(1)
    login(client, request.getfixturevalue(persona))
    client.get(action.get_absolute_url())
    one = count_queries(client, action.get_absolute_url())

    add(49)

    assert count_queries(client, action.get_absolute_url()) == one


def test_the_links_of_actions_and_recommendations_are_indexed_by_recommendation_then_action():
    """The plan filtered by one facility reads the links of the facility's recommendations from
    this index alone (migration 0004, in SQL: Django has no model to declare it on)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'action_rec_answering_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "recommendations_action_recommendations" in definition
    assert "(recommendation_id, action_id)" in definition
