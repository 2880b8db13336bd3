"""The audit trail as directors read it: sentences, named changes, filters, the CSV export, and
one administration's entries kept from another's director."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.models import Appeal, Decision
from accreditation.services import decisions
from activity.audit_actions import readable
from activity.audit_csv import neutralise
from activity.models import AuditEntry
from activity.services import audit_record
from directory import services as directory
from directory.models import Role
from tests.accreditation.factories import (
    complete_application,
    framework_in_force,
    scored,
    submitted,
    under_review,
)
from tests.conftest import login
from tests.factories import FacilityFactory, OrganisationFactory, UserFactory, staff
from tests.support.denied import attempts
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def url(name: str, *args: int) -> str:
    return reverse(f"activity:{name}", args=args)


def named(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def sentences(**filters) -> list[str]:
    entries = (
        AuditEntry.objects.filter(**filters)
        .exclude(action__startswith="membership.")
        .select_related("actor", "organisation")
    )
    return [item.sentence for item in readable(entries.order_by("seq"))]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def decided(world, director, ngo_admin):
    """John's application, reviewed by two reviewers and accredited with conditions by Martha."""
    named(director, "Martha", "Director")
    named(ngo_admin, "John", "Administrator")
    rita = named(staff("rita", Role.REVIEWER, world.administration), "Rita", "Reviewer")
    raul = named(staff("raul", Role.REVIEWER, world.administration), "Raúl", "Reviewer")
    framework = framework_in_force(world.administration, criteria=2)
    draft = complete_application(framework, world.organisation, created_by=ngo_admin)
    application = under_review(
        submitted(draft, by=ngo_admin), director=director, reviewers=[rita, raul]
    )
    scored(application, {rita: 3, raul: 3})
    return decisions.decision_make(
        actor=director,
        application=application,
        outcome=Decision.Outcome.CONDITIONAL,
        reasons="Convincing evidence.",
        conditions=[
            {
                "description": "Train the volunteers in safeguarding",
                "owner": ngo_admin,
                "due_date": timezone.localdate() + timedelta(days=90),
            }
        ],
    )


# Sentences --------------------------------------------------------------------------------------


def test_the_accreditation_of_an_application_reads_as_sentences(decided, world):
    told = sentences(organisation=world.organisation)
    # One sentence per act; what an act caused (the vetting asked for with the submission, the
    # accreditation a decision grants) is in its details, below.
    assert told == [
        "John Administrator submitted the application of Local Human Rights Centre",
        "Martha Director sent the application of Local Human Rights Centre to review",
        "Rita Reviewer declared no conflict of interest in the application of "
        "Local Human Rights Centre",
        "Rita Reviewer saved scores on the application of Local Human Rights Centre",
        "Rita Reviewer submitted their scores for the application of Local Human Rights Centre",
        "Raúl Reviewer declared no conflict of interest in the application of "
        "Local Human Rights Centre",
        "Raúl Reviewer saved scores on the application of Local Human Rights Centre",
        "Raúl Reviewer submitted their scores for the application of Local Human Rights Centre",
        "Martha Director decided the application of Local Human Rights Centre: "
        "Accredited with conditions",
    ]


def test_what_an_act_caused_is_told_in_its_details_by_name(decided):
    submission = readable([AuditEntry.objects.get(action="application.submitted")])[0]
    assert "vetting requested for: John Representative" in [str(c) for c in submission.changes]
    decision = readable([AuditEntry.objects.get(action="application.decided")])[0]
    accreditation = decided.accreditation
    assert {
        f"valid until: {accreditation.valid_until.isoformat()}",
        f"verification code: {accreditation.verification_code}",
        "conditions: Train the volunteers in safeguarding",
    } <= {str(c) for c in decision.changes}


def test_suspension_appeal_and_its_outcome_read_as_sentences(decided, world, director, ngo_admin):
    accreditation_ = decided.accreditation
    decisions.accreditation_suspend(
        actor=director, accreditation=accreditation_, reason="Visits without notice."
    )
    appeal = decisions.appeal_lodge(
        actor=ngo_admin,
        decision=decided,
        subject=Appeal.Subject.SUSPENSION,
        grounds="Every visit was announced.",
    )
    deputy = named(staff("diego", Role.DIRECTOR, world.administration), "Diego", "Deputy")
    decisions.appeal_decide(actor=deputy, appeal=appeal, upheld=True, reasons="Announced.")
    told = sentences(
        organisation=world.organisation,
        seq__gt=AuditEntry.objects.filter(action="application.decided").get().seq,
    )
    assert told[0] == (
        "Martha Director suspended the accreditation of Local Human Rights Centre: "
        "Visits without notice."
    )
    assert told[1] == (
        "John Administrator lodged an appeal for Local Human Rights Centre: "
        "The suspension of the accreditation"
    )
    # The reinstatement is what upholding the appeal did: told in the appeal's one entry.
    assert told[2:] == [
        "Diego Deputy upheld the appeal of Local Human Rights Centre: the decision is overturned"
    ]
    upheld = readable([AuditEntry.objects.get(action="appeal.upheld")])[0]
    assert "accreditation reinstated: yes" in [str(c) for c in upheld.changes]


def test_entries_recorded_under_a_former_code_read_and_filter_as_the_new(client, decided, director):
    entry = audit_record(
        actor=director, action="accreditation.active", target=decided.accreditation
    )
    assert readable([entry])[0].sentence == (
        "Martha Director reinstated the accreditation of Local Human Rights Centre"
    )
    page = text(
        login(client, director).get(url("audit_list"), {"action": "accreditation.reinstated"})
    )
    assert "reinstated the accreditation of Local Human Rights Centre" in page


def test_a_decision_lists_its_changes_with_names_not_codes(decided):
    entry = AuditEntry.objects.get(action="application.decided")
    changes = [str(change) for change in readable([entry])[0].changes]
    assert changes[0] == "status: Under review → Decided"
    assert "weighted score: 75.00" in changes
    assert "outcome: Accredited with conditions" in changes
    assert "passed the threshold: yes" in changes
    assert not any("{" in line or "conditional" in line for line in changes)


def test_an_edit_names_the_fields_and_the_people_it_changed(decided, world, director):
    directory.facility_update(
        actor=director,
        facility=world.facility,
        data={"kind": "women", "name": "Central Women's Prison"},
    )
    item = readable([AuditEntry.objects.get(action="facility.updated")])[0]
    assert item.sentence == "Martha Director changed the details of Central Women's Prison"
    assert [str(c) for c in item.changes] == [
        "type: Prison → Women's prison",
        "name: Central Penitentiary → Central Women's Prison",
    ]
    application_update = readable(
        [AuditEntry.objects.filter(action="application.submitted").get()]
    )[0]
    assert "status: Draft → Submitted" in [str(c) for c in application_update.changes]


def test_ids_in_the_details_are_shown_as_names(world, director):
    john = world.organisation.people.get()
    entry = audit_record(
        actor=director,
        action="mechanism.members_changed",
        target=world.facility,
        changes={"members": [john.pk]},
    )
    assert [str(c) for c in readable([entry])[0].changes] == ["members: John Representative"]


def test_an_action_nobody_declared_still_reads_as_a_sentence(world, director):
    named(director, "Martha", "Director")
    entry = audit_record(actor=director, action="facility.repainted", target=world.facility)
    item = readable([entry])[0]
    assert (
        item.sentence == "Martha Director recorded “facility.repainted” about Central Penitentiary"
    )
    system = readable([audit_record(actor=None, action="facility.repainted")])[0]
    assert system.sentence == "The system recorded “facility.repainted” about —"


def test_the_sentences_follow_the_readers_language(client, decided, director):
    page = text(login(client, director).get(url("audit_list"), HTTP_ACCEPT_LANGUAGE="es"))
    assert "Martha Director" in page
    assert "Local Human Rights Centre" in page


# One administration's trail ---------------------------------------------------------------------


def test_each_entry_belongs_to_the_administration_of_what_it_is_about(decided, world):
    # Roles in the organisation and the vetting of its people are about the organisation alone.
    entries = AuditEntry.objects.filter(organisation=world.organisation).exclude(
        object_type__in=["directory.membership", "directory.person"]
    )
    assert entries.count() > 5
    assert {e.administration_id for e in entries} == {world.administration.pk}
    profile = OrganisationFactory.create()
    entry = audit_record(actor=None, action="organisation.updated", target=profile)
    assert entry.administration_id is None
    assert entry.organisation_id == profile.pk


def test_an_explicit_administration_wins_over_the_targets(world, other_administration):
    entry = audit_record(
        actor=None,
        action="facility.repainted",
        target=world.facility,
        administration=other_administration,
    )
    assert entry.administration_id == other_administration.pk


def test_a_director_reads_only_their_administrations_entries(
    client, decided, world, other_director, other_administration
):
    foreign_facility = other_administration.facilities.get()
    directory.facility_update(
        actor=other_director, facility=foreign_facility, data={"name": "Erbil Central"}
    )
    page = text(login(client, other_director).get(url("audit_list")))
    assert "changed the details of Erbil Central" in page
    assert "Local Human Rights Centre" not in page
    assert "Martha" not in page


def test_another_administrations_entry_is_not_found(client, decided, other_director):
    entry = AuditEntry.objects.get(action="application.decided")
    response = login(client, other_director).get(url("audit_detail", entry.seq))
    assert response.status_code == 404
    assert "Local Human Rights Centre" not in text(response)
    assert attempts(other_director, "audit.view_entry") == 1


def test_the_director_opens_an_entry_of_their_administration(client, decided, director):
    entry = AuditEntry.objects.get(action="application.decided")
    page = text(login(client, director).get(url("audit_detail", entry.seq)))
    assert "Martha Director decided the application of Local Human Rights Centre" in page
    assert "status: Under review → Decided" in page
    assert entry.hash in page


def test_entries_about_an_organisations_own_profile_are_for_the_site_administration(
    client, world, director, ngo_admin
):
    directory.organisation_update(
        actor=ngo_admin, organisation=world.organisation, data={"phone": "+1 555 0100"}
    )
    assert "+1 555 0100" not in text(login(client, director).get(url("audit_list")))
    admin = UserFactory.create(username="admin", is_staff=True, is_superuser=True)
    page = text(login(client, admin).get(reverse("admin:activity_auditentry_changelist")))
    assert "organisation.updated" in page


# Filters ----------------------------------------------------------------------------------------


def test_filters_by_person_organisation_kind_and_date(client, decided, world, director):
    other = OrganisationFactory.create(name="Legal Aid Clinic Two")
    audit_record(
        actor=director,
        action="organisation.updated",
        target=other,
        administration=world.administration,
    )
    login(client, director)

    def shown(**query) -> str:
        return text(client.get(url("audit_list"), query))

    by_person = shown(person="rita")
    assert "Rita Reviewer submitted their scores" in by_person
    assert "Martha Director decided" not in by_person
    by_full_name = shown(person="Martha Director")
    assert "Martha Director decided" in by_full_name
    assert "Rita Reviewer" not in by_full_name
    by_organisation = shown(organisation="Clinic Two")
    assert "changed the profile of Legal Aid Clinic Two" in by_organisation
    assert "Local Human Rights Centre" not in by_organisation
    by_kind = shown(action="application.decided")
    assert "decided the application" in by_kind
    assert "submitted their scores" not in by_kind
    today = timezone.now().date()
    assert "decided the application" in shown(since=today.isoformat(), until=today.isoformat())
    assert "No entries match." in shown(since=(today + timedelta(days=1)).isoformat())
    assert "No entries match." in shown(until=(today - timedelta(days=1)).isoformat())


# The codes entries were recorded under before each action was named by its past participle.
RENAMED = {
    "membership.grant": "membership.granted",
    "membership.revoke": "membership.revoked",
    "organisation.update": "organisation.updated",
    "facility.update": "facility.updated",
    "person.create": "person.created",
    "person.update": "person.updated",
    "notification_preference.update": "notification_preference.updated",
    "document.upload": "document.uploaded",
    "application.create": "application.created",
    "application.renew": "application.renewed",
    "application.update": "application.updated",
    "evidence.save": "evidence.saved",
    "application.under_review": "application.sent_to_review",
    "reviewassignment.scoring": "reviewassignment.no_conflict_declared",
    "accreditation.grant": "accreditation.granted",
    "framework.create": "framework.created",
    "framework.update": "framework.updated",
    "criterion.create": "criterion.created",
    "criterion.update": "criterion.updated",
    "criterion.delete": "criterion.deleted",
    "clearance.request": "clearance.requested",
    "mechanism.register": "mechanism.registered",
    "mechanism.members": "mechanism.members_changed",
    "agreement.negotiation": "agreement.opened_for_negotiation",
    "condition.not_met": "condition.marked_not_met",
}


@pytest.mark.parametrize(("former", "code"), RENAMED.items())
def test_an_entry_under_a_former_code_reads_as_the_action_it_became(world, former, code):
    then, now = (
        readable([audit_record(actor=None, action=action, target=world.organisation)])[0]
        for action in (former, code)
    )
    assert then.kind == now.kind
    assert then.sentence == now.sentence
    assert "recorded “" not in then.sentence  # not the sentence of an undeclared action


def test_the_filter_of_a_kind_finds_its_entries_under_the_former_code(client, world, director):
    profile = {"target": world.organisation, "administration": world.administration}
    audit_record(
        actor=director, action="organisation.update", changes={"phone": ["", "1"]}, **profile
    )
    audit_record(
        actor=director, action="organisation.updated", changes={"phone": ["1", "2"]}, **profile
    )
    page = text(login(client, director).get(url("audit_list"), {"action": "organisation.updated"}))
    assert page.count("changed the profile of Local Human Rights Centre") == 2
    assert "gave a role" not in page
    assert '<option value="organisation.update">' not in page


def test_the_filters_offer_translated_kinds_and_no_dashes(client, world, director):
    page = text(login(client, director).get(url("audit_list")))
    assert "---------" not in page
    assert '<option value="application.decided">Application decided</option>' in page
    assert "Any kind" in page
    spanish = text(client.get(url("audit_list"), HTTP_ACCEPT_LANGUAGE="es"))
    assert "---------" not in spanish


# CSV export -------------------------------------------------------------------------------------


def test_the_export_holds_the_filtered_entries_in_words(client, decided, director):
    rows = csv_rows(
        login(client, director).get(url("audit_export"), {"action": "application.decided"})
    )
    header, *body = rows
    assert header[:7] == [
        "Number",
        "Time (UTC)",
        "Person",
        "User name",
        "Kind of action",
        "Action code",
        "What happened",
    ]
    assert len(body) == 1
    row = dict(zip(header, body[0], strict=True))
    assert row["Person"] == "Martha Director"
    assert row["Action code"] == "application.decided"
    assert row["Kind of action"] == "Application decided"
    assert row["What happened"] == (
        "Martha Director decided the application of Local Human Rights Centre: "
        "Accredited with conditions"
    )
    assert row["Organisation"] == "Local Human Rights Centre"
    assert row["Administration"] == "State A Prison System"
    assert "status: Under review → Decided" in row["Changes"]


def test_the_export_excludes_another_administrations_entries(
    client, decided, other_director, other_administration
):
    directory.facility_update(
        actor=other_director,
        facility=other_administration.facilities.get(),
        data={"name": "Erbil Central"},
    )
    rows = csv_rows(login(client, other_director).get(url("audit_export")))
    body = "\n".join(",".join(row) for row in rows[1:])
    assert "Erbil Central" in body
    assert "Local Human Rights Centre" not in body
    assert "application." not in body


def test_the_export_cannot_run_formulas_in_a_spreadsheet(client, world, director):
    facility = FacilityFactory.create(administration=world.administration, name="Annex")
    directory.facility_update(
        actor=director, facility=facility, data={"name": '=HYPERLINK("http://x","y")'}
    )
    rows = csv_rows(login(client, director).get(url("audit_export")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert neutralise("+1 555") == "'+1 555"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert neutralise("-2") == "'-2"
    assert neutralise("Martha") == "Martha"


@pytest.mark.parametrize("persona", ["reviewer", "coordinator", "ngo_admin"])
def test_others_may_not_export_the_audit_trail(client, request, world, persona):
    user = request.getfixturevalue(persona)
    response = login(client, user).get(url("audit_export"))
    assert response.status_code == 403


def test_anonymous_visitor_cannot_export_or_open_entries(client, world, director):
    assert client.get(url("audit_export")).status_code == 302
    assert client.get(url("audit_detail", 1)).status_code == 302
    assert client.get(url("denied_list")).status_code == 302
