"""People annexes: a signed MoU's people change by a short annex that both sides sign, in the
MoU's order (the director certifies, an authorised signatory countersigns), without reopening
the MoU. Who may be added and removed, who signs when, the people in force afterwards, the signed
PDF and its verification, and the pages."""

import io
import json
import re
import threading
from datetime import time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pypdf import PdfReader

from accreditation.models import Accreditation
from activity.errors import DomainError
from activity.models import AuditEntry, Reminder
from agreements.documents import embedded_annex
from agreements.models import Agreement, PdfStatus, PeopleAnnex, Side, Signatory, Signature
from agreements.selectors import annex_data, people_in_force
from agreements.services import annexes as annex_services
from agreements.services import mous as mou_services
from agreements.services import signing as signing_services
from directory.models import Person
from tests.accreditation.factories import ClearanceFactory
from tests.conftest import login
from tests.factories import PASSWORD, PersonFactory
from tests.support.pages import assert_login_redirect, count_queries, text
from visits.models import local_datetime, local_today

from .test_mou_pdf import pdf_text
from .test_signing import statuses
from .test_signing_views import code_now

pytestmark = pytest.mark.django_db

#: The keys of reminders about people annexes.
ANNEX_KEYS = "agreements.peopleannex:"


def url(name: str, *args) -> str:
    return reverse(f"agreements:{name}", args=args)


def cleared(world, full_name: str, role_title: str = "", organisation=None) -> Person:
    person = PersonFactory.create(
        organisation=organisation or world.organisation, full_name=full_name, role_title=role_title
    )
    ClearanceFactory(person=person, administration=world.administration, cleared=True)
    return person


@pytest.fixture
def maria(world) -> Person:
    """María, cleared by the administration, not yet named in the MoU."""
    return cleared(world, "María Member", "Field researcher")


@pytest.fixture
def mou(signed_mou) -> Agreement:
    """The MoU signed by both sides, naming John."""
    return signed_mou.agreement


@pytest.fixture
def sign_annex(django_capture_on_commit_callbacks):
    """Sign an annex as its pages do, its signed copy then prepared as the worker would."""

    def sign_for(actor, annex: PeopleAnnex, side: str) -> PeopleAnnex:
        with django_capture_on_commit_callbacks(execute=True):
            annex_services.annex_sign(actor=actor, annex=annex, side=side)
        annex.refresh_from_db()
        return annex

    return sign_for


def propose(actor, agreement, *, added=(), removed=(), side=Side.ORGANISATION) -> PeopleAnnex:
    return annex_services.annex_draft(
        actor=actor, agreement=agreement, side=side, added=added, removed=removed
    )


def names(people) -> list[str]:
    return [person.full_name for person in people]


def stored(annex: PeopleAnnex) -> bytes:
    annex.refresh_from_db()
    with annex.pdf.open("rb") as kept:
        return kept.read()


# Proposing --------------------------------------------------------------------------------------


def test_a_negotiator_proposes_adding_a_cleared_person_and_the_director_is_asked_to_sign(
    mou, ngo_admin, director, maria
):
    annex = propose(ngo_admin, mou, added=[maria])

    assert (annex.number, annex.status) == (1, PeopleAnnex.Status.DRAFT)
    assert names(annex.added.all()) == ["María Member"]
    assert not annex.removed.exists()
    entries = AuditEntry.objects.filter(object_type="agreements.peopleannex")
    assert list(entries.values_list("action", flat=True)) == ["peopleannex.proposed"]
    assert entries.get().changes["added"] == ["María Member"]
    awaited = Reminder.objects.get(
        kind="agreements.signature_awaited", recipient=director, key__startswith=ANNEX_KEYS
    )
    assert awaited.subject == f"Annex 1 of the MoU “{mou.title}” awaits your signature"
    assert awaited.url == annex.get_absolute_url()
    # Nothing else of the MoU changed, and the change is not in force before it is signed.
    mou.refresh_from_db()
    assert mou.status == Agreement.Status.SIGNED
    assert names(people_in_force(mou)) == ["John Representative"]


def test_a_person_the_administration_has_not_cleared_cannot_be_added(mou, world, ngo_admin):
    tomas = PersonFactory(organisation=world.organisation, full_name="Tomás Doctor")
    ClearanceFactory(person=tomas, administration=world.administration)  # pending

    with pytest.raises(DomainError, match=r"Not cleared by State A Prison System.*Tomás Doctor"):
        propose(ngo_admin, mou, added=[tomas])

    assert not PeopleAnnex.objects.exists()


def test_a_person_cleared_for_another_organisation_cannot_be_added(mou, world, ngo_admin):
    lucia = Person.objects.get(full_name="Lucía Lawyer")
    ClearanceFactory(person=lucia, administration=world.administration, cleared=True)

    with pytest.raises(DomainError, match=r"Not cleared .* for the organisation: Lucía Lawyer"):
        propose(ngo_admin, mou, added=[lucia])


def test_someone_the_mou_does_not_name_cannot_be_removed(mou, ngo_admin, maria):
    with pytest.raises(DomainError, match=r"Not named in the MoU.*María Member") as refusal:
        propose(ngo_admin, mou, removed=[maria])

    assert refusal.value.field == "removed"


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({}, "Choose at least one person to add or to remove."),
        ({"added": ["John Representative"]}, "Already allowed to enter under the MoU"),
        ({"removed": ["John Representative"]}, "The MoU would allow nobody to enter."),
        (
            {"added": ["María Member"], "removed": ["María Member"]},
            "Nobody can be both added and removed",
        ),
    ],
)
def test_a_change_that_changes_nothing_or_leaves_nobody_is_refused(
    mou, ngo_admin, maria, change, refusal
):
    people = {
        field: [Person.objects.get(full_name=name) for name in chosen]
        for field, chosen in change.items()
    }

    with pytest.raises(DomainError, match=refusal):
        propose(ngo_admin, mou, **people)


def test_an_mou_not_yet_signed_has_no_annex(agreed, ngo_admin, maria):
    with pytest.raises(DomainError, match="“Agreed, awaiting signature”: only an MoU in force"):
        propose(ngo_admin, agreed, added=[maria])


def test_an_mou_suspended_with_its_accreditation_has_no_annex(mou, world, ngo_admin, maria):
    Accreditation.objects.filter(organisation=world.organisation).update(
        status=Accreditation.Status.SUSPENDED
    )

    with pytest.raises(DomainError, match=r"Suspended.*only an MoU in force"):
        propose(ngo_admin, mou, added=[maria])


def test_on_the_mous_last_day_an_annex_is_proposed_all_evening_at_the_facility(
    mou, world, ngo_admin, maria
):
    """At 7.30 pm in Guatemala on the MoU's last day the server's (UTC) date is already past
    it: the MoU is still in force there."""
    evening = local_datetime(world.facility, local_today(world.facility), time(19, 30))
    with time_machine.travel(evening, tick=False):
        last_day = local_today(world.facility)
        assert timezone.localdate() > last_day
        Agreement.objects.filter(pk=mou.pk).update(
            valid_from=last_day - timedelta(days=30), valid_until=last_day
        )
        annex = propose(ngo_admin, mou, added=[maria])
    assert names(annex.added.all()) == ["María Member"]


def test_one_annex_at_a_time_and_none_beside_an_amendment(mou, ngo_admin, director, maria):
    first = propose(ngo_admin, mou, added=[maria])
    with pytest.raises(DomainError, match="Annex 1 of this MoU is still open"):
        propose(director, mou, added=[maria], side=Side.ADMINISTRATION)
    with pytest.raises(DomainError, match="Annex 1 of this MoU, which changes its people"):
        mou_services.agreement_amend(actor=director, agreement=mou, side=Side.ADMINISTRATION)

    annex_services.annex_withdraw(actor=ngo_admin, annex=first, reason="María left the centre.")
    mou_services.agreement_amend(actor=director, agreement=mou, side=Side.ADMINISTRATION)

    with pytest.raises(DomainError, match="An amendment of this MoU is being negotiated"):
        propose(ngo_admin, mou, added=[maria])


# Signing ---------------------------------------------------------------------------------------


def test_the_director_certifies_then_the_signatory_countersigns_and_the_change_applies(
    mou, ngo_admin, director, signatory, maria, sign_annex
):
    annex = propose(ngo_admin, mou, added=[maria], removed=list(mou.people.all()))
    with pytest.raises(DomainError, match="administration signs first"):
        annex_services.annex_sign(actor=signatory, annex=annex, side=Side.ORGANISATION)

    annex = sign_annex(director, annex, Side.ADMINISTRATION)

    assert annex.status == PeopleAnnex.Status.CERTIFIED
    assert annex.pdf_status == PdfStatus.READY
    assert not Reminder.objects.filter(
        kind="agreements.signature_awaited", recipient=director, state="pending"
    ).exists()
    awaited = Reminder.objects.get(
        kind="agreements.signature_awaited", recipient=signatory, key__startswith=ANNEX_KEYS
    )
    assert awaited.subject == f"Annex 1 of the MoU “{mou.title}” awaits your signature"
    assert names(people_in_force(mou)) == ["John Representative"]

    annex = sign_annex(signatory, annex, Side.ORGANISATION)

    assert annex.status == PeopleAnnex.Status.SIGNED
    assert annex.signed_at is not None
    assert names(people_in_force(mou)) == ["María Member"]
    assert not Reminder.objects.filter(
        kind__startswith="agreements.signature", state="pending"
    ).exists()
    actions = AuditEntry.objects.filter(object_type="agreements.peopleannex").values_list(
        "action", flat=True
    )
    assert list(actions.order_by("seq")) == [
        "peopleannex.proposed",
        "peopleannex.certified",
        "peopleannex.pdf_prepared",
        "peopleannex.signed",
        "peopleannex.pdf_prepared",
    ]
    # The MoU itself is as it was signed.
    assert names(mou.people.all()) == ["John Representative"]
    assert Signature.objects.filter(annex__isnull=True).count() == 2


def test_nobody_signs_an_annex_twice_or_out_of_turn(
    mou, world, ngo_admin, director, signatory, outsider, maria, sign_annex
):
    annex = propose(ngo_admin, mou, added=[maria])
    sign_annex(director, annex, Side.ADMINISTRATION)
    with pytest.raises(DomainError, match="has signed this annex already"):
        annex_services.annex_sign(actor=director, annex=annex, side=Side.ADMINISTRATION)
    # A signatory of another organisation is not one of this organisation's.
    signing_services.signatory_authorise(
        actor=outsider, organisation=world.other_organisation, user=outsider
    )
    with pytest.raises(DomainError, match="authorised signatory"):
        annex_services.annex_sign(actor=outsider, annex=annex, side=Side.ORGANISATION)
    sign_annex(signatory, annex, Side.ORGANISATION)
    with pytest.raises(DomainError, match="nothing to sign: the annex is “Signed”"):
        annex_services.annex_sign(actor=signatory, annex=annex, side=Side.ORGANISATION)

    assert Signature.objects.filter(annex=annex).count() == 2


def test_the_organisation_countersigns_only_the_prepared_certified_copy(
    mou, ngo_admin, director, signatory, maria
):
    annex = propose(ngo_admin, mou, added=[maria])
    annex_services.annex_sign(actor=director, annex=annex, side=Side.ADMINISTRATION)

    with pytest.raises(DomainError, match="still being prepared"):
        annex_services.annex_sign(actor=signatory, annex=annex, side=Side.ORGANISATION)


def test_an_annex_is_not_signed_once_the_mou_is_suspended(mou, world, ngo_admin, director, maria):
    annex = propose(ngo_admin, mou, added=[maria])
    Accreditation.objects.filter(organisation=world.organisation).update(
        status=Accreditation.Status.SUSPENDED
    )

    with pytest.raises(DomainError, match="an annex is signed only while the MoU is in force"):
        annex_services.annex_sign(actor=director, annex=annex, side=Side.ADMINISTRATION)

    assert not Signature.objects.filter(annex=annex).exists()


def test_signed_annexes_apply_in_their_order_and_an_amendment_starts_from_them(
    mou, world, ngo_admin, director, signatory, maria, sign_annex
):
    rosa = cleared(world, "Rosa Instructor")
    first = propose(ngo_admin, mou, added=[maria, rosa])
    sign_annex(signatory, sign_annex(director, first, Side.ADMINISTRATION), Side.ORGANISATION)
    second = propose(director, mou, removed=[rosa], side=Side.ADMINISTRATION)
    sign_annex(signatory, sign_annex(director, second, Side.ADMINISTRATION), Side.ORGANISATION)

    assert names(people_in_force(mou)) == ["John Representative", "María Member"]
    amendment = mou_services.agreement_amend(
        actor=director, agreement=mou, side=Side.ADMINISTRATION
    )
    assert names(amendment.people.order_by("full_name")) == ["John Representative", "María Member"]


def test_withdrawing_an_annex_leaves_the_people_as_they_were(
    mou, ngo_admin, director, maria, sign_annex
):
    annex = sign_annex(director, propose(ngo_admin, mou, added=[maria]), Side.ADMINISTRATION)

    annex_services.annex_withdraw(actor=ngo_admin, annex=annex, reason="María left the centre.")

    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.WITHDRAWN
    assert annex.status_reason == "María left the centre."
    assert names(people_in_force(mou)) == ["John Representative"]
    assert not Reminder.objects.filter(
        kind__startswith="agreements.signature", state="pending"
    ).exists()
    with pytest.raises(DomainError, match="nothing to sign: the annex is “Withdrawn”"):
        annex_services.annex_sign(actor=director, annex=annex, side=Side.ADMINISTRATION)


def test_a_signed_annex_is_not_withdrawn(mou, ngo_admin, director, signatory, maria, sign_annex):
    annex = propose(ngo_admin, mou, added=[maria])
    sign_annex(signatory, sign_annex(director, annex, Side.ADMINISTRATION), Side.ORGANISATION)

    with pytest.raises(DomainError, match="A signed annex stays part of the MoU"):
        annex_services.annex_withdraw(actor=ngo_admin, annex=annex, reason="Changed our mind.")


def test_terminating_the_mou_withdraws_its_open_annex(mou, ngo_admin, director, maria):
    annex = propose(ngo_admin, mou, added=[maria])

    mou_services.agreement_terminate(actor=director, agreement=mou, reason="The programme ended.")

    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.WITHDRAWN
    entry = AuditEntry.objects.get(action="agreement.terminated")
    assert entry.changes["annex_withdrawn"] == 1
    assert not Reminder.objects.filter(key__startswith=ANNEX_KEYS, state="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_two_directors_racing_to_certify_an_annex_make_one_signature(
    mou, ngo_admin, director, second_director, maria
):
    annex = propose(ngo_admin, mou, added=[maria])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sign(user) -> None:
        barrier.wait()
        try:
            annex_services.annex_sign(actor=user, annex=annex, side=Side.ADMINISTRATION)
            outcomes.append("signed")
        except DomainError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign, args=(user,)) for user in (director, second_director)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "signed"]
    assert Signature.objects.filter(annex=annex).count() == 1


# The signed annex as a file ----------------------------------------------------------------------


@pytest.fixture
def signed_annex(mou, ngo_admin, director, signatory, maria, sign_annex):
    """Annex 1 adding María, signed by both sides; with the file as the director certified it."""
    annex = sign_annex(director, propose(ngo_admin, mou, added=[maria]), Side.ADMINISTRATION)
    certified = stored(annex)
    annex = sign_annex(signatory, annex, Side.ORGANISATION)
    return annex, certified, stored(annex)


def test_the_signed_annex_validates_against_the_administrations_root(signed_annex, authority):
    annex, certified, signed = signed_annex
    reader = PdfFileReader(io.BytesIO(signed))
    certification, approval = reader.embedded_regular_signatures

    assert [certification.field_name, approval.field_name] == ["administration", "organisation"]
    for status in statuses(signed, authority):
        assert status.intact and status.valid and status.trusted and status.bottom_line
    assert certification.docmdp_level == MDPPerm.FILL_FORMS
    assert signed.startswith(certified)
    assert PdfReader(io.BytesIO(signed)).xmp_metadata.pdfaid_part == "3"
    assert annex.pdf_status == PdfStatus.READY


def test_the_signed_annex_carries_its_change_as_data_and_says_the_rest_is_unchanged(
    signed_annex, mou, maria, director
):
    annex, _certified, signed = signed_annex
    attachments = PdfReader(io.BytesIO(signed)).attachments

    assert list(attachments) == ["annex.json"]
    embedded = json.loads(attachments["annex.json"][0])
    assert embedded == {**annex_data(annex), "identifier": f"{mou.reference}/A1"}
    assert embedded == embedded_annex(annex)
    assert (embedded["added"], embedded["removed"]) == ([maria.pk], [])
    text = pdf_text(signed)
    assert f"Annex 1 of the MoU “{mou.title}”" in text
    assert f"Reference {mou.reference}/A1" in text
    assert "María Member Field researcher" in text
    assert "All other terms of the memorandum of understanding are unchanged." in text
    assert (
        "People allowed to enter under the MoU with this annex John Representative, María" in text
    )
    assert f"{director.get_full_name()} Director" in text


def upload(client, content: bytes) -> str:
    response = client.post(url("verify"), {"document": SimpleUploadedFile("annex.pdf", content)})
    assert response.status_code == 200
    return text(response)


def test_the_verification_page_recognises_the_annex_and_its_mou(client, signed_annex, mou):
    _annex, certified, signed = signed_annex
    identifier = f"{mou.reference}/A1"

    page = upload(client, signed)

    assert "Intact: the file is exactly as it was signed." in page
    assert (
        f"It matches the register: this is the signed copy of annex 1 ({identifier}) of the MoU "
        f"{mou.reference}, signed by both sides." in page
    )
    assert f"{identifier} — Signed" in page
    assert mou.title in page
    earlier = upload(client, certified)
    assert f"It is an earlier copy of annex 1 ({identifier}) of the MoU {mou.reference}" in earlier
    # The MoU's own copy is still recognised as the MoU.
    assert "this is the signed copy of the MoU" in upload(client, stored(mou))


# The pages --------------------------------------------------------------------------------------


def test_the_mou_page_shows_the_people_in_force_and_the_annexes(
    client, mou, ngo_admin, director, signatory, maria, sign_annex
):
    login(client, ngo_admin)
    page = text(client.get(url("agreement_detail", mou.pk)))
    assert "Add or remove people by an annex" in page
    annex = propose(ngo_admin, mou, added=[maria])
    sign_annex(signatory, sign_annex(director, annex, Side.ADMINISTRATION), Side.ORGANISATION)

    page = text(client.get(url("agreement_detail", mou.pk)))

    assert "María Member — Field researcher" in page
    assert "People named when the MoU was signed" in page
    assert f'href="{annex.get_absolute_url()}"' in page
    assert "Annex 1" in page and "Signed" in page


def test_a_negotiator_proposes_on_the_page_and_bad_choices_keep_what_was_ticked(
    client, mou, world, ngo_admin, maria
):
    login(client, ngo_admin)
    path = url("annex_new", mou.pk)
    form = text(client.get(path))
    assert "María Member (Field researcher)" in form
    john = mou.people.get()

    refused = client.post(path, {"removed": [john.pk]})

    assert refused.status_code == 200
    assert "The MoU would allow nobody to enter." in text(refused)
    assert re.search(rf'name="removed" value="{john.pk}"[^>]* checked', text(refused))
    assert not PeopleAnnex.objects.exists()

    response = client.post(path, {"added": [maria.pk]})

    annex = PeopleAnnex.objects.get()
    assert response.status_code == 302
    assert response["Location"] == annex.get_absolute_url()
    page = text(client.get(annex.get_absolute_url()))
    assert "María Member — Field researcher" in page
    assert "Withdraw the annex" in page


def test_the_director_signs_the_annex_with_password_and_code(
    client, mou, ngo_admin, director, maria, django_capture_on_commit_callbacks
):
    annex = propose(ngo_admin, mou, added=[maria])
    login(client, director)
    assert "Sign for the administration" in text(client.get(annex.get_absolute_url()))
    wrong = client.post(url("annex_certify", annex.pk), {"password": "wrong", "code": "000000"})
    assert "That password is not right." in text(wrong)
    assert not Signature.objects.filter(annex=annex).exists()

    with django_capture_on_commit_callbacks(execute=True):  # the worker prepares the copy
        response = client.post(
            url("annex_certify", annex.pk), {"password": PASSWORD, "code": code_now(director)}
        )

    assert response.status_code == 302
    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.CERTIFIED
    page = text(client.get(annex.get_absolute_url()))
    assert "Download the copy signed by the administration (PDF)" in page
    download = client.get(url("annex_pdf", annex.pk))
    assert download["Content-Disposition"].startswith("attachment;")


def test_a_signatory_countersigns_the_annex_with_password_and_code(
    client,
    mou,
    ngo_admin,
    director,
    signatory,
    maria,
    sign_annex,
    django_capture_on_commit_callbacks,
):
    annex = sign_annex(director, propose(ngo_admin, mou, added=[maria]), Side.ADMINISTRATION)
    login(client, signatory)
    assert "Countersign for the organisation" in text(client.get(annex.get_absolute_url()))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("annex_countersign", annex.pk),
            {"password": PASSWORD, "code": code_now(signatory)},
        )

    assert response.status_code == 302
    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.SIGNED
    assert "Download the signed annex (PDF)" in text(client.get(annex.get_absolute_url()))


def test_withdrawing_on_the_page_needs_a_reason(client, mou, ngo_admin, director, maria):
    annex = propose(ngo_admin, mou, added=[maria])
    login(client, director)
    path = url("annex_withdraw", annex.pk)

    refused = client.post(path, {"reason": ""})

    assert refused.status_code == 200
    assert "This field is required." in text(refused)
    response = client.post(path, {"reason": "María's clearance is under review."})
    assert response.status_code == 302
    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.WITHDRAWN
    assert "María's clearance is under review." in text(client.get(annex.get_absolute_url()))


def test_who_may_not_sign_or_propose_is_told_why(
    client, mou, ngo_admin, ngo_member, coordinator, director, maria
):
    annex = propose(ngo_admin, mou, added=[maria])
    login(client, ngo_member)
    assert client.get(annex.get_absolute_url()).status_code == 200
    refusals = {
        url("annex_new", mou.pk): "Only the negotiators of the two sides propose",
        url("annex_certify", annex.pk): "Only the administration's director signs a people annex",
        url("annex_countersign", annex.pk): "Only a person the organisation authorised to sign",
    }
    for path, reason in refusals.items():
        response = client.get(path)
        assert response.status_code == 403
        assert reason in text(response)
    assert client.post(url("annex_withdraw", annex.pk), {"reason": "x"}).status_code == 403
    # The coordinator negotiates but signs nothing; John signs for the organisation only.
    login(client, coordinator)
    assert client.get(url("annex_certify", annex.pk)).status_code == 403
    assert client.get(url("annex_countersign", annex.pk)).status_code == 403
    login(client, ngo_admin)
    assert client.get(url("annex_certify", annex.pk)).status_code == 403
    assert not Signature.objects.filter(annex=annex).exists()


def test_another_administration_and_organisation_do_not_find_the_annex(
    client, mou, world, ngo_admin, other_director, outsider, maria
):
    annex = propose(ngo_admin, mou, added=[maria])
    Signatory.objects.create(
        organisation=world.other_organisation, user=outsider, authorised_by=outsider
    )
    for user in (other_director, outsider):
        login(client, user)
        for name in ("annex_detail", "annex_certify", "annex_countersign", "annex_pdf"):
            assert client.get(url(name, annex.pk)).status_code == 404
        assert client.get(url("annex_new", mou.pk)).status_code == 404
        assert client.post(url("annex_withdraw", annex.pk), {"reason": "x"}).status_code == 404
    annex.refresh_from_db()
    assert annex.status == PeopleAnnex.Status.DRAFT


def test_anonymous_visitors_are_sent_to_log_in(client, mou, ngo_admin, maria):
    annex = propose(ngo_admin, mou, added=[maria])
    for path in (
        url("annex_new", mou.pk),
        url("annex_detail", annex.pk),
        url("annex_certify", annex.pk),
        url("annex_pdf", annex.pk),
    ):
        assert_login_redirect(client.get(path), path)


def test_the_annex_page_makes_the_same_queries_for_one_person_and_many(
    client, mou, world, ngo_admin, director, maria
):
    annex = propose(ngo_admin, mou, added=[maria])
    login(client, director)
    path = annex.get_absolute_url()
    client.get(path)
    one = count_queries(client, path)
    annex.added.add(*(cleared(world, f"Volunteer {n:02d}") for n in range(30)))

    assert count_queries(client, path) == one
    assert "Volunteer 29" in text(client.get(path))


def test_the_mou_page_makes_the_same_queries_for_one_annex_and_many(
    client, mou, world, ngo_admin, director, maria
):
    login(client, director)
    path = url("agreement_detail", mou.pk)
    PeopleAnnex.objects.create(
        agreement=mou, number=1, created_by=director, status=PeopleAnnex.Status.WITHDRAWN
    ).added.add(maria)
    client.get(path)
    one = count_queries(client, path)
    for number in range(2, 12):
        withdrawn = PeopleAnnex.objects.create(
            agreement=mou, number=number, created_by=director, status=PeopleAnnex.Status.WITHDRAWN
        )
        withdrawn.added.add(cleared(world, f"Volunteer {number:02d}"))
        withdrawn.removed.add(mou.people.get())

    assert count_queries(client, path) == one
    assert "Volunteer 11" in text(client.get(path))


def test_the_dashboard_shows_an_annex_awaiting_each_sides_signature(
    client, mou, ngo_admin, director, signatory, other_director, maria, sign_annex
):
    dashboard = reverse("dashboard")
    annex = propose(ngo_admin, mou, added=[maria])
    page = text(login(client, director).get(dashboard))
    assert "A people annex awaits your side's signature" in page
    assert mou.title in page
    assert "A people annex" not in text(login(client, signatory).get(dashboard))
    assert mou.title not in text(login(client, other_director).get(dashboard))

    sign_annex(director, annex, Side.ADMINISTRATION)

    assert "A people annex" not in text(login(client, director).get(dashboard))
    assert "A people annex awaits your side's signature" in text(
        login(client, signatory).get(dashboard)
    )
