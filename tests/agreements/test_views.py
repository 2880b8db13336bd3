"""The MoU pages, as each side and outsiders meet them."""

from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementClause,
    AgreementVersion,
    Approval,
    Comment,
    Consultation,
    Side,
)
from agreements.services import mous as mou_services
from directory.models import Area, Person, Role
from directory.services import membership_grant
from tests.conftest import login
from tests.factories import (
    AreaFactory,
    FacilityFactory,
    OrganisationFactory,
    PersonFactory,
    staff,
)
from tests.support.pages import assert_login_redirect, count_queries, text

from .conftest import small_library

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def shared(draft, director) -> Agreement:
    mou_services.agreement_share(actor=director, agreement=draft)
    draft.refresh_from_db()
    return draft


# Seeing -----------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    for path in (url("agreement_list"), url("agreement_detail", draft.pk)):
        assert_login_redirect(client.get(path), path)


def test_a_draft_stays_with_the_side_that_started_it_until_it_is_shared(
    client, draft, director, ngo_admin
):
    assert login(client, ngo_admin).get(url("agreement_detail", draft.pk)).status_code == 404
    assert "Education programme" not in text(client.get(url("agreement_list")))
    shared(draft, director)
    page = text(client.get(url("agreement_detail", draft.pk)))
    assert "Education programme" in page
    assert "Education programme" in text(client.get(url("agreement_list")))


def test_other_organisations_and_administrations_never_see_the_mou(
    client, draft, director, outsider, other_director, gate_officer
):
    shared(draft, director)
    for user in (outsider, other_director, gate_officer):
        login(client, user)
        assert client.get(url("agreement_detail", draft.pk)).status_code == 404
        assert "Education programme" not in text(client.get(url("agreement_list")))


def test_staff_consulted_on_a_draft_read_it_even_when_they_negotiate_for_another_administration(
    client, draft, world, director, other_director, facility_officer
):
    """A facility officer asked for their view reads the draft; so does another
    administration's director who also works at the consulted facility, beside their own
    administration's MoUs."""
    membership_grant(
        actor=None, user=other_director, role=Role.FACILITY_OFFICER, scope=world.facility
    )
    theirs = other_director.memberships.get(role=Role.DIRECTOR).administration
    Agreement.objects.create(
        administration=theirs,
        organisation=draft.organisation,
        template=small_library(theirs).template,
        title="Their own MoU",
        language="en",
        created_by=other_director,
    )
    for user in (facility_officer, other_director):
        assert login(client, user).get(url("agreement_detail", draft.pk)).status_code == 404
        assert "Education programme" not in text(client.get(url("agreement_list")))
        Consultation.objects.create(
            agreement=draft,
            facility=world.facility,
            staff=user,
            question="Can the classroom take twelve?",
            asked_by=director,
        )
        assert client.get(url("agreement_detail", draft.pk)).status_code == 200
        assert "Education programme" in text(client.get(url("agreement_list")))
    assert "Their own MoU" in text(client.get(url("agreement_list")))
    assert "Their own MoU" not in text(login(client, facility_officer).get(url("agreement_list")))


def test_the_page_states_the_terms_in_the_clauses(client, draft, world, director, john):
    mou_services.agreement_set_terms(
        actor=director,
        agreement=draft,
        terms=mou_services.Terms(
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + timedelta(days=365),
            facilities=[world.facility],
            permitted_areas=[],
            forbidden_areas=[],
            people=[john],
            activity_types=list(draft.activity_types.all()),
            weekdays=[0],
            day_starts=draft.day_starts,
            day_ends=draft.day_ends,
            visits_per_week=1,
            visits_per_month=4,
            response_days=21,
        ),
    )
    page = text(login(client, director).get(url("agreement_detail", draft.pk)))
    assert "Only John Representative may enter, on Monday" in page
    assert "they have 21 days" in page


# Negotiating through the pages -----------------------------------------------------------------


def test_the_organisation_suggests_wording_and_the_director_accepts_it(
    client, draft, director, ngo_admin
):
    shared(draft, director)
    clause = draft.clauses.get(clause_version__clause__kind="fundraising")
    login(client, ngo_admin)
    response = client.post(
        url("clause_comment", clause.pk),
        {"body": "Yearly review?", "suggested_wording": "Funds are sought together, yearly."},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.side == Side.ORGANISATION
    login(client, director)
    page = text(client.get(url("agreement_detail", draft.pk)))
    assert "Funds are sought together, yearly." in page
    client.post(url("comment_answer", comment.pk), {"answer": "Fine.", "decision": "accept"})
    clause.refresh_from_db()
    assert clause.wording == "Funds are sought together, yearly."
    mou_services.agreement_share(actor=director, agreement=draft)
    redline = text(client.get(url("agreement_redline", draft.pk)))
    assert "<del>" in redline and "<ins>" in redline
    assert "yearly." in redline


def test_internal_notes_are_read_by_their_own_side_only(
    client, draft, director, coordinator, ngo_admin
):
    shared(draft, director)
    clause = draft.clauses.get(clause_version__clause__kind="purpose")
    login(client, director).post(
        url("clause_comment", clause.pk),
        {"body": "Check with the wardens first.", "internal": "on"},
    )
    assert "Check with the wardens first." in text(
        login(client, coordinator).get(url("agreement_detail", draft.pk))
    )
    assert "Check with the wardens first." not in text(
        login(client, ngo_admin).get(url("agreement_detail", draft.pk))
    )


class Fields(HTMLParser):
    """The ids on a page, the ``for`` of its labels, and the id of each form field."""

    FIELDS = {"input", "textarea", "select"}

    def __init__(self, page: str) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.labelled: list[str] = []
        self.fields: dict[str, str] = {}  # id → name
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"] or ""] += 1
        if tag == "label" and attributes.get("for"):
            self.labelled.append(attributes["for"] or "")
        if tag in self.FIELDS and attributes.get("id"):
            self.fields[attributes["id"] or ""] = attributes.get("name") or ""


def test_each_clause_has_comment_fields_of_its_own_that_its_labels_name(client, draft, director):
    shared(draft, director)
    page = Fields(text(login(client, director).get(url("agreement_detail", draft.pk))))

    assert [name for name, count in page.ids.items() if count > 1] == []
    bodies = [id_ for id_, name in page.fields.items() if name == "body"]
    assert len(bodies) == draft.clauses.count() == 4
    for id_ in bodies:
        assert id_ in page.labelled  # "Comment" names this clause's field, not the first's


def test_each_consultation_asks_for_remarks_in_a_field_of_its_own(
    client, draft, world, director, facility_officer
):
    shared(draft, director)
    for question in ("Mornings?", "Which wing?"):
        mou_services.consultation_ask(
            actor=director,
            agreement=draft,
            facility=world.facility,
            staff=facility_officer,
            question=question,
        )
    page = Fields(text(login(client, facility_officer).get(url("agreement_detail", draft.pk))))

    assert [name for name, count in page.ids.items() if count > 1] == []
    remarks = [id_ for id_, name in page.fields.items() if name == "remarks"]
    assert len(remarks) == 2
    assert all(id_ in page.labelled for id_ in remarks)


def test_a_member_reads_but_does_not_negotiate(client, draft, director, ngo_member):
    shared(draft, director)
    clause = draft.clauses.first()
    login(client, ngo_member)
    assert client.get(url("agreement_detail", draft.pk)).status_code == 200
    response = client.post(url("clause_position", clause.pk), {"position": "agreed"})
    assert response.status_code == 403
    assert client.get(url("agreement_terms", draft.pk)).status_code == 403


def test_positions_from_both_sides_agree_a_clause(client, draft, director, ngo_admin):
    shared(draft, director)
    clause = draft.clauses.first()
    login(client, director).post(url("clause_position", clause.pk), {"position": "agreed"})
    login(client, ngo_admin).post(url("clause_position", clause.pk), {"position": "agreed"})
    clause.refresh_from_db()
    assert clause.status == AgreementClause.Status.AGREED


def test_terms_with_an_uncleared_person_keep_what_was_typed_and_say_why(
    client, draft, world, director
):
    login(client, director)
    path = url("agreement_terms", draft.pk)
    page = text(client.get(path))
    assert "John Representative" not in page  # not cleared, so not offered
    response = client.post(
        path,
        {
            "facilities": [world.facility.pk],
            "activity_types": [t.pk for t in draft.activity_types.all()],
            "weekdays": ["0", "2"],
            "day_starts": "10:00",
            "day_ends": "09:00",
            "visits_per_week": "2",
            "visits_per_month": "8",
            "escort": "always",
            "response_days": "30",
        },
    )
    assert response.status_code == 200
    page = text(response)
    assert "The hours must end after they begin." in page
    assert 'value="10:00"' in page


def test_a_director_starts_an_mou_by_finding_the_organisation(
    client, world, library, accreditation, director
):
    login(client, director)
    page = text(client.get(url("agreement_start"), {"q": "human rights"}))
    assert "Local Human Rights Centre" in page
    assert "Legal Aid Clinic" not in page  # not accredited
    response = client.post(
        url("agreement_new", world.organisation.pk),
        {
            "administration": world.administration.pk,
            "template": library.template.pk,
            "title": "Literacy classes",
        },
    )
    agreement = Agreement.objects.get(title="Literacy classes")
    assert response["Location"] == url("agreement_terms", agreement.pk)
    assert agreement.started_by_side == Side.ADMINISTRATION


def test_an_organisation_without_accreditation_in_force_cannot_have_an_mou(
    client, world, library, director
):
    login(client, director)
    page = text(client.get(url("agreement_new", world.other_organisation.pk)))
    assert "has no accreditation in force" in page


def test_another_administrations_template_is_refused(
    client, world, library, accreditation, director, other_administration
):
    foreign = small_library(other_administration).template
    login(client, director)
    response = client.post(
        url("agreement_new", world.organisation.pk),
        {"administration": world.administration.pk, "template": foreign.pk, "title": "X"},
    )
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="X").exists()


# Query counts -----------------------------------------------------------------------------------


def test_the_list_makes_the_same_queries_for_one_row_and_fifty(
    client, draft, world, library, director
):
    login(client, director)
    path = url("agreement_list")
    client.get(path)
    one = count_queries(client, path)
    for n in range(49):
        organisation = OrganisationFactory(name=f"Organisation {n:02d}")
        Agreement.objects.create(
            administration=world.administration,
            organisation=organisation,
            template=library.template,
            title=f"MoU {n:02d}",
            language="en",
            created_by=director,
        )
    assert count_queries(client, path) == one
    assert "MoU 48" in text(client.get(path))


def _comment(clause, author, answerer, n: int) -> Comment:
    """A comment of the organisation's, answered by the administration."""
    return Comment.objects.create(
        clause=clause,
        side=Side.ORGANISATION,
        author=author,
        body=f"Comment {n:02d}",
        answer=f"Answer {n:02d}",
        answered_by=answerer,
        answered_at=timezone.now(),
    )


def test_the_mou_page_makes_the_same_queries_for_one_row_of_each_and_fifty(
    client, draft, world, director, ngo_admin
):
    """Comments answered by different people, versions, consultations of different staff,
    facilities, their areas and people named in the terms: one of each, then fifty."""
    shared(draft, director)
    clauses = list(draft.clauses.all())
    staff_member = staff("staff-00", Role.FACILITY_OFFICER, world.facility)
    _comment(clauses[0], ngo_admin, director, 0)
    Consultation.objects.create(
        agreement=draft,
        facility=world.facility,
        staff=staff_member,
        question="Question 00",
        asked_by=director,
    )
    draft.permitted_areas.set(Area.objects.filter(facility=world.facility))
    draft.forbidden_areas.add(AreaFactory(facility=world.facility, name="Yard 00"))
    draft.people.set(Person.objects.filter(organisation=world.organisation))
    login(client, director)
    path = url("agreement_detail", draft.pk)
    client.get(path)
    one = count_queries(client, path)
    for n in range(1, 50):
        answerer = staff(f"answerer-{n:02d}", Role.COORDINATOR, world.administration)
        _comment(clauses[n % len(clauses)], ngo_admin, answerer, n)
        facility = FacilityFactory(administration=world.administration, name=f"Prison {n:02d}")
        staff_member = staff(f"staff-{n:02d}", Role.FACILITY_OFFICER, facility)
        Consultation.objects.create(
            agreement=draft,
            facility=facility,
            staff=staff_member,
            question=f"Question {n:02d}",
            remarks=f"Remarks {n:02d}",
            asked_by=director,
            answered_at=timezone.now(),
        )
        draft.facilities.add(facility)
        draft.permitted_areas.add(AreaFactory(facility=facility, name=f"Wing {n:02d}"))
        draft.forbidden_areas.add(AreaFactory(facility=facility, name=f"Yard {n:02d}"))
        draft.people.add(PersonFactory(organisation=world.organisation, full_name=f"Person {n}"))
    first = draft.versions.get()
    AgreementVersion.objects.bulk_create(
        AgreementVersion(
            agreement=draft, number=n, content=first.content, created_by=answerer, note=f"v{n}"
        )
        for n in range(2, 51)
    )
    assert count_queries(client, path) == one
    page = text(client.get(path))
    assert "Comment 49" in page and f"{answerer.get_full_name()} answered" in page
    assert "Remarks 49" in page and "Wing 49 (Prison 49)" in page and "Person 49" in page
    assert "Version 50," in page


def test_the_redline_makes_the_same_queries_for_two_versions_and_fifty(client, draft, director):
    """Fifty versions, and between the first and the last fifty clauses added and every
    clause changed."""
    shared(draft, director)
    clause = draft.clauses.order_by("order").first()
    AgreementClause.objects.filter(pk=clause.pk).update(wording=f"{clause.wording} Yearly.")
    mou_services.agreement_share(actor=director, agreement=draft)
    login(client, director)
    path = url("agreement_redline", draft.pk)
    client.get(path)
    one = count_queries(client, path)
    content = draft.versions.get(number=2).content
    for number in range(3, 51):
        clauses = [
            {**item, "text": f"{item['text']} Change {number}."} for item in content["clauses"]
        ]
        added = [
            {
                "clause": 10_000 + n,
                "kind": "other",
                "title": f"Added {n:02d}",
                "text": "New.",
                "status": "open",
            }
            for n in range(number)
        ]
        AgreementVersion.objects.create(
            agreement=draft,
            number=number,
            content={**content, "clauses": clauses + added},
            created_by=director,
        )

    compare = f"{path}?older=1&newer=50"
    assert count_queries(client, path) == one
    assert count_queries(client, compare) == one
    page = text(client.get(compare))
    assert "Added 49" in page and "Change 50." in page


def test_the_dashboard_shows_what_waits_on_each_side(
    client, draft, director, ngo_admin, other_director
):
    shared(draft, director)
    clause = draft.clauses.first()
    mou_services.comment_add(
        actor=director, clause=clause, side=Side.ADMINISTRATION, body="Is this clear?"
    )
    dashboard = reverse("dashboard")
    page = text(login(client, ngo_admin).get(dashboard))
    assert "Education programme" in page and "A comment awaits your answer" in page
    page = text(login(client, director).get(dashboard))
    assert "No MoU is waiting on you." in page
    assert "Education programme" not in text(login(client, other_director).get(dashboard))


def test_an_agreed_text_waits_on_the_side_that_has_not_approved_it(
    client, agreed, director, ngo_admin
):
    Approval.objects.filter(agreement=agreed, side=Side.ORGANISATION).delete()
    dashboard = reverse("dashboard")

    page = text(login(client, ngo_admin).get(dashboard))
    assert "Education programme" in page
    assert "The agreed text awaits your side's approval" in page
    assert "No MoU is waiting on you." in text(login(client, director).get(dashboard))


def test_an_approval_of_an_earlier_agreed_text_does_not_count(client, agreed, director):
    """The text went back to negotiation and was agreed again: a new version to approve."""
    Approval.objects.filter(agreement=agreed, side=Side.ORGANISATION).delete()
    AgreementVersion.objects.create(
        agreement=agreed,
        number=agreed.versions.count() + 1,
        content=agreed.versions.first().content,
        created_by=director,
    )

    page = text(login(client, director).get(reverse("dashboard")))
    assert "The agreed text awaits your side's approval" in page


def test_a_text_signed_by_the_administration_waits_on_the_organisations_signature(
    client, agreed, director, ngo_admin
):
    Agreement.objects.filter(pk=agreed.pk).update(status=Agreement.Status.CERTIFIED)
    dashboard = reverse("dashboard")

    assert "Awaiting the organisation's signature" in text(login(client, ngo_admin).get(dashboard))
    assert "No MoU is waiting on you." in text(login(client, director).get(dashboard))


def test_the_dashboard_makes_the_same_queries_for_one_mou_waiting_and_fifty(
    client, draft, world, library, director, ngo_admin
):
    shared(draft, director)
    clause = draft.clauses.first()
    Comment.objects.create(clause=clause, side=Side.ORGANISATION, author=ngo_admin, body="Why?")
    dashboard = reverse("dashboard")
    login(client, director)
    client.get(dashboard)
    one = count_queries(client, dashboard)
    for n in range(1, 50):
        mou = Agreement.objects.create(
            administration=world.administration,
            organisation=OrganisationFactory(name=f"Organisation {n:02d}"),
            template=library.template,
            title=f"MoU {n:02d}",
            language="en",
            status=Agreement.Status.NEGOTIATION if n % 2 else Agreement.Status.AGREED,
            created_by=director,
        )
        other = AgreementClause.objects.create(
            agreement=mou, clause_version=clause.clause_version, order=1, wording="Text."
        )
        Comment.objects.create(
            clause=other, side=Side.ORGANISATION, author=ngo_admin, body=f"Comment {n}"
        )

    assert count_queries(client, dashboard) == one
    page = text(client.get(dashboard))
    assert "MoU 49" in page and "MoU 39" not in page  # the ten newest
