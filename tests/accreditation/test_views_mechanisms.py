"""The register of formal mechanisms: the director registers, the administration reads, a body
sees its own entry."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accreditation.models import FormalMechanism
from activity.models import AuditEntry, Document
from directory.models import Organisation
from tests.accreditation.factories import PDF_BYTES, FormalMechanismFactory
from tests.accreditation.pages import url
from tests.conftest import login
from tests.factories import OrganisationFactory, PersonFactory
from tests.support.pages import assert_login_redirect, count_queries, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def npm(monitor) -> Organisation:
    """The monitor's body, with one person."""
    body = Organisation.objects.get(name="National Preventive Mechanism")
    PersonFactory(organisation=body, full_name="Mario Monitor")
    return body


@pytest.fixture
def mechanism(world, npm) -> FormalMechanism:
    return FormalMechanismFactory.create(
        organisation=npm,
        administration=world.administration,
        legal_basis="Law 12 of 2010",
        members=list(npm.people.all()),
    )


def form_data(world, body: Organisation, **changes) -> dict[str, object]:
    data = {
        "administration": world.administration.pk,
        "organisation": body.pk,
        "legal_basis": "Special agreement of 3 May 2021",
        "mandate": SimpleUploadedFile("agreement.pdf", PDF_BYTES, "application/pdf"),
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": "",
        "members": [p.pk for p in body.people.all()],
    }
    return {**data, **changes}


@pytest.fixture
def icrc(world) -> Organisation:
    body = OrganisationFactory.create(
        name="International Committee", kind=Organisation.Kind.SPECIAL_AGREEMENT
    )
    PersonFactory(organisation=body, full_name="Ines Delegate")
    return body


# Anonymous --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mechanism_list", "mechanism_register", "mechanism_detail"])
def test_anonymous_visitor_is_sent_to_log_in(client, mechanism, name):
    path = url(name, mechanism.pk) if name == "mechanism_detail" else url(name)
    assert_login_redirect(client.get(path), path)


def test_anonymous_post_registers_nothing(client, world, icrc):
    path = url("mechanism_register")
    assert_login_redirect(client.post(path, form_data(world, icrc)), path)
    assert not FormalMechanism.objects.exists()


# List -------------------------------------------------------------------------------------------


def test_director_sees_the_register_and_the_register_button(client, director, mechanism):
    page = text(login(client, director).get(url("mechanism_list")))
    assert "National Preventive Mechanism" in page
    assert "Law 12 of 2010" in page
    assert url("mechanism_register") in page


@pytest.mark.parametrize("persona", ["coordinator", "reviewer"])
def test_administration_staff_read_the_register_without_the_button(
    client, request, mechanism, persona
):
    page = text(login(client, request.getfixturevalue(persona)).get(url("mechanism_list")))
    assert "National Preventive Mechanism" in page
    assert url("mechanism_register") not in page


def test_a_monitor_sees_their_own_body_only(client, world, monitor, mechanism, icrc):
    FormalMechanismFactory(organisation=icrc, administration=world.administration)
    page = text(login(client, monitor).get(url("mechanism_list")))
    assert "National Preventive Mechanism" in page
    assert "International Committee" not in page


def test_an_ngo_sees_no_mechanisms(client, ngo_admin, mechanism):
    page = text(login(client, ngo_admin).get(url("mechanism_list")))
    assert "Law 12 of 2010" not in page
    assert "No formal mechanism is registered." in page


def test_mechanism_list_makes_the_same_queries_for_one_row_and_fifty(client, world, director):
    login(client, director)
    FormalMechanismFactory(administration=world.administration)
    client.get(url("mechanism_list"))
    one = count_queries(client, url("mechanism_list"))
    for _ in range(49):
        FormalMechanismFactory(administration=world.administration)
    fifty = count_queries(client, url("mechanism_list"))
    assert len(client.get(url("mechanism_list")).context["page"].items) == 50
    assert fifty == one


# Register ---------------------------------------------------------------------------------------


def test_register_form_offers_only_formal_bodies_not_yet_registered(
    client, world, director, mechanism, icrc
):
    response = login(client, director).get(url("mechanism_register"))
    assert response.status_code == 200
    choices = list(response.context["form"].fields["organisation"].queryset)
    assert choices == [icrc]
    members = list(response.context["form"].fields["members"].queryset)
    assert [p.full_name for p in members] == ["Ines Delegate"]


def test_director_registers_a_body_with_its_mandate_and_members(client, world, director, icrc):
    response = login(client, director).post(url("mechanism_register"), form_data(world, icrc))
    mechanism = FormalMechanism.objects.get(organisation=icrc)
    assert response.status_code == 302
    assert response["Location"] == mechanism.get_absolute_url()
    assert mechanism.legal_basis == "Special agreement of 3 May 2021"
    assert mechanism.valid_until is None
    assert [p.full_name for p in mechanism.members.all()] == ["Ines Delegate"]
    document = mechanism.mandate_document
    assert document.original_name == "agreement.pdf"
    assert document.content_type == "application/pdf"
    document.file.open("rb")
    assert document.file.read() == PDF_BYTES
    document.file.close()
    assert AuditEntry.objects.filter(action="mechanism.registered", actor=director).exists()
    assert AuditEntry.objects.filter(
        action="document.uploaded", object_id=str(document.pk)
    ).exists()


def test_a_mandate_that_is_not_a_document_is_refused_and_the_rest_is_kept(
    client, world, director, icrc
):
    page_markup = SimpleUploadedFile(
        "mandate.pdf", b"<html><script>alert(1)</script>", "application/pdf"
    )
    response = login(client, director).post(
        url("mechanism_register"), form_data(world, icrc, mandate=page_markup)
    )
    assert response.status_code == 200
    page = text(response)
    assert "This file is not one of the accepted types" in page
    assert 'value="Special agreement of 3 May 2021"' in page
    assert not FormalMechanism.objects.exists()
    assert not Document.objects.exists()


def test_a_mandate_ending_before_it_starts_is_refused(client, world, director, icrc):
    today = timezone.localdate()
    response = login(client, director).post(
        url("mechanism_register"),
        form_data(world, icrc, valid_until=(today - timedelta(days=1)).isoformat()),
    )
    assert "The mandate cannot end before it starts." in text(response)
    assert not FormalMechanism.objects.exists()


def test_an_ngo_cannot_be_registered_as_a_mechanism(client, world, director):
    response = login(client, director).post(
        url("mechanism_register"), form_data(world, world.organisation)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not FormalMechanism.objects.exists()


def test_members_must_belong_to_the_body(client, world, director, icrc):
    outsider = world.organisation.people.get()
    response = login(client, director).post(
        url("mechanism_register"), form_data(world, icrc, members=[outsider.pk])
    )
    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert not FormalMechanism.objects.exists()


def test_members_of_another_formal_body_are_refused(client, world, director, icrc, monitor):
    npm = Organisation.objects.get(name="National Preventive Mechanism")
    other = PersonFactory(organisation=npm)
    response = login(client, director).post(
        url("mechanism_register"), form_data(world, icrc, members=[other.pk])
    )
    assert "Members must be people of this body." in text(response)
    assert not FormalMechanism.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "reviewer", "ngo_admin", "monitor"])
def test_only_the_director_registers(client, request, world, icrc, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(url("mechanism_register")).status_code == 403
    assert client.post(url("mechanism_register"), form_data(world, icrc)).status_code == 403
    assert not FormalMechanism.objects.exists()


# Detail -----------------------------------------------------------------------------------------


def test_director_sees_the_entry_with_its_members_and_mandate_link(client, director, mechanism):
    page = text(login(client, director).get(url("mechanism_detail", mechanism.pk)))
    assert "Law 12 of 2010" in page
    assert "Mario Monitor" in page
    assert reverse("activity:document_download", args=[mechanism.mandate_document_id]) in page


def test_a_monitor_sees_their_own_bodys_entry(client, monitor, mechanism):
    assert login(client, monitor).get(url("mechanism_detail", mechanism.pk)).status_code == 200


@pytest.mark.parametrize("persona", ["ngo_admin", "facility_officer", "outsider"])
def test_others_do_not_find_an_entry(client, request, mechanism, persona):
    user = request.getfixturevalue(persona)
    assert login(client, user).get(url("mechanism_detail", mechanism.pk)).status_code == 404


def test_mechanism_detail_makes_the_same_queries_for_one_member_and_fifty(
    client, director, mechanism, npm
):
    login(client, director)
    path = url("mechanism_detail", mechanism.pk)
    client.get(path)
    one = count_queries(client, path)
    mechanism.members.add(*[PersonFactory(organisation=npm) for _ in range(49)])
    assert count_queries(client, path) == one
    assert mechanism.members.count() == 50
