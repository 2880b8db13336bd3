"""Two administrations in one deployment: the staff of the second reach nothing of the first's
process: no page, list, count, export or document."""

import pytest
from django.urls import reverse

from accreditation.models import Appeal, Application
from tests.accreditation.factories import (
    AccreditationFactory,
    ClearanceFactory,
    ConditionFactory,
    DocumentFactory,
    EvidenceFactory,
    FrameworkFactory,
)
from tests.conftest import login
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(world, director, ngo_admin):
    """The first administration's process in every stage, with a document on file."""
    draft_rules = FrameworkFactory(administration=world.administration, title="Draft rules 2027")
    accreditation = AccreditationFactory(
        decision__application__organisation=world.organisation,
        decision__application__framework__administration=world.administration,
        decision__decided_by=director,
    )
    decision = accreditation.decision
    application = decision.application
    document = DocumentFactory(organisation=world.organisation, original_name="budget.pdf")
    EvidenceFactory(application=application, documents=[document])
    condition = ConditionFactory(decision=decision, owner=ngo_admin)
    appeal = Appeal.objects.create(
        decision=decision,
        subject=Appeal.Subject.DECISION,
        appealed_by_user=ngo_admin,
        original_decider=director,
        grounds="We met every criterion.",
    )
    clearance = ClearanceFactory(
        person=world.organisation.people.get(), administration=world.administration
    )
    return {
        "framework": draft_rules,
        "application": application,
        "accreditation": accreditation,
        "decision": decision,
        "document": document,
        "condition": condition,
        "appeal": appeal,
        "clearance": clearance,
    }


def pages(first) -> list[str]:
    a = first["application"].pk
    return [
        reverse("accreditation:framework_detail", args=[first["framework"].pk]),
        reverse("accreditation:framework_edit", args=[first["framework"].pk]),
        reverse("accreditation:application_detail", args=[a]),
        reverse("accreditation:application_return", args=[a]),
        reverse("accreditation:reviewers_assign", args=[a]),
        reverse("accreditation:decision_make", args=[a]),
        reverse("accreditation:decision_letter", args=[a]),
        reverse("accreditation:accreditation_detail", args=[first["accreditation"].pk]),
        reverse("accreditation:accreditation_change", args=[first["accreditation"].pk, "suspend"]),
        reverse("accreditation:appeal_decide", args=[first["appeal"].pk]),
        reverse("accreditation:condition_detail", args=[first["condition"].pk]),
        reverse("accreditation:condition_met", args=[first["condition"].pk]),
        reverse("accreditation:clearance_decide", args=[first["clearance"].pk]),
        reverse("activity:document_download", args=[first["document"].pk]),
    ]


@pytest.mark.parametrize("persona", ["other_director", "other_coordinator"])
def test_no_page_of_the_first_administration_opens_for_the_second(client, request, first, persona):
    login(client, request.getfixturevalue(persona))
    for path in pages(first):
        assert client.get(path).status_code in {403, 404}, path
        assert client.post(path, {}).status_code in {403, 404, 405}, path


@pytest.mark.parametrize("persona", ["other_director", "other_coordinator"])
def test_no_list_count_or_export_of_the_second_shows_the_first(
    client, request, world, first, persona
):
    login(client, request.getfixturevalue(persona))
    organisation = world.organisation.name
    for name in (
        "accreditation:application_list",
        "accreditation:accreditation_list",
        "accreditation:framework_list",
        "accreditation:clearance_list",
        "accreditation:condition_list",
        "activity:audit_list",
    ):
        response = client.get(reverse(name))
        if response.status_code == 200:
            page = text(response)
            assert organisation not in page, name
            assert "Draft rules 2027" not in page, name
    export = client.get(reverse("activity:audit_export"))
    if export.status_code == 200:
        assert organisation not in b"".join(export.streaming_content).decode()
    dashboard = text(client.get("/"))
    assert organisation not in dashboard
    for count in ("0 applications waiting for reviewers", "0 people waiting for vetting"):
        assert count in dashboard


def test_the_first_administration_sees_its_own(client, first, director):
    login(client, director)
    assert (
        client.get(
            reverse("accreditation:application_detail", args=[first["application"].pk])
        ).status_code
        == 200
    )
    assert Application.objects.filter(administration=first["application"].administration).exists()
