"""The reports pages: who sees a report at each stage, writing it from a visit, submitting it,
the authorities' answers, meetings and consent, release under a mandate, and the publication
review; and queries that do not grow with the recommendations."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activity.models import Document
from recommendations.models import Engagement, Recommendation, Report
from recommendations.services import reports as report_services
from tests.accreditation.factories import pdf, use_temporary_storage
from tests.conftest import login
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import Purpose

from .conftest import past_visit, write_report

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"recommendations:{name}", args=args)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    use_temporary_storage(settings, tmp_path)


def more_recommendations(report: Report, count: int) -> None:
    """Rows added directly: how they are written is the services' business."""
    start = report.recommendations.count()
    first = report.recommendations.order_by("number").first()
    assert first is not None
    for number in range(start + 1, start + count + 1):
        first.pk = None
        first.number = number
        first.save()


# Who sees what ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ngo_admin", "ngo_member"])
def test_the_organisation_sees_its_draft(client, draft, persona, request):
    login(client, request.getfixturevalue(persona))

    assert draft.get_absolute_url() in text(client.get(url("report_list")))
    assert client.get(draft.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "persona",
    [
        "director",
        "coordinator",
        "responsible_official",
        "facility_officer",
        "gate_officer",
        "outsider",
        "other_director",
    ],
)
def test_nobody_else_knows_of_a_draft(client, draft, persona, request):
    login(client, request.getfixturevalue(persona))

    listed = text(client.get(url("report_list")))
    assert draft.title not in listed
    assert "No reports match." in listed
    assert client.get(draft.get_absolute_url()).status_code == 404
    rec = draft.recommendations.first()
    assert client.get(rec.get_absolute_url()).status_code == 404
    assert "No recommendations match." in text(client.get(url("recommendation_list")))


@pytest.mark.parametrize("persona", ["ngo_admin", "director", "coordinator"])
def test_a_submitted_report_is_read_by_the_organisation_and_the_administrations_staff(
    client, submitted, persona, request
):
    login(client, request.getfixturevalue(persona))

    assert submitted.get_absolute_url() in text(client.get(url("report_list")))
    page = text(client.get(submitted.get_absolute_url()))
    assert "Classes are cancelled when the wing is short of staff." in page
    assert "Recommendation 2: keep classes running" in text(client.get(url("recommendation_list")))


@pytest.mark.parametrize(
    "persona",
    ["responsible_official", "facility_officer", "gate_officer", "outsider", "other_director"],
)
def test_a_submitted_report_stays_unknown_to_everyone_else(client, submitted, persona, request):
    login(client, request.getfixturevalue(persona))

    assert submitted.title not in text(client.get(url("report_list")))
    assert client.get(submitted.get_absolute_url()).status_code == 404
    assert client.get(url("report_publish", submitted.pk)).status_code == 404
    assert client.get(submitted.recommendations.first().get_absolute_url()).status_code == 404
    listed = text(client.get(url("recommendation_list")))
    assert "keep classes running" not in listed


def test_the_filters_suggest_nothing_of_reports_the_user_does_not_see(client, submitted, outsider):
    login(client, outsider)

    for field in ("facility", "organisation"):
        found = client.get(url("report_choices", field) + "?q=e").json()["results"]
        assert found == []
        found = client.get(url("recommendation_choices", field) + "?q=e").json()["results"]
        assert found == []


def test_a_responsible_official_reads_the_recommendations_their_actions_answer(
    client, world, submitted, recommendation, director, responsible_official
):
    from recommendations.services import plan

    action = plan.action_create(
        actor=director,
        administration=world.administration,
        recommendations=[recommendation],
        title="Hire two teachers",
        responsible=responsible_official,
        due_on=submitted.submitted_at.date() + timedelta(days=60),
        effort="medium",
    )
    login(client, responsible_official)

    page = text(client.get(recommendation.get_absolute_url()))
    assert reverse("recommendations:action_detail", args=[action.pk]) in page
    assert "Recommendation 1: keep classes running" in page
    assert submitted.title not in page
    assert client.get(submitted.get_absolute_url()).status_code == 404
    other = submitted.recommendations.exclude(pk=recommendation.pk).get()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, submitted, recommendation):
    for path in (
        url("report_list"),
        url("report_new"),
        submitted.get_absolute_url(),
        url("report_publish", submitted.pk),
        url("recommendation_list"),
        recommendation.get_absolute_url(),
    ):
        assert_login_redirect(client.get(path), path)


# Writing ----------------------------------------------------------------------------------------


def test_a_member_starts_the_report_of_a_visit_that_took_place(client, scene, ngo_member):
    login(client, ngo_member)
    path = f"{url('report_new')}?visit={scene.visit.pk}"

    assert f'value="{scene.visit.pk}" selected' in text(client.get(path))
    response = client.post(path, {"visit": scene.visit.pk, "title": "Education wing"})

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert (report.created_by, report.agreement, report.status) == (
        ngo_member,
        scene.agreement,
        Report.Status.DRAFT,
    )


def test_a_visit_still_to_come_is_not_offered(client, world, scene, ngo_member):
    coming = past_visit(world, scene.agreement, ngo_member, days_ago=-3)
    login(client, ngo_member)

    response = client.post(url("report_new"), {"visit": coming.pk, "title": "Too early"})

    assert "Select a valid choice" in text(response)
    assert not Report.objects.exists()


def test_another_organisation_cannot_report_on_the_visit(client, scene, outsider):
    login(client, outsider)

    response = client.post(url("report_new"), {"visit": scene.visit.pk, "title": "Not ours"})

    assert response.status_code == 200
    assert not Report.objects.exists()


def test_the_administration_does_not_write_reports(client, scene, director):
    login(client, director)

    response = client.get(url("report_new"))

    assert response.status_code == 403
    assert "Only an organisation's members write the reports" in text(response)
    assert "New report" not in text(client.get(url("report_list")))


def test_the_draft_is_written_on_its_page(client, draft, ngo_member, scene):
    login(client, ngo_member)
    page = text(client.get(draft.get_absolute_url()))
    assert 'enctype="multipart/form-data"' in page
    assert "Submit the report" in page

    client.post(
        url("finding_add", draft.pk),
        {
            "kind": "concern",
            "text": "The library is closed.",
            "evidence": "Seen on the day.",
            "attachments": [pdf("photo.pdf")],
        },
    )
    finding = draft.findings.get(text="The library is closed.")
    document = finding.attachments.get()
    assert reverse("activity:document_download", args=[document.pk]) in text(
        client.get(draft.get_absolute_url())
    )

    client.post(
        url("recommendation_add", draft.pk),
        {
            "text": "Open the library daily.",
            "priority": 2,
            "theme": "activities",
            "area": scene.wing.pk,
            "standards": ["mandela:64", "mandela:104-105"],
            "quick_win": "on",
        },
    )
    added = draft.recommendations.get(number=3)
    assert added.standards == ["mandela:64", "mandela:104-105"]
    assert added.quick_win
    assert "Nelson Mandela Rules, rule 64: Library" in text(client.get(draft.get_absolute_url()))

    client.post(
        url("recommendation_update", added.pk),
        {"text": "Open the library every day.", "priority": 1, "theme": "activities"},
    )
    added.refresh_from_db()
    assert (added.text, added.priority, added.standards) == ("Open the library every day.", 1, [])

    client.post(url("finding_remove", draft.pk, finding.pk))
    client.post(url("recommendation_remove", added.pk))
    client.post(url("report_update", draft.pk), {"title": "Education wing, March", "summary": ""})
    draft.refresh_from_db()
    assert draft.title == "Education wing, March"
    assert not draft.findings.filter(pk=finding.pk).exists()
    assert not draft.recommendations.filter(pk=added.pk).exists()

    response = client.post(url("report_submit", draft.pk))
    draft.refresh_from_db()
    assert draft.status == Report.Status.SUBMITTED
    assert "Submit the report" not in text(client.get(response["Location"]))


def test_good_practices_come_before_concerns(client, draft, ngo_member):
    login(client, ngo_member)
    page = text(client.get(draft.get_absolute_url()))

    assert page.index("Teachers and guards plan") < page.index("Classes are cancelled")


def test_a_file_that_is_not_what_it_says_is_refused_and_the_text_kept(client, draft, ngo_member):
    login(client, ngo_member)
    fake = SimpleUploadedFile("photo.pdf", b"<html><script>x</script></html>", "application/pdf")

    response = client.post(
        url("finding_add", draft.pk),
        {"kind": "concern", "text": "The library is closed.", "attachments": [fake]},
    )

    assert response.status_code == 200
    assert "photo.pdf" in text(response)
    assert "The library is closed." in text(response)
    assert not draft.findings.filter(text="The library is closed.").exists()
    assert not Document.objects.filter(original_name="photo.pdf").exists()


def test_a_recommendation_may_repeat_an_earlier_one_to_the_same_facility(
    client, world, scene, submitted, recommendation, ngo_admin, director
):
    later_visit = past_visit(world, scene.agreement, ngo_admin, days_ago=1)
    later = report_services.report_create(actor=ngo_admin, visit=later_visit, title="Return")
    login(client, ngo_admin)

    page = text(client.get(later.get_absolute_url()))
    assert "R1 of “Visit to the education wing”" in page
    client.post(
        url("recommendation_add", later.pk),
        {
            "text": "Keep classes running, as asked before.",
            "priority": 1,
            "theme": "activities",
            "repeats": recommendation.pk,
        },
    )
    repeat = later.recommendations.get()
    assert repeat.repeats == recommendation
    report_services.report_submit(actor=ngo_admin, report=later)

    login(client, director)
    assert "Repeated once" in text(client.get(recommendation.get_absolute_url()))
    assert "R1 of the report “Visit to the education wing”" in text(
        client.get(later.get_absolute_url())
    )


def test_the_administration_does_not_write_in_the_report(client, submitted, director):
    login(client, director)

    response = client.post(url("finding_add", submitted.pk), {"kind": "concern", "text": "x"})

    assert response.status_code == 403
    assert "Only the organisation's members write its report." in text(response)


def test_a_submitted_report_is_not_changed(client, submitted, recommendation, ngo_admin):
    login(client, ngo_admin)

    response = client.post(url("report_update", submitted.pk), {"title": "Changed"})
    client.post(url("recommendation_remove", recommendation.pk))

    assert "can no longer be changed" in text(response)
    submitted.refresh_from_db()
    assert submitted.title == "Visit to the education wing"
    assert Recommendation.objects.filter(pk=recommendation.pk).exists()


def test_another_organisation_cannot_write_in_the_draft(client, draft, outsider):
    login(client, outsider)

    response = client.post(url("finding_add", draft.pk), {"kind": "concern", "text": "x"})

    assert response.status_code == 404
    assert draft.findings.count() == 2


# The authorities' answers -----------------------------------------------------------------------


def test_the_page_shows_the_window_and_the_mous_confidentiality_clause(client, submitted, director):
    login(client, director)

    page = text(client.get(submitted.get_absolute_url()))

    assert "29 days left" in page  # 30 days from the submission, a moment ago
    assert "Not yet: if nobody answers or meets" in page
    assert "Clause 6, Confidentiality" in page
    assert "MoU MOU-1" in page


def test_a_director_answers_a_recommendation_with_reasons(
    client, submitted, recommendation, director
):
    login(client, director)
    path = url("recommendation_answer", recommendation.pk)

    refused = client.post(path, {"response": "rejected", "reason": ""})
    assert "Give the reasons for not accepting" in text(refused)
    client.post(path, {"response": "partly", "reason": "Two teachers arrive in March."})

    recommendation.refresh_from_db()
    assert recommendation.response == Recommendation.Response.PARTLY
    page = text(client.get(submitted.get_absolute_url()))
    assert "Two teachers arrive in March." in page
    assert "Yes, first on" in page
    assert submitted.engagements.get().kind == Engagement.Kind.ANSWER


def test_the_organisation_does_not_answer_its_own_recommendations(
    client, submitted, recommendation, ngo_admin
):
    login(client, ngo_admin)

    response = client.post(
        url("recommendation_answer", recommendation.pk), {"response": "accepted"}
    )

    assert response.status_code == 403
    assert "Revise the answer" not in text(client.get(submitted.get_absolute_url()))


def test_the_other_administration_does_not_answer(
    client, submitted, recommendation, other_director
):
    login(client, other_director)

    response = client.post(
        url("recommendation_answer", recommendation.pk), {"response": "accepted"}
    )

    assert response.status_code == 404
    assert client.post(url("report_consent", submitted.pk)).status_code == 404


def test_a_coordinator_records_a_meeting_and_agrees_to_publication(
    client, world, scene, submitted, coordinator, ngo_admin
):
    meeting = past_visit(
        world, scene.agreement, ngo_admin, days_ago=1, purpose=Purpose.COORDINATION
    )
    service = past_visit(world, scene.agreement, ngo_admin, days_ago=2)
    login(client, coordinator)
    page = text(client.get(submitted.get_absolute_url()))
    assert f'value="{meeting.pk}"' in page
    assert f'value="{service.pk}"' not in page

    client.post(url("report_meeting_record", submitted.pk), {"meeting": meeting.pk, "note": "Met."})
    client.post(url("report_consent", submitted.pk), {"note": "As the clause provides."})

    submitted.refresh_from_db()
    assert submitted.status == Report.Status.RELEASED
    assert [e.kind for e in submitted.engagements.order_by("at", "pk")] == [
        Engagement.Kind.MEETING,
        Engagement.Kind.CONSENT,
    ]
    assert "The authorities agreed to publication" in text(client.get(submitted.get_absolute_url()))


# Queries ----------------------------------------------------------------------------------------


@pytest.fixture
def one(scene, ngo_admin) -> Report:
    report = write_report(scene, ngo_admin, recommendations=1)
    return report_services.report_submit(actor=ngo_admin, report=report)


@pytest.mark.parametrize("persona", ["director", "ngo_admin"])
def test_the_report_page_makes_the_same_queries_for_one_recommendation_and_fifty(
    client, one, persona, request
):
    login(client, request.getfixturevalue(persona))
    client.get(one.get_absolute_url())
    before = count_queries(client, one.get_absolute_url())

    more_recommendations(one, 49)

    assert one.recommendations.count() == 50
    assert count_queries(client, one.get_absolute_url()) == before


def test_a_draft_page_makes_the_same_queries_for_one_recommendation_and_fifty(
    client, scene, ngo_admin
):
    draft = write_report(scene, ngo_admin, recommendations=1)
    login(client, ngo_admin)
    client.get(draft.get_absolute_url())
    before = count_queries(client, draft.get_absolute_url())

    more_recommendations(draft, 49)

    assert count_queries(client, draft.get_absolute_url()) == before


def test_the_report_list_makes_the_same_queries_for_one_recommendation_and_fifty(
    client, one, director
):
    login(client, director)
    client.get(url("report_list"))
    before = count_queries(client, url("report_list"))

    more_recommendations(one, 49)

    page = text(client.get(url("report_list")))
    assert "<td>50</td>" in page
    assert count_queries(client, url("report_list")) == before
